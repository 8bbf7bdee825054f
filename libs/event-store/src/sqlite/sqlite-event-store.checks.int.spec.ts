import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { makeEvent } from '../testing';
import type { RaceOutcome } from '../testing/sqlite-checked-race-writer';
import { tempDirs } from '../testing/temp-dirs';
import { SqliteEventStore } from '.';

const tempDir = tempDirs('samverkan-event-store-checks-');

/**
 * Consistency checks across connections: two stores (two connections in one process, or two
 * processes) on one data directory. Each append's expected revision and checks are read
 * inside its write transaction (BEGIN IMMEDIATE), so SQLite's file lock serialises the two
 * decisions and the second sees the first.
 */
describe('SqliteEventStore consistency checks on a shared file', () => {
  it('two instances on one data directory never store both of two appends that check each other', async () => {
    const dataDir = tempDir();
    const [one, two] = [SqliteEventStore.open({ dataDir }), SqliteEventStore.open({ dataDir })];
    try {
      for (let round = 0; round < 20; round++) {
        const [a, b] = [`claim-a-${round}`, `claim-b-${round}`];
        const outcomes = await Promise.allSettled([
          one.appendToStream(a, [makeEvent('Claimed')], { expectedRevision: 'no-stream', checks: [{ stream: b, expectedRevision: 'no-stream' }] }),
          two.appendToStream(b, [makeEvent('Claimed')], { expectedRevision: 'no-stream', checks: [{ stream: a, expectedRevision: 'no-stream' }] }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await one.readStream(a)).length + (await two.readStream(b)).length).toBe(1);
        expect((await two.readStream(a)).length + (await one.readStream(b)).length).toBe(1);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('two processes on one data directory racing appends that check each other: exactly one wins each round', async () => {
    const dataDir = tempDir();
    const rounds = 40;
    const sides = [startWriter(dataDir, 'a', 'b'), startWriter(dataDir, 'b', 'a')];
    try {
      await Promise.all(sides.map((side) => side.next()));
      for (let round = 0; round < rounds; round++) {
        // Both children get the round at once and race for the write lock.
        for (const side of sides) side.child.send({ round });
        const outcomes = await Promise.all(sides.map((side) => side.next()));
        expect(outcomes.map((o) => o.round)).toEqual([round, round]);
        const winners = outcomes.filter((o) => o.ok);
        expect(winners).toHaveLength(1);
        const loser = outcomes.find((o) => !o.ok);
        expect(loser).toEqual({ round, side: loser?.side, ok: false, refusedOn: `race-${winners[0].side}-${round}`, actual: 0 });
      }
    } finally {
      await Promise.all(sides.map((side) => side.stop()));
    }

    const store = SqliteEventStore.open({ dataDir });
    try {
      const claimed = await store.readAll();
      expect(claimed).toHaveLength(rounds);
      expect(new Set(claimed.map((e) => (e.data as { round: number }).round)).size).toBe(rounds);
    } finally {
      await store.close();
    }
  });
});

interface Writer {
  child: ChildProcess;
  /** The child's next message. */
  next(): Promise<RaceOutcome>;
  stop(): Promise<void>;
}

function startWriter(dataDir: string, side: string, other: string): Writer {
  const child = fork(join(__dirname, '../testing/sqlite-checked-race-writer.ts'), [dataDir, 'race-', side, other], {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const received: RaceOutcome[] = [];
  const waiting: Array<(outcome: RaceOutcome) => void> = [];
  let exited = false;
  child.on('message', (outcome: RaceOutcome) => {
    const wake = waiting.shift();
    if (wake) wake(outcome);
    else received.push(outcome);
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  return {
    child,
    next: () =>
      new Promise<RaceOutcome>((resolve, reject) => {
        const ready = received.shift();
        if (ready) return resolve(ready);
        if (exited) return reject(new Error(`The race writer ${side} has exited`));
        waiting.push(resolve);
        void exit.then(() => reject(new Error(`The race writer ${side} exited`)));
      }),
    stop: async () => {
      if (!exited) child.send('stop');
      await exit;
    },
  };
}
