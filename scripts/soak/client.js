'use strict';
/**
 * The load of `npm run soak`, run as a child process of scripts/soak.ts (plain JavaScript, so
 * it starts without ts-node and its work stays out of the service's event loop and memory).
 *
 * It keeps, until told to stop:
 * - `subscribers` SSE streams on /v1/subscriptions/provisions, one of them reconnecting every
 *   few seconds with Last-Event-ID (connection churn);
 * - `commandWorkers` clients sending commands back to back, each with an Idempotency-Key:
 *   mostly transfers to the soak federation, and whole agreement lives (proposed, signed by
 *   every signatory, concluded);
 * - `queryWorkers` clients asking provisions, a county's matrix, the attention list and the
 *   arrangement register.
 * Every `windowMs` it reports what happened in that window (counts, latency percentiles,
 * errors) to the parent. `{ type: 'quiet' }` stops the commands (queries and streams go on);
 * `{ type: 'stop' }` stops everything and answers with the totals.
 */
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { randomUUID } = require('node:crypto');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const now = () => performance.now();
let config;
let running = true;
let commandsOn = true;

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let random;
const pick = (items) => items[Math.floor(random() * items.length)];
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86400000;

// ------------------------------------------------------------------ the window
function emptyWindow() {
  return { commands: 0, commandFailures: {}, commandMs: [], queries: 0, queryFailures: {}, queryMs: [], byKind: {}, frames: 0, reconnects: 0, streamErrors: 0 };
}
let window = emptyWindow();
const totals = { commands: 0, queries: 0, frames: 0, reconnects: 0, failures: 0 };

function request(method, path, body, headers = {}) {
  return new Promise((resolve) => {
    const started = now();
    const req = http.request(`${config.url}${path}`, { method, agent, headers: { ...(body ? { 'content-type': 'application/json' } : {}), 'x-source-system': 'samverkan-soak', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text, ms: now() - started }));
    });
    req.on('error', (error) => resolve({ status: 0, text: String(error), ms: now() - started }));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function command(method, path, body) {
  const answer = await request(method, path, body, { 'idempotency-key': `soak:${randomUUID()}` });
  window.commands++;
  totals.commands++;
  window.commandMs.push(answer.ms);
  // 422 is a refusal by the rules (a transfer onto a day the basis no longer covers): an answer, not a failure.
  if (answer.status >= 300 && answer.status !== 422) {
    window.commandFailures[answer.status] = (window.commandFailures[answer.status] ?? 0) + 1;
    totals.failures++;
  }
  return answer;
}

/** `kind` names the question (provisions, matrix, attention, arrangements): the window counts each one's answers, their bytes and their time. */
async function query(path, kind) {
  const answer = await request('GET', path);
  window.queries++;
  totals.queries++;
  window.queryMs.push(answer.ms);
  const k = (window.byKind[kind] ??= { answers: 0, bytes: 0, ms: 0 });
  k.answers++;
  k.bytes += Buffer.byteLength(answer.text);
  k.ms += answer.ms;
  if (answer.status !== 200) {
    window.queryFailures[answer.status] = (window.queryFailures[answer.status] ?? 0) + 1;
    totals.failures++;
  }
}

// ------------------------------------------------------------------ the commands
let agreements = 0;

async function transfer() {
  const f = config.federation;
  const from = Date.parse(`${f.from}T00:00:00Z`);
  const to = Date.parse(`${f.to}T00:00:00Z`);
  const effective = from + Math.floor(random() * ((to - from) / DAY + 1)) * DAY;
  await command('POST', `/v1/municipalities/${pick(f.members)}/transfers`, {
    serviceArea: pick(f.areas),
    basis: { kind: 'federation', id: f.id },
    decidedOn: day(Math.max(from - 100 * DAY, effective - int(0, 120) * DAY)),
    effectiveFrom: day(effective),
  });
}

/** A whole agreement life: proposed, then signed by every signatory in turn (the last signature concludes it). */
async function agreementLife() {
  const [county, codes] = pick(config.counties);
  const parties = [...codes].sort(() => random() - 0.5).slice(0, int(2, Math.min(5, codes.length)));
  const validFrom = `${int(2015, 2029)}-${String(int(1, 12)).padStart(2, '0')}-01`;
  const decidedOn = day(Date.parse(`${validFrom}T00:00:00Z`) - int(30, 150) * DAY);
  const id = `soak-${config.seed}-${++agreements}`;
  const proposed = await command('POST', '/v1/agreements', {
    id,
    kind: 'service',
    title: `Soak: ${parties.length} kommuner köper tjänster av region ${county}`,
    parties,
    otherParties: [],
    provider: { kind: 'region', code: county },
    buyers: parties,
    serviceAreas: [pick(config.areas)],
    validFrom,
    councilApprovalRequired: false,
    decidedOn,
  });
  if (proposed.status !== 201) return;
  let k = 0;
  for (const party of [...parties, county]) {
    if (!running || !commandsOn) return;
    await command('POST', `/v1/agreements/${id}/signatures`, { party, signedOn: day(Date.parse(`${decidedOn}T00:00:00Z`) + ++k * DAY) });
  }
}

async function commandWorker() {
  while (running) {
    if (!commandsOn) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (random() < 0.8) await transfer();
    else await agreementLife();
  }
}

// ------------------------------------------------------------------ the queries
async function queryWorker() {
  while (running) {
    const r = random();
    const on = `${int(2005, 2030)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
    if (r < 0.7) await query(`/v1/municipalities/${pick(config.federation.members)}/provisions/${pick(config.federation.areas)}?on=${on}`, 'provisions');
    else if (r < 0.85) await query(`/v1/matrix?on=${on}&county=${pick(config.counties)[0]}`, 'matrix');
    else if (r < 0.95) await query(`/v1/attention?on=${on}`, 'attention');
    else await query(`/v1/arrangements?status=${pick(["active", "proposed", "concluded"])}`, 'arrangements');
  }
}

// ------------------------------------------------------------------ the streams
const streams = new Set();

function subscribe(lastEventId) {
  const stream = { lastId: lastEventId, request: undefined, closed: false };
  const headers = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
  stream.request = http.get(`${config.url}/v1/subscriptions/provisions`, { headers, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      window.streamErrors++;
      res.resume();
      streams.delete(stream);
      return;
    }
    res.setEncoding('utf8');
    let pending = '';
    res.on('data', (chunk) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const frame = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (!frame.startsWith('id: ')) continue;
        stream.lastId = frame.slice(4, frame.indexOf('\n'));
        window.frames++;
        totals.frames++;
      }
    });
    const gone = () => {
      if (stream.closed) return;
      stream.closed = true;
      streams.delete(stream);
      // The service ended it (slow consumer, restart): resume where it left off.
      if (running) {
        window.streamErrors++;
        streams.add(subscribe(stream.lastId));
      }
    };
    res.on('end', gone);
    res.on('error', gone);
  });
  stream.request.on('error', () => {
    window.streamErrors++;
    streams.delete(stream);
  });
  streams.add(stream);
  return stream;
}

function churn() {
  const all = [...streams];
  if (all.length === 0) return;
  const victim = pick(all);
  victim.closed = true;
  streams.delete(victim);
  victim.request.destroy();
  subscribe(victim.lastId);
  window.reconnects++;
  totals.reconnects++;
}

// ------------------------------------------------------------------ reporting
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function flush() {
  const w = window;
  window = emptyWindow();
  process.send({
    type: 'window',
    commands: w.commands,
    commandFailures: w.commandFailures,
    commandP50: percentile(w.commandMs, 50),
    commandP99: percentile(w.commandMs, 99),
    queries: w.queries,
    queryFailures: w.queryFailures,
    queryP50: percentile(w.queryMs, 50),
    queryP99: percentile(w.queryMs, 99),
    byKind: w.byKind,
    frames: w.frames,
    reconnects: w.reconnects,
    streamErrors: w.streamErrors,
    streams: streams.size,
  });
}

process.on('message', (message) => {
  if (message.type === 'start') {
    config = message.config;
    random = mulberry32(config.seed);
    for (let i = 0; i < config.subscribers; i++) subscribe(undefined);
    for (let i = 0; i < config.commandWorkers; i++) void commandWorker();
    for (let i = 0; i < config.queryWorkers; i++) void queryWorker();
    setInterval(flush, config.windowMs).unref();
    setInterval(churn, config.churnMs).unref();
  } else if (message.type === 'quiet') {
    commandsOn = false;
  } else if (message.type === 'stop') {
    running = false;
    for (const s of streams) {
      s.closed = true;
      s.request.destroy();
    }
    agent.destroy();
    process.send({ type: 'stopped', totals }, () => process.exit(0));
  }
});
