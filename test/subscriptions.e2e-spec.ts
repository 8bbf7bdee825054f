import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ProvisionChangeFeed, SubscriberRegistry } from '@samverkan/subscriptions';
import { OSTERGOTLAND, generateChanges, prng, readUntilCaughtUp, sleep, summary } from '../libs/subscriptions/src/testing/feed-fixtures';
import { SseClient, SseMessage } from '../libs/subscriptions/src/testing/sse-client';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { RunningApp, client, startApp } from './support/start-app';

const PROVISIONS = '/v1/subscriptions/provisions';
const EVENTS = '/v1/subscriptions/events';
const SEED = Number(process.env.SSE_TEST_SEED ?? Date.now() % 1_000_000);

/**
 * Reads a feed like a consumer whose connection keeps failing: it cuts the connection after a
 * random 0–25 ms or, half of the time, after a random number of characters, wherever the stream
 * is (in the catch-up, in the middle of a message, live), and reconnects with the last id it
 * parsed, until `done` says it has everything.
 */
async function readWithRandomCuts(url: string, from: string, event: string, done: (received: SseMessage[]) => boolean, random: () => number, deadlineMs = 40_000) {
  const received: SseMessage[] = [];
  let last = from;
  let connections = 0;
  const deadline = Date.now() + deadlineMs;
  while (!done(received) && Date.now() < deadline) {
    const stream = await SseClient.open(url, { 'last-event-id': last }, random() < 0.5 ? { cutAfterChars: Math.floor(random() * 20_000) } : {});
    expect(stream.status).toBe(200);
    connections++;
    await Promise.race([sleep(Math.floor(random() * 25)), stream.ended]);
    stream.kill();
    received.push(...stream.of(event));
    if (stream.lastEventId !== undefined) last = stream.lastEventId;
  }
  return { received, connections };
}

/** Folds spans (snapshot or changes) into per-cell step functions: each one is written over the days it names. */
type Span = { from: string | null; until: string | null; value: string };
function overwrite(spans: Span[], next: Span): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (next.from !== null && (s.from === null || s.from < next.from)) out.push({ ...s, until: s.until !== null && s.until < dayBefore(next.from) ? s.until : dayBefore(next.from) });
    if (next.until !== null && (s.until === null || s.until > next.until)) out.push({ ...s, from: s.from !== null && s.from > dayAfter(next.until) ? s.from : dayAfter(next.until) });
  }
  return [...out, next].sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
}
const shift = (d: string, n: number) => new Date(Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10) + n)).toISOString().slice(0, 10);
const dayBefore = (d: string) => shift(d, -1);
const dayAfter = (d: string) => shift(d, 1);
const valueOf = (p: { provider: { kind: string; code?: string; id?: string }; basis: { kind: string; id?: string }; lapsed: boolean }) =>
  `${p.provider.kind}:${p.provider.code ?? p.provider.id} ${p.basis.kind}:${p.basis.id ?? ''} ${p.lapsed ? 'lapsed' : ''}`;

function fold(messages: SseMessage[]): Map<string, Span[]> {
  const cells = new Map<string, Span[]>();
  for (const m of messages) {
    if (m.event !== 'provision-changed' && m.event !== 'provision-snapshot') continue;
    const key = `${m.data.municipality}/${m.data.serviceArea}`;
    cells.set(key, overwrite(cells.get(key) ?? [], { from: m.data.effectiveFrom, until: m.data.until, value: valueOf(m.data) }));
  }
  return cells;
}

const holdingOn = (spans: Span[], day: string) => spans.find((s) => (s.from === null || s.from <= day) && (s.until === null || day <= s.until));

describe('GET /v1/subscriptions/provisions and /events', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let feed: ProvisionChangeFeed;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    feed = running.app.get(ProvisionChangeFeed);
  });
  afterAll(() => running.close());

  it(`resumes with no gap and no duplicate when the connection is cut at random points over 1,000 changes, while commands flow (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const from = String(feed.position);
    let finished = false;
    let expected: string[] = [];
    const generating = generateChanges(running.url, { commands: 420, seed: SEED, tag: 'cuts', defineAreaEvery: 200 }).then(async (g) => {
      const reference = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': from });
      expected = summary(reference.messages, 'provision-changed');
      finished = true;
      return g;
    });
    const { received, connections } = await readWithRandomCuts(`${running.url}${PROVISIONS}`, from, 'provision-changed', (got) => finished && got.length >= expected.length, random);
    const generated = await generating;
    expect(expected.length).toBeGreaterThanOrEqual(1000);
    expect(Number(expected.at(-1)?.split(' ')[0])).toBe(generated.position);
    expect(connections).toBeGreaterThan(20);
    // Several changes of one event (ids position:n) were cut between, and resumed inside the event.
    expect(expected.filter((line) => line.includes(':') && /^\d+:\d+ /.test(line)).length).toBeGreaterThan(100);
    expect(summary(received, 'provision-changed')).toEqual(expected);
  });

  it(`the events feed resumes with no gap and no duplicate under the same random cuts (seed ${SEED})`, async () => {
    const random = prng(SEED + 1);
    const from = (await running.store.headPosition()).toString();
    let finished = false;
    let expected: number[] = [];
    const generating = generateChanges(running.url, { commands: 150, seed: SEED + 1, tag: 'evcuts' }).then(async () => {
      expected = (await running.store.readAll({ after: Number(from) })).map((e) => e.position);
      finished = true;
    });
    const { received } = await readWithRandomCuts(`${running.url}${EVENTS}`, from, 'domain-event', (got) => finished && got.length >= expected.length, random);
    await generating;
    expect(expected.length).toBeGreaterThanOrEqual(150);
    expect(received.map((m) => m.data.position)).toEqual(expected);
    expect(received.every((m) => m.id === String(m.data.position))).toBe(true);
  });

  it('resuming inside an event that changed several spans sends the rest of that event, then what follows', async () => {
    const from = String(feed.position);
    const transfer = await api.post('/v1/municipalities/2584/transfers', { serviceArea: 'waste', basis: { kind: 'in-house' }, decidedOn: '2014-06-01', effectiveFrom: '2015-01-01' });
    expect(transfer.status).toBe(201);
    const all = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': from });
    const changes = all.of('provision-changed');
    // The in-house span cut short on 2014-12-31, then the transfer's own span.
    expect(changes.map((m) => [m.id, m.data.effectiveFrom, m.data.until])).toEqual([
      [`${transfer.body.position}:1`, null, '2014-12-31'],
      [`${transfer.body.position}`, '2015-01-01', null],
    ]);
    const resumed = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': `${transfer.body.position}:1` });
    expect(summary(resumed.messages, 'provision-changed')).toEqual(summary(changes.slice(1), 'provision-changed'));
    const viaQuery = await readUntilCaughtUp(`${running.url}${PROVISIONS}?lastEventId=${transfer.body.position}:1`);
    expect(summary(viaQuery.messages, 'provision-changed')).toEqual(summary(changes.slice(1), 'provision-changed'));
    const afterAll = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': `${transfer.body.position}` });
    expect(afterAll.of('provision-changed')).toEqual([]);
  });

  it('snapshot=true sends the current matrix, then exactly the changes after its position (the seam), while commands flow', async () => {
    const generating = generateChanges(running.url, { commands: 120, seed: SEED + 2, tag: 'seam' });
    await sleep(30);
    const stream = await SseClient.open(`${running.url}${PROVISIONS}?snapshot=true`);
    const generated = await generating;
    await stream.waitFor((m) => m.event === 'provision-changed' && m.data.position >= generated.position && /^\d+$/.test(m.id as string), 20_000);
    stream.kill();
    const complete = stream.of('snapshot-complete');
    expect(complete).toHaveLength(1);
    const at = complete[0].data.position as number;
    expect(complete[0].id).toBe(String(at));
    const order = stream.messages.map((m) => m.event);
    expect(order.lastIndexOf('provision-snapshot')).toBeLessThan(order.indexOf('snapshot-complete'));
    expect(order.indexOf('provision-changed')).toBeGreaterThan(order.indexOf('snapshot-complete'));
    expect(complete[0].data.spans).toBe(stream.of('provision-snapshot').length);
    expect(stream.of('provision-snapshot').every((m) => m.id === undefined && m.data.position === at)).toBe(true);
    expect(at).toBeLessThan(generated.position); // commands were still flowing when the snapshot was taken

    // The seam: what came after the snapshot is exactly what a subscriber resuming from its position gets.
    const after = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': String(at) });
    const fromStream = summary(stream.messages, 'provision-changed');
    expect(fromStream).toEqual(summary(after.messages, 'provision-changed').slice(0, fromStream.length));
    expect(fromStream.length).toBe(after.of('provision-changed').filter((m) => m.data.position <= generated.position).length);

    // Snapshot + changes, folded, is today's matrix.
    const cells = fold(stream.messages);
    const matrix = await api.get(`/v1/matrix?minPosition=${generated.position}`);
    expect(matrix.status).toBe(200);
    let compared = 0;
    for (const row of matrix.body.rows) {
      for (const area of matrix.body.serviceAreas) {
        const expectedCell = row.cells[area];
        const span = holdingOn(cells.get(`${row.municipality.code}/${area}`) ?? [], matrix.body.on);
        expect({ cell: `${row.municipality.code}/${area}`, value: span?.value, since: span?.from, until: span?.until }).toEqual({
          cell: `${row.municipality.code}/${area}`,
          value: valueOf(expectedCell),
          since: expectedCell.since,
          until: expectedCell.until,
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(290 * 33);
  });

  it('filters by municipality, county and service area (snapshot and changes alike)', async () => {
    const byMunicipality = await readUntilCaughtUp(`${running.url}${PROVISIONS}?snapshot=true&municipality=0580`);
    expect(byMunicipality.of('provision-snapshot').length).toBeGreaterThanOrEqual(33);
    expect(new Set(byMunicipality.of('provision-snapshot').map((m) => m.data.municipality))).toEqual(new Set(['0580']));

    const municipalities = (await api.get('/v1/municipalities')).body as { code: string; countyCode: string }[];
    const inNorrbotten = new Set(municipalities.filter((m) => m.countyCode === '25').map((m) => m.code));
    const byCounty = await readUntilCaughtUp(`${running.url}${PROVISIONS}?snapshot=true&county=25&serviceArea=payroll,archives`);
    expect(byCounty.of('provision-snapshot').length).toBe(inNorrbotten.size * 2);
    for (const m of byCounty.of('provision-snapshot')) {
      expect(inNorrbotten.has(m.data.municipality)).toBe(true);
      expect(['payroll', 'archives']).toContain(m.data.serviceArea);
    }

    const fromStart = await readUntilCaughtUp(`${running.url}${PROVISIONS}?serviceArea=payroll&county=05`, { 'last-event-id': '0' });
    const changes = fromStart.of('provision-changed');
    expect(changes.length).toBeGreaterThan(13);
    expect(changes.every((m) => m.data.serviceArea === 'payroll' && OSTERGOTLAND.includes(m.data.municipality))).toBe(true);
    // A filtered subscriber still gets a resume point at the head (caught-up carries it).
    expect(fromStart.of('caught-up')[0].id).toBe(String(feed.position));
  });

  it('the events feed keeps only the types and stream prefixes asked for', async () => {
    const transfers = await readUntilCaughtUp(`${running.url}${EVENTS}?types=ServiceTransferred,FederationFormed&streams=municipality-058,federation-`, { 'last-event-id': '0' });
    const events = transfers.of('domain-event');
    expect(events.length).toBeGreaterThan(10);
    expect(new Set(events.map((m) => m.data.type))).toEqual(new Set(['ServiceTransferred', 'FederationFormed']));
    for (const m of events) expect(m.data.stream.startsWith('municipality-058') || m.data.stream.startsWith('federation-')).toBe(true);
    const positions = events.map((m) => m.data.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // A prefix of a category is widened to the category.
    const areas = await readUntilCaughtUp(`${running.url}${EVENTS}?streams=servicearea`, { 'last-event-id': '0' });
    expect(areas.of('domain-event').length).toBeGreaterThanOrEqual(33);
    expect(areas.of('domain-event').every((m) => m.data.type === 'ServiceAreaDefined')).toBe(true);
  });

  it.each([
    [`${PROVISIONS}?municipality=580`, 'municipality'],
    [`${PROVISIONS}?snapshot=yes`, 'snapshot'],
    [`${PROVISIONS}?unknown=1`, 'unknown'],
    [`${PROVISIONS}?lastEventId=abc`, 'Last-Event-ID'],
    [`${EVENTS}?types=ServiceTransfered`, 'types'],
    [`${EVENTS}?streams=%24all`, 'streams'],
    [`${EVENTS}?streams=orders-`, 'streams'],
    [`${EVENTS}?lastEventId=12:1`, 'Last-Event-ID'],
  ])('%s is 400 validation-failed naming %s', async (path, field) => {
    const refused = await SseClient.open(`${running.url}${path}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('derives the changes so that, folded from the start, every cell is the register’s history (seed stories S1–S5)', async () => {
    let position = 0;
    for (const id of ['s2', 's3', 's4', 's5']) position = Math.max(position, (await runScenario(running.url, loadScenario(id))).position);
    const all = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': '0' });
    const cells = fold(all.messages);
    const touched = [...new Set(all.of('provision-changed').filter((m) => m.data.effectiveFrom !== null || m.data.until !== null).map((m) => `${m.data.municipality}/${m.data.serviceArea}`))];
    expect(touched.length).toBeGreaterThan(50);
    for (const key of touched) {
      const [code, area] = key.split('/');
      const history = await api.get(`/v1/municipalities/${code}/provisions/${area}/history?minPosition=${position}`);
      expect(history.status).toBe(200);
      expect({ key, spans: cells.get(key) }).toEqual({ key, spans: history.body.map((h: { from: string | null; to: string | null } & Parameters<typeof valueOf>[0]) => ({ from: h.from, until: h.to, value: valueOf(h) })) });
    }
  });
});

describe('lapses and future-dated changes', () => {
  let fresh: RunningApp;
  beforeAll(async () => {
    fresh = await startApp();
  });
  afterAll(() => fresh.close());

  it('announces a lapse when a basis ends, and a future-dated change as soon as it is recorded', async () => {
    const stream = await SseClient.open(`${fresh.url}${PROVISIONS}?municipality=0580,0581`);
    await stream.waitFor((m) => m.event === 'caught-up');
    const run = await runScenario(fresh.url, loadScenario('s1'));
    await stream.waitFor((m) => m.data?.position === run.position && /^\d+$/.test(m.id as string));
    const payroll = stream.of('provision-changed').filter((m) => m.data.municipality === '0580' && m.data.serviceArea === 'payroll');
    // The agreement's term ends 2022-12-31: the lapse is announced with the transfer onto it.
    expect(payroll.map((m) => m.data)).toContainEqual(
      expect.objectContaining({ effectiveFrom: '2023-01-01', until: null, lapsed: true, reason: 'expired', basis: { kind: 'in-house' }, provider: { kind: 'municipality', code: '0580', name: 'Linköping' } }),
    );
    expect(payroll.map((m) => m.data)).toContainEqual(expect.objectContaining({ effectiveFrom: '2020-01-01', until: '2022-12-31', basis: { kind: 'agreement', id: 'lkp-buys-payroll-2020' }, lapsed: false }));

    const future = await client(fresh.url).post('/v1/municipalities/0581/transfers', { serviceArea: 'archives', basis: { kind: 'in-house' }, decidedOn: '2024-05-01', effectiveFrom: '2031-01-01' });
    expect(future.status).toBe(201);
    const announced = await stream.waitFor((m) => m.data?.position === future.body.position && m.data.effectiveFrom === '2031-01-01');
    expect(announced).toMatchObject({ event: 'provision-changed', id: String(future.body.position), data: { municipality: '0581', serviceArea: 'archives', until: null, cause: { type: 'ServiceTransferred', stream: 'municipality-0581' } } });
    // …and the day before it, as a change of the span it cuts short.
    expect(stream.of('provision-changed').map((m) => m.data)).toContainEqual(expect.objectContaining({ position: future.body.position, serviceArea: 'archives', until: '2030-12-31' }));
    stream.kill();
  });

});

describe('a slow consumer', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ env: { SAMVERKAN_SSE_BUFFER: '400' } });
  });
  afterAll(() => running.close());

  it('is disconnected with a final error event naming where to resume, the queue never past the buffer, and resumes with nothing lost', async () => {
    const registry = running.app.get(SubscriberRegistry);
    const feed = running.app.get(ProvisionChangeFeed);
    const from = String(feed.position);
    const slow = await SseClient.open(`${running.url}${PROVISIONS}`, { 'last-event-id': from });
    await slow.waitFor((m) => m.event === 'caught-up');
    const [connection] = registry.connections('provisions');
    const reading = await SseClient.open(`${running.url}${PROVISIONS}`, { 'last-event-id': from });
    await reading.waitFor((m) => m.event === 'caught-up');
    slow.pause();
    // Each new service area changes 290 cells at once: the socket fills, then the queue.
    let areas = 0;
    while (registry.size > 1 && areas < 200) {
      const defined = await fetch(`${running.url}/v1/service-areas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slug: `slow-${areas}`, nameSv: `Långsam ${areas}`, nameEn: `Slow ${areas}` }) });
      expect(defined.status).toBe(201);
      areas++;
    }
    expect(areas).toBeGreaterThan(1); // not a burst: the socket filled over several events first
    expect(registry.size).toBe(1); // the consumer that reads is still there
    expect(connection.endedWith).toBe('slow-consumer');
    expect(connection.peakQueued).toBeLessThanOrEqual(401);
    await reading.waitForCount('provision-changed', areas * 290);
    reading.kill();
    slow.resume();
    await slow.ended;
    const last = slow.messages.at(-1) as SseMessage;
    expect(last).toMatchObject({ event: 'error', data: { code: 'slow-consumer' } });
    expect(last.id).toBeUndefined();
    const changes = slow.of('provision-changed');
    expect(changes.length).toBeGreaterThan(0);
    expect(last.data.lastEventId).toBe(changes.at(-1)?.id);
    expect(slow.lastEventId).toBe(last.data.lastEventId);

    const rest = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': last.data.lastEventId });
    const everything = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': from });
    expect([...summary(slow.messages, 'provision-changed'), ...summary(rest.messages, 'provision-changed')]).toEqual(summary(everything.messages, 'provision-changed'));
    expect(everything.of('provision-changed').length).toBe(areas * 290);
  });
});

describe('limits, heartbeats and shutdown', () => {
  it('refuses a subscriber past SAMVERKAN_SSE_MAX_SUBSCRIBERS with 503 and Retry-After, and admits one again when a slot frees', async () => {
    const running = await startApp({ env: { SAMVERKAN_SSE_MAX_SUBSCRIBERS: '2' } });
    try {
      const first = await SseClient.open(`${running.url}${PROVISIONS}`);
      const second = await SseClient.open(`${running.url}${EVENTS}`);
      expect([first.status, second.status]).toEqual([200, 200]);
      const third = await SseClient.open(`${running.url}${PROVISIONS}`);
      expect(third.status).toBe(503);
      expect(third.headers['retry-after']).toBe('5');
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(third.body).toMatchObject({ status: 503, code: 'too-many-subscribers' });
      first.kill();
      const registry = running.app.get(SubscriberRegistry);
      for (let i = 0; i < 100 && registry.size > 1; i++) await sleep(10);
      const fourth = await SseClient.open(`${running.url}${PROVISIONS}`);
      expect(fourth.status).toBe(200);
      second.kill();
      fourth.kill();
    } finally {
      await running.close();
    }
  });

  it('sends a heartbeat comment every SAMVERKAN_SSE_HEARTBEAT_MS, and the stream headers', async () => {
    const running = await startApp({ env: { SAMVERKAN_SSE_HEARTBEAT_MS: '40' } });
    try {
      const stream = await SseClient.open(`${running.url}${PROVISIONS}`);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-cache, no-transform');
      expect(stream.headers['x-content-type-options']).toBe('nosniff'); // the security headers are kept
      await sleep(300);
      expect(stream.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(3);
      stream.kill();
    } finally {
      await running.close();
    }
  });

  it('closes every subscriber cleanly on shutdown, telling it where to resume', async () => {
    const running = await startApp();
    const provisions = await SseClient.open(`${running.url}${PROVISIONS}?snapshot=true`);
    const events = await SseClient.open(`${running.url}${EVENTS}`);
    await provisions.waitFor((m) => m.event === 'caught-up');
    await events.waitFor((m) => m.event === 'caught-up');
    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await Promise.all([provisions.ended, events.ended]);
    expect(provisions.messages.at(-1)).toMatchObject({ event: 'error', data: { code: 'shutting-down', lastEventId: provisions.of('caught-up')[0].id } });
    expect(events.messages.at(-1)).toMatchObject({ event: 'error', data: { code: 'shutting-down', lastEventId: events.of('caught-up')[0].id } });
  });
});

describe('with API keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samverkan-sse-keys-'));
  const keys = { reader: 'reader-key-0123456789abcdef', auditor: 'auditor-key-0123456789abcdef', writer: 'writer-key-0123456789abcdef', admin: 'admin-key-0123456789abcdef' };
  const sha = (k: string) => createHash('sha256').update(k).digest('hex');
  let running: RunningApp;
  beforeAll(async () => {
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'report', sha256: sha(keys.reader), roles: ['reader'] },
        { name: 'revisor', sha256: sha(keys.auditor), roles: ['auditor'] },
        { name: 'linkoping', sha256: sha(keys.writer), roles: ['writer'], municipalities: ['0580'] },
        { name: 'ops', sha256: sha(keys.admin), roles: ['admin'] },
      ]),
    );
    running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: file, HOST: '127.0.0.1' } });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(keys))('a %s may subscribe to both feeds', async (_role, key) => {
    for (const path of [`${PROVISIONS}?municipality=0580`, EVENTS]) {
      const stream = await SseClient.open(`${running.url}${path}`, { authorization: `Bearer ${key}` });
      expect(stream.status).toBe(200);
      await stream.waitFor((m) => m.event === 'caught-up');
      stream.kill();
    }
  });

  it('without a key, or with a wrong one, a subscription is 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-configured-key-000000' }] as Record<string, string>[]) {
      const refused = await SseClient.open(`${running.url}${PROVISIONS}`, headers);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'unauthenticated' });
    }
    expect((await SseClient.open(`${running.url}${EVENTS}`)).status).toBe(401);
  });

  it('/asyncapi.json is open, like /docs', async () => {
    const reply = await fetch(`${running.url}/asyncapi.json`);
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { asyncapi: string }).asyncapi).toBe('3.0.0');
  });
});

describe('across a restart', () => {
  it('derives the same changes at the same ids from the log, so a subscriber resumes across the restart with no gap and no duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-sse-restart-'));
    try {
      let running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
      await generateChanges(running.url, { commands: 40, seed: SEED + 3, tag: 'restart' });
      const before = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': '0' });
      const changes = before.of('provision-changed');
      const cut = changes[Math.floor(changes.length * 0.8)].id as string;
      await running.close();

      running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
      try {
        const after = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': '0' });
        expect(summary(after.messages, 'provision-changed')).toEqual(summary(before.messages, 'provision-changed'));
        const resumed = await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': cut });
        const i = changes.findIndex((m) => m.id === cut);
        expect(summary(resumed.messages, 'provision-changed')).toEqual(summary(changes.slice(i + 1), 'provision-changed'));
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
