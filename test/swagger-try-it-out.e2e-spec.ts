import { SseClient } from '../libs/subscriptions/src/testing/sse-client';
import { readUntilCaughtUp } from '../libs/subscriptions/src/testing/feed-fixtures';
import { exampleOf, OpenApi, Operation, Parameter } from './support/openapi-document';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * Swagger UI as a newcomer uses it: on a fresh register with keys configured, "Authorize" with
 * a key, then "Try it out" on each query, which sends every parameter the document gives an
 * example for. Nothing it fills in may make a call wait or fail: the answer is the one the same
 * call gets without any query parameter (an example id in the path may well be unknown on a
 * fresh register: 404 either way). Authorize works because every operation but /health asks
 * for the key, so Swagger UI sends it.
 */

const KEY = 'try-it-out-admin-key-0123456789';

describe('Swagger UI on a fresh register with keys: Authorize and Try it out', () => {
  let running: RunningApp;
  let doc: OpenApi;
  const authorized = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: KEY, HOST: '127.0.0.1', SAMVERKAN_RATE_LIMIT: '0' } });
    const reply = await client(running.url).get('/docs-json');
    expect(reply.status).toBe(200);
    doc = reply.body as OpenApi;
  });
  afterAll(() => running.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, method, operation })));

  function urlOf(path: string, operation: Operation, withExamples: boolean): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(exampleOf((operation.parameters ?? []).find((p) => p.in === 'path' && p.name === name) as Parameter))));
    const query = (operation.parameters ?? []).filter((p) => p.in === 'query' && withExamples && exampleOf(p) !== undefined).map((p): [string, string] => [p.name, String(exampleOf(p))]);
    return query.length > 0 ? `${filled}?${new URLSearchParams(query).toString()}` : filled;
  }

  it('declares the API key as an opaque bearer key, not a JWT', () => {
    const schemes = Object.values(doc.components.securitySchemes);
    expect(schemes).toHaveLength(1);
    expect(schemes[0]).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes[0].bearerFormat).toBeUndefined();
    expect(schemes[0].description).toMatch(/opaque/i);
    expect(schemes[0].description).toMatch(/not a JWT/);
  });

  it('asks for the key on every operation but /health, which is open', async () => {
    const [scheme] = Object.keys(doc.components.securitySchemes);
    for (const { route, operation } of operations()) {
      expect({ route, security: operation.security }).toEqual({ route, security: route === 'GET /health' ? undefined : [{ [scheme]: [] }] });
    }
    expect((await client(running.url).get('/health')).status).toBe(200);
  });

  it('keeps the key given to Authorize across a reload of /docs', async () => {
    const init = await client(running.url).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });

  it('every query, tried with its examples and the key, answers at once as it does without them', async () => {
    let tried = 0;
    for (const { route, path, method, operation } of operations()) {
      if (method !== 'get' || !operation.responses['200']?.content?.['application/json']) continue;
      const api = client(running.url, authorized);
      const started = Date.now();
      const tryItOut = await api.get(urlOf(path, operation, true));
      const ms = Date.now() - started;
      const plain = await api.get(urlOf(path, operation, false));
      // A query with required parameters (the audit proofs) is a 400 without them; with its examples it answers.
      const required = (operation.parameters ?? []).some((p) => p.in === 'query' && (p as { required?: boolean }).required === true);
      if (required) expect({ route, status: plain.status, code: plain.body?.code }).toEqual({ route, status: 400, code: 'validation-failed' });
      else expect({ route, status: tryItOut.status, code: tryItOut.body?.code }).toEqual({ route, status: plain.status, code: plain.body?.code });
      expect({ route, answered: [200, 404].includes(tryItOut.status) }).toEqual({ route, answered: true });
      expect({ route, fast: ms < 2000 }).toEqual({ route, fast: true });
      // Without the key the same call is refused: "Authorize" is what makes it work (/health is open).
      expect({ route, status: (await client(running.url).get(urlOf(path, operation, true))).status }).toEqual({ route, status: operation.security ? 401 : 200 });
      tried++;
    }
    expect(tried).toBeGreaterThanOrEqual(21);
  });

  it.each(['/v1/subscriptions/provisions', '/v1/subscriptions/events'])('%s, tried with its examples and the key, streams', async (path) => {
    const operation = doc.paths[path].get;
    const url = `${running.url}${urlOf(path, operation, true)}`;
    const stream = await readUntilCaughtUp(url, authorized, 5000);
    expect(stream.status).toBe(200);
    expect((await SseClient.open(url)).status).toBe(401);
  });
});
