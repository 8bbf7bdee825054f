import { CHECKPOINT_STREAM, PublicKeyRing, PUBLIC_KEY_FILE, PRIVATE_KEY_FILE, exportEventPages, parsePublicKey, readPages } from '@samverkan/audit';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, Options } from './options';

/** Somewhere the log can be read from: the embedded store's file, EventStoreDB, or an export. */
export interface LogSource {
  /** For messages: `embedded store in ./data`, `EventStoreDB at …`, `export file …`. */
  description: string;
  kind: 'embedded' | 'eventstoredb' | 'export';
  /** The store, when the source is one. */
  store?: EventStore;
  /** The log in commit order, up to `upTo` (default: the head when reading starts). `onProgress(done, total, events)`. */
  pages(options?: { upTo?: number; onProgress?: (done: number, total: number, events: number) => void }): AsyncGenerator<RecordedEvent[]>;
  stream(name: string): Promise<RecordedEvent[]>;
  /** Keys found with the log (the data directory's public key); undefined when there are none. */
  keysNearby(): PublicKeyRing | undefined;
  close(): Promise<void>;
}

/** The embedded store in `dir` (which must hold one: a wrong path is not silently created). */
export function embeddedSource(dir: string): LogSource {
  const file = join(dir, 'events.sqlite');
  if (!existsSync(file)) throw new CliError(`There is no embedded store at ${file}. Give --data-dir (or SAMVERKAN_DATA_DIR), --esdb or --file.`, 2);
  return storeSource(SqliteEventStore.open({ dataDir: dir }), 'embedded', `the embedded store in ${dir}`, dir);
}

export function esdbSource(connectionString: string, keyDir: string | undefined): LogSource {
  return storeSource(new EventStoreDbEventStore(connectionString), 'eventstoredb', `EventStoreDB at ${connectionString.replace(/\/\/[^@/]*@/, '//***@')}`, keyDir);
}

function storeSource(store: EventStore, kind: 'embedded' | 'eventstoredb', description: string, keyDir: string | undefined): LogSource {
  return {
    description,
    kind,
    store,
    async *pages(options = {}) {
      const head = options.upTo ?? (await store.headPosition());
      let events = 0;
      for await (const page of readPages(store, { upTo: head })) {
        events += page.length;
        options.onProgress?.(page[page.length - 1].position, head, events);
        yield page;
      }
    },
    stream: (name) => store.readStream(name),
    keysNearby: () => (keyDir ? keysIn(keyDir) : undefined),
    close: () => store.close(),
  };
}

export function exportSource(file: string): LogSource {
  if (!existsSync(file)) throw new CliError(`There is no file ${file}.`, 2);
  return {
    description: `the export ${file}`,
    kind: 'export',
    async *pages(options = {}) {
      for await (const page of exportEventPages(file, { onProgress: (p) => options.onProgress?.(p.bytes, p.totalBytes, p.events) })) {
        if (options.upTo === undefined) {
          yield page;
          continue;
        }
        const within = page.filter((e) => e.position <= options.upTo!);
        if (within.length > 0) yield within;
        if (within.length < page.length) return;
      }
    },
    async stream(name) {
      const found: RecordedEvent[] = [];
      for await (const page of exportEventPages(file)) for (const e of page) if (e.stream === name) found.push(e);
      return found;
    },
    keysNearby: () => undefined,
    close: async () => undefined,
  };
}

/** The public key kept in a data directory (the service writes it next to its private key). */
export function keysIn(dir: string): PublicKeyRing | undefined {
  for (const name of [PUBLIC_KEY_FILE, PRIVATE_KEY_FILE]) {
    const file = join(dir, name);
    if (existsSync(file)) return new PublicKeyRing([parsePublicKey(readFileSync(file))]);
  }
  return undefined;
}

/** Keys given with --public-key (PEM files), if any. */
export function pinnedKeys(options: Options): PublicKeyRing | undefined {
  const files = options.publicKey ?? [];
  if (files.length === 0) return undefined;
  return new PublicKeyRing(files.map((f) => parsePublicKey(readFileSync(resolve(f)))));
}

/** The log source the options name: --file, then --esdb (or EVENTSTORE_CONNECTION_STRING), then --data-dir (or SAMVERKAN_DATA_DIR, ./data). */
export function logSource(options: Options, env: NodeJS.ProcessEnv): LogSource {
  if (options.file) return exportSource(resolve(options.file));
  const dataDir = resolve(options.dataDir ?? env.SAMVERKAN_DATA_DIR ?? './data');
  const esdb = options.esdb ?? (options.dataDir ? undefined : env.EVENTSTORE_CONNECTION_STRING);
  if (esdb) return esdbSource(esdb, options.dataDir || env.SAMVERKAN_DATA_DIR ? dataDir : undefined);
  return embeddedSource(dataDir);
}

export { CHECKPOINT_STREAM };
