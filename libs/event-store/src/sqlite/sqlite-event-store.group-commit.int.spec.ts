import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AppendResult, EventStoreUnavailableError, EventToAppend, ExpectedRevision, WrongExpectedRevisionError } from '../event-store.port';
import { makeEvent } from '../testing';
import { runAndKill } from '../testing/crash-writer';
import { tempDirs } from '../testing/temp-dirs';
import { DuplicateEventIdError, SqliteEventStore } from '.';

/**
 * Group commit (issue 12): appends called in the same turn of the event loop share one
 * transaction, and each behaves as if the appends had been committed one by one, in call order.
 * Every group below is made by calling appendToStream several times without awaiting in between.
 */

const tempDir = tempDirs('samverkan-group-commit-');

interface Append {
  stream: string;
  events: EventToAppend[];
  expectedRevision?: ExpectedRevision;
}

describe('SqliteEventStore group commit', () => {
  const stores: SqliteEventStore[] = [];
  const raws: Database.Database[] = [];

  function open(dataDir = tempDir(), busyTimeoutMs?: number): SqliteEventStore {
    const store = SqliteEventStore.open({ dataDir, busyTimeoutMs });
    stores.push(store);
    return store;
  }

  /** A second connection to the store's file, to change it behind the store's back. */
  function rawConnection(dataDir: string): Database.Database {
    const raw = new Database(join(dataDir, 'events.sqlite'));
    raws.push(raw);
    return raw;
  }

  /** Calls every append in the same turn, so that they form one group, and waits for all of them. */
  function inOneTurn(store: SqliteEventStore, appends: Append[]): Promise<PromiseSettledResult<AppendResult>[]> {
    return Promise.allSettled(appends.map((a) => store.appendToStream(a.stream, a.events, { expectedRevision: a.expectedRevision })));
  }

  function fulfilled(outcome: PromiseSettledResult<AppendResult>): AppendResult {
    if (outcome.status === 'rejected') throw new Error(`Expected the append to succeed, but it failed: ${String(outcome.reason)}`);
    return outcome.value;
  }

  function rejected(outcome: PromiseSettledResult<AppendResult>): unknown {
    if (outcome.status === 'fulfilled') throw new Error(`Expected the append to fail, but it answered ${JSON.stringify(outcome.value)}`);
    return outcome.reason;
  }

  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.close();
    for (const store of stores.splice(0)) await store.close();
  });

  it('concurrent appends to 16 streams share one commit and answer with their own revisions and positions', async () => {
    const store = open();
    const streams = Array.from({ length: 16 }, (_, i) => `group-${i}`);
    const first = await inOneTurn(
      store,
      streams.map((stream) => ({ stream, events: [makeEvent('Opened')], expectedRevision: 'no-stream' })),
    );
    expect(store.stats()).toEqual({ appends: 16, commits: 1 });

    const second = await inOneTurn(
      store,
      streams.map((stream) => ({ stream, events: [makeEvent('Moved'), makeEvent('Moved')], expectedRevision: 0 })),
    );
    expect(store.stats()).toEqual({ appends: 32, commits: 2 });

    const log = await store.readAll();
    // Appends are applied in call order, so the log is the calls' order.
    expect(log.map((e) => [e.stream, e.revision])).toEqual([
      ...streams.map((stream) => [stream, 0]),
      ...streams.flatMap((stream) => [
        [stream, 1],
        [stream, 2],
      ]),
    ]);
    const byStream = (stream: string): number[] => log.filter((e) => e.stream === stream).map((e) => e.position);
    streams.forEach((stream, i) => {
      const [opened, , moved] = byStream(stream);
      expect(fulfilled(first[i])).toEqual({ nextRevision: 0, position: opened });
      expect(fulfilled(second[i])).toEqual({ nextRevision: 2, position: moved });
    });
  });

  it('a wrong expected revision fails that append alone; its neighbours are committed', async () => {
    const store = open();
    for (const stream of ['left', 'middle', 'right']) await store.appendToStream(stream, [makeEvent('Opened')]);
    const before = store.stats();

    const [left, middle, right] = await inOneTurn(store, [
      { stream: 'left', events: [makeEvent('Kept')], expectedRevision: 0 },
      { stream: 'middle', events: [makeEvent('Refused')], expectedRevision: 5 },
      { stream: 'right', events: [makeEvent('Kept')], expectedRevision: 0 },
    ]);
    expect(fulfilled(left).nextRevision).toBe(1);
    expect(rejected(middle)).toBeInstanceOf(WrongExpectedRevisionError);
    expect(rejected(middle)).toMatchObject({ stream: 'middle', expected: 5, actual: 0 });
    expect(fulfilled(right).nextRevision).toBe(1);
    expect(store.stats()).toEqual({ appends: before.appends + 2, commits: before.commits + 1 });
    expect((await store.readAll()).map((e) => `${e.stream}:${e.type}`)).toEqual(['left:Opened', 'middle:Opened', 'right:Opened', 'left:Kept', 'right:Kept']);
  });

  it('two appends to one stream in one group: the second sees the first', async () => {
    const store = open();
    const [created, stale, next] = await inOneTurn(store, [
      { stream: 'twice', events: [makeEvent('First')], expectedRevision: 'no-stream' },
      { stream: 'twice', events: [makeEvent('Stale')], expectedRevision: 'no-stream' },
      { stream: 'twice', events: [makeEvent('Second')], expectedRevision: 0 },
    ]);
    expect(fulfilled(created).nextRevision).toBe(0);
    expect(rejected(stale)).toMatchObject({ name: 'WrongExpectedRevisionError', stream: 'twice', expected: 'no-stream', actual: 0 });
    expect(fulfilled(next).nextRevision).toBe(1);
    expect(store.stats().commits).toBe(1);
    expect((await store.readStream('twice')).map((e) => e.type)).toEqual(['First', 'Second']);
  });

  it('an identical re-send in the same group is idempotent: stored once, answered as the original', async () => {
    const store = open();
    const batch = [makeEvent('A'), makeEvent('B')];
    const [original, resent] = await inOneTurn(store, [
      { stream: 'resent', events: batch, expectedRevision: 'no-stream' },
      { stream: 'resent', events: batch, expectedRevision: 'no-stream' },
    ]);
    expect(fulfilled(resent)).toEqual(fulfilled(original));
    expect(fulfilled(original).nextRevision).toBe(1);
    expect(store.stats()).toEqual({ appends: 2, commits: 1 });
    expect((await store.readStream('resent')).map((e) => e.id)).toEqual(batch.map((e) => e.id));
  });

  it('an event id stored in another stream, earlier or in the same group, fails that append alone', async () => {
    const store = open();
    const earlier = makeEvent('Earlier');
    await store.appendToStream('owner', [earlier]);
    const shared = makeEvent('Shared');

    const [first, reused, reusedEarlier, neighbour] = await inOneTurn(store, [
      { stream: 'first', events: [shared] },
      { stream: 'second', events: [shared] },
      { stream: 'third', events: [makeEvent('New'), earlier] },
      { stream: 'neighbour', events: [makeEvent('Fine')] },
    ]);
    expect(fulfilled(first).nextRevision).toBe(0);
    expect(rejected(reused)).toBeInstanceOf(DuplicateEventIdError);
    expect(rejected(reused)).toMatchObject({ eventId: shared.id, existingStream: 'first', stream: 'second' });
    expect(rejected(reusedEarlier)).toMatchObject({ name: 'DuplicateEventIdError', eventId: earlier.id, existingStream: 'owner', stream: 'third' });
    expect(fulfilled(neighbour).nextRevision).toBe(0);
    // The refused batch's first event was rolled back with its savepoint.
    expect((await store.readAll()).map((e) => `${e.stream}:${e.type}`)).toEqual(['owner:Earlier', 'first:Shared', 'neighbour:Fine']);
  });

  it('a COMMIT that fails rejects every append of the group and stores none of them', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    await store.appendToStream('before', [makeEvent('Stored')]);
    // A deferred foreign key is checked only at COMMIT: an event in `poisoned` makes the commit fail.
    const raw = rawConnection(dataDir);
    raw.exec(`
      CREATE TABLE poison (event INTEGER REFERENCES events (position) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER poison_commit AFTER INSERT ON events WHEN NEW.stream = 'poisoned' BEGIN INSERT INTO poison VALUES (-1); END;
    `);
    const before = store.stats();

    const outcomes = await inOneTurn(store, [
      { stream: 'healthy-a', events: [makeEvent('Lost')] },
      { stream: 'poisoned', events: [makeEvent('Poison')] },
      { stream: 'healthy-b', events: [makeEvent('Lost')] },
    ]);
    const errors = outcomes.map(rejected);
    expect(errors[0]).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(errors.every((error) => error === errors[0])).toBe(true);
    expect(store.stats()).toEqual(before);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['before']);

    // The transaction was rolled back, not left open: the next group commits.
    raw.exec('DROP TRIGGER poison_commit');
    expect((await store.appendToStream('healthy-a', [makeEvent('Stored')], { expectedRevision: 'no-stream' })).nextRevision).toBe(0);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['before', 'healthy-a']);
  });

  it('a failure of SQLite inside the group rejects the appends before it too, as unavailable, and stores none of them', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    // abs() of the smallest integer is SQLite's "integer overflow", an error that is not a refusal of the data.
    rawConnection(dataDir).exec(`CREATE TRIGGER overflow AFTER INSERT ON events WHEN NEW.stream = 'failing' BEGIN SELECT abs(-9223372036854775808); END;`);

    const outcomes = await inOneTurn(store, [
      { stream: 'healthy', events: [makeEvent('Lost')] },
      { stream: 'failing', events: [makeEvent('Fails')] },
      { stream: 'healthy', events: [makeEvent('Lost')] },
    ]);
    const errors = outcomes.map(rejected);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(errors[0]).toMatchObject({ message: expect.stringContaining('integer overflow') as unknown }); // jest types its matchers `any`
    expect(errors.every((error) => error === errors[0])).toBe(true);
    expect(store.stats()).toEqual({ appends: 0, commits: 0 });
    expect(await store.readAll()).toEqual([]);
    expect(await store.headPosition()).toBe(0);
  });

  it('a BEGIN that cannot take the write lock rejects the group as unavailable; the next group commits', async () => {
    const dataDir = tempDir();
    const store = open(dataDir, 20);
    const raw = rawConnection(dataDir);
    raw.exec('BEGIN IMMEDIATE');

    const errors = (await inOneTurn(store, [{ stream: 'locked-a', events: [makeEvent('Lost')] }, { stream: 'locked-b', events: [makeEvent('Lost')] }])).map(rejected);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(errors[1]).toBe(errors[0]);

    raw.exec('ROLLBACK');
    expect((await store.appendToStream('locked-a', [makeEvent('Stored')], { expectedRevision: 'no-stream' })).nextRevision).toBe(0);
    expect(store.stats()).toEqual({ appends: 1, commits: 1 });
  });

  it('reads made while a group is pending see only what is committed', async () => {
    const store = open();
    await store.appendToStream('read', [makeEvent('Committed')]);
    const head = await store.headPosition();

    const pending = store.appendToStream('read', [makeEvent('Pending')], { expectedRevision: 0 });
    const [duringStream, duringHead] = [store.readStream('read'), store.headPosition()];
    expect((await duringStream).map((e) => e.type)).toEqual(['Committed']);
    expect(await duringHead).toBe(head);

    const { position } = await pending;
    expect((await store.readStream('read')).map((e) => e.type)).toEqual(['Committed', 'Pending']);
    expect(await store.headPosition()).toBe(position);
  });

  it('more appends than one transaction carries are committed over several, in call order', async () => {
    const store = open();
    const events = Array.from({ length: 600 }, (_, i) => makeEvent('Many', { i }));
    const outcomes = await inOneTurn(
      store,
      events.map((event) => ({ stream: 'many', events: [event] })),
    );
    expect(outcomes.map((o) => fulfilled(o).nextRevision)).toEqual(events.map((_, i) => i));
    // At most 256 appends per transaction: 256 + 256 + 88.
    expect(store.stats()).toEqual({ appends: 600, commits: 3 });
    expect((await store.readStream('many')).map((e) => e.data.i)).toEqual(events.map((_, i) => i));
  });

  it('close() commits the pending appends, settles every one of them, and later appends fail as unavailable', async () => {
    const dataDir = tempDir();
    const store = SqliteEventStore.open({ dataDir });
    const pending = [
      ...Array.from({ length: 300 }, (_, i) => store.appendToStream('closing', [makeEvent('Pending', { i })], { expectedRevision: i === 0 ? 'no-stream' : i - 1 })),
      store.appendToStream('closing', [makeEvent('Stale')], { expectedRevision: 'no-stream' }),
    ];
    await store.close();
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.slice(0, 300).map((o) => fulfilled(o).nextRevision)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(rejected(outcomes[300])).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 299 });
    expect(store.stats()).toEqual({ appends: 300, commits: 2 });
    await expect(store.appendToStream('closing', [makeEvent('Late')])).rejects.toBeInstanceOf(EventStoreUnavailableError);

    const reopened = open(dataDir);
    expect((await reopened.readStream('closing')).map((e) => e.data.i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('keeps every acknowledged append of concurrent appenders, exactly once and whole, when the writing process is killed', async () => {
    const dataDir = tempDir();
    const acknowledged = await runAndKill<Acknowledged>('sqlite-group-crash-writer.ts', [dataDir, 'crash-', '16'], 600);
    // The appenders' appends shared commits.
    expect(new Set(acknowledged.map((a) => a.commit)).size).toBeLessThan(acknowledged.length / 2);

    const store = open(dataDir);
    const log = await store.readAll();
    const stored = new Map(log.map((e) => [e.id, e]));
    expect(stored.size).toBe(log.length);
    for (const ack of acknowledged) {
      expect(stored.get(ack.ids[ack.ids.length - 1])).toMatchObject({ stream: ack.stream, revision: ack.nextRevision, position: ack.position });
      for (const id of ack.ids) expect(stored.get(id)?.stream).toBe(ack.stream);
    }
    for (let i = 0; i < 16; i++) {
      const recorded = await store.readStream(`crash-${i}`);
      expect(recorded.map((e) => e.revision)).toEqual(recorded.map((_, revision) => revision));
      // Batches are atomic: every stream ends with a whole batch, acknowledged or not.
      const tail = recorded[recorded.length - 1].data as { index: number; size: number };
      expect(tail.index).toBe(tail.size - 1);
    }
  });
});

interface Acknowledged {
  stream: string;
  ids: string[];
  nextRevision: number;
  position: number;
  commit: number;
}
