/**
 * The two halves of the SQLite crash tests: the child's append loop, and the parent's run
 * of a child until it has acknowledged enough appends, when it is killed with SIGKILL.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { AppendResult } from '../event-store.port';
import type { SqliteEventStore } from '../sqlite';
import { makeEvent } from './make-event';

/** Appends batches of one to three events to `stream` as fast as it can, telling `acknowledged` of each; never returns. */
export async function appendBatchesForever(store: SqliteEventStore, stream: string, acknowledged: (ids: string[], result: AppendResult) => void): Promise<never> {
  let revision = -1;
  for (let batch = 0; ; batch++) {
    const size = (batch % 3) + 1;
    const events = Array.from({ length: size }, (_, index) => makeEvent('Survived', { batch, index, size }));
    const result = await store.appendToStream(stream, events, { expectedRevision: revision === -1 ? 'no-stream' : revision });
    revision = result.nextRevision;
    acknowledged(events.map((e) => e.id), result);
  }
}

/**
 * Runs `script` (a crash writer in this folder) until it has printed `atLeast` JSON lines,
 * one per acknowledged append, then SIGKILLs it and resolves with the lines it printed.
 */
export function runAndKill<Line>(script: string, args: string[], atLeast: number): Promise<Line[]> {
  const child = fork(join(__dirname, script), args, {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const acknowledged: Line[] = [];
    let pending = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      // The last piece is an incomplete line (or empty): not acknowledged yet.
      pending = lines.pop()!;
      for (const line of lines) acknowledged.push(JSON.parse(line) as Line);
      if (acknowledged.length >= atLeast) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`The crash writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}
