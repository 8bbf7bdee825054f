import Ajv, { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '@samverkan/domain';
import { readUntilCaughtUp } from '../libs/subscriptions/src/testing/feed-fixtures';
import { SseClient, SseMessage } from '../libs/subscriptions/src/testing/sse-client';
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { Json, RunningApp, client, startApp } from './support/start-app';

/**
 * docs/asyncapi.json is checked against what the feeds actually send: the seed stories and a
 * few more commands produce every event type, and every message the service sent (changes,
 * snapshot, caught-up, domain events, the final error) must match its message's payload schema.
 * The schemas forbid unknown fields, so a payload that grows or loses a field fails here.
 */
const DOCUMENT_PATH = join(__dirname, '..', 'docs', 'asyncapi.json');
const document: Json = JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8'));

/** The message (by SSE event name) of a channel, its payload validator, compiled from the document itself. */
function validators(): Map<string, Map<string, ValidateFunction>> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(document, 'asyncapi');
  const byChannel = new Map<string, Map<string, ValidateFunction>>();
  for (const definition of Object.values<Json>(document.channels)) {
    const messages = new Map<string, ValidateFunction>();
    for (const ref of Object.values<Json>(definition.messages)) {
      const key = (ref.$ref as string).replace('#/components/messages/', '');
      const message = document.components.messages[key];
      messages.set(message.name, ajv.compile({ $ref: `asyncapi#/components/messages/${key}/payload` }));
    }
    byChannel.set(definition.address, messages);
  }
  return byChannel;
}

function resolvePointer(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<Json>((node, part) => (node === undefined ? undefined : node[part.replace(/~1/g, '/').replace(/~0/g, '~')]), document);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('AsyncAPI document (docs/asyncapi.json) against the actual payloads', () => {
  let running: RunningApp;
  const seen = new Map<string, SseMessage[]>(); // "<address> <event>" → messages

  const collect = (address: string, messages: SseMessage[]) => {
    for (const m of messages) {
      const key = `${address} ${m.event}`;
      seen.set(key, [...(seen.get(key) ?? []), m]);
    }
  };

  beforeAll(async () => {
    running = await startApp();
    const api = client(running.url);
    const post = async (path: string, body: unknown) => {
      const reply = await api.post(path, body);
      if (reply.status >= 300) throw new Error(`${path}: ${reply.status} ${reply.text}`);
      return reply.body;
    };
    for (const id of scenarioIds()) await runScenario(running.url, loadScenario(id));
    // What the stories do not do: joins, departures with successors, corrections, reviews, rejection, extension, termination, a concluded study.
    await post('/v1/federations', { id: 'aa-forbund', name: 'AA-förbundet', form: 'federation', members: ['0509', '0512'], serviceAreas: ['archives'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    await post('/v1/federations/aa-forbund/members', { municipality: '0513', decidedOn: '2010-06-01', effectiveFrom: '2011-01-01' });
    await post('/v1/municipalities/0509/transfers', { serviceArea: 'archives', basis: { kind: 'federation', id: 'aa-forbund' }, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    await post('/v1/municipalities/0512/transfers', { serviceArea: 'archives', basis: { kind: 'federation', id: 'aa-forbund' }, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    const history = await api.get('/v1/municipalities/0509/provisions/archives/history');
    const transferId = history.body.find((h: { transferId?: string }) => h.transferId).transferId;
    await post('/v1/municipalities/0509/corrections', { transferId, reason: 'Recorded a year early', replacement: { serviceArea: 'archives', basis: { kind: 'federation', id: 'aa-forbund' }, decidedOn: '2010-06-01', effectiveFrom: '2011-01-01' } });
    await post('/v1/federations/aa-forbund/departures', { municipality: '0512', decidedOn: '2014-06-01', effectiveFrom: '2015-01-01', successors: [{ municipality: '0512', serviceArea: 'archives', basis: { kind: 'in-house' } }] });
    await post('/v1/arrangements/aa-forbund/reviews', { reviewedOn: '2016-05-01', outcome: 'continue', note: 'Fortsätter' });
    await post('/v1/agreements', { id: 'aa-rejected', kind: 'service', title: 'Arkiv', parties: ['0509', '0512'], provider: { kind: 'municipality', code: '0509' }, buyers: ['0512'], serviceAreas: ['archives'], validFrom: '2016-01-01', councilApprovalRequired: true });
    await post('/v1/agreements/aa-rejected/council-decisions', { municipality: '0512', decidedOn: '2015-10-01', outcome: 'rejected', reference: 'KF §12' });
    await post('/v1/agreements/lkp-buys-payroll-2020/extension', { validUntil: '2025-12-31', decidedOn: '2022-06-20' });
    await post('/v1/agreements/lkp-buys-payroll-2020/termination', { decidedOn: '2024-01-10', effectiveFrom: '2024-07-01', reason: 'Linköping takes payroll back', successors: [{ municipality: '0580', serviceArea: 'payroll', basis: { kind: 'in-house' } }] });
    await post('/v1/studies/stromsund-organisationsoversyn-2015/conclusion', { concludedOn: '2016-05-30', recommendation: 'partly', summary: 'Delvis genomförd' });

    const provisions = '/v1/subscriptions/provisions';
    const events = '/v1/subscriptions/events';
    collect(provisions, (await readUntilCaughtUp(`${running.url}${provisions}`, { 'last-event-id': '0' })).messages);
    collect(provisions, (await readUntilCaughtUp(`${running.url}${provisions}?snapshot=true&county=05`)).messages);
    collect(events, (await readUntilCaughtUp(`${running.url}${events}`, { 'last-event-id': '0' })).messages);
    // The final error: open one stream on each feed and shut the service down.
    const open = [await SseClient.open(`${running.url}${provisions}`), await SseClient.open(`${running.url}${events}`)];
    await Promise.all(open.map((s) => s.waitFor((m) => m.event === 'caught-up')));
    await running.close();
    await Promise.all(open.map((s) => s.ended));
    collect(provisions, open[0].messages.filter((m) => m.event === 'error'));
    collect(events, open[1].messages.filter((m) => m.event === 'error'));
  });

  it('is served at /asyncapi.json exactly as checked in', async () => {
    const again = await startApp();
    try {
      const reply = await fetch(`${again.url}/asyncapi.json`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await reply.json()).toEqual(document);
    } finally {
      await again.close();
    }
  });

  it('is an AsyncAPI 3 document whose references all resolve, and whose operations receive their channel’s messages', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.keys(document.channels).sort()).toEqual(['events', 'provisions']);
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect({ ref, resolves: resolvePointer(ref) !== undefined }).toEqual({ ref, resolves: true });
    for (const operation of Object.values<Json>(document.operations)) {
      expect(operation.action).toBe('receive');
      const channel = (operation.channel.$ref as string).replace('#/channels/', '');
      for (const message of operation.messages) expect(message.$ref).toMatch(new RegExp(`^#/channels/${channel}/messages/`));
      expect(operation.bindings.http.method).toBe('GET');
    }
    expect(Object.values<Json>(document.channels).map((c) => c.address).sort()).toEqual(['/v1/subscriptions/events', '/v1/subscriptions/provisions']);
  });

  it('every payload the feeds sent matches its message schema', () => {
    const byChannel = validators();
    let checked = 0;
    const failures: string[] = [];
    for (const [key, messages] of seen) {
      const [address, event] = key.split(' ');
      const validate = byChannel.get(address)?.get(event);
      if (!validate) {
        failures.push(`${key}: no such message in the document`);
        continue;
      }
      for (const m of messages) {
        checked++;
        if (!validate(m.data)) failures.push(`${key} ${JSON.stringify(m.data).slice(0, 300)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
  });

  it('every message of the document was sent, and every event type', () => {
    for (const definition of Object.values<Json>(document.channels)) {
      for (const ref of Object.values<Json>(definition.messages)) {
        const message = document.components.messages[(ref.$ref as string).replace('#/components/messages/', '')];
        expect({ key: `${definition.address} ${message.name}`, sent: seen.has(`${definition.address} ${message.name}`) }).toEqual({ key: `${definition.address} ${message.name}`, sent: true });
      }
    }
    const types = new Set((seen.get('/v1/subscriptions/events domain-event') ?? []).map((m) => m.data.type));
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
    expect(document.components.schemas.DomainEvent.properties.type.enum.sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('the schemas have teeth: a changed payload fails', () => {
    const validate = validators().get('/v1/subscriptions/provisions')?.get('provision-changed') as ValidateFunction;
    const sample = (seen.get('/v1/subscriptions/provisions provision-changed') ?? [])[0].data;
    expect(validate(sample)).toBe(true);
    expect(validate({ ...sample, extra: 1 })).toBe(false);
    const { effectiveFrom: _dropped, ...missing } = sample;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...sample, basis: { kind: 'agreement' } })).toBe(false);
    const events = validators().get('/v1/subscriptions/events')?.get('domain-event') as ValidateFunction;
    const transfer = (seen.get('/v1/subscriptions/events domain-event') ?? []).find((m) => m.data.type === 'ServiceTransferred')?.data;
    expect(events(transfer)).toBe(true);
    expect(events({ ...transfer, data: { ...transfer.data, effectiveFrom: '1 January 2020' } })).toBe(false);
  });
});
