import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { join } from 'node:path';
import { BenchConfig } from '../config';
import { generateHistory } from '../history/generator';
import { StoreSink } from '../history/recording';
import { rate } from '../report';
import { log, progress } from '../support/log';
import { tempDir } from '../support/runtime';
import { measureAppends } from './append';
import { alternateTrials, median } from './rebuild';
import { StepResult, Workload } from './workload';

/**
 * Step `esdb` (informational): figures 1 and 2a again, with EventStoreDbEventStore in place of
 * the SQLite store, against the in-process gRPC double (EventStoreDbDouble) or, with
 * BENCH_EVENTSTORE_CONNECTION_STRING, a real server. The baselines are the embedded rows':
 * raw better-sqlite3 inserts, and a raw scan + JSON.parse of a SQLite file holding the same
 * history, both measured here, in the same run.
 *
 * The double is not the server (an in-memory log, answering gRPC in this very process), so
 * these rows carry no target: they show what the adapter and the client cost, not what an
 * EventStoreDB deployment does.
 */

/** Events per append while copying the history into EventStoreDB (a real server refuses appends above 1 MiB). */
const COPY_BATCH = 100;

interface Target {
  kind: 'double' | 'server';
  connectionString: string;
  stop(): Promise<void>;
}

async function startTarget(config: BenchConfig): Promise<Target> {
  if (config.esdbConnectionString) return { kind: 'server', connectionString: config.esdbConnectionString, stop: async () => undefined };
  const double = new EventStoreDbDouble();
  await double.start();
  return { kind: 'double', connectionString: double.connectionString, stop: () => double.stop() };
}

/** The port's headPosition, or undefined when the log holds no client event (read from the start). */
async function clientHead(connectionString: string): Promise<number | undefined> {
  const store = new EventStoreDbEventStore(connectionString);
  try {
    const head = await store.headPosition();
    return head === 0 ? undefined : head;
  } finally {
    await store.close();
  }
}

/**
 * Copies the SQLite log into EventStoreDB in commit order: each run of consecutive events of
 * one stream (at most COPY_BATCH) is one append with the exact expected revision.
 */
async function copyLog(from: SqliteEventStore, to: EventStore, events: number): Promise<void> {
  const bar = progress('copy history to EventStoreDB', events, 'events');
  let batch: RecordedEvent[] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const first = batch[0];
    await to.appendToStream(
      first.stream,
      batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
      { expectedRevision: first.revision === 0 ? 'no-stream' : first.revision - 1 },
    );
    copied += batch.length;
    bar.update(copied);
    batch = [];
  };
  let after: number | undefined;
  for (;;) {
    const page = await from.readAll({ after, maxCount: 10_000 });
    if (page.length === 0) break;
    for (const event of page) {
      if (batch.length === COPY_BATCH || (batch.length > 0 && batch[0].stream !== event.stream)) await flush();
      batch.push(event);
    }
    after = page[page.length - 1].position;
  }
  await flush();
  bar.stop();
  if (copied !== events) throw new Error(`copied ${copied} events to EventStoreDB, expected ${events}`);
}

export const esdbWorkload: Workload = {
  step: 'esdb',
  title: 'The EventStoreDB adapter (informational)',
  rows: [
    { id: 'E1', figure: 'Single-event appends with expected revision: EventStoreDbEventStore (gRPC double, or BENCH_EVENTSTORE_CONNECTION_STRING) vs raw better-sqlite3 inserts', target: 'informational' },
    { id: 'E2', figure: 'Rebuild every read model through EventStoreDbEventStore.readAll (gRPC double, or BENCH_EVENTSTORE_CONNECTION_STRING) vs raw scan + JSON.parse of the same history in SQLite', target: 'informational' },
  ],

  async run(config: BenchConfig): Promise<StepResult> {
    const target = await startTarget(config);
    const where = target.kind === 'double' ? 'the in-process gRPC double' : 'a real EventStoreDB (BENCH_EVENTSTORE_CONNECTION_STRING)';
    const whereShort = target.kind === 'double' ? 'gRPC double, in process' : 'real EventStoreDB server';
    log(`EventStoreDB: ${where}; ${config.esdbAppends} appends per side, history of ${config.esdbEvents} events`);
    try {
      // The history's streams (municipality-0114, …) are appended with 'no-stream' first.
      if ((await clientHead(target.connectionString)) !== undefined) {
        throw new Error('step esdb needs an EventStoreDB that holds no events of clients yet (the history appends to new streams): use a fresh server, e.g. a new eventstoredb container with its data volume removed');
      }

      // ---------------------------------------------------------- 5a: appends
      // Streams of their own, so that they do not meet the history's below.
      const appends = await measureAppends({
        appends: config.esdbAppends,
        seed: config.seed,
        streamPrefix: 'bench-appends-',
        open: () => new EventStoreDbEventStore(target.connectionString),
        label: 'appends (raw + EventStoreDB)',
      });

      // ---------------------------------------------------------- 5b: rebuild
      // The history goes into SQLite (the baseline's file) and is copied from there, so both hold the same events.
      const dir = tempDir('esdb-rebuild');
      const file = join(dir, 'events.sqlite');
      const sqlite = SqliteEventStore.open({ dataDir: dir });
      const genBar = progress('generate history', config.esdbEvents, 'events');
      const history = await generateHistory(new StoreSink(sqlite), { events: config.esdbEvents, seed: config.seed, onProgress: (n) => genBar.update(n) });
      genBar.stop();
      const after = await clientHead(target.connectionString);
      const esdb = new EventStoreDbEventStore(target.connectionString);
      try {
        await copyLog(sqlite, esdb, history.events);
      } finally {
        await esdb.close();
        await sqlite.close();
      }
      const { trials } = await alternateTrials(file, { open: () => new EventStoreDbEventStore(target.connectionString), after }, history.events, config);
      const scanSeconds = median(trials.map((t) => t.scanSeconds));
      const rebuildSeconds = median(trials.map((t) => t.rebuildSeconds));
      const scanRate = history.events / scanSeconds;
      const rebuildRate = history.events / rebuildSeconds;
      const n = history.events.toLocaleString('en-US');

      return {
        rows: [
          {
            ...this.rows[0],
            figure: `Single-event appends with expected revision: EventStoreDbEventStore (${whereShort}) vs raw better-sqlite3 inserts (1 tx/row)`,
            measured: rate(appends.store.perSecond, 'appends/s'),
            baseline: rate(appends.raw.perSecond, 'inserts/s'),
            ratio: appends.ratio,
            result: 'info',
            note: `informational: ${where}${target.kind === 'double' ? ', which is not the server' : ''}; ${appends.appends.toLocaleString('en-US')} appends per side over 290 streams in ${appends.blocks} interleaved blocks; mean ${appends.store.meanMicros | 0} µs per append vs ${appends.raw.meanMicros | 0} µs per raw insert (journal_mode=${appends.settings.journalMode}, synchronous=${appends.settings.synchronous})`,
          },
          {
            ...this.rows[1],
            figure: `Rebuild every read model through EventStoreDbEventStore.readAll (${whereShort}) + RegisterReadModel.apply vs raw scan + JSON.parse of the same history in SQLite`,
            measured: rate(rebuildRate, 'events/s'),
            baseline: rate(scanRate, 'events/s'),
            ratio: rebuildRate / scanRate,
            result: 'info',
            note: `informational: ${where}; ${n} events in pages of ${config.pageSize} (the adapter reads $all in calls of 256); median of ${trials.length} alternating trials: rebuild ${rebuildSeconds.toFixed(2)} s, raw scan ${scanSeconds.toFixed(2)} s (rebuild per trial: ${trials.map((t) => t.rebuildSeconds.toFixed(2)).join(', ')} s)`,
          },
        ],
        details: {
          target: target.kind,
          appends,
          history,
          rebuild: { events: history.events, pageSize: config.pageSize, trials, scanSeconds, rebuildSeconds, scanPerSecond: scanRate, rebuildPerSecond: rebuildRate, ratio: rebuildRate / scanRate },
        },
      };
    } finally {
      await target.stop();
    }
  },
};
