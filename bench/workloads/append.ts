import Database from 'better-sqlite3';
import { addDays, streams } from '@samverkan/domain';
import { EventToAppend, SqliteEventStore } from '@samverkan/event-store';
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
 * `SqliteEventStore.appendToStream`, against raw better-sqlite3 inserts of the same rows
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

export const appendWorkload: Workload = {
  step: 'append',
  title: 'Append throughput of the embedded store',
  rows: [{ id: '1', figure: 'Single-event appends with expected revision: SqliteEventStore vs raw better-sqlite3 inserts (same file settings, 1 tx/row)', target: '≥ 0.5×' }],

  async run(config: BenchConfig): Promise<StepResult> {
    const rows = buildRows(config.appends, config.seed);

    const store = SqliteEventStore.open({ dataDir: tempDir('append-store') });
    const settings = store.settings();
    const rawDir = tempDir('append-raw');
    await SqliteEventStore.open({ dataDir: rawDir }).close(); // the same schema, made by the store
    const raw = new Database(join(rawDir, 'events.sqlite'), { timeout: settings.busyTimeoutMs });
    raw.pragma(`journal_mode = ${settings.journalMode}`);
    raw.pragma(`synchronous = ${settings.synchronous}`);
    raw.pragma(`foreign_keys = ${settings.foreignKeys ? 'ON' : 'OFF'}`);
    const insert = raw.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertOne = raw.transaction((row: AppendRow) =>
      insert.run(row.event.id, row.stream, row.revision, row.event.type, JSON.stringify(row.event.data), JSON.stringify(row.event.metadata), new Date().toISOString()),
    );
    log(`appends: ${config.appends} per side; store settings: journal_mode=${settings.journalMode}, synchronous=${settings.synchronous}`);

    // Interleaved blocks in ABBA order (raw, store | store, raw | …), each side continuing its
    // own file: the disk's fsync latency drifts a lot on shared machines, and interleaving
    // puts the drift on both sides alike.
    const blockSize = Math.max(100, Math.ceil(rows.length / 20));
    const blocks: AppendRow[][] = [];
    for (let i = 0; i < rows.length; i += blockSize) blocks.push(rows.slice(i, i + blockSize));
    const elapsed = { raw: 0n, store: 0n };
    const bar = progress('appends (raw + store)', rows.length * 2, 'appends');
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

    const stored = await store.headPosition();
    const inserted = Number(raw.prepare('SELECT COUNT(*) FROM events').pluck().get());
    await store.close();
    raw.close();
    if (stored !== rows.length || inserted !== rows.length) throw new Error(`append check failed: store has ${stored}, raw has ${inserted}, expected ${rows.length}`);

    const rawRate = rows.length / (Number(elapsed.raw) / 1e9);
    const storeRate = rows.length / (Number(elapsed.store) / 1e9);
    const ratio = storeRate / rawRate;
    return {
      rows: [
        {
          ...this.rows[0],
          measured: rate(storeRate, 'appends/s'),
          baseline: rate(rawRate, 'inserts/s'),
          ratio,
          result: verdict(ratio >= 0.5),
          note: `${rows.length.toLocaleString('en-US')} appends per side over 290 streams, in ${blocks.length} interleaved blocks; journal_mode=${settings.journalMode}, synchronous=${settings.synchronous} (the store's); mean ${((1e6 / storeRate) | 0)} µs per store append vs ${((1e6 / rawRate) | 0)} µs per raw insert`,
        },
      ],
      details: {
        appends: rows.length,
        streams: 290,
        settings,
        store: { seconds: Number(elapsed.store) / 1e9, perSecond: storeRate, meanMicros: 1e6 / storeRate },
        raw: { seconds: Number(elapsed.raw) / 1e9, perSecond: rawRate, meanMicros: 1e6 / rawRate },
        ratio,
      },
    };
  },
};
