/**
 * The report consumer: keeps a local SQLite table of every municipality's current provisions,
 * fed by Samverkan's provision subscription (GET /v1/subscriptions/provisions, Server-Sent
 * Events). On its first run it subscribes with ?snapshot=true; after that it resumes from the
 * id it stored with the data it applied, so it can be stopped or killed at any moment.
 *
 *   npx ts-node --transpile-only src/main.ts --url http://127.0.0.1:3000 --db reports.sqlite [--county 05] [--key KEY]
 */
import { Consumer, parseArgs } from './consumer';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const consumer = new Consumer(options);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => consumer.stop());
  await consumer.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`report-consumer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
