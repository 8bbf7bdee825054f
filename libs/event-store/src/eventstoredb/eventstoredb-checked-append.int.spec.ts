import { EventStoreDBClient } from '@eventstore/db-client';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { makeEvent } from '../testing';
import { EventStoreDbDouble, type EventStoreDbDoubleOptions } from '../testing/esdb-double';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * Appends with consistency checks through KurrentDB's v2 AppendRecords, on the in-process
 * double (the contract suite holds the behaviour the port promises; these are the wire
 * protocol's own cases). They need the double, so they are skipped against a real server.
 */
const onDouble = process.env.EVENTSTORE_CONNECTION_STRING ? describe.skip : describe;

onDouble('EventStoreDbEventStore appends with checks through AppendRecords', () => {
  const doubles: EventStoreDbDouble[] = [];
  const stores: EventStoreDbEventStore[] = [];

  async function serve(options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> {
    const double = new EventStoreDbDouble(options);
    await double.start();
    doubles.push(double);
    return double;
  }

  function storeOn(double: EventStoreDbDouble): EventStoreDbEventStore {
    const store = new EventStoreDbEventStore(double.connectionString);
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const double of doubles.splice(0)) await double.stop();
  });

  it('sends appends with checks through AppendRecords, and appends without through the v1 append only', async () => {
    const double = await serve();
    const store = storeOn(double);
    await store.appendToStream('plain-1', [makeEvent('Plain')]);
    expect([double.callCount('AppendRecords'), double.callCount('BatchAppend')]).toEqual([0, 1]);

    await store.appendToStream('checked-1', [makeEvent('Checked')], { expectedRevision: 'no-stream', checks: [{ stream: 'plain-1', expectedRevision: 0 }] });
    expect([double.callCount('AppendRecords'), double.callCount('BatchAppend')]).toEqual([1, 1]);
  });

  it('v1 reads show the records as the server does; the adapter reads type, data and metadata back exactly', async () => {
    const double = await serve();
    const store = storeOn(double);
    const head = await store.headPosition();
    const event = makeEvent('Beslutat', { namn: 'Åre–Östersund', nested: { list: [1, 'två', null] } }, { actor: 'ö-admin', extra: { deep: true } });
    const { position } = await store.appendToStream('checked-2', [event], { checks: [{ stream: 'nothing-2', expectedRevision: 'no-stream' }] });

    const raw = EventStoreDBClient.connectionString(double.connectionString);
    try {
      const [read] = await collect(raw.readStream('checked-2'));
      expect(read.event).toMatchObject({ id: event.id, type: 'Beslutat', isJson: true, data: event.data });
      expect(read.event?.metadata).toEqual({ 'samverkan-metadata': JSON.stringify(event.metadata), '$schema.format': 'Json', '$schema.name': 'Beslutat' });
    } finally {
      await raw.dispose();
    }

    const expected = { id: event.id, stream: 'checked-2', revision: 0, position, type: event.type, data: event.data, metadata: event.metadata };
    expect(await store.readStream('checked-2')).toEqual([expect.objectContaining(expected)]);
    expect(await store.readAll({ after: head })).toEqual([expect.objectContaining(expected)]);
    const delivered = await firstValueFrom(
      store.subscribeToAll({ after: head }).pipe(
        filter((message) => message.kind === 'event'),
        take(1),
        toArray(),
      ),
    );
    expect(delivered).toEqual([{ kind: 'event', event: expect.objectContaining(expected) as unknown }]); // jest types its matchers `any`
  });

  it('on a server without AppendRecords a checked append is unavailable, naming the version it needs; plain appends still work', async () => {
    const double = await serve({ appendRecords: false });
    const store = storeOn(double);
    const refused = store.appendToStream('old-1', [makeEvent('Checked')], { checks: [{ stream: 'old-2', expectedRevision: 'no-stream' }] });
    await expect(refused).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(refused).rejects.toThrow(/AppendRecords.*KurrentDB 26\.1 or later/);
    expect(await store.readStream('old-1')).toEqual([]);
    expect((await store.appendToStream('old-1', [makeEvent('Plain')], { expectedRevision: 'no-stream' })).nextRevision).toBe(0);
  });

  it('when a refusal carries no details that decode, reads the streams again to name the failing check', async () => {
    const double = await serve({ appendRecordsRefusals: { withoutDetails: true } });
    const store = storeOn(double);
    await store.appendToStream('basis-3', [makeEvent('Read')]);
    await store.appendToStream('basis-3', [makeEvent('MovedOn')]);
    const refused = store.appendToStream('decided-3', [makeEvent('Stale')], { expectedRevision: 'no-stream', checks: [{ stream: 'basis-3', expectedRevision: 0 }] });
    await expect(refused).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(refused).rejects.toMatchObject({ stream: 'basis-3', expected: 0, actual: 1 });
    expect(await store.readStream('decided-3')).toEqual([]);
  });

  it("reports a follower's not-leader refusal as unavailable, and sends the next call to the leader it names", async () => {
    const leader = await serve();
    const follower = await serve({ appendRecordsRefusals: { notLeader: { host: '127.0.0.1', port: leader.port } } });
    const store = storeOn(follower);
    const options = { expectedRevision: 'no-stream' as const, checks: [{ stream: 'other-4', expectedRevision: 'no-stream' as const }] };

    await expect(store.appendToStream('led-4', [makeEvent('First')], options)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(follower.callCount('AppendRecords')).toBe(1);
    const event = makeEvent('Second');
    await store.appendToStream('led-4', [event], options);
    expect([follower.callCount('AppendRecords'), leader.callCount('AppendRecords')]).toEqual([1, 1]);
    expect((await storeOn(leader).readStream('led-4')).map((e) => e.id)).toEqual([event.id]);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
