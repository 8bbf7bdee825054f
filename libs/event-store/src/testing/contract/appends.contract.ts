import { makeEvent } from '../make-event';
import { ContractTest, expectStrictlyIncreasing, expectWrongRevision, rejectionOf, uniqueStream } from './contract-support';

/** appendToStream: expected revisions, batches, empty appends, races, and idempotent re-sends. */
export function describeAppends(storeTest: ContractTest): void {
  describe('appendToStream', () => {
    storeTest("'no-stream' creates the stream and answers with the event's revision and position", async (store) => {
      const stream = uniqueStream('created');
      const result = await store.appendToStream(stream, [makeEvent('Created')], { expectedRevision: 'no-stream' });
      const [recorded] = await store.readStream(stream);
      expect(result).toEqual({ nextRevision: 0, position: recorded.position });
      expect(recorded.revision).toBe(0);
    });

    storeTest("'no-stream' fails on an existing stream, reporting its revision", async (store) => {
      const stream = uniqueStream('exists');
      await store.appendToStream(stream, [makeEvent('First')]);
      const error = await rejectionOf(store.appendToStream(stream, [makeEvent('Second')], { expectedRevision: 'no-stream' }));
      expectWrongRevision(error, stream, 'no-stream', 0);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    storeTest("'stream-exists' fails on a missing stream with actual -1 and succeeds once it exists", async (store) => {
      const stream = uniqueStream('must-exist');
      const error = await rejectionOf(store.appendToStream(stream, [makeEvent('Orphan')], { expectedRevision: 'stream-exists' }));
      expectWrongRevision(error, stream, 'stream-exists', -1);
      expect(await store.readStream(stream)).toEqual([]);

      await store.appendToStream(stream, [makeEvent('First')], { expectedRevision: 'no-stream' });
      const result = await store.appendToStream(stream, [makeEvent('Second')], { expectedRevision: 'stream-exists' });
      expect(result.nextRevision).toBe(1);
    });

    storeTest('an exact revision must be the revision of the last event', async (store) => {
      const stream = uniqueStream('exact');
      const missing = await rejectionOf(store.appendToStream(stream, [makeEvent('Early')], { expectedRevision: 0 }));
      expectWrongRevision(missing, stream, 0, -1);

      await store.appendToStream(stream, [makeEvent('A'), makeEvent('B')], { expectedRevision: 'no-stream' });
      const result = await store.appendToStream(stream, [makeEvent('C')], { expectedRevision: 1 });
      expect(result.nextRevision).toBe(2);

      const stale = await rejectionOf(store.appendToStream(stream, [makeEvent('Stale')], { expectedRevision: 1 }));
      expectWrongRevision(stale, stream, 1, 2);
      const ahead = await rejectionOf(store.appendToStream(stream, [makeEvent('Ahead')], { expectedRevision: 5 }));
      expectWrongRevision(ahead, stream, 5, 2);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    storeTest("'any', also when no expectation is given, appends whatever the stream's state", async (store) => {
      const stream = uniqueStream('any');
      expect((await store.appendToStream(stream, [makeEvent('A')], { expectedRevision: 'any' })).nextRevision).toBe(0);
      expect((await store.appendToStream(stream, [makeEvent('B')])).nextRevision).toBe(1);
      expect((await store.appendToStream(stream, [makeEvent('C')], {})).nextRevision).toBe(2);
    });

    storeTest('a batch gets consecutive revisions and increasing positions; the answer names the last', async (store) => {
      const stream = uniqueStream('batch');
      await store.appendToStream(stream, [makeEvent('Before')]);
      const result = await store.appendToStream(stream, [makeEvent('A'), makeEvent('B'), makeEvent('C')], { expectedRevision: 0 });
      const recorded = await store.readStream(stream);
      expect(recorded.map((e) => [e.type, e.revision])).toEqual([
        ['Before', 0],
        ['A', 1],
        ['B', 2],
        ['C', 3],
      ]);
      expectStrictlyIncreasing(recorded.map((e) => e.position));
      expect(result).toEqual({ nextRevision: 3, position: recorded[3].position });
    });

    storeTest('an empty append checks the expectation and answers with the current state', async (store) => {
      const stream = uniqueStream('empty');
      expect((await store.appendToStream(stream, [], { expectedRevision: 'no-stream' })).nextRevision).toBe(-1);
      expect(await store.readStream(stream)).toEqual([]);
      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [], { expectedRevision: 'stream-exists' })), stream, 'stream-exists', -1);

      await store.appendToStream(stream, [makeEvent('A'), makeEvent('B')]);
      const [, last] = await store.readStream(stream);
      expect(await store.appendToStream(stream, [], { expectedRevision: 1 })).toEqual({ nextRevision: 1, position: last.position });
      expect(await store.appendToStream(stream, [])).toEqual({ nextRevision: 1, position: last.position });
      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [], { expectedRevision: 'no-stream' })), stream, 'no-stream', 1);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    storeTest('of concurrent appends with the same expected revision exactly one wins', async (store) => {
      const stream = uniqueStream('race');
      await store.appendToStream(stream, [makeEvent('Start')]);
      const contenders = Array.from({ length: 6 }, (_, i) => makeEvent(`Contender${i}`));
      const outcomes = await Promise.allSettled(contenders.map((event) => store.appendToStream(stream, [event], { expectedRevision: 0 })));

      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expectWrongRevision(outcome.reason, stream, 0, 1);
      }
      const recorded = await store.readStream(stream);
      expect(recorded).toHaveLength(2);
      expect(contenders.filter((c) => c.id === recorded[1].id)).toHaveLength(1);
    });

    storeTest("of concurrent 'no-stream' appends exactly one creates the stream", async (store) => {
      const stream = uniqueStream('create-race');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => store.appendToStream(stream, [makeEvent(`Creator${i}`)], { expectedRevision: 'no-stream' })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });
  });

  describe('idempotency', () => {
    storeTest('re-appending a batch with the same expected revision stores nothing and answers as the first time', async (store) => {
      const stream = uniqueStream('resend');
      await store.appendToStream(stream, [makeEvent('First')]);
      const batch = [makeEvent('A'), makeEvent('B')];
      const first = await store.appendToStream(stream, batch, { expectedRevision: 0 });
      await store.appendToStream(stream, [makeEvent('Later')], { expectedRevision: 2 });

      const again = await store.appendToStream(stream, batch, { expectedRevision: 0 });
      expect(again).toEqual(first);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['First', 'A', 'B', 'Later']);
    });

    storeTest("re-appending with 'no-stream' or 'any' is also recognised", async (store) => {
      const stream = uniqueStream('resend-modes');
      const batch = [makeEvent('A'), makeEvent('B'), makeEvent('C')];
      const first = await store.appendToStream(stream, batch, { expectedRevision: 'no-stream' });
      expect(await store.appendToStream(stream, batch, { expectedRevision: 'no-stream' })).toEqual(first);
      expect(await store.appendToStream(stream, batch, { expectedRevision: 'any' })).toEqual(first);
      expect(await store.appendToStream(stream, batch)).toEqual(first);
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    storeTest('a batch that only partly matches the stored events is a wrong expected revision', async (store) => {
      const stream = uniqueStream('partial');
      const [a, b] = [makeEvent('A'), makeEvent('B')];
      await store.appendToStream(stream, [a, b], { expectedRevision: 'no-stream' });

      const longer = await rejectionOf(store.appendToStream(stream, [a, b, makeEvent('C')], { expectedRevision: 'no-stream' }));
      expectWrongRevision(longer, stream, 'no-stream', 1);
      const different = await rejectionOf(store.appendToStream(stream, [a, makeEvent('X')], { expectedRevision: 'no-stream' }));
      expectWrongRevision(different, stream, 'no-stream', 1);
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual([a.id, b.id]);
    });
  });
}
