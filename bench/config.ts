/**
 * The bench's knobs, from the environment. Defaults are the full run; a smoke run is
 * `BENCH_EVENTS=20000 BENCH_SECONDS=2 npm run bench`.
 */
export interface BenchConfig {
  /** Events in the synthetic history that is rebuilt (figure 2). */
  events: number;
  /** Single-event appends per variant (figure 1): raw inserts and store appends each do this many. */
  appends: number;
  /** Measured seconds of each HTTP run (figures 3 and 4). */
  seconds: number;
  /** Warm-up seconds before each measured HTTP run (not counted). */
  warmupSeconds: number;
  /** Concurrent HTTP clients (connections) for the command runs and the loaded latency run. */
  connections: number;
  /** Alternating raw-scan/rebuild trials; the figures are their medians. */
  rebuildTrials: number;
  /** Rows per `readAll` page during the rebuild. */
  pageSize: number;
  /** Events in the history rebuilt through the EventStoreDB adapter (step esdb). */
  esdbEvents: number;
  /** Single-event appends per side through the EventStoreDB adapter (step esdb). */
  esdbAppends: number;
  /** A real EventStoreDB for step esdb (BENCH_EVENTSTORE_CONNECTION_STRING); unset: the in-process gRPC double. */
  esdbConnectionString: string | undefined;
  /** SSE subscribers in the fan-out step. */
  fanoutSubscribers: number;
  /** Transfers per second sent while the fan-out is measured. */
  fanoutRate: number;
  /** History sizes the service step measures the service at (besides the fresh register), ascending. */
  serviceSizes: number[];
  /** How long one start of the service child may take before the service step fails. */
  serviceStartTimeoutSeconds: number;
  /** Runs of each measurement of the web step (first paints, date steps). */
  webRuns: number;
  /** Which steps to run: append, rebuild, audit, http (3 and 4 share one running service), fanout, esdb, service. */
  only: Set<Step>;
  /** Seed for the synthetic data (the same seed gives the same history, ids aside). */
  seed: number;
  /** Keep the temp dirs (the SQLite files) instead of deleting them at the end. */
  keep: boolean;
  /** Where the results go. */
  resultsDir: string;
}

export type Step = 'append' | 'rebuild' | 'audit' | 'http' | 'fanout' | 'esdb' | 'service' | 'two-instances' | 'web';
export const STEPS: readonly Step[] = ['append', 'rebuild', 'audit', 'http', 'fanout', 'esdb', 'service', 'two-instances', 'web'];

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, not '${raw}'`);
  return Math.floor(value);
}

/** A comma-separated list of event counts (`10000,100000,1_000_000`), each ≥ `min`, sorted and deduplicated. */
function sizes(env: NodeJS.ProcessEnv, name: string, fallback: number[], min: number): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((part) => {
    const value = Number(part.trim().replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a comma-separated list of whole numbers ≥ ${min}, not '${raw}'`);
    return value;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const events = int(env, 'BENCH_EVENTS', 1_000_000, 1_000);
  const seconds = int(env, 'BENCH_SECONDS', 10);
  const only = (env.BENCH_ONLY ?? STEPS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const step of only) if (!STEPS.includes(step as Step)) throw new Error(`BENCH_ONLY: unknown step '${step}' (steps: ${STEPS.join(', ')})`);
  return {
    events,
    // About 10 s per variant at ~1,000 fsyncs/s on the full run, proportionally less for a smoke run.
    appends: int(env, 'BENCH_APPENDS', Math.max(500, Math.min(10_000, Math.round(events / 100)))),
    seconds,
    warmupSeconds: int(env, 'BENCH_WARMUP_SECONDS', Math.min(3, Math.max(1, Math.round(seconds / 4))), 0),
    connections: int(env, 'BENCH_CONNECTIONS', 16),
    rebuildTrials: int(env, 'BENCH_REBUILD_TRIALS', 3),
    pageSize: int(env, 'BENCH_PAGE_SIZE', 10_000),
    // The double keeps the whole log in memory and answers gRPC in this process: smaller sizes.
    esdbEvents: int(env, 'BENCH_ESDB_EVENTS', 100_000, 1_000),
    esdbAppends: int(env, 'BENCH_ESDB_APPENDS', 2_000),
    esdbConnectionString: env.BENCH_EVENTSTORE_CONNECTION_STRING || undefined,
    fanoutSubscribers: int(env, 'BENCH_FANOUT_SUBSCRIBERS', 100),
    fanoutRate: int(env, 'BENCH_FANOUT_RATE', 100),
    serviceSizes: sizes(env, 'BENCH_SERVICE_SIZES', [10_000, 100_000, 1_000_000], 1_000),
    serviceStartTimeoutSeconds: int(env, 'BENCH_SERVICE_START_TIMEOUT', 900),
    webRuns: int(env, 'BENCH_WEB_RUNS', 20),
    only: new Set(only as Step[]),
    seed: int(env, 'BENCH_SEED', 20_240_601, 0),
    keep: env.BENCH_KEEP === '1',
    resultsDir: env.BENCH_RESULTS_DIR ?? 'bench/results',
  };
}
