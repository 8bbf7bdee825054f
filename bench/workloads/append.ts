import Database from 'better-sqlite3';
import { addDays, streams } from '@samverkan/domain';
import { EventStore, EventToAppend } from '@samverkan/event-store';
import { SqliteEventStore, SqliteStorageSettings } from '@samverkan/event-store/sqlite';
import { derivedId } from '@samverkan/commands';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { join } from 'node:path';
import { BenchConfig } from '../config';
import { commandContext, toAppend } from '../history/recording';
import { rate, verdict } from '../report';
import { log, progress } from '../support/log';
import { Random } from '../support/random';
import { tempDir } from '../support/runtime';
import { StepResult, Workload } from './workload';

/**
 * Figure 1: single-event appends with an expected revision through
 * `SqliteEventStore.appendToStream` (and, informationally, the EventStoreDB adapter: see
 * workloads/esdb.ts), against raw better-sqlite3 inserts of the same rows
 * into the same schema with the same connection settings, one transaction per row.
 *
 * The raw side gets everything the store needs to do its job minus the store itself: it
 * serialises data and metadata (any store must) and stamps `created`, but does not read the
 * stream's head, look the event id up, or take the write lock up front (BEGIN IMMEDIATE).
 * Both files are created by the store, so the tables and indexes are identical, and the raw
 * connection copies the store's settings as the store reports them (journal mode,
 * synchronous, foreign keys), so a change of durability setting moves both sides.
 */

interface AppendRow {
  stream: string;
  /** The event's revision in its stream (0 for the first). */
  revision: number;
  event: EventToAppend;
}

/** ServiceTransferred events (taken back in-house, so always valid) spread over the 290 municipality streams. */
function buildRows(count: number, seed: number): AppendRow[] {
  const random = new Random(seed);
  const codes = loadMunicipalities().map((m) => m.code);
  const areas = loadServiceAreas().map((a) => a.slug);
  const revisions = new Map<string, number>();
  const rows: AppendRow[] = [];
  const recordedAt = Date.parse('2025-01-01T08:00:00Z');
  for (let i = 0; i < count; i++) {
    const code = codes[i % codes.length];
    const stream = streams.municipality(code);
    const effectiveFrom = addDays('2020-01-01', random.int(0, 3000));
    const body = { serviceArea: random.pick(areas), basis: { kind: 'in-house' as const }, decidedOn: addDays(effectiveFrom, -random.int(0, 90)), effectiveFrom };
    const context = commandContext(random, { method: 'POST', path: `/v1/municipalities/${code}/transfers`, body });
    const data = { transferId: derivedId(context, 'transfer'), municipality: code, ...body, provider: { kind: 'municipality' as const, code } };
    const [event] = toAppend([{ type: 'ServiceTransferred', data }], stream, context, new Date(recordedAt + i * 1000).toISOString());
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    rows.push({ stream, revision, event });
  }
  return rows;
}

export interface AppendOptions {
  appends: number;
  seed: number;
  /** Opens the store measured against the raw inserts (called once, before the first block). */
  open: () => EventStore | Promise<EventStore>;
  /** Put before every stream name (for a server that may already hold the plain names). */
  streamPrefix?: string;
  /** The progress bar's label. */
  label?: string;
}

export interface AppendMeasurement {
  appends: number;
  blocks: number;
  /** The raw side's connection settings: those a SqliteEventStore reports for its own file. */
  settings: SqliteStorageSettings;
  store: { seconds: number; perSecond: number; meanMicros: number };
  raw: { seconds: number; perSecond: number; meanMicros: number };
  /** store ÷ raw. */
  ratio: number;
}

/**
 * Single-event appends with the exact expected revision through the store that `open`
 * returns, against raw better-sqlite3 inserts of the same rows into a file whose schema a
 * SqliteEventStore created, on a connection with the settings that store reports.
 */
export async function measureAppends(options: AppendOptions): Promise<AppendMeasurement> {
  const prefix = options.streamPrefix ?? '';
  const rows = buildRows(options.appends, options.seed).map((row) => ({ ...row, stream: prefix + row.stream }));

  const rawDir = tempDir('append-raw');
  const schemaMaker = SqliteEventStore.open({ dataDir: rawDir }); // the same schema, made by the store
  const settings = schemaMaker.settings();
  await schemaMaker.close();
  const raw = new Database(join(rawDir, 'events.sqlite'), { timeout: settings.busyTimeoutMs });
  raw.pragma(`journal_mode = ${settings.journalMode}`);
  raw.pragma(`synchronous = ${settings.synchronous}`);
  raw.pragma(`foreign_keys = ${settings.foreignKeys ? 'ON' : 'OFF'}`);
  const insert = raw.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertOne = raw.transaction((row: AppendRow) =>
    insert.run(row.event.id, row.stream, row.revision, row.event.type, JSON.stringify(row.event.data), JSON.stringify(row.event.metadata), new Date().toISOString()),
  );
  const store = await options.open();
  log(`appends: ${rows.length} per side; raw settings (the SQLite store's): journal_mode=${settings.journalMode}, synchronous=${settings.synchronous}`);

  // Interleaved blocks in ABBA order (raw, store | store, raw | …), each side continuing its
  // own file: the disk's fsync latency drifts a lot on shared machines, and interleaving
  // puts the drift on both sides alike.
  const blockSize = Math.max(100, Math.ceil(rows.length / 20));
  const blocks: AppendRow[][] = [];
  for (let i = 0; i < rows.length; i += blockSize) blocks.push(rows.slice(i, i + blockSize));
  const elapsed = { raw: 0n, store: 0n };
  const bar = progress(options.label ?? 'appends (raw + store)', rows.length * 2, 'appends');
  let done = 0;
  const runRaw = (batch: AppendRow[]): void => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i++) {
      insertOne(batch[i]);
      if ((i & 255) === 255) bar.update(done + i);
    }
    elapsed.raw += process.hrtime.bigint() - t0;
    done += batch.length;
  };
  const runStore = async (batch: AppendRow[]): Promise<void> => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i];
      await store.appendToStream(row.stream, [row.event], { expectedRevision: row.revision === 0 ? 'no-stream' : row.revision - 1 });
      if ((i & 255) === 255) bar.update(done + i);
    }
    elapsed.store += process.hrtime.bigint() - t0;
    done += batch.length;
  };
  try {
    for (let b = 0; b < blocks.length; b++) {
      if (b % 2 === 0) {
        runRaw(blocks[b]);
        await runStore(blocks[b]);
      } else {
        await runStore(blocks[b]);
        runRaw(blocks[b]);
      }
    }
    bar.update(done);
    bar.stop();

    // Every stream ends at the revision of its last row, in the store and in the raw file.
    const last = new Map<string, number>();
    for (const row of rows) last.set(row.stream, row.revision);
    const rawLast = raw.prepare<[string], number>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
    for (const [stream, revision] of last) {
      const [head] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      const inRaw = rawLast.get(stream);
      if (head?.revision !== revision || inRaw !== revision) throw new Error(`append check failed: ${stream} ends at revision ${head?.revision} in the store and ${inRaw} in the raw file, expected ${revision}`);
    }
    const inserted = Number(raw.prepare('SELECT COUNT(*) FROM events').pluck().get());
    if (inserted !== rows.length) throw new Error(`append check failed: raw has ${inserted}, expected ${rows.length}`);
  } finally {
    bar.stop();
    await store.close();
    raw.close();
  }

  const rawRate = rows.length / (Number(elapsed.raw) / 1e9);
  const storeRate = rows.length / (Number(elapsed.store) / 1e9);
  return {
    appends: rows.length,
    blocks: blocks.length,
    settings,
    store: { seconds: Number(elapsed.store) / 1e9, perSecond: storeRate, meanMicros: 1e6 / storeRate },
    raw: { seconds: Number(elapsed.raw) / 1e9, perSecond: rawRate, meanMicros: 1e6 / rawRate },
    ratio: storeRate / rawRate,
  };
}

export const appendWorkload: Workload = {
  step: 'append',
  title: 'Append throughput of the embedded store',
  rows: [{ id: '1', figure: 'Single-event appends with expected revision: SqliteEventStore vs raw better-sqlite3 inserts (same file settings, 1 tx/row)', target: '≥ 0.5×' }],

  async run(config: BenchConfig): Promise<StepResult> {
    const m = await measureAppends({ appends: config.appends, seed: config.seed, open: () => SqliteEventStore.open({ dataDir: tempDir('append-store') }) });
    const { settings, ratio } = m;
    return {
      rows: [
        {
          ...this.rows[0],
          measured: rate(m.store.perSecond, 'appends/s'),
          baseline: rate(m.raw.perSecond, 'inserts/s'),
          ratio,
          result: verdict(ratio >= 0.5),
          note: `${m.appends.toLocaleString('en-US')} appends per side over 290 streams, in ${m.blocks} interleaved blocks; journal_mode=${settings.journalMode}, synchronous=${settings.synchronous} (the store's); mean ${m.store.meanMicros | 0} µs per store append vs ${m.raw.meanMicros | 0} µs per raw insert`,
        },
      ],
      details: { appends: m.appends, streams: 290, settings, store: m.store, raw: m.raw, ratio },
    };
  },
};
