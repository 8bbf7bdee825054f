import { randomUUID } from 'node:crypto';
import { Observable, Subscription } from 'rxjs';
import {
  EventStore,
  EventStoreUnavailableError,
  EventToAppend,
  ExpectedRevision,
  RecordedEvent,
  SubscriptionMessage,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { makeEvent } from './make-event';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Called after every test, also after a test that closed the store itself. */
  teardown: () => Promise<void>;
}

/** How long a subscription test waits for a message before it fails. */
const WAIT_MS = 10_000;

/**
 * The promises of the EventStore port, for any adapter. Each test gets a fresh store from
 * `factory` and uses stream names, prefixes and event types of its own, and reads the log
 * only after the head it found, so the suite also runs against a server that holds other
 * data. Positions are only compared, never computed: they need not be contiguous.
 */
export function describeEventStoreContract(name: string, factory: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await factory());
    });

    afterEach(async () => {
      await teardown();
    });

    /** Appends `count` events one by one (types `${type}`), returning them as recorded. */
    async function appendEach(stream: string, count: number, type = 'Counted'): Promise<RecordedEvent[]> {
      const events: EventToAppend[] = [];
      for (let i = 0; i < count; i++) {
        const event = makeEvent(type, { i });
        events.push(event);
        await store.appendToStream(stream, [event]);
      }
      const recorded = await store.readStream(stream);
      return recorded.filter((e) => events.some((sent) => sent.id === e.id));
    }

    describe('appendToStream', () => {
      it("'no-stream' creates the stream and answers with the event's revision and position", async () => {
        const stream = uniqueStream('created');
        const result = await store.appendToStream(stream, [makeEvent('Created')], { expectedRevision: 'no-stream' });
        const [recorded] = await store.readStream(stream);
        expect(result).toEqual({ nextRevision: 0, position: recorded.position });
        expect(recorded.revision).toBe(0);
      });

      it("'no-stream' fails on an existing stream, reporting its revision", async () => {
        const stream = uniqueStream('exists');
        await store.appendToStream(stream, [makeEvent('First')]);
        const error = await rejectionOf(store.appendToStream(stream, [makeEvent('Second')], { expectedRevision: 'no-stream' }));
        expectWrongRevision(error, stream, 'no-stream', 0);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("'stream-exists' fails on a missing stream with actual -1 and succeeds once it exists", async () => {
        const stream = uniqueStream('must-exist');
        const error = await rejectionOf(store.appendToStream(stream, [makeEvent('Orphan')], { expectedRevision: 'stream-exists' }));
        expectWrongRevision(error, stream, 'stream-exists', -1);
        expect(await store.readStream(stream)).toEqual([]);

        await store.appendToStream(stream, [makeEvent('First')], { expectedRevision: 'no-stream' });
        const result = await store.appendToStream(stream, [makeEvent('Second')], { expectedRevision: 'stream-exists' });
        expect(result.nextRevision).toBe(1);
      });

      it('an exact revision must be the revision of the last event', async () => {
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

      it("'any', also when no expectation is given, appends whatever the stream's state", async () => {
        const stream = uniqueStream('any');
        expect((await store.appendToStream(stream, [makeEvent('A')], { expectedRevision: 'any' })).nextRevision).toBe(0);
        expect((await store.appendToStream(stream, [makeEvent('B')])).nextRevision).toBe(1);
        expect((await store.appendToStream(stream, [makeEvent('C')], {})).nextRevision).toBe(2);
      });

      it('a batch gets consecutive revisions and increasing positions; the answer names the last', async () => {
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

      it('an empty append checks the expectation and answers with the current state', async () => {
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

      it('of concurrent appends with the same expected revision exactly one wins', async () => {
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

      it("of concurrent 'no-stream' appends exactly one creates the stream", async () => {
        const stream = uniqueStream('create-race');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 4 }, (_, i) => store.appendToStream(stream, [makeEvent(`Creator${i}`)], { expectedRevision: 'no-stream' })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('idempotency', () => {
      it('re-appending a batch with the same expected revision stores nothing and answers as the first time', async () => {
        const stream = uniqueStream('resend');
        await store.appendToStream(stream, [makeEvent('First')]);
        const batch = [makeEvent('A'), makeEvent('B')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 0 });
        await store.appendToStream(stream, [makeEvent('Later')], { expectedRevision: 2 });

        const again = await store.appendToStream(stream, batch, { expectedRevision: 0 });
        expect(again).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['First', 'A', 'B', 'Later']);
      });

      it("re-appending with 'no-stream' or 'any' is also recognised", async () => {
        const stream = uniqueStream('resend-modes');
        const batch = [makeEvent('A'), makeEvent('B'), makeEvent('C')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no-stream' });
        expect(await store.appendToStream(stream, batch, { expectedRevision: 'no-stream' })).toEqual(first);
        expect(await store.appendToStream(stream, batch, { expectedRevision: 'any' })).toEqual(first);
        expect(await store.appendToStream(stream, batch)).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('a batch that only partly matches the stored events is a wrong expected revision', async () => {
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

    describe('recorded events', () => {
      it('keep id, type, data and metadata exactly (unicode, nesting, extra keys)', async () => {
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
      it('reads a missing stream as empty, in both directions', async () => {
        const stream = uniqueStream('never');
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.readStream(stream, { direction: 'backwards' })).toEqual([]);
        expect(await store.readStream(stream, { fromRevision: 3, maxCount: 2 })).toEqual([]);
      });

      it('reads forwards from an inclusive revision, up to maxCount, only its own stream', async () => {
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

      it('reads backwards from the end or from an inclusive revision', async () => {
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
      it('reads the log in commit order with strictly increasing positions, after an exclusive position', async () => {
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

      it('pages with maxCount and the last position read, without gaps or repeats', async () => {
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

      it('filters by event type', async () => {
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

      it('filters by stream prefix, literally (no wildcards) and case-sensitively', async () => {
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

      it('applies type and prefix filters together', async () => {
        const head = await store.headPosition();
        const prefix = uniquePrefix();
        const [kept, dropped] = [uniqueType('Kept'), uniqueType('Dropped')];
        await store.appendToStream(`${prefix}a`, [makeEvent(kept), makeEvent(dropped)]);
        await store.appendToStream(uniqueStream('elsewhere'), [makeEvent(kept)]);
        const read = await store.readAll({ after: head, filter: { eventTypes: [kept], streamPrefixes: [prefix] } });
        expect(read.map((e) => [e.stream, e.type])).toEqual([[`${prefix}a`, kept]]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, says so once, then delivers live appends', async () => {
        const head = await store.headPosition();
        const stream = uniqueStream('live');
        const before = await appendEach(stream, 5);
        const recorder = new Recorder(store.subscribeToAll({ after: head }), (e) => e.stream === stream);
        try {
          await recorder.until(() => recorder.caughtUp().length > 0, 'caught-up');
          expect(recorder.events().map((e) => e.id)).toEqual(before.map((e) => e.id));
          expect(recorder.caughtUp()[0].position).toBeGreaterThanOrEqual(before[4].position);

          const after = await appendEach(stream, 5);
          await recorder.until(() => recorder.events().length >= 10, '10 events');
          expect(recorder.events().map((e) => e.id)).toEqual([...before, ...after].map((e) => e.id));
          expect(recorder.caughtUp()).toHaveLength(1);
          expectConsistentMessages(recorder.messages);
        } finally {
          recorder.stop();
        }
      });

      it('starts strictly after `after`', async () => {
        const stream = uniqueStream('from');
        const events = await appendEach(stream, 6);
        const recorder = new Recorder(store.subscribeToAll({ after: events[2].position }), (e) => e.stream === stream);
        try {
          await recorder.until(() => recorder.events().length >= 3, '3 events');
          await recorder.until(() => recorder.caughtUp().length > 0, 'caught-up');
          expect(recorder.events().map((e) => e.revision)).toEqual([3, 4, 5]);
        } finally {
          recorder.stop();
        }
      });

      it('has no gap and no duplicate when appends race with the catch-up', async () => {
        const streams = [uniqueStream('race-a'), uniqueStream('race-b'), uniqueStream('race-c')];
        const sent: string[] = [];
        const appendBatch = async (round: number): Promise<void> => {
          // Batches of 1 to 3 events over three streams, so catch-up reads and live reads split them differently.
          const events = Array.from({ length: (round % 3) + 1 }, () => makeEvent('Raced', { round }));
          sent.push(...events.map((e) => e.id));
          await store.appendToStream(streams[round % 3], events);
        };
        const head = await store.headPosition();
        let round = 0;
        while (sent.length < 300) await appendBatch(round++);
        const initial = sent.length;
        const recorded = await store.readAll({ after: head, filter: { streamPrefixes: streams } });
        expect(recorded.map((e) => e.id)).toEqual(sent);
        const middle = recorded[Math.floor(initial / 2) - 1];
        const expected = sent.slice(Math.floor(initial / 2));

        const ours = new Set(streams);
        const recorder = new Recorder(store.subscribeToAll({ after: middle.position }), (e) => ours.has(e.stream));
        try {
          while (sent.length < initial + 300) {
            await appendBatch(round++);
            await new Promise((resolve) => setImmediate(resolve));
          }
          expected.push(...sent.slice(initial));
          await recorder.until(() => recorder.events().length >= expected.length, `${expected.length} events`);
          await settle();
          expect(recorder.events().map((e) => e.id)).toEqual(expected);
          expect(recorder.caughtUp()).toHaveLength(1);
          expectConsistentMessages(recorder.messages);
        } finally {
          recorder.stop();
        }
      });

      it('delivers only what the filter keeps, with consistent checkpoints', async () => {
        const head = await store.headPosition();
        const prefix = uniquePrefix();
        const noise = uniqueStream('noise');
        const [kept, dropped] = [uniqueType('Kept'), uniqueType('Dropped')];
        const byType = new Recorder(store.subscribeToAll({ after: head, filter: { eventTypes: [kept] } }));
        const byPrefix = new Recorder(store.subscribeToAll({ after: head, filter: { streamPrefixes: [prefix] } }));
        const label = (e: RecordedEvent): string => `${e.stream}/${String(e.data.i)}`;
        try {
          const keptTypes: string[] = [];
          const underPrefix: string[] = [];
          for (let i = 0; i < 20; i++) {
            const stream = `${prefix}${i % 2}`;
            await store.appendToStream(stream, [makeEvent(i % 4 === 0 ? kept : dropped, { i })]);
            underPrefix.push(`${stream}/${i}`);
            if (i % 4 === 0) keptTypes.push(`${stream}/${i}`);
            await store.appendToStream(noise, [makeEvent(i % 5 === 0 ? kept : dropped, { i })]);
            if (i % 5 === 0) keptTypes.push(`${noise}/${i}`);
          }
          await byType.until(() => byType.events().length >= keptTypes.length, 'the events of the kept type');
          await byPrefix.until(() => byPrefix.events().length >= underPrefix.length, 'the events under the prefix');
          await settle();

          expect(byType.events().map(label)).toEqual(keptTypes);
          expect(byPrefix.events().map(label)).toEqual(underPrefix);
          expectConsistentMessages(byType.messages);
          expectConsistentMessages(byPrefix.messages);
        } finally {
          byType.stop();
          byPrefix.stop();
        }
      });

      it('delivers nothing after unsubscribing', async () => {
        const head = await store.headPosition();
        const stream = uniqueStream('unsubscribed');
        const recorder = new Recorder(store.subscribeToAll({ after: head }), (e) => e.stream === stream);
        await store.appendToStream(stream, [makeEvent('Seen')]);
        await recorder.until(() => recorder.events().length === 1, 'the first event');
        recorder.stop();

        await store.appendToStream(stream, [makeEvent('Unseen')]);
        await settle();
        expect(recorder.events().map((e) => e.type)).toEqual(['Seen']);
        expect(recorder.ended).toBe(false);
      });
    });

    describe('head, ping and close', () => {
      it('headPosition is at least the position of the last append', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(uniqueStream('head'), [makeEvent('Moved')]);
        expect(result.position).toBeGreaterThan(before);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
        expect(await store.ping()).toBe(true);
      });

      it('close ends live subscriptions and makes later calls fail as unavailable; closing twice is fine', async () => {
        const recorder = new Recorder(store.subscribeToAll({ after: await store.headPosition() }));
        await recorder.until(() => recorder.caughtUp().length > 0, 'caught-up');
        await store.close();
        await recorder.until(() => recorder.ended, 'the subscription to end');
        if (recorder.error !== undefined) expect(recorder.error).toBeInstanceOf(EventStoreUnavailableError);

        await expect(store.appendToStream(uniqueStream('closed'), [makeEvent('Late')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readStream(uniqueStream('closed'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}

/** Collects a subscription's messages (events only where `keep` says so) and waits on them. */
class Recorder {
  readonly messages: SubscriptionMessage[] = [];
  error: unknown;
  ended = false;
  private readonly subscription: Subscription;

  constructor(source: Observable<SubscriptionMessage>, keep: (event: RecordedEvent) => boolean = () => true) {
    this.subscription = source.subscribe({
      next: (message) => {
        if (message.kind !== 'event' || keep(message.event)) this.messages.push(message);
      },
      error: (error: unknown) => {
        this.error = error;
        this.ended = true;
      },
      complete: () => {
        this.ended = true;
      },
    });
  }

  events(): RecordedEvent[] {
    return this.messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
  }

  caughtUp(): { position: number }[] {
    return this.messages.filter((m) => m.kind === 'caught-up');
  }

  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (this.error !== undefined) throw new Error(`The subscription failed while waiting for ${what}: ${String(this.error)}`);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; got ${this.events().length} events`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}

/**
 * Events come in strictly increasing positions, and a `caught-up` or `checkpoint` at p
 * promises that no event at or before p is still to come.
 */
function expectConsistentMessages(messages: SubscriptionMessage[]): void {
  let lastEvent = -Infinity;
  let promised = -Infinity;
  for (const message of messages) {
    if (message.kind === 'event') {
      expect(message.event.position).toBeGreaterThan(lastEvent);
      expect(message.event.position).toBeGreaterThan(promised);
      lastEvent = message.event.position;
    } else {
      expect(message.position).toBeGreaterThanOrEqual(lastEvent);
      expect(message.position).toBeGreaterThanOrEqual(promised);
      promised = message.position;
    }
  }
}

function expectWrongRevision(error: unknown, stream: string, expected: ExpectedRevision, actual: number): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ stream, expected, actual });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

function expectStrictlyIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
}

/** Gives a subscription time to deliver anything it should not. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

const runId = randomUUID().slice(0, 8);

function uniqueStream(label: string): string {
  return `contract-${label}-${runId}-${randomUUID().slice(0, 8)}`;
}

/** A prefix no other stream starts with (it ends with `-`, so `${prefix}x` is a stream name). */
function uniquePrefix(): string {
  return `contract${randomUUID().replace(/-/g, '')}-`;
}

function uniqueType(label: string): string {
  return `${label}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
