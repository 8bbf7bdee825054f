/**
 * One side of the SQLite cross-process race on consistency checks. The parent forks two of
 * these on one data directory and sends both `{ round }` at once; each then appends to its
 * own stream of the round (`<prefix><side>-<round>`, expecting it not to exist) with a check
 * that the other side's stream of the round does not exist either, and answers the parent
 * with the outcome. Two decisions that exclude each other, made by two processes at the
 * same moment: at most one may be stored.
 *
 * Run (forked, with IPC): node -r ts-node/register/transpile-only sqlite-checked-race-writer.ts <dataDir> <prefix> <side> <otherSide>
 */
import { WrongExpectedRevisionError } from '../event-store.port';
import { SqliteEventStore } from '../sqlite';
import { makeEvent } from './make-event';

export type RaceOutcome =
  | { round: number; side: string; ok: true; position: number }
  | { round: number; side: string; ok: false; refusedOn: string; actual: number }
  | { round: number; side: string; ok: false; error: string };

function main(): void {
  const [dataDir, prefix, side, other] = process.argv.slice(2);
  const store = SqliteEventStore.open({ dataDir });
  const send = (outcome: RaceOutcome): void => void process.send?.(outcome);
  process.on('message', (message: { round: number } | 'stop') => {
    if (message === 'stop') {
      void store.close().then(() => process.exit(0));
      return;
    }
    const { round } = message;
    store
      .appendToStream(`${prefix}${side}-${round}`, [makeEvent('Claimed', { side, round })], {
        expectedRevision: 'no-stream',
        checks: [{ stream: `${prefix}${other}-${round}`, expectedRevision: 'no-stream' }],
      })
      .then(
        ({ position }) => send({ round, side, ok: true, position }),
        (error: unknown) =>
          send(
            error instanceof WrongExpectedRevisionError
              ? { round, side, ok: false, refusedOn: error.stream, actual: error.actual }
              : { round, side, ok: false, error: String(error) },
          ),
      );
  });
  send({ round: -1, side, ok: true, position: 0 });
}

main();
