import { randomUUID } from 'node:crypto';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import {
  EventStoreDBClient,
  RequiredMetadataPropertyMissingError,
  START,
  convertToCommandError,
  eventTypeFilter,
  type Position,
} from '@eventstore/db-client';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import type { Observable, Subscription } from 'rxjs';
import { EventStoreUnavailableError, type RecordedEvent, type SubscriptionMessage } from '../event-store.port';
import { describeEventStoreContract, makeEvent, type EventStoreUnderTest } from '../testing';
import { EventStoreDbDouble } from '../testing/esdb-double';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The contract runs against a real server when EVENTSTORE_CONNECTION_STRING is set
 * (`npm run test:esdb`), otherwise against the in-process double, once per append path.
 * The tests that stop, restart or inspect the server need the double and are skipped
 * against a real server.
 */
const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
const onDouble = realServer ? describe.skip : describe;

function storeOn(connectionString: string): EventStoreUnderTest & { store: EventStoreDbEventStore } {
  const store = new EventStoreDbEventStore(connectionString);
  return { store, teardown: () => store.close() };
}

if (realServer) describeEventStoreContract('EventStoreDB at EVENTSTORE_CONNECTION_STRING', async () => storeOn(realServer));

onDouble.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append', batchAppend: false },
] as const)('EventStoreDbEventStore on the double, appending through $path', ({ path, batchAppend }) => {
  const double = new EventStoreDbDouble({ batchAppend });
  beforeAll(() => double.start());
  afterAll(() => double.stop());

  describeEventStoreContract(`EventStoreDB double (${path})`, async () => storeOn(double.connectionString));

  it(`appended through Streams/${path} only`, () => {
    expect(double.callCount('GetSupportedMethods')).toBeGreaterThan(0);
    expect(double.callCount(path)).toBeGreaterThan(0);
    expect(double.callCount(batchAppend ? 'Append' : 'BatchAppend')).toBe(0);
  });
});

onDouble('EventStoreDbEventStore on the double', () => {
  let double: EventStoreDbDouble;
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    double = new EventStoreDbDouble();
    await double.start();
    store = new EventStoreDbEventStore(double.connectionString);
  });

  afterEach(async () => {
    await store.close();
    await double.stop();
  });

  it.each([true, false])('contacts the server only on the first call, and asks for its features once per channel (batch append %s)', async (batchAppend) => {
    const other = new EventStoreDbDouble({ batchAppend });
    await other.start();
    const lazy = new EventStoreDbEventStore(other.connectionString);
    try {
      const methods = ['GetSupportedMethods', 'Read', 'Append', 'BatchAppend'] as const;
      expect(methods.map((method) => other.callCount(method))).toEqual([0, 0, 0, 0]);

      for (let i = 0; i < 3; i++) await lazy.appendToStream('lazy-1', [makeEvent('Appended')]);
      expect(other.callCount('GetSupportedMethods')).toBe(1);
      // BatchAppend is one bidirectional call per channel carrying every append; Append is a call per append.
      expect([other.callCount('BatchAppend'), other.callCount('Append')]).toEqual(batchAppend ? [1, 0] : [0, 3]);
    } finally {
      await lazy.close();
      await other.stop();
    }
  });

  it('never returns the system events that sit between and after the clients’ events', async () => {
    const ids: string[] = [];
    let last = 0;
    for (let i = 0; i < 7; i++) {
      const event = makeEvent('Mine', { i });
      ids.push(event.id);
      ({ position: last } = await store.appendToStream(`system-${i % 2}`, [event]));
    }
    double.writeStatsEvent();

    const raw = await rawTypes(double);
    expect(raw.filter((type) => type.startsWith('$')).length).toBeGreaterThanOrEqual(4);
    expect(raw.at(-1)).toBe('$statsCollected');

    expect((await store.readAll()).map((e) => e.id)).toEqual(ids);
    expect((await store.readAll({ filter: { streamPrefixes: ['$', 'system-'] } })).map((e) => e.id)).toEqual(ids);
    expect((await store.readAll({ filter: { eventTypes: ['$statsCollected', 'Mine'] } })).map((e) => e.id)).toEqual(ids);
    expect(await store.headPosition()).toBe(last);

    // No filter (the server excludes `$` types), and filters that let system events through on the server.
    const filters = [undefined, { streamPrefixes: ['$stats', 'system-'] }, { eventTypes: ['$statsCollected', '$metadata', 'Mine'] }];
    for (const filter of filters) {
      const recorder = new Recorder(store.subscribeToAll({ filter }));
      try {
        await recorder.until(() => recorder.caughtUp.length > 0, 'caught-up');
        double.writeStatsEvent();
        const live = makeEvent('Mine');
        ids.push(live.id);
        await store.appendToStream('system-live', [live]);
        await recorder.until(() => recorder.events.length === ids.length, 'the live event');
        expect(recorder.events.map((e) => e.id)).toEqual(ids);
      } finally {
        recorder.stop();
      }
    }
  });

  it('emits checkpoints on filtered subscriptions, at positions safe to resume after', async () => {
    const head = await store.headPosition();
    const rare = `Rare${randomUUID().slice(0, 8)}`;
    const recorder = new Recorder(store.subscribeToAll({ after: head, filter: { eventTypes: [rare] } }));
    try {
      await recorder.until(() => recorder.caughtUp.length > 0, 'caught-up');
      for (let i = 0; i < 100; i++) await store.appendToStream(`noise-${i % 5}`, [makeEvent('Noise', { i })]);
      // 100 appends plus the double's stats events examined live: a checkpoint every 32.
      await recorder.until(() => recorder.checkpoints.length >= 4, '4 checkpoints');
      const positions = recorder.checkpoints.map((c) => c.position);
      positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
      expect(recorder.events).toEqual([]);

      const rareEvent = makeEvent(rare);
      await store.appendToStream('rare-1', [rareEvent]);
      await recorder.until(() => recorder.events.length === 1, 'the rare event');
      const resumed = new Recorder(store.subscribeToAll({ after: positions.at(-1), filter: { eventTypes: [rare] } }));
      try {
        await resumed.until(() => resumed.caughtUp.length > 0, 'caught-up');
        expect(resumed.events.map((e) => e.id)).toEqual([rareEvent.id]);
      } finally {
        resumed.stop();
      }
    } finally {
      recorder.stop();
    }
  });

  it('does not turn a checkpoint between records into a position, which would skip the next event', async () => {
    const head = await store.headPosition();
    // Catch-up reads pages of 32 events starting with the start event itself; with a
    // multiple of 32 from there, the last page is empty and the server's end-of-catch-up
    // checkpoint is (end of log, 0): before the record that the next append writes.
    while ((await rawPositionsFrom(double, head)).length % 32 !== 0) await store.appendToStream('filler-1', [makeEvent('Filler')]);
    const end = await rawEndCheckpoint(double, head);
    expect(end.prepare).toBe(0n);

    const rare = `Rare${randomUUID().slice(0, 8)}`;
    const recorder = new Recorder(store.subscribeToAll({ after: head, filter: { eventTypes: [rare] } }));
    let resumeAfter: number;
    try {
      await recorder.until(() => recorder.caughtUp.length > 0, 'caught-up');
      resumeAfter = Math.max(head, ...recorder.checkpoints.map((c) => c.position), recorder.caughtUp[0].position);
      expect(resumeAfter).toBeLessThan(Number(end.commit));
    } finally {
      recorder.stop();
    }

    const rareEvent = makeEvent(rare);
    const written = await store.appendToStream('rare-2', [rareEvent]);
    expect(written.position).toBe(Number(end.commit));
    const resumed = new Recorder(store.subscribeToAll({ after: resumeAfter, filter: { eventTypes: [rare] } }));
    try {
      await resumed.until(() => resumed.events.length === 1, 'the event written at the checkpoint');
      expect(resumed.events[0].id).toBe(rareEvent.id);
    } finally {
      resumed.stop();
    }
  });

  it('unsubscribing cancels the call and the server lets go of the subscription', async () => {
    const recorder = new Recorder(store.subscribeToAll());
    await recorder.until(() => recorder.caughtUp.length > 0, 'caught-up');
    expect(double.activeSubscriptions).toBe(1);
    recorder.stop();
    await waitFor(() => double.activeSubscriptions === 0, 'the double to end the subscription');
  });

  it('reports the server going away as EventStoreUnavailableError, on subscriptions and calls', async () => {
    await store.appendToStream('down-1', [makeEvent('Before')]);
    const recorder = new Recorder(store.subscribeToAll());
    await recorder.until(() => recorder.caughtUp.length > 0, 'caught-up');

    await double.stop();
    await recorder.until(() => recorder.error !== undefined, 'the subscription to fail');
    expect(recorder.error).toBeInstanceOf(EventStoreUnavailableError);

    await expect(store.appendToStream('down-1', [makeEvent('During')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readStream('down-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(await store.ping()).toBe(false);
    const late = new Recorder(store.subscribeToAll());
    await late.until(() => late.error !== undefined, 'a new subscription to fail');
    expect(late.error).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('after a restart on the same port, resuming from the last delivered event has no gap and no duplicate', async () => {
    const acknowledged: string[] = [];
    // Big enough that HTTP/2 flow control holds most of the backlog on the server.
    const padding = 'x'.repeat(4096);
    for (let i = 0; i < 300; i++) {
      const event = makeEvent('Backlog', { i, padding });
      await store.appendToStream(`backlog-${i % 7}`, [event]);
      acknowledged.push(event.id);
    }

    // Stop the server while the subscription is still catching up on the backlog.
    const first = new Recorder(store.subscribeToAll());
    await first.until(() => first.events.length >= 20, '20 events');
    const port = double.port;
    await double.stop();
    await first.until(() => first.error !== undefined, 'the subscription to fail');
    expect(first.error).toBeInstanceOf(EventStoreUnavailableError);
    expect(first.events.length).toBeLessThan(300);
    await expect(store.appendToStream('backlog-0', [makeEvent('Refused')])).rejects.toBeInstanceOf(EventStoreUnavailableError);

    expect(await double.restart()).toBe(port);
    for (let i = 0; i < 20; i++) {
      const event = makeEvent('AfterRestart', { i });
      await store.appendToStream(`backlog-${i % 7}`, [event]);
      acknowledged.push(event.id);
    }

    const delivered = first.events;
    const second = new Recorder(store.subscribeToAll({ after: delivered.at(-1)?.position }));
    try {
      await second.until(() => delivered.length + second.events.length >= acknowledged.length, 'every acknowledged event');
      await second.until(() => second.caughtUp.length > 0, 'caught-up');
      expect([...delivered, ...second.events].map((e) => e.id)).toEqual(acknowledged);
      expect((await store.readAll()).map((e) => e.id)).toEqual(acknowledged);
    } finally {
      second.stop();
    }
  });

  it('fails a read from a position inside a record, as the server does (positions are not arithmetic)', async () => {
    const { position } = await store.appendToStream('inside-1', [makeEvent('Somewhere')]);
    const error = await store.readAll({ after: position - 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 3, message: expect.stringContaining('invalid position') as unknown }); // jest types its matchers `any`
    expect(error).not.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('raises other server errors as gRPC statuses with the `exception` trailer the client reads', async () => {
    const client = new StreamsClient(`127.0.0.1:${double.port}`, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve, reject) => {
        const call = client.append((e) => (e ? resolve(e) : reject(new Error('The append without content-type succeeded'))));
        const options = new AppendReq.Options().setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from('raw-1'))).setAny(new Empty());
        const message = new AppendReq.ProposedMessage().setId(new UUID().setString(randomUUID())).setData(Buffer.from('{}'));
        // Every client sets `type` and `content-type`; this one leaves the content type out.
        message.getMetadataMap().set('type', 'Untyped');
        call.write(new AppendReq().setOptions(options));
        call.write(new AppendReq().setProposedMessage(message));
        call.end();
      });
      expect(error.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
      expect(convertToCommandError(error)).toBeInstanceOf(RequiredMetadataPropertyMissingError);
    } finally {
      client.close();
    }
  });
});

/** Every event type in the double's `$all`, system events included, read with the plain client. */
async function rawTypes(double: EventStoreDbDouble): Promise<string[]> {
  const client = EventStoreDBClient.connectionString(double.connectionString);
  try {
    const types: string[] = [];
    for await (const { event } of client.readAll({ fromPosition: START })) if (event) types.push(event.type);
    return types;
  } finally {
    await client.dispose();
  }
}

/** Positions of every record in `$all` from `position` on, inclusive. */
async function rawPositionsFrom(double: EventStoreDbDouble, position: number): Promise<bigint[]> {
  const client = EventStoreDBClient.connectionString(double.connectionString);
  try {
    const positions: bigint[] = [];
    for await (const { event } of client.readAll({ fromPosition: { commit: BigInt(position), prepare: BigInt(position) } })) {
      if (event?.position) positions.push(event.position.commit);
    }
    return positions;
  } finally {
    await client.dispose();
  }
}

/** The checkpoint the server sends at the end of a filtered catch-up from `position`, as it is on the wire. */
async function rawEndCheckpoint(double: EventStoreDbDouble, position: number): Promise<Position> {
  const client = EventStoreDBClient.connectionString(double.connectionString);
  const checkpoints: Position[] = [];
  const subscription = client.subscribeToAll({
    fromPosition: { commit: BigInt(position), prepare: BigInt(position) },
    filter: eventTypeFilter({ regex: '^NothingMatches$', checkpointReached: (_subscription, checkpoint) => void checkpoints.push(checkpoint) }),
  });
  try {
    subscription.resume();
    await new Promise<void>((resolve, reject) => subscription.once('caughtUp', resolve).once('error', reject));
    const last = checkpoints.at(-1);
    if (!last) throw new Error('No checkpoint before caught-up');
    return last;
  } finally {
    await subscription.unsubscribe();
    await client.dispose();
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects a subscription's messages. */
class Recorder {
  readonly messages: SubscriptionMessage[] = [];
  error: unknown;
  private readonly subscription: Subscription;

  constructor(source: Observable<SubscriptionMessage>) {
    this.subscription = source.subscribe({
      next: (message) => this.messages.push(message),
      error: (error: unknown) => (this.error = error),
    });
  }

  get events(): RecordedEvent[] {
    return this.messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
  }

  get checkpoints(): { position: number }[] {
    return this.messages.filter((m) => m.kind === 'checkpoint');
  }

  get caughtUp(): { position: number }[] {
    return this.messages.filter((m) => m.kind === 'caught-up');
  }

  /** Waits until `condition` holds; fails early if the subscription fails first. */
  async until(condition: () => boolean, what: string): Promise<void> {
    await waitFor(() => condition() || this.error !== undefined, what);
    if (!condition()) throw new Error(`The subscription failed while waiting for ${what}: ${String(this.error)}`);
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
