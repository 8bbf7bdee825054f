import { Writable } from 'node:stream';
import { runCli } from '../../apps/cli/src/cli';
import type { Json } from './start-app';

/** The audit CLI in this process, with stdout and stderr captured (and stdout parsed, when it is JSON). */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Json }> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({ write: (chunk, _e, done) => ((stdout += String(chunk)), done()) });
  const err = new Writable({ write: (chunk, _e, done) => ((stderr += String(chunk)), done()) });
  const code = await runCli(args, { stdout: out, stderr: err, env: {} });
  let json: Json;
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- parsed JSON whose shape the specs' matchers judge (see Json)
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the parsed answer as `Json`, as start-app.ts's client does
  return { code, stdout, stderr, json };
}
