import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * The whole service on EventStoreDB, spoken to over its real gRPC protocol. There is no
 * EventStoreDB on CI machines, so this runs against the in-process double, once per append
 * path the client can take (BatchAppend, and Append when the server does not offer it).
 * With EVENTSTORE_CONNECTION_STRING set (`npm run test:esdb`), S1 also runs on that server.
 */
const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
const onDouble = realServer ? describe.skip : describe;

(realServer ? describe : describe.skip)('the service on the EventStoreDB at EVENTSTORE_CONNECTION_STRING', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ store: new EventStoreDbEventStore(realServer as string) });
  });
  afterAll(() => running.close());

  it('runs seed story S1 with the expected answers (idempotent, so it can run again on the same server)', async () => {
    const api = client(running.url);
    const run = await runScenario(running.url, loadScenario('s1'));
    const payroll = async (on: string) => (await api.get(`/v1/municipalities/0580/provisions/payroll?on=${on}&minPosition=${run.position}`)).body;
    expect(await payroll('2019-12-31')).toMatchObject({ basis: { kind: 'federation', id: 'fjarde-storstadsregionen' } });
    expect(await payroll('2020-01-01')).toMatchObject({ provider: { code: '0581' }, basis: { kind: 'agreement' } });
  });
});

onDouble.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append', batchAppend: false },
])('the service on EventStoreDB (the double, appending through $path)', ({ path, batchAppend }) => {
  let double: EventStoreDbDouble;
  let running: RunningApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    double = new EventStoreDbDouble({ batchAppend });
    await double.start();
    running = await startApp({ store: new EventStoreDbEventStore(double.connectionString) });
    api = client(running.url);
  });
  afterAll(async () => {
    await running.close();
    await double.stop();
  });

  it('registers the reference data on EventStoreDB and reports it on /health', async () => {
    const health = await api.get('/health');
    expect(health.body).toMatchObject({ status: 'ok', store: 'eventstoredb' });
    expect((await api.get('/v1/municipalities')).body).toHaveLength(290);
    expect(double.callCount(path as 'BatchAppend' | 'Append')).toBeGreaterThan(0);
    expect(double.callCount(batchAppend ? 'Append' : 'BatchAppend')).toBe(0);
  });

  it('runs seed story S1 with the expected answers', async () => {
    const run = await runScenario(running.url, loadScenario('s1'));
    const payroll = async (on: string, extra = '') => (await api.get(`/v1/municipalities/0580/provisions/payroll?on=${on}&minPosition=${run.position}${extra}`)).body;
    expect(await payroll('2019-12-31')).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, basis: { kind: 'federation' } });
    expect(await payroll('2020-01-01')).toMatchObject({ provider: { kind: 'municipality', code: '0581' }, basis: { kind: 'agreement', id: 'lkp-buys-payroll-2020' } });
    expect(await payroll('2023-01-01')).toMatchObject({ basis: { kind: 'in-house' }, lapsed: true });
    expect(await payroll('2020-06-01', `&knownAt=${encodeURIComponent(run.marks['after-proposal'])}`)).toMatchObject({ basis: { kind: 'federation' } });
    const attention = await api.get(`/v1/attention?on=2023-01-01&minPosition=${run.position}`);
    expect(attention.body).toContainEqual(expect.objectContaining({ kind: 'provision-lapsed', subject: '0580/payroll' }));
    // Positions on EventStoreDB are commit positions: not contiguous, but they order the answers.
    expect(run.position).toBeGreaterThan(1000);
  });

  it('a retried command (same Idempotency-Key) appends nothing on EventStoreDB either', async () => {
    const body = { serviceArea: 'it-support', basis: { kind: 'in-house' }, decidedOn: '2021-01-01', effectiveFrom: '2021-02-01' };
    const first = await api.post('/v1/municipalities/0114/transfers', body, { 'idempotency-key': `esdb-${path}-retry` });
    const again = await api.post('/v1/municipalities/0114/transfers', body, { 'idempotency-key': `esdb-${path}-retry` });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const events = await running.store.readStream('municipality-0114');
    expect(events.filter((e) => e.type === 'ServiceTransferred')).toHaveLength(1);
  });
});

onDouble('the service when EventStoreDB goes away and comes back', () => {
  let double: EventStoreDbDouble;
  let running: RunningApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    double = new EventStoreDbDouble();
    await double.start();
    running = await startApp({ store: new EventStoreDbEventStore(double.connectionString) });
    api = client(running.url);
  });
  afterAll(async () => {
    await running.close();
    await double.stop();
  });

  const transfer = (code: string, effectiveFrom: string) =>
    api.post(`/v1/municipalities/${code}/transfers`, { serviceArea: 'switchboard', basis: { kind: 'in-house' }, decidedOn: effectiveFrom, effectiveFrom });

  it('answers 503 with Retry-After during the outage, says degraded, and loses nothing acknowledged', async () => {
    const before = await transfer('0115', '2021-01-01');
    expect(before.status).toBe(201);

    await double.stop();
    const during = await transfer('0115', '2021-02-01');
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    expect(during.headers.get('retry-after')).toBeTruthy();
    expect(during.body).toMatchObject({ status: 503, code: 'store-unavailable' });
    const health = await api.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', store: 'eventstoredb' });

    await double.restart();
    const after = await transfer('0115', '2021-03-01');
    expect(after.status).toBe(201);
    // The read models resume from their checkpoint: every acknowledged write, once, and nothing from the outage.
    const history = await api.get(`/v1/municipalities/0115/provisions/switchboard/history?minPosition=${after.body.position}`);
    expect(history.status).toBe(200);
    expect(history.body.map((h: { from: string | null }) => h.from)).toEqual([null, '2021-01-01', '2021-03-01']);
    const stored = await running.store.readStream('municipality-0115');
    expect(stored.filter((e) => e.type === 'ServiceTransferred').map((e) => (e.data as { effectiveFrom: string }).effectiveFrom)).toEqual(['2021-01-01', '2021-03-01']);
    const healthy = await api.get('/health');
    expect(healthy.body).toMatchObject({ status: 'ok' });
  });
});
