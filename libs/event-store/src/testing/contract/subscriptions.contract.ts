import { Observable, Subscription } from 'rxjs';
import { EventStore, EventStoreUnavailableError, EventToAppend, RecordedEvent, SubscriptionMessage } from '../../event-store.port';
import { makeEvent } from '../make-event';
import { ContractTest, uniquePrefix, uniqueStream, uniqueType } from './contract-support';

/** How long a subscription test waits for a message before it fails. */
const WAIT_MS = 10_000;

/** subscribeToAll (catch-up, live, filters, checkpoints, unsubscribing), the head, ping and close. */
export function describeSubscriptions(storeTest: ContractTest): void {
  describe('subscribeToAll', () => {
    storeTest('catches up, says so once, then delivers live appends', async (store) => {
      const head = await store.headPosition();
      const stream = uniqueStream('live');
      const before = await appendEach(store, stream, 5);
      const recorder = new Recorder(store.subscribeToAll({ after: head }), (e) => e.stream === stream);
      try {
        await recorder.until(() => recorder.caughtUp().length > 0, 'caught-up');
        expect(recorder.events().map((e) => e.id)).toEqual(before.map((e) => e.id));
        expect(recorder.caughtUp()[0].position).toBeGreaterThanOrEqual(before[4].position);

        const after = await appendEach(store, stream, 5);
        await recorder.until(() => recorder.events().length >= 10, '10 events');
        expect(recorder.events().map((e) => e.id)).toEqual([...before, ...after].map((e) => e.id));
        expect(recorder.caughtUp()).toHaveLength(1);
        expectConsistentMessages(recorder.messages);
      } finally {
        recorder.stop();
      }
    });

    storeTest('starts strictly after `after`', async (store) => {
      const stream = uniqueStream('from');
      const events = await appendEach(store, stream, 6);
      const recorder = new Recorder(store.subscribeToAll({ after: events[2].position }), (e) => e.stream === stream);
      try {
        await recorder.until(() => recorder.events().length >= 3, '3 events');
        await recorder.until(() => recorder.caughtUp().length > 0, 'caught-up');
        expect(recorder.events().map((e) => e.revision)).toEqual([3, 4, 5]);
      } finally {
        recorder.stop();
      }
    });

    storeTest('has no gap and no duplicate when appends race with the catch-up', async (store) => {
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

    storeTest('delivers only what the filter keeps, with consistent checkpoints', async (store) => {
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

    storeTest('delivers nothing after unsubscribing', async (store) => {
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
    storeTest('headPosition is at least the position of the last append', async (store) => {
      const before = await store.headPosition();
      const result = await store.appendToStream(uniqueStream('head'), [makeEvent('Moved')]);
      expect(result.position).toBeGreaterThan(before);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
      expect(await store.ping()).toBe(true);
    });

    storeTest('close ends live subscriptions and makes later calls fail as unavailable; closing twice is fine', async (store) => {
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
}

/** Appends `count` events one by one (types `${type}`), returning them as recorded. */
async function appendEach(store: EventStore, stream: string, count: number, type = 'Counted'): Promise<RecordedEvent[]> {
  const events: EventToAppend[] = [];
  for (let i = 0; i < count; i++) {
    const event = makeEvent(type, { i });
    events.push(event);
    await store.appendToStream(stream, [event]);
  }
  const recorded = await store.readStream(stream);
  return recorded.filter((e) => events.some((sent) => sent.id === e.id));
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
      if (this.error !== undefined) throw new Error(`The subscription failed while waiting for ${what}: ${describeError(this.error)}`);
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

/** An error as a failure message names it (what is thrown need not be an Error). */
function describeError(error: unknown): string {
  return error instanceof Error ? String(error) : JSON.stringify(error);
}

/** Gives a subscription time to deliver anything it should not. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}
