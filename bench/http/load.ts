import autocannon from 'autocannon';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { timed } from '../support/log';
import { percentile } from '../support/runtime';

/** What one autocannon run measured; only 2xx answers count towards the rate. */
export interface LoadResult {
  seconds: number;
  ok: number;
  okPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** autocannon's latency of 2xx answers, whole milliseconds. */
  latencyMs: { p50: number; p99: number; mean: number; max: number };
}

export const COMMAND_REQUESTS = resolve(__dirname, 'command-requests.js');

/**
 * One autocannon run (used as a library) in a worker thread, so the load generator does not
 * share the event loop of the server it measures (both servers run in this process).
 */
export async function commandLoad(label: string, url: string, spec: Record<string, unknown>, seconds: number, connections: number): Promise<LoadResult> {
  const bar = timed(label, seconds);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    workers: 1,
    timeout: 30,
    requests: [{ method: 'POST', setupRequest: COMMAND_REQUESTS, spec }],
  });
  bar.stop();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const ok = result['2xx'];
  return {
    seconds: result.duration,
    ok,
    okPerSecond: ok / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
  };
}

export interface LatencyResult {
  seconds: number;
  ok: number;
  okPerSecond: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * Closed-loop GETs over `paths` with `connections` clients, timed per request in nanoseconds (see
 * latency-client.js), from sending the request to the answer's last byte (as it came over the
 * wire: a compressed answer is not decompressed). `headers` go with every request.
 */
export async function latencyLoad(label: string, url: string, paths: string[], seconds: number, warmupSeconds: number, connections: number, headers: Record<string, string> = {}): Promise<LatencyResult> {
  const bar = timed(label, seconds + warmupSeconds);
  const message = await new Promise<{ latencies: Float64Array; statuses: Record<string, number>; errors: number; seconds: number; fatal?: string }>((done, fail) => {
    const worker = new Worker(resolve(__dirname, 'latency-client.js'), { workerData: { url, paths, connections, seconds, warmupSeconds, headers } });
    worker.once('message', done);
    worker.once('error', fail);
  });
  bar.stop();
  if (message.fatal) throw new Error(`latency client failed: ${message.fatal}`);
  const sorted = message.latencies.sort();
  const ok = sorted.length;
  const total = Object.values(message.statuses).reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    seconds: message.seconds,
    ok,
    okPerSecond: ok / message.seconds,
    non2xx: total - ok,
    errors: message.errors,
    statusCodes: message.statuses,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: ok > 0 ? sum / ok : Number.NaN,
  };
}
