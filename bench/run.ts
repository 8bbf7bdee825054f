/**
 * `npm run bench`: four figures (and the informational EventStoreDB rows), each a ratio against a baseline measured in the same run
 * on the same machine (see bench/README.md). Writes bench/results/<date>.json and .md and
 * prints the table. Sizes come from the environment (bench/config.ts); a smoke run is
 * `BENCH_EVENTS=20000 BENCH_SECONDS=2 npm run bench`.
 */
import 'reflect-metadata';
import { loadConfig, STEPS } from './config';
import { BenchReport, Row, localDate, markdown, writeReport } from './report';
import { log } from './support/log';
import { cpuSnapshot, foreignCpuShare, machineInfo } from './support/machine';
import { cleanUp, fullGc } from './support/runtime';
import { appendWorkload } from './workloads/append';
import { auditWorkload } from './workloads/audit';
import { esdbWorkload } from './workloads/esdb';
import { fanoutWorkload } from './workloads/fanout';
import { httpWorkload } from './workloads/http';
import { rebuildWorkload } from './workloads/rebuild';
import { serviceWorkload } from './workloads/service';
import { twoInstancesWorkload } from './workloads/two-instances';
import { webWorkload } from './web/workload';
import { Workload, notRun } from './workloads/workload';

const WORKLOADS: Workload[] = [appendWorkload, rebuildWorkload, auditWorkload, httpWorkload, fanoutWorkload, esdbWorkload, serviceWorkload, twoInstancesWorkload, webWorkload];

/** A connection string without its user and password, for the report. */
function redacted(connectionString: string | undefined): string | undefined {
  return connectionString?.replace(/\/\/[^@/]*@/, '//***@');
}

async function main(): Promise<number> {
  const config = loadConfig();
  const machine = machineInfo();
  const startedAt = new Date();
  const t0 = process.hrtime.bigint();
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`);
  log(`config: events=${config.events}, appends=${config.appends}, seconds=${config.seconds}, warm-up=${config.warmupSeconds}, connections=${config.connections}, esdb events=${config.esdbEvents}, esdb appends=${config.esdbAppends} (${config.esdbConnectionString ? redacted(config.esdbConnectionString) : 'gRPC double'}), service sizes=${config.serviceSizes.join(',')}, steps=${[...config.only].join(',')}`);

  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const failures: BenchReport['failures'] = [];
  const contention: BenchReport['contention'] = [];
  for (const workload of WORKLOADS) {
    if (!config.only.has(workload.step)) {
      rows.push(...notRun(workload, config, 'skipped (BENCH_ONLY)'));
      continue;
    }
    log(`── ${workload.title}`);
    const began = process.hrtime.bigint();
    const cpu = cpuSnapshot();
    try {
      const result = await workload.run(config);
      const foreign = foreignCpuShare(cpu);
      rows.push(...result.rows);
      details[workload.step] = { ...result.details, stepSeconds: Number(process.hrtime.bigint() - began) / 1e9, foreignCpuShare: foreign };
      if (foreign !== undefined) {
        contention.push({ step: workload.step, share: foreign });
        log(`${workload.step}: other processes used ${(foreign * 100).toFixed(0)} % of the machine's CPU meanwhile`);
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${workload.step} FAILED: ${message}`);
      failures.push({ step: workload.step, error: error instanceof Error ? error.message : String(error) });
      rows.push(...notRun(workload, config, `failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    fullGc();
  }

  const finishedAt = new Date();
  const report: BenchReport = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
    machine,
    config: { ...config, esdbConnectionString: redacted(config.esdbConnectionString), only: [...config.only] },
    rows,
    details,
    failures,
    contention,
  };
  const kept = cleanUp(config.keep);
  if (kept.length > 0) log(`kept: ${kept.join(', ')}`);
  const files = writeReport(report, config.resultsDir, STEPS);
  process.stdout.write(`\n${markdown(report)}\n`);
  log(`wrote ${files.json} and ${files.md} (run took ${report.durationSeconds.toFixed(0)} s)`);
  const misses = rows.filter((r) => r.result === 'miss').length;
  if (failures.length > 0) return 1;
  return process.env.BENCH_STRICT === '1' && misses > 0 ? 1 : 0;
}

main().then(
  // Exit explicitly: a stray keep-alive socket or timer must not keep a finished bench alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
