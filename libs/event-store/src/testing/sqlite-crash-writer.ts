/**
 * The child process of the SQLite crash test. It appends batches of one to three events to
 * one stream, as fast as it can, and after each acknowledged append prints one JSON line
 * (the batch's ids and the append's result) until it is killed.
 *
 * Run: node -r ts-node/register/transpile-only sqlite-crash-writer.ts <dataDir> <stream>
 */
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { makeEvent } from './make-event';

async function main(): Promise<void> {
  const [dataDir, stream] = process.argv.slice(2);
  const store = SqliteEventStore.open({ dataDir });
  let revision = -1;
  for (let batch = 0; ; batch++) {
    const size = (batch % 3) + 1;
    const events = Array.from({ length: size }, (_, index) => makeEvent('Survived', { batch, index, size }));
    const result = await store.appendToStream(stream, events, { expectedRevision: revision === -1 ? 'no-stream' : revision });
    revision = result.nextRevision;
    // A pipe is written synchronously on Linux: once this returns, the parent can read the line.
    process.stdout.write(`${JSON.stringify({ ids: events.map((e) => e.id), ...result })}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
