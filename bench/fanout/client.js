'use strict';
/**
 * The client side of the fan-out bench (step `fanout`), run as a child process (`fork`) so
 * that its parsing and bookkeeping do not share the event loop, or the RSS, of the service
 * it measures. Plain JavaScript: it runs without ts-node.
 *
 * Messages from the parent (IPC):
 * - `{ type: 'subscribe', url, path, subscribers }`: opens that many SSE streams, each on its
 *   own socket; answers `{ type: 'subscribed', opened }` once every stream has its first bytes.
 * - `{ type: 'drive', url, rate, seconds, spec }`: sends `rate` commands a second for `seconds`
 *   (transfers, built by command-requests.js from `spec`), each with its acknowledgement time;
 *   then waits (up to 15 s) until every subscriber has every acknowledged change and answers
 *   `{ type: 'driven', … }` with the delivery figures.
 * - `{ type: 'stall', url, path }`: opens one SSE stream on a raw socket and never reads it;
 *   answers `{ type: 'stalled' }`. `{ type: 'flood', url, seconds, concurrency, spec }` then sends
 *   commands as fast as `concurrency` clients can for `seconds`: `{ type: 'flooded', acked }`.
 *   With `count`, it stops after that many commands; a `{ type: 'stop' }` meanwhile stops it early.
 * - `{ type: 'close' }`: closes everything and exits.
 *
 * Times are `performance.timeOrigin + performance.now()` (milliseconds since the epoch, with
 * sub-millisecond resolution), so acknowledgement and receipt are on one clock.
 */
const http = require('node:http');
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const setupRequest = require('../http/command-requests.js');

const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One SSE stream: the position of each change it received, with the time it arrived. */
function subscribe(url, path) {
  return new Promise((resolve, reject) => {
    const sub = { positions: [], times: [], frames: 0, ended: false, request: undefined };
    const request = http.get(`${url}${path}`, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET ${path}: ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let pending = '';
      let first = true;
      response.on('data', (chunk) => {
        const at = now();
        if (first) {
          first = false;
          resolve(sub);
        }
        pending += chunk;
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (!frame.startsWith('id: ')) continue;
          const stop = frame.indexOf('\n');
          const id = frame.slice(4, stop);
          const colon = id.indexOf(':');
          sub.positions.push(Number(colon >= 0 ? id.slice(0, colon) : id));
          sub.times.push(at);
          sub.frames++;
        }
      });
      response.on('end', () => (sub.ended = true));
      response.on('error', () => (sub.ended = true));
    });
    request.on('error', reject);
    sub.request = request;
  });
}

function post(url, spec) {
  const built = setupRequest({ spec });
  return new Promise((resolve) => {
    const sent = now();
    const request = http.request(`${url}${built.path}`, { method: 'POST', headers: built.headers, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (c) => (body += c));
      response.on('end', () => {
        const at = now();
        let position;
        try {
          position = JSON.parse(body).position;
        } catch {
          position = undefined;
        }
        resolve({ status: response.statusCode, position, sent, at });
      });
    });
    request.on('error', () => resolve({ status: 0, sent, at: now() }));
    request.end(built.body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

let subscribers = [];
let stalled;

async function drive(message) {
  const { url, rate, seconds, spec } = message;
  const acks = [];
  const failed = [];
  const inFlight = new Set();
  const interval = 1000 / rate;
  const total = Math.round(rate * seconds);
  const began = now();
  const framesBefore = subscribers.reduce((n, s) => n + s.frames, 0);
  for (let i = 0; i < total; i++) {
    const due = began + i * interval;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const p = post(url, { ...spec, seed: spec.seed + i * 7919 }).then((answer) => {
      inFlight.delete(p);
      if (answer.status >= 200 && answer.status < 300 && typeof answer.position === 'number') acks.push(answer);
      else failed.push(answer.status);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const sendSeconds = (now() - began) / 1000;
  // Every subscriber must get every acknowledged change: wait for the highest one.
  const highest = acks.reduce((m, a) => Math.max(m, a.position), 0);
  const waitUntil = now() + 15_000;
  const has = (s) => s.positions.length > 0 && s.positions[s.positions.length - 1] >= highest;
  while (now() < waitUntil && !subscribers.every(has)) await sleep(20);
  const windowSeconds = (now() - began) / 1000;

  const latencies = [];
  let early = 0;
  let missing = 0;
  for (const sub of subscribers) {
    const firstAt = new Map();
    for (let k = 0; k < sub.positions.length; k++) if (!firstAt.has(sub.positions[k])) firstAt.set(sub.positions[k], sub.times[k]);
    for (const ack of acks) {
      const at = firstAt.get(ack.position);
      if (at === undefined) {
        missing++;
        continue;
      }
      const latency = at - ack.at;
      if (latency < 0) early++;
      latencies.push(Math.max(0, latency));
    }
  }
  latencies.sort((a, b) => a - b);
  const ackLatency = acks.map((a) => a.at - a.sent).sort((a, b) => a - b);
  const delivered = subscribers.reduce((n, s) => n + s.frames, 0) - framesBefore;
  return {
    type: 'driven',
    sent: total,
    acked: acks.length,
    failed: failed.length,
    failedStatuses: [...new Set(failed)],
    subscribers: subscribers.length,
    ended: subscribers.filter((s) => s.ended).length,
    sendSeconds,
    windowSeconds,
    delivered,
    deliveredPerSecond: delivered / sendSeconds,
    expected: acks.length * subscribers.length,
    missing,
    early,
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? null, samples: latencies.length },
    ackMs: { p50: percentile(ackLatency, 50), p99: percentile(ackLatency, 99) },
  };
}

let stopFlood = false;

/** Commands as fast as `concurrency` clients can send them: for `seconds`, or `count` of them, or until a `stop` message. */
async function flood(message) {
  const { url, seconds, concurrency, spec, count } = message;
  const until = now() + seconds * 1000;
  stopFlood = false;
  let acked = 0;
  let failed = 0;
  let i = 0;
  const worker = async () => {
    while (now() < until && !stopFlood && (count === undefined || i < count)) {
      const answer = await post(url, { ...spec, seed: spec.seed + i++ * 7919 });
      if (answer.status >= 200 && answer.status < 300) acked++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { type: 'flooded', acked, failed };
}

function stall(message) {
  return new Promise((resolve, reject) => {
    const target = new URL(message.url);
    const socket = net.connect({ host: target.hostname, port: Number(target.port) }, () => {
      socket.write(`GET ${message.path} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`);
      // Never read: the kernel's buffers fill, then the service's writes stop being accepted.
      socket.pause();
      resolve({ type: 'stalled' });
    });
    socket.on('error', reject);
    stalled = socket;
  });
}

process.on('message', async (message) => {
  if (message.type === 'stop') {
    stopFlood = true;
    return;
  }
  try {
    switch (message.type) {
      case 'subscribe': {
        const opened = await Promise.all(Array.from({ length: message.subscribers }, () => subscribe(message.url, message.path)));
        subscribers = opened;
        process.send({ type: 'subscribed', opened: opened.length });
        break;
      }
      case 'unsubscribe':
        for (const s of subscribers) s.request.destroy();
        subscribers = [];
        process.send({ type: 'unsubscribed' });
        break;
      case 'drive':
        process.send(await drive(message));
        break;
      case 'stall':
        process.send(await stall(message));
        break;
      case 'flood':
        process.send(await flood(message));
        break;
      case 'close':
        for (const s of subscribers) s.request.destroy();
        if (stalled) stalled.destroy();
        agent.destroy();
        process.send({ type: 'closed' }, () => process.exit(0));
        break;
      default:
        process.send({ type: 'error', message: `unknown message ${message.type}` });
    }
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.stack || error.message : String(error) });
  }
});
