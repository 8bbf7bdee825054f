import Database from 'better-sqlite3';
import { EventStore } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { RegisterReadModel } from '@samverkan/projections';
import { BenchConfig } from '../config';
import { embeddedHistory } from '../history/shared';
import { mib, rate, verdict } from '../report';
import { log, progress } from '../support/log';
import { GiB, fullGc } from '../support/runtime';
import { StepResult, Workload } from './workload';

/**
 * Figure 2: rebuilding every read model from the log (`readAll` in pages +
 * `RegisterReadModel.apply`), against a raw scan of the same rows with `JSON.parse` of data
 * and metadata (the least any rebuild must do); and the process's RSS once the model holds
 * the whole log, against its RSS just before (both after a full GC).
 */

/** The floor: one statement over the table in position order, both JSON columns parsed. */
export function rawScan(file: string, onProgress: (n: number) => void): { events: number; seconds: number; checksum: number } {
  const db = new Database(file, { readonly: true });
  const statement = db.prepare<[], [number, string, string, number, string, string, string, string]>(
    'SELECT position, id, stream, revision, type, data, metadata, created FROM events ORDER BY position',
  ).raw();
  let events = 0;
  let checksum = 0;
  const t0 = process.hrtime.bigint();
  for (const row of statement.iterate()) {
    const data = JSON.parse(row[5]) as Record<string, unknown>;
    const metadata = JSON.parse(row[6]) as { schemaVersion: number };
    // Touch what was parsed, so none of it can be optimised away.
    checksum += metadata.schemaVersion + (data === null ? 0 : 1);
    if ((++events & 0xffff) === 0) onProgress(events);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return { events, seconds, checksum };
}

export interface Rebuilt {
  seconds: number;
  pages: number;
  /** Process memory just before (after a full GC) and with the model loaded (after a full GC). */
  before: NodeJS.MemoryUsage;
  loaded: NodeJS.MemoryUsage;
  check: { applied: number; sample: number; arrangements: number };
}

/** Where a rebuild reads from: the store it opens, and the position after which the history starts (undefined: the start). */
export interface RebuildSource {
  open: () => EventStore;
  after?: number;
}

/** One rebuild into a fresh model: `readAll` pages of `pageSize` through `apply`; memory read while the model is alive. */
async function rebuildOnce(source: RebuildSource, events: number, pageSize: number, label: string): Promise<Rebuilt> {
  fullGc();
  const before = process.memoryUsage();
  const store = source.open();
  const model = new RegisterReadModel();
  const bar = progress(label, events, 'events');
  let after = source.after;
  let read = 0;
  let pages = 0;
  const t0 = process.hrtime.bigint();
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) break;
    for (let i = 0; i < page.length; i++) model.apply(page[i]);
    after = page[page.length - 1].position;
    read += page.length;
    pages++;
    bar.update(read);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  bar.stop();
  await store.close();
  if (read !== events) throw new Error(`the rebuild read ${read} events, expected ${events}`);
  fullGc();
  const loaded = process.memoryUsage();
  // The model answers (and is alive while memory is read above).
  const check = {
    applied: model.eventCount,
    sample: model.provisions('0580', '2020-06-01').filter((p) => p.basis.kind !== 'in-house').length,
    arrangements: model.listArrangements({}, '2025-06-30').length,
  };
  if (check.applied !== events) throw new Error(`the read model applied ${check.applied} of ${events} events`);
  return { seconds, pages, before, loaded, check };
}

export interface Trial {
  scanSeconds: number;
  rebuildSeconds: number;
  pages: number;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * Raw scan of the SQLite `file` and rebuild from `source` alternate, `config.rebuildTrials`
 * times each; the figures are the medians (a shared VM's noise is large next to a 5–10 s
 * measurement). RSS is taken in the first trial, the only one that starts from a process
 * that never held a model.
 */
export async function alternateTrials(
  file: string,
  source: RebuildSource,
  events: number,
  config: Pick<BenchConfig, 'rebuildTrials' | 'pageSize'>,
): Promise<{ trials: Trial[]; first: Rebuilt }> {
  const trials: Trial[] = [];
  let first: Rebuilt | undefined;
  for (let trial = 1; trial <= config.rebuildTrials; trial++) {
    const suffix = config.rebuildTrials > 1 ? ` (trial ${trial}/${config.rebuildTrials})` : '';
    fullGc();
    const scanBar = progress(`raw scan + JSON.parse${suffix}`, events, 'events');
    const scan = rawScan(file, (n) => scanBar.update(n));
    scanBar.update(scan.events);
    scanBar.stop();
    if (scan.events !== events) throw new Error(`raw scan read ${scan.events} events, expected ${events}`);
    const rebuilt = await rebuildOnce(source, events, config.pageSize, `rebuild read models${suffix}`);
    first ??= rebuilt;
    trials.push({ scanSeconds: scan.seconds, rebuildSeconds: rebuilt.seconds, pages: rebuilt.pages });
    log(`trial ${trial}: raw scan ${rate(events / scan.seconds, 'events/s')}, rebuild ${rate(events / rebuilt.seconds, 'events/s')}`);
  }
  if (!first) throw new Error('no rebuild trial ran');
  return { trials, first };
}

/** The ProjectionRunner's subscription batch (SqliteEventStore's default `subscriptionBatchSize`): how the service itself rebuilds on start. */
const SERVICE_BATCH = 500;

export const rebuildWorkload: Workload = {
  step: 'rebuild',
  title: 'Rebuilding the read models',
  rows: [
    { id: '2a', figure: 'Rebuild every read model (readAll pages + RegisterReadModel.apply) vs raw scan + JSON.parse', target: '≥ 0.3×' },
    { id: '2b', figure: 'Rebuild rate', target: '≥ 200,000 events/s' },
    { id: '2c', figure: 'RSS with the whole log in the read model vs RSS before loading', target: '≤ 1 GiB' },
    { id: '2d', figure: 'RSS with the whole log in the read model, rebuilt in pages of 500 (the service’s subscription batch)', target: '≤ 1 GiB' },
  ],

  async run(config: BenchConfig): Promise<StepResult> {
    const { dir, file, history, fileBytes } = await embeddedHistory(config);

    // ------------------------------------------------------------ trials
    const source: RebuildSource = { open: () => SqliteEventStore.open({ dataDir: dir }) };
    const { trials, first } = await alternateTrials(file, source, history.events, config);
    const { before, loaded, check } = first;
    // The same rebuild in the service's own batch size: RSS depends on the page size (see 2d).
    const small = await rebuildOnce(source, history.events, SERVICE_BATCH, `rebuild, pages of ${SERVICE_BATCH}`);
    log(`pages of ${SERVICE_BATCH}: ${rate(history.events / small.seconds, 'events/s')}, RSS ${mib(small.loaded.rss)} (before ${mib(small.before.rss)})`);
    const scan = { events: history.events, seconds: median(trials.map((t) => t.scanSeconds)) };
    const read = history.events;
    const rebuildSeconds = median(trials.map((t) => t.rebuildSeconds));
    const pages = trials[0].pages;
    const scanRate = scan.events / scan.seconds;
    const rebuildRate = read / rebuildSeconds;
    const ratio = rebuildRate / scanRate;
    const rssRatio = loaded.rss / before.rss;
    const n = history.events.toLocaleString('en-US');
    return {
      rows: [
        {
          ...this.rows[0],
          measured: rate(rebuildRate, 'events/s'),
          baseline: rate(scanRate, 'events/s'),
          ratio,
          result: verdict(ratio >= 0.3),
          note: `${n} events in ${pages} pages of ${config.pageSize}; median of ${trials.length} alternating trials: rebuild ${rebuildSeconds.toFixed(2)} s, raw scan ${scan.seconds.toFixed(2)} s (rebuild per trial: ${trials.map((t) => t.rebuildSeconds.toFixed(2)).join(', ')} s)`,
        },
        { ...this.rows[1], measured: rate(rebuildRate, 'events/s'), baseline: rate(scanRate, 'events/s'), ratio, result: verdict(rebuildRate >= 200_000) },
        {
          ...this.rows[2],
          figure: `RSS with ${n} events in the read model vs RSS before loading`,
          measured: mib(loaded.rss),
          baseline: mib(before.rss),
          ratio: rssRatio,
          result: verdict(loaded.rss <= GiB),
          note: `pages of ${config.pageSize}, first trial, after a full GC: heap used ${mib(loaded.heapUsed)} (before ${mib(before.heapUsed)}), V8 heap committed ${mib(loaded.heapTotal)}, external ${mib(loaded.external)}`,
        },
        {
          ...this.rows[3],
          figure: `RSS with ${n} events in the read model, rebuilt in pages of ${SERVICE_BATCH} (the service's subscription batch) vs RSS before loading`,
          measured: mib(small.loaded.rss),
          baseline: mib(small.before.rss),
          ratio: small.loaded.rss / small.before.rss,
          result: verdict(small.loaded.rss <= GiB),
          note: `run after the trials; heap used ${mib(small.loaded.heapUsed)}, V8 heap committed ${mib(small.loaded.heapTotal)}; rebuild rate in these pages ${rate(history.events / small.seconds, 'events/s')}`,
        },
      ],
      details: {
        history: { ...history, fileBytes },
        rawScan: { ...scan, perSecond: scanRate },
        trials,
        rebuild: { events: read, pages, pageSize: config.pageSize, seconds: rebuildSeconds, perSecond: rebuildRate, ratio, sampleProvisionsOf0580: check.sample, arrangements: check.arrangements },
        memory: { before, loaded, rssRatio, rssPerEventBytes: (loaded.rss - before.rss) / read, heapPerEventBytes: (loaded.heapUsed - before.heapUsed) / read },
        memoryServiceBatch: { pageSize: SERVICE_BATCH, seconds: small.seconds, before: small.before, loaded: small.loaded, rssPerEventBytes: (small.loaded.rss - small.before.rss) / read },
      },
    };
  },
};
