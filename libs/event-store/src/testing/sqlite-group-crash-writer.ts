/**
 * The child process of the SQLite group-commit crash test. It runs `appenders` concurrent
 * loops, each appending batches of one to three events to its own stream as fast as it can,
 * so that their appends share transactions; after each acknowledged append it prints one
 * JSON line (the stream, the batch's ids, the append's result and the number of the commit
 * that carried it) until it is killed.
 *
 * Run: node -r ts-node/register/transpile-only sqlite-group-crash-writer.ts <dataDir> <streamPrefix> <appenders>
 */
import { SqliteEventStore } from '../sqlite';
import { appendBatchesForever } from './crash-writer';

async function main(): Promise<void> {
  const [dataDir, prefix, appenders] = process.argv.slice(2);
  const store = SqliteEventStore.open({ dataDir });
  await Promise.all(
    Array.from({ length: Number(appenders) }, (_, i) =>
      appendBatchesForever(store, `${prefix}${i}`, (ids, result) => {
        // A pipe is written synchronously on Linux: once this returns, the parent can read the line.
        process.stdout.write(`${JSON.stringify({ stream: `${prefix}${i}`, ids, ...result, commit: store.stats().commits })}\n`);
      }),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
