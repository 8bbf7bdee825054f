import Ajv, { ValidateFunction } from 'ajv';
import { loadScenario, runScenario, scenarioIds, ScenarioRun } from '../scenarios/scenario-runner';
import { exampleOf, OpenApi, Operation, Parameter, Schema } from './support/openapi-document';
import { client, Json, Reply, RunningApp, startApp } from './support/start-app';

/**
 * The OpenAPI document says what the service answers; this holds it to that. With the seed
 * stories loaded, every documented GET that answers JSON is called (path parameters from the
 * document's own examples; without a query, with its query parameters' examples, and as known
 * at a time) and every command answer of the stories is taken, and each body is validated with
 * ajv against the schema the operation documents for that status. A schema that lists its
 * properties (every DTO) is closed: a property it does not document fails, as a missing
 * required one or a wrong type does.
 */

/** The GETs that answer no JSON (an event stream, NDJSON): described by docs/asyncapi.json and docs/audit.md instead. */
/** GETs whose query parameters are required: asked plainly they are a 400 problem, asked with their examples a 200. */
const REQUIRED_QUERY = ['GET /v1/audit/proofs/inclusion', 'GET /v1/audit/proofs/consistency'];
const NOT_JSON = ['GET /v1/subscriptions/provisions', 'GET /v1/subscriptions/events', 'GET /v1/audit/export', 'GET /v1/audit/checkpoint', 'GET /v1/audit/checkpoints/{treeSize}'];

/**
 * Every schema in `schema` that lists properties and says nothing about others, closed
 * (additionalProperties: false). A branch of an allOf only narrows the whole (as the problem
 * answers narrow `code`), so it is not closed itself; what it refers to is.
 */
function closed(schema: unknown, branch = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => closed(item, branch));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'example' ? value : closed(value, key === 'allOf')]));
  if (!branch && 'properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}


describe('the OpenAPI schemas match the answers (seed stories S1–S5)', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let doc: OpenApi;
  const runs: Record<string, ScenarioRun> = {};
  let position = 0;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<string, ValidateFunction>();

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    doc = (await api.get('/docs-json')).body as OpenApi;
    ajv.addSchema({ $id: 'openapi', components: { schemas: closed(doc.components.schemas) } });
    for (const id of scenarioIds()) {
      runs[id] = await runScenario(running.url, loadScenario(id));
      position = Math.max(position, runs[id].position);
    }
  }, 120_000);
  afterAll(() => running.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, method, operation })));

  /** The documented schema of an answer: the operation's response for that status and media type (a failure when there is none). */
  function validator(route: string, operation: Operation, status: number, mediaType: string): ValidateFunction {
    const key = `${route} ${status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) {
      const schema = operation.responses[String(status)]?.content?.[mediaType]?.schema;
      if (!schema) throw new Error(`${route} answered ${status} ${mediaType}, which it does not document`);
      validate = ajv.compile(JSON.parse(JSON.stringify(closed(schema)).replaceAll('"#/components/', '"openapi#/components/')) as Schema);
      validators.set(key, validate);
    }
    return validate;
  }

  /** Fails naming the route, the URL and ajv's findings when the body is not what the document says. */
  function expectDocumented(route: string, operation: Operation, url: string, reply: Reply): void {
    const mediaType = (reply.headers.get('content-type') ?? '').split(';')[0];
    const validate = validator(route, operation, reply.status, mediaType);
    if (!validate(reply.body)) throw new Error(`${route} (${url}) answered ${reply.status} off its schema:\n${JSON.stringify(validate.errors, null, 2)}\n${reply.text.slice(0, 2000)}`);
  }

  function urlOf(path: string, operation: Operation, query: Record<string, string>): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const example = exampleOf((operation.parameters ?? []).find((p) => p.in === 'path' && p.name === name) as Parameter);
      if (example === undefined) throw new Error(`${path}: the path parameter ${name} has no example (Try-it-out would have nothing to send)`);
      return encodeURIComponent(String(example));
    });
    const search = new URLSearchParams(query).toString();
    return search ? `${filled}?${search}` : filled;
  }

  it('calls every documented GET, plain, with its examples and as known at a time, and each answer is as documented', async () => {
    // After every story: each query answers through its knownAt path, with everything known.
    const knownAt = new Date().toISOString();
    let checked = 0;
    for (const { route, path, method, operation } of operations()) {
      if (method !== 'get' || NOT_JSON.includes(route)) continue;
      expect({ route, documented: Object.keys(operation.responses['200']?.content ?? {}) }).toEqual({ route, documented: expect.arrayContaining(['application/json']) });
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const examples = Object.fromEntries(query.flatMap((p) => (exampleOf(p) === undefined ? [] : [[p.name, String(exampleOf(p))]])));
      const ready: Record<string, string> = query.some((p) => p.name === 'minPosition') ? { minPosition: String(position) } : {};
      const variants: Record<string, string>[] = REQUIRED_QUERY.includes(route) ? [{ ...examples, ...ready }] : [ready, { ...examples, ...ready }];
      if (REQUIRED_QUERY.includes(route)) {
        const plain = await api.get(urlOf(path, operation, {}));
        expect({ route, status: plain.status, type: plain.headers.get('content-type') }).toEqual({ route, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
      }
      if (query.some((p) => p.name === 'knownAt')) variants.push({ ...ready, knownAt });
      for (const variant of variants) {
        const url = urlOf(path, operation, variant);
        const reply = await api.get(url);
        expect({ url, status: reply.status }).toEqual({ url, status: 200 });
        expectDocumented(route, operation, url, reply);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(55);
  });

  it('every command answer of the stories (201, 200 and the expected refusals) is as documented', () => {
    const commands = operations().filter((o) => o.method === 'post');
    const templateOf = (path: string) => commands.find((o) => new RegExp(`^${o.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
    let checked = 0;
    const statuses = new Set<number>();
    for (const run of Object.values(runs)) {
      for (const { step, status, body } of run.results) {
        const command = templateOf(step.path as string);
        if (!command) throw new Error(`${step.path} is not a documented command`);
        const mediaType = status < 300 ? 'application/json' : 'application/problem+json';
        const validate = validator(command.route, command.operation, status, mediaType);
        if (!validate(body)) throw new Error(`${command.route} (${step.path}) answered ${status} off its schema:\n${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(body)}`);
        statuses.add(status);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 201, 422]));
  });

  it('answers each event a command appended as { type, id }', () => {
    const answered = Object.values(runs).flatMap((run) => run.results.filter((r) => r.status < 300).flatMap((r) => (r.body as { events: Json[] }).events));
    expect(answered.length).toBeGreaterThan(50);
    for (const event of answered) expect(Object.keys(event as object).sort()).toEqual(['id', 'type']);
  });

  it.each([
    ['GET /v1/municipalities/{code}', '/v1/municipalities/9999', 404],
    ['GET /v1/municipalities/{code}/provisions/{area}', '/v1/municipalities/0580/provisions/payrol', 404],
    ['GET /v1/arrangements/{id}/timeline', '/v1/arrangements/no-such-arrangement/timeline', 404],
    ['GET /v1/agreements/{id}', '/v1/agreements/lkp-buys-payroll-2020?knownAt=2001-01-01T00:00:00Z', 404],
    ['GET /v1/municipalities', '/v1/municipalities?county=5', 400],
    ['GET /v1/matrix', '/v1/matrix?on=2019-02-30', 400],
    ['GET /v1/attention', '/v1/attention?minPosition=999999999', 504],
    ['GET /v1/audit/streams/{stream}', '/v1/audit/streams/municipality-9999', 404],
  ])('%s: a refusal (%s) is a documented problem', async (route, url, status) => {
    const [method, path] = route.split(' ');
    const operation = doc.paths[path][method.toLowerCase()];
    const reply = await api.get(url);
    expect(reply.status).toBe(status);
    expectDocumented(route, operation, url, reply);
  }, 15_000);
});
