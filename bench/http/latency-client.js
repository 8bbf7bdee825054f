'use strict';
/**
 * A closed-loop HTTP client for the latency figure, run in a worker thread (plain
 * JavaScript: the worker has no ts-node). autocannon records latencies in whole
 * milliseconds, too coarse for sub-millisecond answers, so this measures each request
 * with `process.hrtime.bigint()` (nanoseconds) and hands back every 2xx latency.
 *
 * workerData: { url, paths, connections, seconds, warmupSeconds, headers? }
 * Each of `connections` keep-alive connections sends the next path (round-robin over
 * `paths`) as soon as its previous answer has arrived. Nothing is recorded during warm-up.
 */
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');

const { url, paths, connections, seconds, warmupSeconds } = workerData;
const headers = { accept: 'application/json', ...workerData.headers };
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
let index = 0;

function once() {
  return new Promise((resolve) => {
    const path = paths[index++ % paths.length];
    const t0 = process.hrtime.bigint();
    const request = http.request({ host: target.hostname, port: target.port, path, method: 'GET', agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve({ status: response.statusCode, ns: process.hrtime.bigint() - t0 }));
    });
    request.on('error', (error) => resolve({ error: String(error) }));
    request.end();
  });
}

async function loop(until, record) {
  while (Date.now() < until) {
    const result = await once();
    if (!record) continue;
    if (result.error) {
      record.errors++;
      continue;
    }
    record.statuses[result.status] = (record.statuses[result.status] || 0) + 1;
    if (result.status >= 200 && result.status < 300) record.latencies.push(Number(result.ns) / 1e6);
  }
}

async function main() {
  const warmUntil = Date.now() + warmupSeconds * 1000;
  await Promise.all(Array.from({ length: connections }, () => loop(warmUntil, undefined)));
  const record = { latencies: [], statuses: {}, errors: 0 };
  const t0 = process.hrtime.bigint();
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, () => loop(until, record)));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  const latencies = Float64Array.from(record.latencies);
  parentPort.postMessage({ latencies, statuses: record.statuses, errors: record.errors, seconds: elapsed }, [latencies.buffer]);
}

main().catch((error) => {
  parentPort.postMessage({ fatal: String(error && error.stack ? error.stack : error) });
});
