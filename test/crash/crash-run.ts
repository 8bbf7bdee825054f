import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import type { ReadableStream } from 'node:stream/web';
import { sharedStoreInstances } from '../support/instances';
import { LogFigures, Problems, ReplayFigures, RuleCheckFigures, checkChain, checkLog, checkReplay, checkRules, readLog } from './checker';
import { CrashClient, Gate } from './crash-client';
import { Random, sleep } from './random';
import { BuiltService, ServiceProcess, buildService } from './service-process';
import { COMMAND_KINDS, LedgerEntry, Pool, isAcknowledged } from './workload';

export type CrashStore = 'embedded' | 'eventstoredb';

export interface CrashRunOptions {
  store: CrashStore;
  /**
   * kill -9 this many times (each followed by a restart). With two instances, a round: one of
   * them or both are killed (and restarted), the other serving the clients meanwhile.
   */
  kills: number;
  /** Service processes on the one store (1, or 2 as the cluster profile runs them); clients spread over them. */
  instances?: number;
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
  instances: number;
  seed: number;
  clients: number;
  /** Kill rounds; processes killed (with two instances a round may kill both: `bothKilled` rounds did). */
  rounds: number;
  kills: number;
  bothKilled: number;
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
    /** Retried, and answered by another instance than the one the first attempt went to. */
    retriedElsewhere: number;
    /** Acknowledged commands sent again (same key and body) and answered by another instance than the first time. */
    resentElsewhere: number;
    /** Retried, and their events were already in the log before the kill: only idempotency kept them single. */
    recordedBeforeKill: number;
    attempts: number;
    timeouts: number;
    serverErrors: number;
    /** The use cases that were sent, and those of them acknowledged at least once. */
    kinds: Record<string, { sent: number; acknowledged: number }>;
  };
  log: LogFigures;
  /** The rule check on the log (rules 3, 6 and 10, once-only decisions, the id space). */
  rules?: RuleCheckFigures;
  replay: ReplayFigures[];
  chain?: { checked: number; checkpoints: number };
  /** Lines the service logged at error level (or unparseable stderr). */
  serviceErrors: string[];
  seconds: number;
  ok: boolean;
  problems: string[];
  dataDir?: string;
}

/** The environment a crash run adds for its service processes: checkpoints every second (default), so that kills land around them too. */
export function crashServiceEnv(checkpointSeconds = 1): NodeJS.ProcessEnv {
  return { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: String(checkpointSeconds) };
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
 * One crash run on one store: the service in a child process (or two on the one store,
 * `instances: 2`, the clients spread over them), `clients` clients sending mixed commands,
 * `kills` kill -9s at random moments each followed by a restart (with two instances: rounds that
 * kill one of them or both), then the checks (checker.ts) on the log, the rules, the read models
 * of every instance and the hash chain. For EventStoreDB the double runs in this process; only
 * the service is killed.
 */
export async function runCrashTest(options: CrashRunOptions): Promise<CrashReport> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = new Random(seed);
  const clientCount = options.clients ?? 8;
  const [upMin, upMax] = options.upMs ?? [300, 1500];
  const startupKillEvery = options.startupKillEvery ?? 4;
  const count = options.instances ?? 1;
  const log = options.log ?? (() => undefined);
  const problems = new Problems();

  const built = options.built ?? (await buildService());
  const instances = await sharedStoreInstances({
    store: options.store,
    built,
    count,
    env: crashServiceEnv(options.checkpointSeconds),
    keepData: options.keepData === true,
    start: false,
  });
  const { services, source } = instances;
  const dataDir = instances.dataDirs.length === 1 ? instances.dataDirs[0] : instances.dataDirs.join(', ');
  const ledger: LedgerEntry[] = [];
  const gate = new Gate();
  const pool = sharedPool(random);
  const runId = `k${seed.toString(36)}`;
  const clients = Array.from({ length: clientCount }, (_, i) => new CrashClient(i + 1, runId, services, random.fork(i + 1), pool, gate, ledger));
  const replay: ReplayFigures[] = [];
  let rounds = 0;
  let killsDuringStartup = 0;
  let killsOnEvent = 0;
  let bothKilled = 0;
  const onEventKillEvery = options.onEventKillEvery ?? 3;
  let logFigures: LogFigures = { events: 0, streams: 0, recordedBeforeKill: 0, successorsRecorded: 0, lost: 0, doubled: 0 };
  let rules: RuleCheckFigures | undefined;
  let chain: CrashReport['chain'];
  let clientsDone: Promise<unknown> = Promise.resolve();
  const running = () => services.filter((s) => s.running);
  const startDown = (which: readonly ServiceProcess[]) => Promise.all(which.filter((s) => !s.running).map((s) => s.start()));
  const compareReplays = async () => {
    for (const service of services) {
      await settle(service.url);
      const figures = await checkReplay(source, service.url, problems);
      if (figures) replay.push(figures);
    }
  };

  try {
    log(`${options.store}: seed ${seed}, ${clientCount} clients over ${count} instance(s), ${options.kills} kill rounds, service ${built.runner}, data in ${dataDir}`);
    clientsDone = Promise.all(clients.map((c) => c.run()));
    for (let k = 0; k < options.kills; k++) {
      rounds++;
      // Whom this round kills: the one instance; with two, either of them or both.
      const targets = count === 1 ? services : pickTargets(random, services, k);
      if (targets.length > 1) bothKilled++;
      const label = count === 1 ? '' : ` (${targets.map((t) => `instance ${services.indexOf(t) + 1}`).join(' and ')})`;
      // The others run through the round.
      await startDown(services.filter((s) => !targets.includes(s)));
      const down = targets.filter((s) => !s.running);
      if (startupKillEvery > 0 && k % startupKillEvery === 0 && down.length > 0) {
        // While starting: rebuilding the read models, registering the reference data (the first start), or just listening.
        for (const s of down) s.spawn();
        await sleep(random.int(50, 1200));
        killsDuringStartup += down.length;
        await Promise.all(down.map((s) => s.kill()));
        log(`${options.store}: kill ${k + 1}/${options.kills} during start-up${label}`);
        continue;
      }
      await startDown(targets);
      const upFor = random.int(upMin, upMax);
      const onEvent = onEventKillEvery > 0 && k % onEventKillEvery === 1;
      if (onEvent) {
        // Whichever instance decided, its event is in every instance's feed: the kill lands while that command records its successors.
        if (await deciding(targets[0].url, upFor)) killsOnEvent++;
      } else {
        await sleep(upFor);
      }
      if (options.replayEvery && (k + 1) % options.replayEvery === 0) await quietly(gate, clientCount, compareReplays);
      await Promise.all(targets.map((s) => s.kill()));
      log(`${options.store}: kill ${k + 1}/${options.kills} after ${ledger.length} commands${label}`);
    }
    await startDown(services);
    await sleep(options.finalMs ?? 1000);
    gate.stop();
    await clientsDone;
    // A kill may have cut a dissolution short of its successor transfers: a running instance finishes them.
    for (const service of running()) await settle(service.url);

    const store = instances.openStore();
    let events = await readLog(store);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && successorsPending(events)) {
      await sleep(200);
      for (const service of running()) await settle(service.url);
      events = await readLog(store);
    }
    logFigures = checkLog(ledger, events, problems);
    rules = checkRules(events, problems);
    await compareReplays();
    // Each instance of EventStoreDB signs its checkpoints with its own key (its own data directory): verify with all of them.
    chain = await checkChain(source, problems, count > 1 ? instances.publicKeys() : []);
  } finally {
    gate.stop();
    await Promise.all(services.map((s) => s.stop()));
    await clientsDone.catch(() => undefined);
    await instances.close();
    if (!options.built) built.dispose();
  }

  const serviceErrors = services.flatMap((service, i) => service.errors.map((e) => `[${count > 1 ? `instance ${i + 1} ` : ''}start ${e.start}] ${e.line.slice(0, 1000)}`));
  for (const line of serviceErrors) problems.add('service: logged an error', line);
  const kinds: CrashReport['commands']['kinds'] = {};
  for (const kind of COMMAND_KINDS) kinds[kind] = { sent: 0, acknowledged: 0 };
  for (const entry of ledger) {
    kinds[entry.kind].sent++;
    if (entry.purpose === 'command' && isAcknowledged(entry)) kinds[entry.kind].acknowledged++;
  }
  const sorted = services.flatMap((s) => s.startMs).sort((a, b) => a - b);
  const report: CrashReport = {
    store: options.store,
    instances: count,
    seed,
    clients: clientCount,
    rounds,
    kills: services.reduce((n, s) => n + s.kills, 0),
    bothKilled,
    killsDuringStartup,
    killsOnEvent,
    starts: services.reduce((n, s) => n + s.starts, 0),
    startMs: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    commands: {
      sent: ledger.length,
      acknowledged: ledger.filter((e) => e.purpose === 'command' && isAcknowledged(e)).length,
      refused: ledger.filter((e) => !isAcknowledged(e)).length,
      retried: ledger.filter((e) => e.lost > 0).length,
      retriedElsewhere: ledger.filter((e) => e.lost > 0 && e.answeredBy !== undefined && e.answeredBy !== e.sentTo[0]).length,
      recordedBeforeKill: logFigures.recordedBeforeKill,
      attempts: ledger.reduce((n, e) => n + e.attempts, 0),
      timeouts: ledger.reduce((n, e) => n + e.timeouts, 0),
      serverErrors: ledger.reduce((n, e) => n + e.serverErrors.length, 0),
      resentElsewhere: ledger.filter((e) => e.purpose === 'resend' && e.answeredBy !== undefined && e.answeredBy !== e.original?.answeredBy).length,
      kinds,
    },
    log: logFigures,
    ...(rules ? { rules } : {}),
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
 * With several instances, whom round `k` kills: all of them every third round (the third, the sixth, …),
 * else one picked at random (the others serve the clients meanwhile, and finish what it was deciding).
 */
function pickTargets(random: Random, services: readonly ServiceProcess[], k: number): ServiceProcess[] {
  return k % 3 === 2 ? [...services] : [random.pick(services)];
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
  const two = r.instances > 1;
  const lines = [
    `${r.store}${two ? ` with ${r.instances} instances` : ''}: ${r.ok ? 'PASS' : 'FAIL'} in ${r.seconds.toFixed(1)} s (seed ${r.seed}, ${r.clients} clients)`,
    `  kills: ${r.kills}${two ? ` in ${r.rounds} rounds (${r.bothKilled} killed both)` : ''} (${r.killsDuringStartup} during start-up, ${r.killsOnEvent} as a deciding event was recorded), starts: ${r.starts}, start to healthy: median ${r.startMs.median} ms, slowest ${r.startMs.max} ms`,
    `  commands: ${c.sent} sent, ${c.acknowledged} acknowledged, ${c.refused} refused (4xx), ${c.retried} retried after a kill (${c.recordedBeforeKill} of them already recorded when the answer was lost${two ? `; ${c.retriedElsewhere} answered by the other instance` : ''}), ${c.attempts} attempts, ${c.timeouts} timeouts, ${c.serverErrors} 5xx${two ? `; ${c.resentElsewhere} resends answered by the other instance` : ''}`,
    `  use cases acknowledged: ${COMMAND_KINDS.length - unused.length}/${COMMAND_KINDS.length}${unused.length ? ` (none for ${unused.join(', ')})` : ''}`,
    `  log: ${r.log.events} events in ${r.log.streams} streams, ${r.log.successorsRecorded} successor transfers; lost ${r.log.lost}, doubled ${r.log.doubled}`,
    r.rules ? `  rules: ${r.rules.violations} violations (${r.rules.transfers} transfers, ${r.rules.decisions} decisions, ${r.rules.arrangements} arrangements checked)` : '  rules: not checked',
    ...r.replay.map((p, i) => `  replay ${i + 1}/${r.replay.length}: ${p.events} events rebuilt; ${p.cells} provisions on ${p.dates} dates, ${p.attentionItems} attention items, ${p.arrangements} arrangements equal the live service`),
    r.chain ? `  chain: ${r.chain.checked} events verified, ${r.chain.checkpoints} signed checkpoints` : '  chain: not verified',
    ...(r.dataDir ? [`  data kept in ${r.dataDir}`] : []),
    ...r.problems.map((p) => `  ${p}`),
  ];
  return lines.join('\n');
}
