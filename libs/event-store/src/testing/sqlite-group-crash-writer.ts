/**
 * The child process of the SQLite group-commit crash test. It runs `appenders` concurrent
 * loops, each appending batches of one to three events to its own stream as fast as it can,
 * so that their appends share transactions; after each acknowledged append it prints one
 * JSON line (the stream, the batch's ids, the append's result and the number of the commit
 * that carried it) until it is killed.
 *
 * Run: node -r ts-node/register/transpile-only sqlite-group-crash-writer.ts <dataDir> <streamPrefix> <appenders>
 */
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { makeEvent } from './make-event';

async function appendForever(store: SqliteEventStore, stream: string): Promise<never> {
  let revision = -1;
  for (let batch = 0; ; batch++) {
    const size = (batch % 3) + 1;
    const events = Array.from({ length: size }, (_, index) => makeEvent('Survived', { batch, index, size }));
    const result = await store.appendToStream(stream, events, { expectedRevision: revision === -1 ? 'no-stream' : revision });
    revision = result.nextRevision;
    // A pipe is written synchronously on Linux: once this returns, the parent can read the line.
    process.stdout.write(`${JSON.stringify({ stream, ids: events.map((e) => e.id), ...result, commit: store.stats().commits })}\n`);
  }
}

async function main(): Promise<void> {
  const [dataDir, prefix, appenders] = process.argv.slice(2);
  const store = SqliteEventStore.open({ dataDir });
  await Promise.all(Array.from({ length: Number(appenders) }, (_, i) => appendForever(store, `${prefix}${i}`)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
