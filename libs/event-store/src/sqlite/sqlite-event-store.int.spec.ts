import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import { EventStoreUnavailableError, SubscriptionMessage } from '../event-store.port';
import { describeEventStoreContract, makeEvent } from '../testing';
import { runAndKill } from '../testing/crash-writer';
import { tempDirs } from '../testing/temp-dirs';
import { DuplicateEventIdError, SqliteEventStore, SqliteEventStoreFileOptions } from '.';

const tempDir = tempDirs('samverkan-event-store-');

// Small batches make the catch-up take several reads, so appends can race with it.
describeEventStoreContract('SQLite file', async () => {
  const store = SqliteEventStore.open({ dataDir: tempDir(), subscriptionBatchSize: 32, pollIntervalMs: 50 });
  return { store, teardown: () => store.close() };
});

describeEventStoreContract('SQLite in memory', async () => {
  const store = SqliteEventStore.inMemory();
  return { store, teardown: () => store.close() };
});

describe('SqliteEventStore', () => {
  const stores: SqliteEventStore[] = [];
  const subscriptions: Subscription[] = [];

  function open(dataDir: string, options: Omit<SqliteEventStoreFileOptions, 'dataDir'> = {}): SqliteEventStore {
    const store = SqliteEventStore.open({ dataDir, ...options });
    stores.push(store);
    return store;
  }

  function record(store: SqliteEventStore, options: Parameters<SqliteEventStore['subscribeToAll']>[0] = {}): SubscriptionMessage[] {
    const messages: SubscriptionMessage[] = [];
    subscriptions.push(store.subscribeToAll(options).subscribe((message) => messages.push(message)));
    return messages;
  }

  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    for (const store of stores.splice(0)) await store.close();
  });

  it('creates the data folder and opens the file in WAL mode with synchronous FULL', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const store = open(dataDir, { busyTimeoutMs: 1234 });
    expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
    expect(store.settings()).toEqual({
      file: join(dataDir, 'events.sqlite'),
      journalMode: 'wal',
      synchronous: 'FULL',
      foreignKeys: true,
      busyTimeoutMs: 1234,
    });
    expect(open(dataDir, { fileName: 'other.sqlite' }).settings().file).toBe(join(dataDir, 'other.sqlite'));
  });

  it('keeps the data across close and reopen, and positions keep increasing', async () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    const written = await first.appendToStream('municipality-0180', [makeEvent('Registered', { name: 'Stockholm' }), makeEvent('Renamed')], {
      expectedRevision: 'no-stream',
    });
    await first.close();

    const reopened = open(dataDir);
    expect((await reopened.readStream('municipality-0180')).map((e) => [e.type, e.revision, e.data])).toEqual([
      ['Registered', 0, { name: 'Stockholm' }],
      ['Renamed', 1, {}],
    ]);
    expect(await reopened.headPosition()).toBe(written.position);
    const next = await reopened.appendToStream('municipality-0180', [makeEvent('Noted')], { expectedRevision: 1 });
    expect(next.position).toBeGreaterThan(written.position);
  });

  it('starts empty: head 0, nothing to read, caught up at 0', async () => {
    const store = SqliteEventStore.inMemory();
    stores.push(store);
    expect(await store.headPosition()).toBe(0);
    expect(await store.readAll()).toEqual([]);
    const messages = record(store);
    await waitFor(() => messages.length > 0);
    expect(messages).toEqual([{ kind: 'caught-up', position: 0 }]);
  });

  it('an empty append to a missing stream answers with the head of the log', async () => {
    const store = SqliteEventStore.inMemory();
    stores.push(store);
    const { position } = await store.appendToStream('other', [makeEvent('Elsewhere')]);
    expect(await store.appendToStream('missing', [])).toEqual({ nextRevision: -1, position });
  });

  it('a second instance on the same file sees the first one’s appends through polling, and its conflicts', async () => {
    const dataDir = tempDir();
    const writer = open(dataDir);
    const reader = open(dataDir, { pollIntervalMs: 20 });
    const messages = record(reader);
    await waitFor(() => messages.some((m) => m.kind === 'caught-up'));

    await writer.appendToStream('federation-1', [makeEvent('Formed'), makeEvent('Joined')], { expectedRevision: 'no-stream' });
    await waitFor(() => messages.filter((m) => m.kind === 'event').length === 2);
    expect(messages.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []))).toEqual(['Formed', 'Joined']);

    await expect(reader.appendToStream('federation-1', [makeEvent('Stale')], { expectedRevision: 0 })).rejects.toMatchObject({ actual: 1 });
    await reader.appendToStream('federation-1', [makeEvent('Left')], { expectedRevision: 1 });
    expect((await writer.readStream('federation-1')).map((e) => e.type)).toEqual(['Formed', 'Joined', 'Left']);
  });

  it('refuses an event id that is stored in another stream or repeated in the batch, storing nothing', async () => {
    const store = SqliteEventStore.inMemory();
    stores.push(store);
    const taken = makeEvent('Taken');
    await store.appendToStream('stream-a', [taken]);

    const elsewhere = store.appendToStream('stream-b', [taken]);
    await expect(elsewhere).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(elsewhere).rejects.toMatchObject({ eventId: taken.id, existingStream: 'stream-a', stream: 'stream-b' });
    await expect(store.appendToStream('stream-b', [makeEvent('New'), taken])).rejects.toMatchObject({ eventId: taken.id, existingStream: 'stream-a' });
    const twice = makeEvent('Twice');
    await expect(store.appendToStream('stream-b', [twice, makeEvent('Between'), twice])).rejects.toBeInstanceOf(DuplicateEventIdError);

    expect(await store.readStream('stream-b')).toEqual([]);
    expect(await store.readAll()).toHaveLength(1);
  });

  it('a filtered subscription checkpoints over batches without matches, at most once per batch of positions', async () => {
    const store = SqliteEventStore.inMemory({ subscriptionBatchSize: 10 });
    stores.push(store);
    for (let i = 0; i < 45; i++) await store.appendToStream('noise', [makeEvent('Noise')]);
    const match = await store.appendToStream('signal', [makeEvent('Signal')]);

    const messages = record(store, { filter: { eventTypes: ['Signal'] } });
    await waitFor(() => messages.some((m) => m.kind === 'caught-up'));
    expect(messages).toEqual([
      { kind: 'checkpoint', position: 10 },
      { kind: 'checkpoint', position: 20 },
      { kind: 'checkpoint', position: 30 },
      { kind: 'checkpoint', position: 40 },
      { kind: 'event', event: expect.objectContaining({ type: 'Signal', position: match.position }) as unknown }, // jest types its matchers `any`
      { kind: 'caught-up', position: match.position },
    ]);

    messages.length = 0;
    for (let i = 0; i < 25; i++) await store.appendToStream('noise', [makeEvent('Noise')]);
    await waitFor(() => messages.length >= 2);
    await sleep(50);
    expect(messages).toEqual([
      { kind: 'checkpoint', position: match.position + 10 },
      { kind: 'checkpoint', position: match.position + 20 },
    ]);
  });

  it('delivers appends made through the same instance at once, without waiting for the poll', async () => {
    const store = SqliteEventStore.inMemory({ pollIntervalMs: 60_000 });
    stores.push(store);
    const messages = record(store);
    await waitFor(() => messages.length > 0);
    await store.appendToStream('prompt', [makeEvent('Prompt')]);
    await waitFor(() => messages.length === 2, 1000);
    expect(messages[1]).toMatchObject({ kind: 'event', event: { type: 'Prompt' } });
  });

  it('unsubscribing leaves no timer behind', async () => {
    const store = SqliteEventStore.inMemory({ pollIntervalMs: 10 });
    stores.push(store);
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
    const before = timers();
    const messages = record(store);
    await waitFor(() => messages.length > 0);
    expect(timers()).toBeGreaterThan(before);
    subscriptions.pop()!.unsubscribe();
    expect(timers()).toBe(before);
  });

  it('refuses a file written by a newer schema', () => {
    const dataDir = tempDir();
    const raw = new Database(join(dataDir, 'events.sqlite'));
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => SqliteEventStore.open({ dataDir })).toThrow(EventStoreUnavailableError);
  });

  it('keeps every acknowledged append, exactly once and whole, when the writing process is killed', async () => {
    const dataDir = tempDir();
    const stream = 'crash-test';
    const acknowledged = await runAndKill<Acknowledged>('sqlite-crash-writer.ts', [dataDir, stream], 150);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    const store = open(dataDir);
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.revision)).toEqual(recorded.map((_, i) => i));
    const stored = new Map(recorded.map((e) => [e.id, e]));
    expect(stored.size).toBe(recorded.length);
    for (const ack of acknowledged) {
      const last = stored.get(ack.ids[ack.ids.length - 1]);
      expect(last).toMatchObject({ revision: ack.nextRevision, position: ack.position });
      for (const id of ack.ids) expect(stored.has(id)).toBe(true);
    }
    // Batches are atomic: the stream ends with a whole batch, acknowledged or not.
    const tail = recorded[recorded.length - 1].data as { index: number; size: number };
    expect(tail.index).toBe(tail.size - 1);
    expect(recorded.length).toBeGreaterThanOrEqual(acknowledged[acknowledged.length - 1].nextRevision + 1);
  });
});

interface Acknowledged {
  ids: string[];
  nextRevision: number;
  position: number;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
