import { EventStore } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableStream } from 'node:stream/web';
import { LogFigures, Problems, ReplayFigures, checkChain, checkLog, checkReplay, readLog } from './checker';
import { CrashClient, Gate } from './crash-client';
import { Random, sleep } from './random';
import { BuiltService, ServiceProcess, buildService, freePort } from './service-process';
import { COMMAND_KINDS, LedgerEntry, Pool, isAcknowledged } from './workload';

export type CrashStore = 'embedded' | 'eventstoredb';

export interface CrashRunOptions {
  store: CrashStore;
  /** kill -9 this many times (each followed by a restart). */
  kills: number;
  clients?: number;
  seed?: number;
  /** How long the service runs between a healthy start and the next kill: a random time in this range (ms). */
  upMs?: [number, number];
  /** Every n-th kill (the first included) lands during start-up instead, at a random moment after the spawn. */
  startupKillEvery?: number;
  /**
   * Every n-th kill (counting from the second) lands the moment the service's event feed shows a
   * dissolution, departure or termination: while its command is still recording the successor
   * transfers, before it has answered. 0: never.
   */
  onEventKillEvery?: number;
  /** Also compare the read models with a fresh replay before every n-th kill, with the clients held (0: only at the end). */
  replayEvery?: number;
  /** How long the clients go on after the last restart before they are stopped (ms). */
  finalMs?: number;
  /** Seconds between the service's signed checkpoints (short, so that kills land around them too). */
  checkpointSeconds?: number;
  /** A service compiled once for several runs; built (and disposed) here when absent. */
  built?: BuiltService;
  /** Keep the data directory (and say where it is). */
  keepData?: boolean;
  log?: (line: string) => void;
}

export interface CrashReport {
  store: CrashStore;
  seed: number;
  clients: number;
  kills: number;
  /** Kills that landed while the service was starting (before it was healthy), and right after a deciding event was recorded. */
  killsDuringStartup: number;
  killsOnEvent: number;
  starts: number;
  /** Start to healthy, ms: median and slowest. */
  startMs: { median: number; max: number };
  commands: {
    sent: number;
    acknowledged: number;
    refused: number;
    /** Sent again with the same key because an attempt got no answer (connection refused or reset by a kill). */
    retried: number;
    /** Retried, and their events were already in the log before the kill: only idempotency kept them single. */
    recordedBeforeKill: number;
    attempts: number;
    timeouts: number;
    serverErrors: number;
    /** The use cases that were sent, and those of them acknowledged at least once. */
    kinds: Record<string, { sent: number; acknowledged: number }>;
  };
  log: LogFigures;
  replay: ReplayFigures[];
  chain?: { checked: number; checkpoints: number };
  /** Lines the service logged at error level (or unparseable stderr). */
  serviceErrors: string[];
  seconds: number;
  ok: boolean;
  problems: string[];
  dataDir?: string;
}

/** The municipalities and service areas the clients share: few enough that their streams are contended. */
function sharedPool(random: Random): Pool {
  return {
    municipalities: random.sample(
      loadMunicipalities().map((m) => m.code),
      16,
    ),
    areas: random.sample(
      loadServiceAreas().map((a) => a.slug),
      6,
    ),
  };
}

/**
 * One crash run on one store: the service in a child process, `clients` clients sending mixed
 * commands, `kills` kill -9s at random moments each followed by a restart, then the checks
 * (checker.ts) on the log, the read models and the hash chain. For EventStoreDB the double
 * runs in this process; only the service is killed.
 */
export async function runCrashTest(options: CrashRunOptions): Promise<CrashReport> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = new Random(seed);
  const clientCount = options.clients ?? 8;
  const [upMin, upMax] = options.upMs ?? [300, 1500];
  const startupKillEvery = options.startupKillEvery ?? 4;
  const log = options.log ?? (() => undefined);
  const problems = new Problems();

  const dataDir = mkdtempSync(join(tmpdir(), `samverkan-crash-${options.store}-`));
  const double = options.store === 'eventstoredb' ? new EventStoreDbDouble() : undefined;
  if (double) await double.start();
  const built = options.built ?? (await buildService());
  const service = new ServiceProcess({
    built,
    port: await freePort(),
    dataDir,
    ...(double ? { eventStoreConnectionString: double.connectionString } : {}),
    env: { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: String(options.checkpointSeconds ?? 1) },
  });
  const source = double ? ['--esdb', double.connectionString, '--data-dir', dataDir] : ['--data-dir', dataDir];
  const ledger: LedgerEntry[] = [];
  const gate = new Gate();
  const pool = sharedPool(random);
  const runId = `k${seed.toString(36)}`;
  const clients = Array.from({ length: clientCount }, (_, i) => new CrashClient(i + 1, runId, service, random.fork(i + 1), pool, gate, ledger));
  const replay: ReplayFigures[] = [];
  let killsDuringStartup = 0;
  let killsOnEvent = 0;
  const onEventKillEvery = options.onEventKillEvery ?? 3;
  let logFigures: LogFigures = { events: 0, streams: 0, recordedBeforeKill: 0, successorsRecorded: 0 };
  let chain: CrashReport['chain'];
  let clientsDone: Promise<unknown> = Promise.resolve();
  let store: EventStore | undefined;

  try {
    log(`${options.store}: seed ${seed}, ${clientCount} clients, ${options.kills} kills, service ${built.runner}, data in ${dataDir}`);
    clientsDone = Promise.all(clients.map((c) => c.run()));
    for (let k = 0; k < options.kills; k++) {
      if (startupKillEvery > 0 && k % startupKillEvery === 0) {
        // While starting: rebuilding the read models, registering the reference data (the first start), or just listening.
        service.spawn();
        await sleep(random.int(50, 1200));
        killsDuringStartup++;
        await service.kill();
        log(`${options.store}: kill ${k + 1}/${options.kills} during start-up`);
        continue;
      }
      await service.start();
      const upFor = random.int(upMin, upMax);
      const onEvent = onEventKillEvery > 0 && k % onEventKillEvery === 1;
      if (onEvent) {
        if (await deciding(service.url, upFor)) killsOnEvent++;
      } else {
        await sleep(upFor);
      }
      if (options.replayEvery && (k + 1) % options.replayEvery === 0) {
        await quietly(gate, clientCount, async () => {
          await settle(service.url);
          const figures = await checkReplay(source, service.url, problems);
          if (figures) replay.push(figures);
        });
      }
      await service.kill();
      log(`${options.store}: kill ${k + 1}/${options.kills} after ${ledger.length} commands`);
    }
    await service.start();
    await sleep(options.finalMs ?? 1000);
    gate.stop();
    await clientsDone;
    // A kill may have cut a dissolution short of its successor transfers: the restarted service finishes them.
    await settle(service.url);

    store = double ? new EventStoreDbEventStore(double.connectionString) : SqliteEventStore.open({ dataDir });
    let events = await readLog(store);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && successorsPending(events)) {
      await sleep(200);
      await settle(service.url);
      events = await readLog(store);
    }
    logFigures = checkLog(ledger, events, problems);
    const figures = await checkReplay(source, service.url, problems);
    if (figures) replay.push(figures);
    chain = await checkChain(source, problems);
  } finally {
    gate.stop();
    await service.stop();
    await clientsDone.catch(() => undefined);
    await store?.close();
    await double?.stop();
    if (!options.built) built.dispose();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  }

  const serviceErrors = service.errors.map((e) => `[start ${e.start}] ${e.line.slice(0, 1000)}`);
  for (const line of serviceErrors) problems.add('service: logged an error', line);
  const kinds: CrashReport['commands']['kinds'] = {};
  for (const kind of COMMAND_KINDS) kinds[kind] = { sent: 0, acknowledged: 0 };
  for (const entry of ledger) {
    kinds[entry.kind].sent++;
    if (entry.purpose === 'command' && isAcknowledged(entry)) kinds[entry.kind].acknowledged++;
  }
  const sorted = [...service.startMs].sort((a, b) => a - b);
  const report: CrashReport = {
    store: options.store,
    seed,
    clients: clientCount,
    kills: service.kills,
    killsDuringStartup,
    killsOnEvent,
    starts: service.starts,
    startMs: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    commands: {
      sent: ledger.length,
      acknowledged: ledger.filter((e) => e.purpose === 'command' && isAcknowledged(e)).length,
      refused: ledger.filter((e) => !isAcknowledged(e)).length,
      retried: ledger.filter((e) => e.lost > 0).length,
      recordedBeforeKill: logFigures.recordedBeforeKill,
      attempts: ledger.reduce((n, e) => n + e.attempts, 0),
      timeouts: ledger.reduce((n, e) => n + e.timeouts, 0),
      serverErrors: ledger.reduce((n, e) => n + e.serverErrors.length, 0),
      kinds,
    },
    log: logFigures,
    replay,
    ...(chain ? { chain } : {}),
    serviceErrors,
    seconds: (Date.now() - started) / 1000,
    ok: problems.count === 0,
    problems: problems.lines(),
    ...(options.keepData ? { dataDir } : {}),
  };
  return report;
}

/**
 * Resolves true as soon as the service's event feed delivers a dissolution, departure or
 * termination (its command is then still recording the successors, or answering), or false
 * after `timeoutMs` without one.
 */
async function deciding(url: string, timeoutMs: number): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(`${url}/v1/subscriptions/events?types=FederationDissolved,MemberLeft,AgreementTerminated`, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      text += decoder.decode(value, { stream: true });
      if (/^event: domain-event$/m.test(text)) return true;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Holds the clients between requests, waits until every request sent is answered, runs `work`, and lets them go on. */
async function quietly(gate: Gate, clients: number, work: () => Promise<void>): Promise<void> {
  gate.pause();
  try {
    while (gate.waiting < clients) await sleep(10);
    await work();
  } finally {
    gate.resume();
  }
}

/**
 * Waits until the read models have applied everything of theirs in the log and stay there for a
 * moment. `/health` reports the log's head too, but the head may be beyond the read models for
 * good: checkpoints and (on EventStoreDB) system events are not theirs, and `lagMs` is 0 then.
 */
async function settle(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let stableSince: number | undefined;
  let last = -1;
  let health: unknown;
  while (Date.now() < deadline) {
    health = await (await fetch(`${url}/health`)).json();
    const { position, head, lagMs } = (health as { projection: { position: number; head?: number; lagMs: number } }).projection;
    const caughtUp = head !== undefined && (position >= head || lagMs === 0);
    if (caughtUp && position === last) {
      stableSince ??= Date.now();
      if (Date.now() - stableSince >= 300) return;
    } else {
      stableSince = undefined;
    }
    last = position;
    await sleep(50);
  }
  throw new Error(`The read models of ${url} did not settle within 30 s: ${JSON.stringify(health)}`);
}

/** Whether a decision in the log names a successor that has no transfer yet (the restarted service is still finishing it). */
function successorsPending(events: readonly { id: string; type: string; data: Record<string, unknown> }[]): boolean {
  const recorded = new Set<string>();
  for (const e of events) {
    const of = (e.data as { successorOf?: { eventId: string } }).successorOf;
    if (e.type === 'ServiceTransferred' && of) recorded.add(`${of.eventId}/${String(e.data.municipality)}/${String(e.data.serviceArea)}`);
  }
  for (const e of events) {
    if (!['FederationDissolved', 'MemberLeft', 'AgreementTerminated'].includes(e.type)) continue;
    for (const s of (e.data.successors as { municipality: string; serviceArea: string }[] | undefined) ?? []) if (!recorded.has(`${e.id}/${s.municipality}/${s.serviceArea}`)) return true;
  }
  return false;
}

/** The report as a few lines for people. */
export function describeReport(r: CrashReport): string {
  const c = r.commands;
  const unused = Object.entries(c.kinds)
    .filter(([, v]) => v.acknowledged === 0)
    .map(([k]) => k);
  const lines = [
    `${r.store}: ${r.ok ? 'PASS' : 'FAIL'} in ${r.seconds.toFixed(1)} s (seed ${r.seed}, ${r.clients} clients)`,
    `  kills: ${r.kills} (${r.killsDuringStartup} during start-up, ${r.killsOnEvent} as a deciding event was recorded), starts: ${r.starts}, start to healthy: median ${r.startMs.median} ms, slowest ${r.startMs.max} ms`,
    `  commands: ${c.sent} sent, ${c.acknowledged} acknowledged, ${c.refused} refused (4xx), ${c.retried} retried after a kill (${c.recordedBeforeKill} of them already recorded when the answer was lost), ${c.attempts} attempts, ${c.timeouts} timeouts, ${c.serverErrors} 5xx`,
    `  use cases acknowledged: ${COMMAND_KINDS.length - unused.length}/${COMMAND_KINDS.length}${unused.length ? ` (none for ${unused.join(', ')})` : ''}`,
    `  log: ${r.log.events} events in ${r.log.streams} streams, ${r.log.successorsRecorded} successor transfers`,
    ...r.replay.map((p, i) => `  replay ${i + 1}/${r.replay.length}: ${p.events} events rebuilt; ${p.cells} provisions on ${p.dates} dates, ${p.attentionItems} attention items, ${p.arrangements} arrangements equal the live service`),
    r.chain ? `  chain: ${r.chain.checked} events verified, ${r.chain.checkpoints} signed checkpoints` : '  chain: not verified',
    ...(r.dataDir ? [`  data kept in ${r.dataDir}`] : []),
    ...r.problems.map((p) => `  ${p}`),
  ];
  return lines.join('\n');
}
