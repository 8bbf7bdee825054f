/**
 * The audit CLI: `npm run cli -- <command> [options]` (see `npm run cli -- --help`).
 * verify, verify-inclusion, verify-consistency, export, replay, history <stream>, state <kind> <id>.
 */
import 'reflect-metadata';
import { runCli } from './cli';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    // Let stdout drain (a large --json answer to a pipe), then exit: a stray socket must not keep the CLI alive.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`samverkan: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(3);
  },
);
