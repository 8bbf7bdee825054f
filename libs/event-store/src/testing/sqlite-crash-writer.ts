/**
 * The child process of the SQLite crash test. It appends batches of one to three events to
 * one stream, as fast as it can, and after each acknowledged append prints one JSON line
 * (the batch's ids and the append's result) until it is killed.
 *
 * Run: node -r ts-node/register/transpile-only sqlite-crash-writer.ts <dataDir> <stream>
 */
import { SqliteEventStore } from '../sqlite';
import { appendBatchesForever } from './crash-writer';

async function main(): Promise<void> {
  const [dataDir, stream] = process.argv.slice(2);
  const store = SqliteEventStore.open({ dataDir });
  await appendBatchesForever(store, stream, (ids, result) => {
    // A pipe is written synchronously on Linux: once this returns, the parent can read the line.
    process.stdout.write(`${JSON.stringify({ ids, ...result })}\n`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
