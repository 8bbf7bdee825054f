import { chainHeadOf, chainOf, hashEvent } from '@samverkan/audit';
import { MunicipalityCommand, MunicipalityEvent, MunicipalityState, NO_RESOLVED_BASES, fold, municipalityDecider, serviceAreaDecider, streams } from '@samverkan/domain';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import fc from 'fast-check';
import { Clock, SystemClock, readAsCurrent } from '@samverkan/shared';
import { CommandContext, newCommandContext } from './command-context';
import { CommandPath, CommandSpec } from './command-path';
import { IdempotencyIndex } from './idempotency-index';
import { StreamStateCache } from './stream-state-cache';

const STREAM = streams.municipality('0580');
const register: MunicipalityCommand = { type: 'RegisterMunicipality', code: '0580', name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' };
const transfer = (transferId: string, serviceArea = 'payroll'): MunicipalityCommand => ({
  type: 'TransferService',
  transferId,
  serviceArea,
  basis: { kind: 'in-house' },
  decidedOn: '2019-12-16',
  effectiveFrom: '2020-01-01',
  bases: NO_RESOLVED_BASES,
});
const correct = (transferId: string, replacement?: string): MunicipalityCommand => ({
  type: 'CorrectTransfer',
  transferId,
  reason: 'mistaken',
  ...(replacement ? { replacement: { transferId: replacement, serviceArea: 'it', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-02-01' } } : {}),
  bases: NO_RESOLVED_BASES,
});

/** One instance of the service's write side: its own cache and command path on a shared store. */
function instance(store: SqliteEventStore, budget?: number, clock: Clock = new SystemClock()): { path: CommandPath; cache: StreamStateCache } {
  const cache = new StreamStateCache(store, budget);
  return { path: new CommandPath(store, clock, new IdempotencyIndex(), cache), cache };
}

/** A clock that stands still at `iso`: two instances with two of them stamp the same command differently. */
const clockAt = (iso: string): Clock => ({ now: () => new Date(iso) });

const spec = (command: MunicipalityCommand, context: CommandContext = newCommandContext({ actor: 'spec', source: 'spec' })): CommandSpec<MunicipalityCommand, 'municipality', MunicipalityState> => ({
  decider: municipalityDecider,
  stream: STREAM,
  id: '0580',
  context,
  command: () => command,
});

async function fullFold(store: SqliteEventStore): Promise<MunicipalityState> {
  return fold(municipalityDecider, (await store.readStream(STREAM)).map((e) => readAsCurrent(e) as MunicipalityEvent));
}

/** Every stored event links to the one before it and carries the hash of its own content: the audit chain holds. */
async function expectChainHolds(store: SqliteEventStore): Promise<void> {
  let prev: string | null = null;
  for (const event of await store.readStream(STREAM)) {
    const chain = chainOf(event.metadata);
    expect({ revision: event.revision, prev: chain?.prev, hash: chain?.hash }).toEqual({ revision: event.revision, prev, hash: hashEvent(STREAM, event.revision, event, prev) });
    prev = chain?.hash ?? null;
  }
}

/** What the decider makes of a command on the stream as the store holds it: the event types, or the refusal's code. */
async function decidedOnTheStore(store: SqliteEventStore, command: MunicipalityCommand): Promise<string[] | { refused: string }> {
  try {
    return municipalityDecider.decide(command, await fullFold(store)).map((e) => e.type);
  } catch (error) {
    return { refused: (error as { code: string }).code };
  }
}

/** Counts the store's reads of the municipality's stream. */
function countReads(store: SqliteEventStore): { readonly count: number } {
  const read = store.readStream.bind(store);
  const counter = { count: 0 };
  jest.spyOn(store, 'readStream').mockImplementation((stream, options) => {
    if (stream === STREAM) counter.count += 1;
    return read(stream, options);
  });
  return counter;
}

describe('StreamStateCache', () => {
  let store: SqliteEventStore;
  beforeEach(() => (store = SqliteEventStore.inMemory()));
  afterEach(() => store.close());

  it('given a cached state and events appended by another writer, when loaded, then it equals a full fold and names the chain head and last position', async () => {
    const a = instance(store);
    await a.path.run(spec(register));
    await a.path.run(spec(transfer('t-1')));
    // Another instance appends two more; this one's cache is now behind the store.
    const b = instance(store);
    await b.path.run(spec(transfer('t-2')));
    await b.path.run(spec(correct('t-1', 't-3')));

    const loaded = await a.cache.load(STREAM, municipalityDecider);
    const recorded = await store.readStream(STREAM);
    expect(loaded.revision).toBe(3);
    expect(loaded.position).toBe(recorded[3].position);
    expect(loaded.chainHead).toEqual(chainHeadOf(recorded));
    expect(loaded.state.transfers.toJS()).toEqual((await fullFold(store)).transfers.toJS());
    expect(loaded.state.transfers.get('t-1')).toEqual({ serviceArea: 'payroll', corrected: true });
  });

  it("given another instance appends between this instance's load and its append, when the append conflicts, then the tail is re-read and the command re-decided on the current state", async () => {
    const a = instance(store);
    const b = instance(store);
    await a.path.run(spec(register));
    await a.path.run(spec(transfer('t-1')));

    let decisions = 0;
    const racing = a.path.run({
      ...spec(correct('t-1')),
      // Called once per decision: the first time, B corrects t-1 after A has loaded the stream.
      command: async () => {
        if (++decisions === 1) await b.path.run(spec(correct('t-1')));
        return correct('t-1');
      },
    });
    await expect(racing).rejects.toMatchObject({ code: 'already-decided' });
    expect(decisions).toBe(2);
    expect((await store.readStream(STREAM)).map((e) => e.type)).toEqual(['MunicipalityRegistered', 'ServiceTransferred', 'CorrectionRecorded']);

    const next = await a.path.run(spec(transfer('t-2')));
    expect(next.revision).toBe(3);
    expect((await a.cache.load(STREAM, municipalityDecider)).chainHead).toEqual(chainHeadOf(await store.readStream(STREAM)));
  });

  it('given a command this instance appended, when the next command on the stream comes, then nothing is read from the store and the cache is as the store', async () => {
    const a = instance(store);
    await a.path.run(spec(register));
    await a.path.run(spec(transfer('t-1')));
    const reads = countReads(store);
    await a.path.run(spec(transfer('t-2')));
    await a.path.run(spec(correct('t-1', 't-3')));
    expect(reads.count).toBe(0);

    const cached = await a.cache.trusting([STREAM], () => a.cache.load(STREAM, municipalityDecider));
    const recorded = await store.readStream(STREAM);
    expect(cached.outcome).toMatchObject({ status: 'fulfilled', value: { revision: 3, position: recorded[3].position, chainHead: chainHeadOf(recorded) } });
    expect(cached.outcome.status === 'fulfilled' && cached.outcome.value.state.transfers.toJS()).toEqual((await fullFold(store)).transfers.toJS());
    await expectChainHolds(store);
  });

  it('given another instance made a command valid, when this instance has the stream cached as it was, then the command is decided on the store and not refused', async () => {
    const a = instance(store);
    const b = instance(store);
    await a.path.run(spec(register));
    await a.path.run(spec(transfer('t-1')));
    await b.path.run(spec(transfer('t-2')));
    // A's cache knows no t-2: refused there, the correction is decided again on the stream's tail.
    const corrected = await a.path.run(spec(correct('t-2')));
    expect(corrected.revision).toBe(3);
    expect((await fullFold(store)).transfers.get('t-2')).toEqual({ serviceArea: 'payroll', corrected: true });
    await expectChainHolds(store);
  });

  it('given a command the rules refuse, when it is sent, then the refusal stands on the store, read once', async () => {
    const a = instance(store);
    await a.path.run(spec(register));
    const reads = countReads(store);
    await expect(a.path.run(spec(correct('t-unknown')))).rejects.toMatchObject({ code: 'not-found' });
    expect(reads.count).toBe(1);
    expect(await store.readStream(STREAM)).toHaveLength(1);
  });

  it("given If-Match, when this instance's cache is behind the store, then the revision is judged on the store", async () => {
    const a = instance(store);
    const b = instance(store);
    await a.path.run(spec(register));
    await b.path.run(spec(transfer('t-1')));
    const ifMatch = (revision: number): CommandContext => newCommandContext({ actor: 'spec', source: 'spec', expectedRevision: revision });
    // A's cache says 0; the stream is at 1.
    await expect(a.path.run(spec(transfer('t-2'), ifMatch(0)))).rejects.toMatchObject({ name: 'ConcurrencyConflictError', precondition: true, actual: 1 });
    await b.path.run(spec(transfer('t-3')));
    expect((await a.path.run(spec(transfer('t-4'), ifMatch(2)))).revision).toBe(3);
    await expectChainHolds(store);
  });

  it('given one command sent to two instances at once, then it is recorded once, both answer alike, and both caches are as the store', async () => {
    // Their clocks differ, so their copies of the command would differ in recordedAt and chain hash.
    const a = instance(store, undefined, clockAt('2026-01-01T10:00:00.000Z'));
    const b = instance(store, undefined, clockAt('2026-01-01T10:00:00.007Z'));
    await a.path.run(spec(register));
    await b.cache.load(STREAM, municipalityDecider);
    const context = newCommandContext({ actor: 'spec', source: 'spec' });
    const [fromA, fromB] = await Promise.all([a.path.run(spec(transfer('t-1'), context)), b.path.run(spec(transfer('t-1'), context))]);
    expect(fromA).toEqual(fromB);
    expect((await store.readStream(STREAM)).map((e) => e.type)).toEqual(['MunicipalityRegistered', 'ServiceTransferred']);
    // What each cache would take as current is the stored copy, whichever instance stored it.
    const stored = chainHeadOf(await store.readStream(STREAM));
    for (const { cache } of [a, b]) {
      const { outcome } = await cache.trusting([STREAM], () => cache.load(STREAM, municipalityDecider));
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { revision: 1, chainHead: stored } });
    }
    // Each instance's next command follows straight on, from its cache.
    await b.path.run(spec(transfer('t-2')));
    await a.path.run(spec(transfer('t-3')));
    await b.path.run(spec(transfer('t-4')));
    await expectChainHolds(store);
  });

  it('given a command already in the stream, when it is sent again after its stream was evicted, then the first answer comes back and nothing is appended', async () => {
    const { path, cache } = instance(store, 3);
    await path.run(spec(register));
    const context = newCommandContext({ actor: 'spec', source: 'spec' });
    const first = await path.run(spec(transfer('t-1'), context));
    // Three streams of one event each, loaded (the cache holds a stream as of its last load), push the municipality out of a budget of 3.
    for (const slug of ['a', 'b', 'c']) {
      await path.run({
        decider: serviceAreaDecider,
        stream: streams.serviceArea(`x${slug}`),
        id: slug,
        context: newCommandContext({ actor: 'spec', source: 'spec' }),
        command: () => ({ type: 'DefineServiceArea' as const, slug: `x${slug}`, nameSv: slug, nameEn: slug }),
      });
      await cache.load(streams.serviceArea(`x${slug}`), serviceAreaDecider);
    }
    expect(cache.has(STREAM)).toBe(false);
    expect(cache.size).toBeLessThanOrEqual(3);

    const again = await path.run(spec(transfer('t-other'), context));
    expect(again).toEqual(first);
    expect(await store.readStream(STREAM)).toHaveLength(2);
  });

  it('refuses to fold one stream with two deciders', async () => {
    const { cache } = instance(store);
    await cache.load(STREAM, municipalityDecider);
    // The types allow only a municipality decider here; a second one (a copy) is still refused.
    await expect(cache.load(STREAM, { ...municipalityDecider })).rejects.toThrow('folded by two different deciders');
  });

  it('property: after any interleaving of commands, re-sendings and loads through two instances, each command was decided as on the store, the chain holds and loading equals a full fold', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('transfer' as const), id: fc.integer({ min: 0, max: 3 }), by: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('correct' as const), id: fc.integer({ min: 0, max: 3 }), replacement: fc.option(fc.integer({ min: 4, max: 6 }), { nil: undefined }), by: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('load' as const), by: fc.integer({ min: 0, max: 1 }) }),
      // The previous command again (its command id), at either instance.
      fc.record({ kind: fc.constant('resend' as const), by: fc.integer({ min: 0, max: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.integer({ min: 1, max: 8 }), async (steps, budget) => {
        const shared = SqliteEventStore.inMemory();
        try {
          const instances = [instance(shared, budget), instance(shared)];
          await instances[0].path.run(spec(register));
          let previous: { command: MunicipalityCommand; context: CommandContext; answer: unknown } | undefined;
          const answer = (run: Promise<unknown>): Promise<unknown> =>
            run.catch((error: { code?: string }) => {
              if (error.code === undefined) throw error; // only the decider's refusals are expected
              return { refused: error.code };
            });
          for (const s of steps) {
            const { path, cache } = instances[s.by];
            if (s.kind === 'load') await cache.load(STREAM, municipalityDecider);
            else if (s.kind === 'resend') {
              if (previous) expect(await answer(path.run(spec(previous.command, previous.context)))).toEqual(previous.answer);
            } else {
              const command = s.kind === 'transfer' ? transfer(`t-${s.id}`) : correct(`t-${s.id}`, s.replacement === undefined ? undefined : `t-${s.replacement}`);
              const expected = await decidedOnTheStore(shared, command);
              const context = newCommandContext({ actor: 'spec', source: 'spec' });
              const got = await answer(path.run(spec(command, context)));
              expect('refused' in (got as object) ? got : expected).toEqual(expected);
              // A refused command appends nothing, so its re-sending is decided afresh: only accepted ones are replayed.
              previous = 'refused' in (got as object) ? previous : { command, context, answer: got };
            }
          }
          const expected = await shared.readStream(STREAM);
          const full = fold(municipalityDecider, expected.map((e) => readAsCurrent(e) as MunicipalityEvent));
          for (const { cache } of instances) {
            const loaded = await cache.load(STREAM, municipalityDecider);
            expect(loaded.state.transfers.toJS()).toEqual(full.transfers.toJS());
            expect(loaded.revision).toBe(expected.length - 1);
            expect(loaded.chainHead).toEqual(chainHeadOf(expected));
          }
          let prev: string | null = null;
          for (const event of expected) {
            expect(chainOf(event.metadata)).toEqual({ v: 1, prev, hash: hashEvent(STREAM, event.revision, event, prev) });
            prev = chainOf(event.metadata)?.hash ?? null;
          }
        } finally {
          await shared.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
