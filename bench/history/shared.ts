import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BenchConfig } from '../config';
import { mib } from '../report';
import { log, progress } from '../support/log';
import { tempDir } from '../support/runtime';
import { HistoryStats, generateHistory } from './generator';
import { StoreSink } from './recording';

/** The synthetic history in an embedded store's directory, with its SQLite file. */
export interface EmbeddedHistory {
  dir: string;
  file: string;
  history: HistoryStats;
  fileBytes: number;
}

let shared: Promise<EmbeddedHistory> | undefined;

/**
 * The run's history of `config.events` events, generated once and shared by the steps that
 * read it (rebuild, audit): generating a million events takes about a minute. Steps must not
 * append to it, except the audit step, which runs last among them and appends its checkpoint.
 */
export function embeddedHistory(config: Pick<BenchConfig, 'events' | 'seed'>): Promise<EmbeddedHistory> {
  shared ??= generate(config);
  return shared;
}

async function generate(config: Pick<BenchConfig, 'events' | 'seed'>): Promise<EmbeddedHistory> {
  const dir = tempDir('history');
  const file = join(dir, 'events.sqlite');
  const store = SqliteEventStore.open({ dataDir: dir });
  const bar = progress('generate history', config.events, 'events');
  try {
    const history = await generateHistory(new StoreSink(store), { events: config.events, seed: config.seed, onProgress: (n) => bar.update(n) });
    bar.stop();
    const fileBytes = statSync(file).size;
    log(
      `history: ${history.events.toLocaleString('en-US')} events in ${history.appendCalls.toLocaleString('en-US')} appends, ${history.federations} federations, ${history.agreements} agreements, ${history.studies} studies, ${history.refused} refused commands skipped; file ${mib(fileBytes)}`,
    );
    return { dir, file, history, fileBytes };
  } finally {
    await store.close();
  }
}
