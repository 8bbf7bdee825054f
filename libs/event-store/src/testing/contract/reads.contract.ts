import { RecordedEvent } from '../../event-store.port';
import { makeEvent } from '../make-event';
import { ContractTest, expectStrictlyIncreasing, uniquePrefix, uniqueStream, uniqueType } from './contract-support';

/** What is read back: recorded events as they were sent, readStream and readAll with their filters. */
export function describeReads(storeTest: ContractTest): void {
  describe('recorded events', () => {
    storeTest('keep id, type, data and metadata exactly (unicode, nesting, extra keys)', async (store) => {
      const head = await store.headPosition();
      const stream = uniqueStream('åäö-データ');
      const data = {
        name: 'Kommunalförbundet Sörmland — 𝔖𝔞𝔪𝔳𝔢𝔯𝔨𝔞𝔫 😀',
        rtl: 'مرحبا',
        quote: 'she said "hej" \\ \n\t',
        members: [{ code: '0180', since: '2024-01-01' }, { code: '0181', shares: [1, 2.5, -3e-7] }],
        nested: { deep: { deeper: { flag: true, nothing: null, empty: {}, list: [] } } },
      };
      const event = makeEvent('Registered', data, { actor: 'Ärende-nyckel ✓', idempotencyKey: 'key-ü', requestHash: 'abc', extra: { trail: ['a', { b: 'ß' }] } });
      await store.appendToStream(stream, [event], { expectedRevision: 'no-stream' });

      const [recorded] = await store.readStream(stream);
      expect(recorded).toMatchObject({ id: event.id, stream, revision: 0, type: 'Registered' });
      expect(recorded.data).toEqual(data);
      expect(recorded.metadata).toEqual(event.metadata);
      expect(Number.isNaN(Date.parse(recorded.created))).toBe(false);
      expect(await store.readAll({ after: head, filter: { streamPrefixes: [stream] } })).toEqual([recorded]);
    });
  });

  describe('readStream', () => {
    storeTest('reads a missing stream as empty, in both directions', async (store) => {
      const stream = uniqueStream('never');
      expect(await store.readStream(stream)).toEqual([]);
      expect(await store.readStream(stream, { direction: 'backwards' })).toEqual([]);
      expect(await store.readStream(stream, { fromRevision: 3, maxCount: 2 })).toEqual([]);
    });

    storeTest('reads forwards from an inclusive revision, up to maxCount, only its own stream', async (store) => {
      const stream = uniqueStream('forwards');
      const other = uniqueStream('neighbour');
      for (let i = 0; i < 6; i++) {
        await store.appendToStream(stream, [makeEvent('Mine', { i })]);
        await store.appendToStream(other, [makeEvent('Theirs', { i })]);
      }
      const all = await store.readStream(stream);
      expect(all.map((e) => [e.revision, e.data.i, e.stream])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, i, stream]));
      expectStrictlyIncreasing(all.map((e) => e.position));
      expect((await store.readStream(stream, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3, 4, 5]);
      expect((await store.readStream(stream, { fromRevision: 2, maxCount: 3 })).map((e) => e.revision)).toEqual([2, 3, 4]);
      expect((await store.readStream(stream, { maxCount: 1 })).map((e) => e.revision)).toEqual([0]);
      expect(await store.readStream(stream, { fromRevision: 6 })).toEqual([]);
    });

    storeTest('reads backwards from the end or from an inclusive revision', async (store) => {
      const stream = uniqueStream('backwards');
      await store.appendToStream(stream, [0, 1, 2, 3, 4].map((i) => makeEvent('E', { i })));
      const backwards = await store.readStream(stream, { direction: 'backwards' });
      expect(backwards.map((e) => e.revision)).toEqual([4, 3, 2, 1, 0]);
      expectStrictlyIncreasing(backwards.map((e) => e.position).reverse());
      expect((await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4, 3]);
      expect((await store.readStream(stream, { direction: 'backwards', fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 1, 0]);
      expect((await store.readStream(stream, { direction: 'backwards', fromRevision: 3, maxCount: 2 })).map((e) => e.revision)).toEqual([3, 2]);
    });
  });

  describe('readAll', () => {
    storeTest('reads the log in commit order with strictly increasing positions, after an exclusive position', async (store) => {
      const head = await store.headPosition();
      const [a, b] = [uniqueStream('all-a'), uniqueStream('all-b')];
      const sent: string[] = [];
      for (let i = 0; i < 4; i++) {
        for (const stream of [a, b]) {
          const event = makeEvent('Logged', { i });
          sent.push(event.id);
          await store.appendToStream(stream, [event]);
        }
      }
      const read = await store.readAll({ after: head });
      expectStrictlyIncreasing(read.map((e) => e.position));
      const mine = read.filter((e) => e.stream === a || e.stream === b);
      expect(mine.map((e) => e.id)).toEqual(sent);
      expect(read.every((e) => e.position > head)).toBe(true);

      const afterThird = await store.readAll({ after: mine[2].position });
      expect(afterThird.filter((e) => e.stream === a || e.stream === b).map((e) => e.id)).toEqual(sent.slice(3));
      expect(await store.readAll({ after: await store.headPosition() })).toEqual([]);
    });

    storeTest('pages with maxCount and the last position read, without gaps or repeats', async (store) => {
      const prefix = uniquePrefix();
      const sent: string[] = [];
      for (let i = 0; i < 11; i++) {
        const event = makeEvent('Paged', { i });
        sent.push(event.id);
        await store.appendToStream(`${prefix}${i % 3}`, [event]);
      }
      const pages: RecordedEvent[][] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 4, filter: { streamPrefixes: [prefix] } });
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1].position;
      }
      expect(pages.map((page) => page.length)).toEqual([4, 4, 3]);
      expect(pages.flat().map((e) => e.id)).toEqual(sent);
    });

    storeTest('filters by event type', async (store) => {
      const head = await store.headPosition();
      const stream = uniqueStream('typed');
      const [wanted, alsoWanted, unwanted] = [uniqueType('Wanted'), uniqueType('AlsoWanted'), uniqueType('Unwanted')];
      await store.appendToStream(stream, [makeEvent(wanted), makeEvent(unwanted), makeEvent(alsoWanted), makeEvent(unwanted), makeEvent(wanted)]);

      const one = await store.readAll({ after: head, filter: { eventTypes: [wanted] } });
      expect(one.map((e) => [e.type, e.revision])).toEqual([
        [wanted, 0],
        [wanted, 4],
      ]);
      const two = await store.readAll({ after: head, filter: { eventTypes: [wanted, alsoWanted] } });
      expect(two.map((e) => e.revision)).toEqual([0, 2, 4]);
      expect((await store.readAll({ after: head, maxCount: 2, filter: { eventTypes: [wanted, alsoWanted] } })).map((e) => e.revision)).toEqual([0, 2]);
    });

    storeTest('filters by stream prefix, literally (no wildcards) and case-sensitively', async (store) => {
      const head = await store.headPosition();
      const base = uniquePrefix();
      // municipality` is the first name after every municipality_… (the next character after `_`).
      const streams = [`${base}municipality_0180`, `${base}municipalityX0181`, `${base}Municipality_0182`, `${base}federation-1`, `${base}municipality\``, `${base}municipality_0183`];
      for (const stream of streams) await store.appendToStream(stream, [makeEvent('Named')]);

      const municipalities = await store.readAll({ after: head, filter: { streamPrefixes: [`${base}municipality_`] } });
      expect(municipalities.map((e) => e.stream)).toEqual([streams[0], streams[5]]);
      const several = await store.readAll({ after: head, filter: { streamPrefixes: [`${base}federation-`, `${base}Municipality`] } });
      expect(several.map((e) => e.stream)).toEqual([streams[2], streams[3]]);
      const all = await store.readAll({ after: head, filter: { streamPrefixes: [base] } });
      expect(all.map((e) => e.stream)).toEqual(streams);
    });

    storeTest('applies type and prefix filters together', async (store) => {
      const head = await store.headPosition();
      const prefix = uniquePrefix();
      const [kept, dropped] = [uniqueType('Kept'), uniqueType('Dropped')];
      await store.appendToStream(`${prefix}a`, [makeEvent(kept), makeEvent(dropped)]);
      await store.appendToStream(uniqueStream('elsewhere'), [makeEvent(kept)]);
      const read = await store.readAll({ after: head, filter: { eventTypes: [kept], streamPrefixes: [prefix] } });
      expect(read.map((e) => [e.stream, e.type])).toEqual([[`${prefix}a`, kept]]);
    });
  });
}
