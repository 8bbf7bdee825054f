import { request } from 'node:http';
import { SseClient } from '../libs/subscriptions/src/testing/sse-client';
import { readUntilCaughtUp } from '../libs/subscriptions/src/testing/feed-fixtures';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * Problem answers the OpenAPI document promises and a newcomer meets first: a POST without a
 * content type says what to send; the provisions feed refuses a filter naming what the register
 * does not know, as the queries do (404 naming it), instead of a silent, empty stream; and an
 * empty filter of either feed (`?types=&streams=`) means no filter.
 */

/** A POST with exactly these headers (fetch would add a content type of its own). */
function rawPost(url: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; contentType: string; body: { code: string; detail: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: JSON.parse(text) as { code: string; detail: string } }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const PROVISIONS = '/v1/subscriptions/provisions';
const EVENTS = '/v1/subscriptions/events';

describe('problem answers a newcomer meets', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it.each([
    ['no content type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('a POST with %s is 415 saying that application/json is expected', async (_what, headers) => {
    const reply = await rawPost(running.url, '/v1/agreements/media-type-agr/signatures', headers, JSON.stringify({ party: '0580', signedOn: '2019-12-18' }));
    expect(reply.status).toBe(415);
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(reply.body.code).toBe('unsupported-media-type');
    expect(reply.body.detail).toMatch(/Content-Type: application\/json/);
  });

  it.each([
    [`${PROVISIONS}?serviceArea=payrol`, "There is no service area 'payrol'."],
    [`${PROVISIONS}?municipality=9999`, 'There is no municipality 9999.'],
    [`${PROVISIONS}?county=99`, 'There is no county 99.'],
    [`${PROVISIONS}?snapshot=true&municipality=0580,9999&county=05,99&serviceArea=payroll,payrol`, "There is no municipality 9999, no county 99, no service area 'payrol'."],
    [`${PROVISIONS}?serviceArea=payrol&lastEventId=0`, "There is no service area 'payrol'."],
  ])('%s is 404 not-found naming what is unknown, as the queries answer', async (path, detail) => {
    const refused = await SseClient.open(`${running.url}${path}`);
    expect(refused.status).toBe(404);
    expect(String(refused.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 404, code: 'not-found', detail });
  });

  it('the queries refuse the same names with the same problem', async () => {
    const api = client(running.url);
    expect((await api.get('/v1/municipalities/0580/provisions/payrol')).body).toMatchObject({ status: 404, code: 'not-found', detail: "There is no service area 'payrol'." });
    expect((await api.get('/v1/municipalities/9999')).body).toMatchObject({ status: 404, code: 'not-found', detail: 'There is no municipality 9999.' });
  });

  it('a known filter still streams (snapshot of the cells it names)', async () => {
    const stream = await readUntilCaughtUp(`${running.url}${PROVISIONS}?snapshot=true&municipality=0580&county=05&serviceArea=payroll`);
    expect(stream.of('provision-snapshot').map((m) => `${m.data.municipality}/${m.data.serviceArea}`)).toEqual(['0580/payroll']);
  });

  it.each([`${EVENTS}?types=&streams=`, `${EVENTS}?types=`, `${PROVISIONS}?municipality=&county=&serviceArea=`])('%s: an empty filter is no filter', async (path) => {
    const stream = await readUntilCaughtUp(`${running.url}${path}`, { 'last-event-id': '0' });
    expect(stream.status).toBe(200);
    if (path.startsWith(EVENTS)) {
      // Every event from the start: the reference data's, of both types, from every stream category it has.
      const types = new Set(stream.of('domain-event').map((m) => m.data.type));
      expect(types).toEqual(new Set(['MunicipalityRegistered', 'ServiceAreaDefined']));
    }
  });
});
