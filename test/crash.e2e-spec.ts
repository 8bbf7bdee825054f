import { CrashReport, CrashStore, describeReport, runCrashTest } from './crash/crash-run';
import { BuiltService, buildService } from './crash/service-process';
import { COMMAND_KINDS } from './crash/workload';

/**
 * Issue 7, item 1, the short version CI runs (the long one is `npm run test:crash`).
 *
 * The service runs as a child process (compiled once here); 8 clients send mixed commands,
 * every use case, each with an Idempotency-Key; the service is killed with SIGKILL 5 times
 * (some during start-up, some the moment a dissolution, departure or termination is recorded,
 * the rest at random) and restarted each time; a client retries what was not answered, with
 * the same key. Then, on the log: every acknowledged command's events are there exactly once,
 * no command's events appear twice, refusals appended nothing, every successor transfer is
 * recorded once; the read models equal a fresh replay (`cli replay`); the hash chain and the
 * signed checkpoints verify (`cli verify`). On EventStoreDB (the in-process double) only the
 * service is killed. The seeds are fixed so that a failure can be rerun:
 * `npm run test:crash -- --store <store> --kills 5 --seed <seed>`.
 */

const KILLS = 5;
const SEEDS: Record<CrashStore, number> = { embedded: 20261121, eventstoredb: 20261122 };

describe('crash: kill -9 under 8 clients, restart, and the log, read models and chain hold', () => {
  let built: BuiltService;

  beforeAll(async () => {
    built = await buildService();
  }, 120_000);
  afterAll(() => built?.dispose());

  it.each(['embedded', 'eventstoredb'] as CrashStore[])(
    'on the %s store',
    async (store) => {
      const report: CrashReport = await runCrashTest({ store, kills: KILLS, seed: SEEDS[store], built, replayEvery: 3 });
      const summary = describeReport(report);
      // Every check of the checker passed; the summary names each failed one with examples.
      expect({ ok: report.ok, problems: report.problems }).toEqual({ ok: true, problems: [] });
      // The run was what it claims: five kills, restarts, retries with the same key, every use case acknowledged.
      expect(report.kills).toBe(KILLS);
      expect(report.starts).toBe(KILLS + 1);
      expect(report.killsDuringStartup).toBeGreaterThanOrEqual(1);
      expect(report.commands.retried).toBeGreaterThan(0);
      expect(report.commands.serverErrors).toBe(0);
      const unacknowledged = COMMAND_KINDS.filter((kind) => report.commands.kinds[kind].acknowledged === 0);
      expect({ unacknowledged, summary }).toEqual({ unacknowledged: [], summary });
      // The read models were compared twice (once mid-run, with the clients held, and at the end) and the chain verified.
      expect(report.replay.length).toBe(2);
      expect(report.chain!.checked).toBeGreaterThanOrEqual(report.log.events);
      process.stdout.write(`${summary}\n`);
    },
    180_000,
  );
});
