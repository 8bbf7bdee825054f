import { freePort, buildService } from '../../test/crash/service-process';
import { BenchConfig } from '../config';
import { describeNon2xx } from '../http/commands';
import { LoadResult, commandLoad } from '../http/load';
import { formFederation } from '../http/prepare';
import { Row, rate, times } from '../report';
import { ServiceChild } from '../service/child';
import { log } from '../support/log';
import { Random } from '../support/random';
import { tempDir } from '../support/runtime';
import { StepResult, Workload } from './workload';

/**
 * Issue 14: transfers/s at 16 clients spread over two service processes on one embedded store
 * (two `node main.js` on one data directory, one SQLite file), against one process on the same
 * store, in the same run. The compiled service as the service step runs it; the transfers of the
 * http and service steps (a federation of 100 members, every request a new command without an
 * Idempotency-Key). First one instance (warm-up, run), then the second is started on the data
 * directory and the 16 clients are split 8 and 8 between them (warm-up, run); then one instance
 * again, so that a log grown by the runs does not favour either. Informational: the instances
 * share one writer (SQLite serialises the two processes' write transactions), so the figure says
 * what a second process costs or gains on one machine, not a target.
 */

interface Runs {
  single: LoadResult[];
  two: { a: LoadResult; b: LoadResult }[];
}

const ROW = {
  id: 'T1',
  figure: 'Transfers POST /v1/municipalities/{code}/transfers, 16 clients spread over two service processes on one embedded store: 2xx/s vs one process on the same store',
  target: 'informational',
};

/** Both runs at once, `connections` split between the two instances; one result each. */
async function spread(urls: [string, string], spec: Record<string, unknown>, seconds: number, connections: number, label: string): Promise<{ a: LoadResult; b: LoadResult }> {
  const half = Math.max(1, Math.floor(connections / 2));
  const [a, b] = await Promise.all([
    commandLoad(`${label}, instance 1`, urls[0], { ...spec, seed: Number(spec.seed) * 2 }, seconds, half),
    commandLoad(`${label}, instance 2`, urls[1], { ...spec, seed: Number(spec.seed) * 2 + 1 }, seconds, connections - half),
  ]);
  return { a, b };
}

const twoRate = (r: { a: LoadResult; b: LoadResult }) => r.a.ok / r.a.seconds + r.b.ok / r.b.seconds;

export const twoInstancesWorkload: Workload = {
  step: 'two-instances',
  title: 'Two service processes on one embedded store',
  rows: [ROW],

  async run(config: BenchConfig): Promise<StepResult> {
    const built = await buildService('compiled');
    log(`service compiled in ${(built.buildMs / 1000).toFixed(1)} s`);
    const dir = tempDir('two-instances');
    const timeoutMs = config.serviceStartTimeoutSeconds * 1000;
    const start = async () => (await ServiceChild.start({ built, port: await freePort(), dataDir: dir, logLevel: 'warn', head: 0, timeoutMs })).service;
    const { seconds, warmupSeconds: warm, connections } = config;
    const runs: Runs = { single: [], two: [] };
    const first = await start();
    let second: ServiceChild | undefined;
    try {
      const federation = await formFederation(first.url, new Random(config.seed + 14));
      const spec = (seed: number) => ({ kind: 'transfers', federation: federation.id, members: federation.members, areas: federation.areas, from: federation.from, to: federation.to, seed });
      const single = async (seed: number) => {
        if (warm > 0) await commandLoad('transfers, one instance (warm-up)', first.url, spec(seed), warm, connections);
        runs.single.push(await commandLoad('transfers, one instance', first.url, spec(seed + 1), seconds, connections));
      };
      await single(10);
      second = await start();
      log(`second instance pid ${second.pid} up at ${second.url} on ${dir}`);
      const urls: [string, string] = [first.url, second.url];
      if (warm > 0) await spread(urls, spec(20), warm, connections, 'transfers, two instances (warm-up)');
      runs.two.push(await spread(urls, spec(21), seconds, connections, 'transfers, two instances'));
      await second.stop();
      second = undefined;
      await single(30);
    } finally {
      await second?.stop();
      await first.stop();
      built.dispose();
    }
    const singleRate = runs.single.reduce((sum, r) => sum + r.okPerSecond, 0) / runs.single.length;
    const [two] = runs.two;
    const twoPerSecond = twoRate(two);
    const row: Row = {
      ...ROW,
      measured: rate(twoPerSecond, '2xx/s'),
      baseline: rate(singleRate, '2xx/s'),
      ratio: twoPerSecond / singleRate,
      result: 'info',
      note:
        `two instances: ${rate(two.a.okPerSecond, '2xx/s')} + ${rate(two.b.okPerSecond, '2xx/s')} (${describeNon2xx(two.a)}; ${describeNon2xx(two.b)}), p99 ${two.a.latencyMs.p99} / ${two.b.latencyMs.p99} ms; ` +
        `one instance before and after: ${runs.single.map((r) => `${rate(r.okPerSecond, '2xx/s')} (${describeNon2xx(r)}, p99 ${r.latencyMs.p99} ms)`).join(' and ')}; ${times(twoPerSecond / singleRate)} one`,
    };
    return { rows: [row], details: { connections, seconds, warmupSeconds: warm, buildMs: built.buildMs, runs } };
  },
};
