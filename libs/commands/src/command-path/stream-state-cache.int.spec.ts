import { chainHeadOf } from '@samverkan/audit';
import { MunicipalityCommand, MunicipalityEvent, MunicipalityState, NO_RESOLVED_BASES, fold, municipalityDecider, serviceAreaDecider, streams } from '@samverkan/domain';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import fc from 'fast-check';
import { SystemClock, readAsCurrent } from '@samverkan/shared';
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
function instance(store: SqliteEventStore, budget?: number): { path: CommandPath; cache: StreamStateCache } {
  const cache = new StreamStateCache(store, budget);
  return { path: new CommandPath(store, new SystemClock(), new IdempotencyIndex(), cache), cache };
}

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

  it('property: loading after any interleaving of appends through two instances equals a full fold', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('transfer' as const), id: fc.integer({ min: 0, max: 5 }), by: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('correct' as const), id: fc.integer({ min: 0, max: 5 }), replacement: fc.option(fc.integer({ min: 6, max: 9 }), { nil: undefined }), by: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('load' as const), by: fc.integer({ min: 0, max: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.integer({ min: 1, max: 8 }), async (steps, budget) => {
        const shared = SqliteEventStore.inMemory();
        try {
          const instances = [instance(shared, budget), instance(shared)];
          await instances[0].path.run(spec(register));
          for (const s of steps) {
            const { path, cache } = instances[s.by];
            if (s.kind === 'load') await cache.load(STREAM, municipalityDecider);
            else {
              const command = s.kind === 'transfer' ? transfer(`t-${s.id}`) : correct(`t-${s.id}`, s.replacement === undefined ? undefined : `t-${s.replacement}`);
              await path.run(spec(command)).catch((error: { code?: string }) => {
                if (error.code === undefined) throw error; // only the decider's refusals are expected
              });
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
        } finally {
          await shared.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
