import { makeEvent } from '../make-event';
import { ContractTest, expectWrongRevision, rejectionOf, uniqueStream } from './contract-support';

/** appendToStream with consistency checks: atomic with the append, all or nothing, and the idempotency rule first. */
export function describeChecks(storeTest: ContractTest): void {
  describe('appendToStream with consistency checks', () => {
    storeTest('appends when every check holds, answering as a plain append does', async (store) => {
      const [stream, basis, absent] = [uniqueStream('checked'), uniqueStream('basis'), uniqueStream('absent')];
      await store.appendToStream(basis, [makeEvent('A'), makeEvent('B')]);
      const result = await store.appendToStream(stream, [makeEvent('Decided'), makeEvent('Also')], {
        expectedRevision: 'no-stream',
        checks: [
          { stream: basis, expectedRevision: 1 },
          { stream: absent, expectedRevision: 'no-stream' },
        ],
      });
      const recorded = await store.readStream(stream);
      expect(recorded.map((e) => [e.type, e.revision])).toEqual([
        ['Decided', 0],
        ['Also', 1],
      ]);
      expect(result).toEqual({ nextRevision: 1, position: recorded[1].position });
      expect(await store.readStream(absent)).toEqual([]);
    });

    storeTest('a check on a stream that moved refuses the append, naming that stream; nothing is appended', async (store) => {
      const [stream, basis] = [uniqueStream('refused'), uniqueStream('moved')];
      await store.appendToStream(stream, [makeEvent('Start')]);
      await store.appendToStream(basis, [makeEvent('Read')]);
      await store.appendToStream(basis, [makeEvent('MovedOn')], { expectedRevision: 0 });

      const error = await rejectionOf(
        store.appendToStream(stream, [makeEvent('Stale'), makeEvent('Stale2')], { expectedRevision: 0, checks: [{ stream: basis, expectedRevision: 0 }] }),
      );
      expectWrongRevision(error, basis, 0, 1);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Start']);
      expect(await store.readStream(basis)).toHaveLength(2);
    });

    storeTest("'no-stream' refuses a stream that exists, and a revision one that does not (actual -1)", async (store) => {
      const [stream, existing, missing] = [uniqueStream('claim'), uniqueStream('taken'), uniqueStream('missing')];
      await store.appendToStream(existing, [makeEvent('Claimed')]);

      const taken = await rejectionOf(store.appendToStream(stream, [makeEvent('Create')], { expectedRevision: 'no-stream', checks: [{ stream: existing, expectedRevision: 'no-stream' }] }));
      expectWrongRevision(taken, existing, 'no-stream', 0);
      const absent = await rejectionOf(store.appendToStream(stream, [makeEvent('Create')], { checks: [{ stream: missing, expectedRevision: 0 }] }));
      expectWrongRevision(absent, missing, 0, -1);
      expect(await store.readStream(stream)).toEqual([]);
    });

    storeTest('reports the expected revision before the checks, and the first failing check of several', async (store) => {
      const [stream, first, second] = [uniqueStream('order'), uniqueStream('first'), uniqueStream('second')];
      await store.appendToStream(stream, [makeEvent('Start')]);
      await store.appendToStream(first, [makeEvent('One')]);
      await store.appendToStream(second, [makeEvent('One')]);
      const checks = [
        { stream: first, expectedRevision: 0 },
        { stream: second, expectedRevision: 5 },
        { stream: first, expectedRevision: 'no-stream' as const },
      ];

      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [makeEvent('X')], { expectedRevision: 'no-stream', checks })), stream, 'no-stream', 0);
      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [makeEvent('X')], { expectedRevision: 0, checks })), second, 5, 0);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    storeTest('a check on the appended stream itself holds like an expected revision', async (store) => {
      const stream = uniqueStream('self');
      await store.appendToStream(stream, [makeEvent('Start')]);
      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [makeEvent('X')], { checks: [{ stream, expectedRevision: 3 }] })), stream, 3, 0);
      expect((await store.appendToStream(stream, [makeEvent('Next')], { checks: [{ stream, expectedRevision: 0 }] })).nextRevision).toBe(1);
    });

    storeTest('an empty append with checks writes nothing and only checks', async (store) => {
      const [stream, basis] = [uniqueStream('empty-checked'), uniqueStream('empty-basis')];
      await store.appendToStream(basis, [makeEvent('A')]);
      expect((await store.appendToStream(stream, [], { checks: [{ stream: basis, expectedRevision: 0 }] })).nextRevision).toBe(-1);
      expectWrongRevision(await rejectionOf(store.appendToStream(stream, [], { checks: [{ stream: basis, expectedRevision: 'no-stream' }] })), basis, 'no-stream', 0);
      expect(await store.readStream(stream)).toEqual([]);
    });

    storeTest('a failing check fails its own append only: concurrent appends succeed', async (store) => {
      const [basis, failing, passing] = [uniqueStream('shared-basis'), uniqueStream('failing'), uniqueStream('passing')];
      await store.appendToStream(basis, [makeEvent('A'), makeEvent('B')]);
      const plain = Array.from({ length: 4 }, (_, i) => uniqueStream(`neighbour${i}`));
      const outcomes = await Promise.allSettled([
        ...plain.slice(0, 2).map((stream) => store.appendToStream(stream, [makeEvent('Before')], { expectedRevision: 'no-stream' })),
        store.appendToStream(failing, [makeEvent('Refused')], { checks: [{ stream: basis, expectedRevision: 0 }] }),
        store.appendToStream(passing, [makeEvent('Accepted')], { checks: [{ stream: basis, expectedRevision: 1 }] }),
        ...plain.slice(2).map((stream) => store.appendToStream(stream, [makeEvent('After')], { expectedRevision: 'no-stream' })),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      expectWrongRevision((outcomes[2] as PromiseRejectedResult).reason, basis, 0, 1);
      expect(await store.readStream(failing)).toEqual([]);
      for (const stream of [passing, ...plain]) expect(await store.readStream(stream)).toHaveLength(1);
    });

    storeTest("of two racing appends that each check the other's stream, exactly one wins", async (store) => {
      for (let round = 0; round < 5; round++) {
        // Creating two streams that may not both exist (one id space), and moving two streams that may not both move.
        const [a, b] = [uniqueStream(`claim-a${round}`), uniqueStream(`claim-b${round}`)];
        const claims = await Promise.allSettled([
          store.appendToStream(a, [makeEvent('Claimed')], { expectedRevision: 'no-stream', checks: [{ stream: b, expectedRevision: 'no-stream' }] }),
          store.appendToStream(b, [makeEvent('Claimed')], { expectedRevision: 'no-stream', checks: [{ stream: a, expectedRevision: 'no-stream' }] }),
        ]);
        expect(claims.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await store.readStream(a)).length + (await store.readStream(b)).length).toBe(1);

        const [c, d] = [uniqueStream(`move-c${round}`), uniqueStream(`move-d${round}`)];
        await store.appendToStream(c, [makeEvent('Start')]);
        await store.appendToStream(d, [makeEvent('Start')]);
        const moves = await Promise.allSettled([
          store.appendToStream(c, [makeEvent('Moved')], { expectedRevision: 0, checks: [{ stream: d, expectedRevision: 0 }] }),
          store.appendToStream(d, [makeEvent('Moved')], { expectedRevision: 0, checks: [{ stream: c, expectedRevision: 0 }] }),
        ]);
        expect(moves.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const loser = moves.findIndex((o) => o.status === 'rejected');
        expectWrongRevision((moves[loser] as PromiseRejectedResult).reason, loser === 0 ? d : c, 0, 1);
        expect((await store.readStream(c)).length + (await store.readStream(d)).length).toBe(3);
      }
    });

    storeTest('a re-sent batch answers as the first time, also when its checks have moved since', async (store) => {
      const [stream, basis] = [uniqueStream('resend-checked'), uniqueStream('resend-basis')];
      await store.appendToStream(stream, [makeEvent('Start')]);
      await store.appendToStream(basis, [makeEvent('Read')]);
      const batch = [makeEvent('A'), makeEvent('B')];
      const options = { expectedRevision: 0, checks: [{ stream: basis, expectedRevision: 0 }] };
      const first = await store.appendToStream(stream, batch, options);

      expect(await store.appendToStream(stream, batch, options)).toEqual(first);
      await store.appendToStream(basis, [makeEvent('MovedOn')]);
      expect(await store.appendToStream(stream, batch, options)).toEqual(first);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Start', 'A', 'B']);
    });
  });
}
