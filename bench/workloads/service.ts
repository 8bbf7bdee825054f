import Database from 'better-sqlite3';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BuiltService, buildService, freePort } from '../../test/crash/service-process';
import { BenchConfig } from '../config';
import { HistoryStats, generateHistory } from '../history/generator';
import { StoreSink } from '../history/recording';
import { startBareServer } from '../http/bare-server';
import { SignatureRuns, TransferRuns, describeNon2xx, signatureRuns, transferRuns } from '../http/commands';
import { LatencyResult, latencyLoad } from '../http/load';
import { formFederation } from '../http/prepare';
import { Row, mib, ms, rate, times, verdict } from '../report';
import { Memory, ServiceChild } from '../service/child';
import { log, progress } from '../support/log';
import { Random } from '../support/random';
import { GiB, tempDir } from '../support/runtime';
import { rawScan } from './rebuild';
import { StepResult, Workload } from './workload';

/**
 * The service as its users meet it, as its history grows (issue 12): the compiled service in a
 * child process (`node dist/…/main.js`, compiled once as the crash test does) on its own data
 * dir, on the fresh register (nothing but the reference data) and on histories of
 * `BENCH_SERVICE_SIZES` events, each generated once by the bench's generator through the store.
 * At each size:
 *
 * - start-up, from spawning the process to `/health` answering 200 with the read models caught
 *   up: from nothing (no snapshot), then from the snapshot that first start wrote; against a raw
 *   scan + JSON.parse of the same SQLite file (before and after the first start, averaged);
 * - query latency with one client, every request with Accept-Encoding: gzip as browsers and
 *   HTTP libraries send it: `GET /v1/attention`, the whole-country `GET /v1/matrix` (compressed),
 *   a single provision; random days 2005–2030 and random cells; against the fresh register's;
 * - commands/s at 16 clients, transfers and signatures, against the bare Fastify route measured
 *   right next to them (and transfers against the fresh register's rate);
 * - the service process's RSS after all of it, against the fresh register's.
 *
 * Queries run before the commands, so that they see the history as generated (plus the bench's
 * federation); RSS is read last, with everything the commands added.
 */

const TRANSFERS_VS_BARE = 0.25;
const TRANSFERS_VS_FRESH = 0.8;
const SIGNATURES_VS_BARE = 0.3;
const SCAN_SHARE = 0.5;
const SNAPSHOT_START_S = 3;
const LIST_P99_MS = 50;
const PROVISION_P99_MS = 2;
/** Issue 16's targets for the audit tree's proofs at the HTTP API. */
const PROOF_P99_MS = 5;
const PROOF_BYTES = 1024;
/** Paths per query run (the client goes round them). */
const PATHS = 10_000;
/** How long to wait for a snapshot once no write is in progress. */
const SNAPSHOT_SETTLE_MS = 5_000;

const GZIP = { 'accept-encoding': 'gzip' };

/** 10000 → 10k, 1000000 → 1M. */
export function sizeLabel(events: number): string {
  if (events >= 1_000_000 && events % 100_000 === 0) return `${events / 1_000_000}M`;
  if (events >= 1_000 && events % 100 === 0) return `${events / 1_000}k`;
  return String(events);
}

const n = (value: number) => value.toLocaleString('en-US');

interface StartUp {
  ms: number;
  /** CPU seconds the service process used to get there. */
  cpuSeconds: number;
  /** The service's own start-up line ("Read models at position …"). */
  line?: string;
}

interface Measured {
  label: string;
  /** Events in the generated history (0: the fresh register). */
  events: number;
  history?: HistoryStats & { fileBytes: number };
  scan?: { events: number; seconds: number[] };
  fromNothing?: StartUp;
  /** The snapshot the first start wrote; or why there is none. */
  snapshot?: { file: string; bytes: number } | { missing: string };
  fromSnapshot?: StartUp & { used: boolean };
  /** The start of the process the loads ran on. */
  loadStart: StartUp;
  queries: { attention: LatencyResult; matrix: LatencyResult; provision: LatencyResult; matrixBytes: { json: number; gzip: number } };
  /** Inclusion and consistency proofs in the tree of the whole log (after a checkpoint), and the largest answer of each. */
  proofs: {
    treeSize: number;
    checkpointMs: number;
    inclusion: LatencyResult;
    consistency: LatencyResult;
    /** The largest proof among the first requests: its hashes as bytes (32 each), and the JSON answer uncompressed. */
    largestBytes: { inclusion: number; consistency: number };
    largestJsonBytes: { inclusion: number; consistency: number };
  };
  transfers: TransferRuns;
  signatures: SignatureRuns;
  memory: { afterStart: Memory; afterLoad: Memory };
  /** CPU seconds the service used during the query runs and during the command runs (with their bare runs, when it should be idle). */
  serviceCpuSeconds: { queries: number; commands: number };
  seconds: number;
}

function randomDay(random: Random): string {
  return `${random.int(2005, 2030)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
}

function queryPaths(random: Random): { attention: string[]; matrix: string[]; provision: string[] } {
  const codes = loadMunicipalities().map((m) => m.code);
  const areas = loadServiceAreas().map((a) => a.slug);
  const attention: string[] = [];
  const matrix: string[] = [];
  const provision: string[] = [];
  for (let i = 0; i < PATHS; i++) {
    attention.push(`/v1/attention?on=${randomDay(random)}`);
    matrix.push(`/v1/matrix?on=${randomDay(random)}`);
    provision.push(`/v1/municipalities/${random.pick(codes)}/provisions/${random.pick(areas)}?on=${randomDay(random)}`);
  }
  return { attention, matrix, provision };
}

/** One GET as it comes over the wire (node:http does not decompress). */
function rawGet(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; encoding?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { accept: 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Checks one answer of each query (and that the matrix comes compressed), then measures each with one client. */
async function measureQueries(url: string, random: Random, config: BenchConfig, label: string): Promise<Measured['queries']> {
  const paths = queryPaths(random);
  for (const path of [paths.attention[0], paths.provision[0]]) {
    const answer = await rawGet(url, path, {});
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
  }
  const plain = await rawGet(url, paths.matrix[0], {});
  const compressed = await rawGet(url, paths.matrix[0], GZIP);
  if (compressed.status !== 200 || compressed.encoding !== 'gzip') throw new Error(`GET ${paths.matrix[0]} with Accept-Encoding: gzip: ${compressed.status}, Content-Encoding ${compressed.encoding ?? 'none'}`);
  const rows = (JSON.parse(gunzipSync(compressed.body).toString('utf8')) as { rows: unknown[] }).rows.length;
  if (rows !== loadMunicipalities().length) throw new Error(`the whole-country matrix has ${rows} rows`);
  const { seconds, warmupSeconds: warm } = config;
  const attention = await latencyLoad(`attention (${label})`, url, paths.attention, seconds, warm, 1, GZIP);
  const matrix = await latencyLoad(`matrix, gzip (${label})`, url, paths.matrix, seconds, warm, 1, GZIP);
  const provision = await latencyLoad(`provision (${label})`, url, paths.provision, seconds, warm, 1, GZIP);
  return { attention, matrix, provision, matrixBytes: { json: plain.body.length, gzip: compressed.body.length } };
}

/**
 * Records a checkpoint (so the tree has caught up with the whole log), then measures inclusion
 * proofs of random leaves and consistency proofs from random earlier sizes, in the tree of the
 * whole log, with one client; and the largest answer of each among the first requests.
 */
async function measureProofs(url: string, random: Random, config: BenchConfig, label: string): Promise<Measured['proofs']> {
  const began = Date.now();
  const written = await fetch(`${url}/v1/audit/checkpoints`, { method: 'POST' });
  const outcome = (await written.json()) as { checkpoint?: { events: number } };
  if (!written.ok || !outcome.checkpoint) throw new Error(`POST /v1/audit/checkpoints: ${written.status} ${JSON.stringify(outcome).slice(0, 300)}`);
  const checkpointMs = Date.now() - began;
  const treeSize = outcome.checkpoint.events;
  const inclusionPaths: string[] = [];
  const consistencyPaths: string[] = [];
  for (let i = 0; i < PATHS; i++) {
    inclusionPaths.push(`/v1/audit/proofs/inclusion?leafIndex=${random.int(0, treeSize - 1)}&treeSize=${treeSize}`);
    consistencyPaths.push(`/v1/audit/proofs/consistency?from=${random.int(1, treeSize)}&to=${treeSize}`);
  }
  const largest = async (paths: string[]) => {
    let bytes = 0;
    let json = 0;
    for (const path of paths.slice(0, 200)) {
      const answer = await rawGet(url, path, {});
      if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
      const proof = JSON.parse(answer.body.toString('utf8')) as { hashes: string[] };
      bytes = Math.max(bytes, proof.hashes.length * 32);
      json = Math.max(json, answer.body.length);
    }
    return { bytes, json };
  };
  const [inclusionSizes, consistencySizes] = [await largest(inclusionPaths), await largest(consistencyPaths)];
  const largestBytes = { inclusion: inclusionSizes.bytes, consistency: consistencySizes.bytes };
  const largestJsonBytes = { inclusion: inclusionSizes.json, consistency: consistencySizes.json };
  const { seconds, warmupSeconds: warm } = config;
  const inclusion = await latencyLoad(`inclusion proofs (${label})`, url, inclusionPaths, seconds, warm, 1, GZIP);
  const consistency = await latencyLoad(`consistency proofs (${label})`, url, consistencyPaths, seconds, warm, 1, GZIP);
  return { treeSize, checkpointMs, inclusion, consistency, largestBytes, largestJsonBytes };
}

/** The history of `events` events in `dir`, written through the store by the bench's generator. */
async function generate(dir: string, events: number, seed: number): Promise<HistoryStats> {
  const store = SqliteEventStore.open({ dataDir: dir });
  const bar = progress(`generate ${sizeLabel(events)} history`, events, 'events');
  try {
    const history = await generateHistory(new StoreSink(store), { events, seed, onProgress: (k) => bar.update(k) });
    bar.stop();
    return history;
  } finally {
    await store.close();
  }
}

function headPosition(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return Number(db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get());
  } finally {
    db.close();
  }
}

function scanOnce(file: string, events: number, label: string): number {
  const bar = progress(`raw scan + JSON.parse (${label})`, events, 'events');
  const scan = rawScan(file, (k) => bar.update(k));
  bar.update(scan.events);
  bar.stop();
  if (scan.events !== events) throw new Error(`raw scan read ${scan.events} events, expected ${events}`);
  return scan.seconds;
}

/** Snapshot files in `<dataDir>/snapshots` (a write in progress is a `.tmp` file there). */
function snapshotFiles(dir: string): { done: string[]; writing: boolean } {
  const folder = join(dir, 'snapshots');
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => statSync(join(folder, f)).isFile()) : [];
  return { done: files.filter((f) => !f.endsWith('.tmp')).map((f) => join(folder, f)), writing: files.some((f) => f.endsWith('.tmp')) };
}

/** Waits while a snapshot is being written (at most `timeoutMs`), or a few seconds for one to begin. */
async function snapshotSettled(dir: string, timeoutMs: number): Promise<void> {
  const began = Date.now();
  for (;;) {
    const { done, writing } = snapshotFiles(dir);
    const waited = Date.now() - began;
    if ((!writing && (done.length > 0 || waited >= SNAPSHOT_SETTLE_MS)) || waited >= timeoutMs) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const startLine = (service: ServiceChild) => service.messages().find((m) => m.startsWith('Read models at position'));

async function measureRegister(built: BuiltService, bareUrl: string, config: BenchConfig, events: number, index: number): Promise<Measured> {
  const began = Date.now();
  const label = events === 0 ? 'fresh register' : `${sizeLabel(events)} events`;
  const dir = tempDir(events === 0 ? 'service-fresh' : `service-${sizeLabel(events)}`);
  const file = join(dir, 'events.sqlite');
  const random = new Random(config.seed + 7 + index);
  const timeoutMs = config.serviceStartTimeoutSeconds * 1000;
  const port = await freePort();
  const startOptions = { built, port, dataDir: dir, timeoutMs };
  const measured: Partial<Measured> = { label, events };

  let head = 0;
  if (events > 0) {
    const history = await generate(dir, events, config.seed);
    measured.history = { ...history, fileBytes: statSync(file).size };
    log(`${label}: ${n(history.events)} events generated in ${history.seconds.toFixed(1)} s, file ${mib(measured.history.fileBytes)}`);
    head = headPosition(file);
    const scans = [scanOnce(file, history.events, `${label}, before`)];

    const first = await ServiceChild.start({ ...startOptions, logLevel: 'info', head });
    try {
      measured.fromNothing = { ms: first.ms, cpuSeconds: first.service.cpuSeconds(), line: startLine(first.service) };
      log(`${label}: started from nothing in ${(first.ms / 1000).toFixed(2)} s (${measured.fromNothing.line ?? 'no start-up line'})`);
      // The first start writes a snapshot in the background (or on the way down): let it finish.
      await snapshotSettled(dir, timeoutMs);
    } finally {
      await first.service.stop();
    }
    scans.push(scanOnce(file, history.events, `${label}, after`));
    measured.scan = { events: history.events, seconds: scans };

    const [snapshot] = snapshotFiles(dir).done;
    if (snapshot === undefined) {
      measured.snapshot = { missing: 'snapshots not available: the first start wrote no file to <dataDir>/snapshots' };
    } else {
      measured.snapshot = { file: snapshot, bytes: statSync(snapshot).size };
      const second = await ServiceChild.start({ ...startOptions, logLevel: 'info', head });
      const cpuSeconds = second.service.cpuSeconds();
      await second.service.stop();
      const line = startLine(second.service);
      measured.fromSnapshot = { ms: second.ms, cpuSeconds, line, used: /snapshot at \d+ loaded/.test(line ?? '') };
      log(`${label}: started from a snapshot (${mib(measured.snapshot.bytes)}) in ${(second.ms / 1000).toFixed(2)} s (${line ?? 'no start-up line'})`);
    }
  }

  // The loads run on a service that logs at warn: at info it would log every request.
  const loaded = await ServiceChild.start({ ...startOptions, logLevel: 'warn', head });
  const service = loaded.service;
  try {
    measured.loadStart = { ms: loaded.ms, cpuSeconds: service.cpuSeconds() };
    const afterStart = service.memory();
    log(`${label}: service pid ${service.pid} up at ${service.url} in ${(loaded.ms / 1000).toFixed(2)} s, RSS ${mib(afterStart.rssBytes)}`);
    const cpu = [service.cpuSeconds()];
    measured.queries = await measureQueries(service.url, random, config, label);
    measured.proofs = await measureProofs(service.url, random, config, label);
    cpu.push(service.cpuSeconds());
    const federation = await formFederation(service.url, random);
    measured.transfers = await transferRuns(service.url, bareUrl, federation, config, ` (${label})`);
    measured.signatures = await signatureRuns(service.url, bareUrl, random, dir, measured.transfers.service.okPerSecond, config, '', ` (${label})`);
    cpu.push(service.cpuSeconds());
    measured.memory = { afterStart, afterLoad: service.memory() };
    const round = (seconds: number) => Math.round(seconds * 100) / 100;
    measured.serviceCpuSeconds = { queries: round(cpu[1] - cpu[0]), commands: round(cpu[2] - cpu[1]) };
  } finally {
    await service.stop();
  }
  measured.seconds = (Date.now() - began) / 1000;
  log(`${label}: measured in ${measured.seconds.toFixed(0)} s`);
  return measured as Measured;
}

// ------------------------------------------------------------------ rows

function planned(config: BenchConfig): Pick<Row, 'id' | 'figure' | 'target'>[] {
  const sizes = config.serviceSizes;
  const largest = sizes[sizes.length - 1];
  const at = (id: string, events: number) => `${id}@${sizeLabel(events)}`;
  return [
    { id: 'S1', figure: 'Transfers POST /v1/municipalities/{code}/transfers, 16 clients, fresh register: 2xx/s vs bare Fastify route', target: `≥ ${TRANSFERS_VS_BARE}×` },
    ...sizes.map((s) => ({ id: at('S2', s), figure: `Transfers, 16 clients, ${n(s)} events: 2xx/s vs the fresh register's`, target: `≥ ${TRANSFERS_VS_FRESH}×` })),
    { id: 'S3@fresh', figure: 'Signatures POST /v1/agreements/{id}/signatures, 16 clients, fresh register: 2xx/s vs bare Fastify route', target: `≥ ${SIGNATURES_VS_BARE}×` },
    ...sizes.map((s) => ({ id: at('S3', s), figure: `Signatures, 16 clients, ${n(s)} events: 2xx/s vs bare Fastify route`, target: `≥ ${SIGNATURES_VS_BARE}×` })),
    ...sizes.map((s) => ({
      id: at('S4', s),
      figure: `Start-up from nothing (process start → /health caught up), ${n(s)} events: events/s vs raw scan + JSON.parse`,
      target: s === largest ? `≥ ${SCAN_SHARE}×` : `informational (≥ ${SCAN_SHARE}× at ${sizeLabel(largest)})`,
    })),
    ...sizes.map((s) => ({ id: at('S5', s), figure: `Start-up from a snapshot, ${n(s)} events (ratio: raw scan time ÷ start-up time)`, target: `≤ ${SNAPSHOT_START_S} s` })),
    ...sizes.map((s) => ({ id: at('S6', s), figure: `GET /v1/attention?on=…, 1 client, ${n(s)} events (ratio: p99 ÷ fresh register's p99)`, target: `p99 ≤ ${LIST_P99_MS} ms` })),
    ...sizes.map((s) => ({ id: at('S7', s), figure: `Whole-country GET /v1/matrix?on=…, gzip, 1 client, ${n(s)} events (ratio: p99 ÷ fresh register's p99)`, target: `p99 ≤ ${LIST_P99_MS} ms` })),
    ...sizes.map((s) => ({ id: at('S8', s), figure: `Provision GET /v1/municipalities/{code}/provisions/{area}?on=…, 1 client, ${n(s)} events (ratio: p99 ÷ fresh register's p99)`, target: `p99 ≤ ${PROVISION_P99_MS} ms` })),
    ...sizes.map((s) => ({ id: at('S9', s), figure: `RSS of the service process after the runs, ${n(s)} events, vs the fresh register's`, target: '≤ 1 GiB' })),
    ...sizes.map((s) => ({ id: at('S10', s), figure: `Inclusion proof GET /v1/audit/proofs/inclusion, random leaf, tree of the whole log, 1 client, ${n(s)} events (ratio: p99 ÷ fresh register's p99)`, target: `p99 ≤ ${PROOF_P99_MS} ms, proof ≤ ${PROOF_BYTES} bytes` })),
    ...sizes.map((s) => ({ id: at('S11', s), figure: `Consistency proof GET /v1/audit/proofs/consistency, random earlier size to the whole log, 1 client, ${n(s)} events (ratio: p99 ÷ fresh register's p99)`, target: `p99 ≤ ${PROOF_P99_MS} ms, proof ≤ ${PROOF_BYTES} bytes` })),
  ];
}

function commandNote(runs: TransferRuns | SignatureRuns): string {
  const { service, bare } = runs;
  const pool = 'pool' in runs ? `; pool of ${n(runs.pool.main)} signatures${runs.pool.exhausted ? ', THE POOL RAN OUT (the tail answered 422)' : ''}` : '';
  return `service ${n(service.ok)} × 2xx in ${service.seconds} s, ${describeNon2xx(service)}, p50 ${service.latencyMs.p50} ms / p99 ${service.latencyMs.p99} ms (autocannon, whole ms); bare ${rate(bare.okPerSecond, '2xx/s')}, ${describeNon2xx(bare)}${pool}`;
}

function vsBare(row: Pick<Row, 'id' | 'figure' | 'target'>, runs: TransferRuns | SignatureRuns, target: number): Row {
  const ratio = runs.service.okPerSecond / runs.bare.okPerSecond;
  const exhausted = 'pool' in runs && runs.pool.exhausted;
  return { ...row, measured: rate(runs.service.okPerSecond, '2xx/s'), baseline: rate(runs.bare.okPerSecond, '2xx/s'), ratio, result: verdict(ratio >= target && runs.service.ok > 0 && !exhausted), note: commandNote(runs) };
}

function latencyRow(row: Pick<Row, 'id' | 'figure' | 'target'>, at: LatencyResult, fresh: LatencyResult, targetMs: number, extra = ''): Row {
  return {
    ...row,
    measured: `p50 ${ms(at.p50)} · p99 ${ms(at.p99)}`,
    baseline: `p50 ${ms(fresh.p50)} · p99 ${ms(fresh.p99)}`,
    ratio: at.p99 / fresh.p99,
    result: verdict(at.p99 <= targetMs && at.ok > 0 && at.non2xx === 0 && at.errors === 0),
    note: `${n(at.ok)} answers at ${rate(at.okPerSecond, '/s')}, p99.9 ${ms(at.p999)}, max ${ms(at.max)}, ${describeNon2xx(at)}${extra}`,
  };
}

function startRow(row: Pick<Row, 'id' | 'figure' | 'target'>, m: Measured, judged: boolean): Row {
  const scanSeconds = m.scan!.seconds.reduce((a, b) => a + b, 0) / m.scan!.seconds.length;
  const seconds = m.fromNothing!.ms / 1000;
  const ratio = scanSeconds / seconds;
  return {
    ...row,
    measured: `${seconds.toFixed(2)} s (${rate(m.events / seconds, 'events/s')})`,
    baseline: `${scanSeconds.toFixed(2)} s (${rate(m.events / scanSeconds, 'events/s')})`,
    ratio,
    result: judged ? verdict(ratio >= SCAN_SHARE) : 'info',
    note: `raw scans ${m.scan!.seconds.map((s) => s.toFixed(2)).join(' s and ')} s (before and after the start); ${m.fromNothing!.cpuSeconds.toFixed(1)} s of CPU; the service said: ${m.fromNothing!.line ?? 'no start-up line'}`,
  };
}

function snapshotRow(row: Pick<Row, 'id' | 'figure' | 'target'>, m: Measured): Row {
  if (!m.fromSnapshot) {
    const why = m.snapshot && 'missing' in m.snapshot ? m.snapshot.missing : 'no snapshot';
    return { ...row, measured: '—', baseline: '—', ratio: null, result: 'not run', note: `not run: ${why}` };
  }
  const scanSeconds = m.scan!.seconds.reduce((a, b) => a + b, 0) / m.scan!.seconds.length;
  const seconds = m.fromSnapshot.ms / 1000;
  const bytes = m.snapshot && 'bytes' in m.snapshot ? `, snapshot file ${mib(m.snapshot.bytes)}` : '';
  return {
    ...row,
    measured: `${seconds.toFixed(2)} s`,
    baseline: `raw scan ${scanSeconds.toFixed(2)} s`,
    ratio: scanSeconds / seconds,
    result: verdict(m.fromSnapshot.used && seconds <= SNAPSHOT_START_S),
    note: `${m.fromSnapshot.used ? '' : 'THE SERVICE DID NOT SAY IT LOADED THE SNAPSHOT; '}${m.fromSnapshot.cpuSeconds.toFixed(1)} s of CPU; from nothing ${(m.fromNothing!.ms / 1000).toFixed(2)} s${bytes}; the service said: ${m.fromSnapshot.line ?? 'no start-up line'}`,
  };
}

function rows(config: BenchConfig, fresh: Measured, sized: Measured[]): Row[] {
  const plan = new Map(planned(config).map((r) => [r.id, r]));
  const row = (id: string) => plan.get(id)!;
  const largest = config.serviceSizes[config.serviceSizes.length - 1];
  const out: Row[] = [vsBare(row('S1'), fresh.transfers, TRANSFERS_VS_BARE)];
  for (const m of sized) {
    const r = row(`S2@${sizeLabel(m.events)}`);
    const ratio = m.transfers.service.okPerSecond / fresh.transfers.service.okPerSecond;
    out.push({
      ...r,
      measured: rate(m.transfers.service.okPerSecond, '2xx/s'),
      baseline: rate(fresh.transfers.service.okPerSecond, '2xx/s'),
      ratio,
      result: verdict(ratio >= TRANSFERS_VS_FRESH && m.transfers.service.ok > 0),
      note: `${times(m.transfers.service.okPerSecond / m.transfers.bare.okPerSecond)} the bare route; ${commandNote(m.transfers)}`,
    });
  }
  out.push(vsBare(row('S3@fresh'), fresh.signatures, SIGNATURES_VS_BARE));
  for (const m of sized) out.push(vsBare(row(`S3@${sizeLabel(m.events)}`), m.signatures, SIGNATURES_VS_BARE));
  for (const m of sized) out.push(startRow(row(`S4@${sizeLabel(m.events)}`), m, m.events === largest));
  for (const m of sized) out.push(snapshotRow(row(`S5@${sizeLabel(m.events)}`), m));
  for (const m of sized) out.push(latencyRow(row(`S6@${sizeLabel(m.events)}`), m.queries.attention, fresh.queries.attention, LIST_P99_MS));
  for (const m of sized)
    out.push(latencyRow(row(`S7@${sizeLabel(m.events)}`), m.queries.matrix, fresh.queries.matrix, LIST_P99_MS, `; ${(m.queries.matrixBytes.json / 1e6).toFixed(2)} MB of JSON sent as ${n(Math.round(m.queries.matrixBytes.gzip / 1024))} KiB of gzip`));
  for (const m of sized) out.push(latencyRow(row(`S8@${sizeLabel(m.events)}`), m.queries.provision, fresh.queries.provision, PROVISION_P99_MS));
  for (const [id, kind] of [['S10', 'inclusion'], ['S11', 'consistency']] as const) {
    for (const m of sized) {
      const bytes = m.proofs.largestBytes[kind];
      const at = latencyRow(row(`${id}@${sizeLabel(m.events)}`), m.proofs[kind], fresh.proofs[kind], PROOF_P99_MS, `; tree of ${n(m.proofs.treeSize)} events; largest proof ${n(bytes)} bytes of hashes (${n(m.proofs.largestJsonBytes[kind])} bytes as the JSON answer, base64)`);
      out.push(bytes > PROOF_BYTES ? { ...at, result: verdict(false) } : at);
    }
  }
  for (const m of sized) {
    const { afterStart, afterLoad } = m.memory;
    out.push({
      ...row(`S9@${sizeLabel(m.events)}`),
      measured: mib(afterLoad.rssBytes),
      baseline: mib(fresh.memory.afterLoad.rssBytes),
      ratio: afterLoad.rssBytes / fresh.memory.afterLoad.rssBytes,
      result: verdict(afterLoad.rssBytes <= GiB),
      note: `after start ${mib(afterStart.rssBytes)}, peak ${mib(afterLoad.peakRssBytes)}; the runs added ${n(m.transfers.service.ok + m.signatures.service.ok)} commands`,
    });
  }
  return out;
}

export const serviceWorkload: Workload = {
  step: 'service',
  title: 'The service as users meet it, as its history grows',
  rows: planned({ serviceSizes: [10_000, 100_000, 1_000_000] } as BenchConfig),
  plannedRows: planned,

  async run(config: BenchConfig): Promise<StepResult> {
    const built = await buildService('compiled');
    log(`service compiled in ${(built.buildMs / 1000).toFixed(1)} s`);
    const bare = await startBareServer();
    try {
      const fresh = await measureRegister(built, bare.url, config, 0, 0);
      const sized: Measured[] = [];
      for (const [i, events] of config.serviceSizes.entries()) sized.push(await measureRegister(built, bare.url, config, events, i + 1));
      return { rows: rows(config, fresh, sized), details: { sizes: config.serviceSizes, connections: config.connections, seconds: config.seconds, warmupSeconds: config.warmupSeconds, buildMs: built.buildMs, registers: [fresh, ...sized] } };
    } finally {
      await bare.close();
      built.dispose();
    }
  },
};
