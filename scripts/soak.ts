/**
 * `npm run soak`: the service under mixed load for ten minutes (SOAK_SECONDS), with SSE
 * subscribers attached, then a quiet minute (SOAK_QUIET_SECONDS: queries and streams, no
 * commands). Not part of CI.
 *
 * The service runs in this process (the whole Nest app on a file-based embedded store in a
 * temp dir); the load runs in a child process (scripts/soak/client.js). Every 10 s it prints
 * and records: commands/s and queries/s, their p50/p99 latency, provision changes delivered,
 * stream reconnects, RSS, V8 heap, the store's head, and the event loop's delay (p99, max,
 * from `monitorEventLoopDelay`). Every minute it takes the heap after a full GC.
 *
 * It fails (exit 1) when
 * - throughput falls: the last minute's commands/s is below 0.8× the first minute's (judged when
 *   the load lasts at least two minutes, so that the two minutes do not overlap);
 * - any request got an error or no answer: a status other than 2xx, except 422 (a refusal by
 *   the rules, an answer like any other: the load is valid by construction, yet a transfer may
 *   be refused on a day a basis no longer covers);
 * - memory grows without bound: the heap after GC, per event appended, grows more than twice
 *   as fast (plus 1 KiB) in the second half of the load as in the first (the read models keep
 *   every event, so the heap grows with the log; what must not grow is the rest); or the heap
 *   after GC grows more than 8 MiB over the quiet minute, when no event is appended.
 *
 * Results: bench/results/soak-<date>.json and .md (the machine noted), or SOAK_RESULTS_DIR.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig } from '../apps/api/src/config';
import { formFederation } from '../bench/http/prepare';
import { localDate } from '../bench/report';
import { log } from '../bench/support/log';
import { machineInfo } from '../bench/support/machine';
import { Random } from '../bench/support/random';
import { MiB, cleanUp, fullGc, tempDir } from '../bench/support/runtime';

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 10) throw new Error(`${name} must be a number of seconds ≥ 10, not '${raw}'`);
  return Math.floor(value);
}

const LOAD_SECONDS = seconds('SOAK_SECONDS', 600);
const QUIET_SECONDS = seconds('SOAK_QUIET_SECONDS', 60);
const WINDOW_MS = 10_000;
const GC_EVERY_WINDOWS = 6;
const SUBSCRIBERS = Number(process.env.SOAK_SUBSCRIBERS ?? 20);
const COMMAND_WORKERS = Number(process.env.SOAK_COMMAND_CLIENTS ?? 4);
const QUERY_WORKERS = Number(process.env.SOAK_QUERY_CLIENTS ?? 4);
const QUIET_GROWTH_LIMIT = 8 * MiB;
/** The last minute's commands/s must be at least this share of the first minute's (issue 12). */
const THROUGHPUT_TARGET = 0.8;
const WINDOWS_PER_MINUTE = 60_000 / WINDOW_MS;

interface Window {
  t: number;
  phase: 'load' | 'quiet';
  commands: number;
  commandFailures: Record<string, number>;
  commandP50: number | null;
  commandP99: number | null;
  queries: number;
  queryFailures: Record<string, number>;
  queryP50: number | null;
  queryP99: number | null;
  /** Per question (provisions, matrix, attention, arrangements): its answers in the window, their bytes and their time. */
  byKind: Record<string, { answers: number; bytes: number; ms: number }>;
  frames: number;
  reconnects: number;
  streamErrors: number;
  streams: number;
  rss: number;
  heapUsed: number;
  head: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

interface GcSample {
  t: number;
  phase: 'load' | 'quiet';
  heapUsed: number;
  rss: number;
  head: number;
}

const fmt = (n: number | null, digits = 1) => (n === null ? '—' : n.toFixed(digits));

async function main(): Promise<number> {
  const machine = machineInfo();
  const startedAt = new Date();
  log(`soak: ${LOAD_SECONDS} s of load + ${QUIET_SECONDS} s quiet; ${SUBSCRIBERS} subscribers, ${COMMAND_WORKERS} command clients, ${QUERY_WORKERS} query clients; machine ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
  const dir = tempDir('soak');
  const store = SqliteEventStore.open({ dataDir: dir });
  Logger.overrideLogger(['error']);
  const app = await createApp({ ...loadConfig({ LOG_LEVEL: 'error', SAMVERKAN_SSE_MAX_SUBSCRIBERS: String(SUBSCRIBERS + 20), SAMVERKAN_DATA_DIR: dir }), port: 0 }, { store, bufferLogs: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const random = new Random(20_261_121);
  const federation = await formFederation(url, random);
  const byCounty = new Map<string, string[]>();
  for (const m of loadMunicipalities()) byCounty.set(m.countyCode, [...(byCounty.get(m.countyCode) ?? []), m.code]);
  const counties = [...byCounty.entries()].filter(([, codes]) => codes.length >= 3);
  log(`service at ${url} (store ${store.settings().file}); federation ${federation.id}: ${federation.members.length} members × ${federation.areas.length} areas`);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const child = fork(resolve(__dirname, 'soak/client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const windows: Window[] = [];
  const gcs: GcSample[] = [];
  const began = Date.now();
  let phase: 'load' | 'quiet' = 'load';
  const elapsed = () => (Date.now() - began) / 1000;
  const sampleGc = () => {
    fullGc();
    const memory = process.memoryUsage();
    return store.headPosition().then((head) => gcs.push({ t: elapsed(), phase, heapUsed: memory.heapUsed, rss: memory.rss, head }));
  };
  await sampleGc();

  log('   t  phase  cmd/s  p50 ms  p99 ms  qry/s  p99 ms  changes/s  reconn  RSS MiB  heap MiB   events  loop p99/max ms');
  child.on('message', (message: { type: string } & Record<string, unknown>) => {
    if (message.type !== 'window') return;
    const memory = process.memoryUsage();
    const w = message as unknown as Window;
    void store.headPosition().then((head) => {
      const row: Window = {
        ...w,
        t: elapsed(),
        phase,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        head,
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
      };
      loop.reset();
      windows.push(row);
      const per = (n: number) => (n / (WINDOW_MS / 1000)).toFixed(0).padStart(5);
      log(
        `${row.t.toFixed(0).padStart(4)}  ${phase.padEnd(5)}  ${per(row.commands)}  ${fmt(row.commandP50).padStart(6)}  ${fmt(row.commandP99).padStart(6)}  ${per(row.queries)}  ${fmt(row.queryP99).padStart(6)}  ${per(row.frames).padStart(9)}  ${String(row.reconnects).padStart(6)}  ${(row.rss / MiB).toFixed(0).padStart(7)}  ${(row.heapUsed / MiB).toFixed(0).padStart(8)}  ${String(head).padStart(7)}  ${row.loopP99Ms.toFixed(1)}/${row.loopMaxMs.toFixed(1)}`,
      );
      if (windows.length % GC_EVERY_WINDOWS === 0) void sampleGc();
    });
  });
  child.send({ type: 'start', config: { url, subscribers: SUBSCRIBERS, commandWorkers: COMMAND_WORKERS, queryWorkers: QUERY_WORKERS, federation, counties, areas: loadServiceAreas().map((a) => a.slug), seed: 7, windowMs: WINDOW_MS, churnMs: 5_000 } });

  await new Promise((r) => setTimeout(r, LOAD_SECONDS * 1000));
  await sampleGc();
  const loadEnd = gcs[gcs.length - 1];
  phase = 'quiet';
  child.send({ type: 'quiet' });
  // The commands in flight finish, the projections settle: then the quiet minute's first sample.
  await new Promise((r) => setTimeout(r, 5_000));
  await sampleGc();
  const quietStart = gcs[gcs.length - 1];
  await new Promise((r) => setTimeout(r, QUIET_SECONDS * 1000));
  await sampleGc();
  const quietEnd = gcs[gcs.length - 1];
  const totals = await new Promise<Record<string, number>>((done) => {
    child.on('message', (m: { type: string; totals?: Record<string, number> }) => m.type === 'stopped' && done(m.totals ?? {}));
    child.send({ type: 'stop' });
  });
  loop.disable();
  await app.close();

  // ------------------------------------------------------------------ verdicts
  const load = gcs.filter((g) => g.phase === 'load');
  const mid = load[Math.floor((load.length - 1) / 2)];
  const first = load[0];
  const perEvent = (a: GcSample, b: GcSample) => (b.heapUsed - a.heapUsed) / Math.max(1, b.head - a.head);
  const firstHalf = perEvent(first, mid);
  const secondHalf = perEvent(mid, loadEnd);
  // Too short a run has too few samples to tell a trend (SOAK_SECONDS below ~3 minutes).
  const enoughSamples = load.length >= 3;
  const growthOk = !enoughSamples || secondHalf <= 2 * Math.max(firstHalf, 0) + 1024;
  const quietGrowth = quietEnd.heapUsed - quietStart.heapUsed;
  const quietOk = quietGrowth <= QUIET_GROWTH_LIMIT;
  const failures = windows.reduce((n, w) => n + sum(w.commandFailures) + sum(w.queryFailures), 0);
  const loadWindows = windows.filter((w) => w.phase === 'load');
  const commandsPerSecond = loadWindows.map((w) => w.commands / (WINDOW_MS / 1000));
  // A minute at each end, never overlapping (a load shorter than two minutes takes half of it each).
  const minute = Math.max(1, Math.min(WINDOWS_PER_MINUTE, Math.floor(commandsPerSecond.length / 2)));
  const firstMinute = avg(commandsPerSecond.slice(0, minute));
  const lastMinute = avg(commandsPerSecond.slice(-minute));
  const lastToFirst = firstMinute > 0 ? lastMinute / firstMinute : 0;
  const throughputJudged = commandsPerSecond.length >= 2 * WINDOWS_PER_MINUTE;
  const throughputOk = !throughputJudged || lastToFirst >= THROUGHPUT_TARGET;
  // What each question's answer was in the first and the last minute: answers that grow with the register take more of the machine.
  const answersIn = (ws: Window[]): Record<string, { bytes: number; ms: number }> => {
    const out: Record<string, { answers: number; bytes: number; ms: number }> = {};
    for (const w of ws) {
      for (const [kind, k] of Object.entries(w.byKind ?? {})) {
        const o = (out[kind] ??= { answers: 0, bytes: 0, ms: 0 });
        o.answers += k.answers;
        o.bytes += k.bytes;
        o.ms += k.ms;
      }
    }
    return Object.fromEntries(Object.entries(out).map(([kind, o]) => [kind, { bytes: o.bytes / Math.max(1, o.answers), ms: o.ms / Math.max(1, o.answers) }]));
  };
  const answersFirst = answersIn(loadWindows.slice(0, minute));
  const answersLast = answersIn(loadWindows.slice(-minute));
  const p99s = loadWindows.map((w) => w.commandP99 ?? 0);
  const queryP99s = windows.map((w) => w.queryP99 ?? 0);
  const summary: SoakSummary = {
    loadSeconds: LOAD_SECONDS,
    quietSeconds: QUIET_SECONDS,
    totals,
    events: loadEnd.head,
    commandsPerSecond: { first: firstMinute, last: lastMinute, windowsEach: minute, mean: avg(commandsPerSecond), min: Math.min(...commandsPerSecond) },
    lastToFirstMinute: { ratio: lastToFirst, target: THROUGHPUT_TARGET },
    answers: { firstMinute: answersFirst, lastMinute: answersLast },
    commandP99Ms: { median: median(p99s), worst: Math.max(...p99s) },
    queryP99Ms: { median: median(queryP99s), worst: Math.max(...queryP99s) },
    eventLoop: { p99MedianMs: median(windows.map((w) => w.loopP99Ms)), maxMs: Math.max(...windows.map((w) => w.loopMaxMs)) },
    rss: { startMiB: first.rss / MiB, endOfLoadMiB: loadEnd.rss / MiB, endMiB: quietEnd.rss / MiB },
    heapAfterGc: { startMiB: first.heapUsed / MiB, endOfLoadMiB: loadEnd.heapUsed / MiB, bytesPerEventFirstHalf: firstHalf, bytesPerEventSecondHalf: secondHalf, quietGrowthMiB: quietGrowth / MiB },
    failures,
    verdicts: { noFailures: failures === 0, flatThroughput: throughputOk, throughputJudged, boundedGrowthUnderLoad: growthOk, growthJudged: enoughSamples, flatWhenQuiet: quietOk },
  };
  const ok = failures === 0 && throughputOk && growthOk && quietOk;
  log(`commands/s: first minute ${firstMinute.toFixed(0)}, last minute ${lastMinute.toFixed(0)}: ${lastToFirst.toFixed(2)}× (target ≥ ${THROUGHPUT_TARGET}×${throughputJudged ? '' : ', not judged: under two minutes of load'}); errors ${failures}`);
  const report = { date: localDate(startedAt), startedAt: startedAt.toISOString(), machine, config: { subscribers: SUBSCRIBERS, commandClients: COMMAND_WORKERS, queryClients: QUERY_WORKERS, windowMs: WINDOW_MS }, ok, summary, windows, gcSamples: gcs };
  const out = process.env.SOAK_RESULTS_DIR || join('bench', 'results');
  mkdirSync(out, { recursive: true });
  const base = join(out, `soak-${report.date}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(report));
  process.stdout.write(`\n${markdown(report)}\n`);
  log(`wrote ${base}.json and ${base}.md`);
  cleanUp(process.env.SOAK_KEEP === '1');
  return ok ? 0 : 1;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
function avg(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The figures and verdicts of a run: the report's `summary`. */
interface SoakSummary {
  loadSeconds: number;
  quietSeconds: number;
  totals: Record<string, number>;
  events: number;
  commandsPerSecond: { first: number; last: number; windowsEach: number; mean: number; min: number };
  lastToFirstMinute: { ratio: number; target: number };
  /** Mean bytes and time of each question's answers, in the first and the last minute of load. */
  answers: { firstMinute: Record<string, { bytes: number; ms: number }>; lastMinute: Record<string, { bytes: number; ms: number }> };
  commandP99Ms: { median: number; worst: number };
  queryP99Ms: { median: number; worst: number };
  eventLoop: { p99MedianMs: number; maxMs: number };
  rss: { startMiB: number; endOfLoadMiB: number; endMiB: number };
  heapAfterGc: { startMiB: number; endOfLoadMiB: number; bytesPerEventFirstHalf: number; bytesPerEventSecondHalf: number; quietGrowthMiB: number };
  failures: number;
  verdicts: { noFailures: boolean; flatThroughput: boolean; throughputJudged: boolean; boundedGrowthUnderLoad: boolean; growthJudged: boolean; flatWhenQuiet: boolean };
}

function markdown(report: { date: string; machine: ReturnType<typeof machineInfo>; ok: boolean; summary: SoakSummary; config: Record<string, number> }): string {
  const s = report.summary;
  const m = report.machine;
  const v = s.verdicts;
  return [
    `# Samverkan soak, ${report.date}: ${report.ok ? 'pass' : '**FAIL**'}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}${m.gitCommit ? `; tree ${m.gitCommit}${m.gitDirty ? ' + uncommitted changes' : ''}` : ''}`,
    `Load: ${s.loadSeconds} s of commands (${report.config.commandClients} clients: transfers, agreement proposals and signatures, each with an Idempotency-Key), queries (${report.config.queryClients} clients: provisions, matrix, attention, arrangements) and ${report.config.subscribers} SSE subscribers (one reconnecting with Last-Event-ID every 5 s); then ${s.quietSeconds} s without commands.`,
    '',
    '| Figure | Measured |',
    '|---|---|',
    `| Commands, total / events appended | ${s.totals.commands?.toLocaleString('en-US')} / ${s.events.toLocaleString('en-US')} |`,
    `| Commands/s: first minute, last minute, mean, lowest 10 s | ${s.commandsPerSecond.first.toFixed(0)}, ${s.commandsPerSecond.last.toFixed(0)}, ${s.commandsPerSecond.mean.toFixed(0)}, ${s.commandsPerSecond.min.toFixed(0)}${s.commandsPerSecond.windowsEach < WINDOWS_PER_MINUTE ? ` (first and last ${s.commandsPerSecond.windowsEach * (WINDOW_MS / 1000)} s: a short run)` : ''} |`,
    `| Commands/s, last minute ÷ first minute (target ≥ ${s.lastToFirstMinute.target}×) | ${s.lastToFirstMinute.ratio.toFixed(2)}× (${!v.throughputJudged ? 'under two minutes of load: not judged' : v.flatThroughput ? 'pass' : '**miss**'}) |`,
    `| Command latency p99 (median of 10 s windows / worst window) | ${s.commandP99Ms.median.toFixed(1)} / ${s.commandP99Ms.worst.toFixed(1)} ms |`,
    `| Query latency p99 (median / worst window) | ${s.queryP99Ms.median.toFixed(1)} / ${s.queryP99Ms.worst.toFixed(1)} ms |`,
    `| Provision changes delivered / stream reconnects | ${s.totals.frames?.toLocaleString('en-US')} / ${s.totals.reconnects?.toLocaleString('en-US')} |`,
    `| Event-loop delay p99 (median window) / max | ${s.eventLoop.p99MedianMs.toFixed(1)} / ${s.eventLoop.maxMs.toFixed(1)} ms |`,
    `| RSS: start → end of load → end | ${s.rss.startMiB.toFixed(0)} → ${s.rss.endOfLoadMiB.toFixed(0)} → ${s.rss.endMiB.toFixed(0)} MiB |`,
    `| Heap after GC: start → end of load | ${s.heapAfterGc.startMiB.toFixed(0)} → ${s.heapAfterGc.endOfLoadMiB.toFixed(0)} MiB |`,
    `| Heap growth per event appended: first half / second half | ${s.heapAfterGc.bytesPerEventFirstHalf.toFixed(0)} / ${s.heapAfterGc.bytesPerEventSecondHalf.toFixed(0)} bytes (${!v.growthJudged ? 'too short a run to judge' : v.boundedGrowthUnderLoad ? 'bounded' : '**grows faster: unbounded**'}) |`,
    `| Heap growth over the quiet phase | ${s.heapAfterGc.quietGrowthMiB.toFixed(1)} MiB (${v.flatWhenQuiet ? 'flat' : '**grows**'}; limit 8 MiB) |`,
    `| Errors (non-2xx other than 422 refusals, or no answer) | ${s.failures} |`,
    '',
    'Answers by question, first minute → last minute of load (mean size, mean time from request to the whole answer):',
    '',
    '| Question | Size | Time |',
    '|---|---|---|',
    ...Object.keys({ ...s.answers.firstMinute, ...s.answers.lastMinute })
      .sort()
      .map((kind) => {
        const a = s.answers.firstMinute[kind];
        const b = s.answers.lastMinute[kind];
        const size = (x?: { bytes: number }) => (x ? `${(x.bytes / 1024).toFixed(1)} KiB` : '—');
        const time = (x?: { ms: number }) => (x ? `${x.ms.toFixed(1)} ms` : '—');
        return `| ${kind} | ${size(a)} → ${size(b)} | ${time(a)} → ${time(b)} |`;
      }),
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
