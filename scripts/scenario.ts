/**
 * Loads a seed story into a running service:
 *   npm run scenario -- s1 [--url http://127.0.0.1:3000]
 *   npm run scenario -- all
 * With keys configured, give an admin key in SAMVERKAN_KEY (never on the command line).
 * Every step carries an Idempotency-Key, so loading a story twice records it once.
 */
import { loadStories } from '../scenarios/load-stories';

loadStories(process.argv.slice(2), process.env, (text) => process.stdout.write(text), (text) => process.stderr.write(text)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
