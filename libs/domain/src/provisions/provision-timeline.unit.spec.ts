import fc from 'fast-check';
import { addDays } from '../shared/calendar-date';
import { Basis, IN_HOUSE, ProviderRef } from '../shared/provider-basis';
import {
  agreementState,
  concludedAgreement,
  extended,
  federationDissolved,
  federationFormed,
  federationState,
  FINSPANG,
  known,
  LINKOPING,
  memberJoined,
  memberLeft,
  NORRKOPING,
  terminated,
  transfer,
} from '../testing/fixtures';
import { FederationEvent } from '../federation/federation.events';
import { AgreementEvent } from '../agreement/agreement.events';
import { basisEnd, intervalOn, KnownArrangements, ProvisionInterval, provisionTimeline, TimelineTransfer } from './provision-timeline';

const FED = 'fjarde-storstadsregionen';
const AGR = 'lkp-buys-payroll-2020';
const fedBasis: Basis = { kind: 'federation', id: FED };
const agrBasis: Basis = { kind: 'agreement', id: AGR };
const theFederation: ProviderRef = { kind: 'federation', id: FED };
const norrkoping: ProviderRef = { kind: 'municipality', code: NORRKOPING };
const linkoping: ProviderRef = { kind: 'municipality', code: LINKOPING };

const formed = federationFormed({ id: FED, members: [LINKOPING, NORRKOPING, FINSPANG] });
const withFederation = (...events: FederationEvent[]): KnownArrangements => known([federationState([formed, ...events])]);
const withAgreement = (events: AgreementEvent[], federationEvents: FederationEvent[] = []): KnownArrangements =>
  known(federationEvents.length ? [federationState(federationEvents)] : [], [agreementState(events)]);
const agreement = concludedAgreement({ id: AGR });

/**
 * Rule 1 as a check on the step function: the first interval starts at the beginning, each one
 * starts where the previous ended, none is empty, the last is open; and walking the days from
 * `first` to `last`, each lies in exactly one interval, the one intervalOn finds.
 */
function expectEveryDayExactlyOnce(timeline: ProvisionInterval[], first = '2007-12-25', last = '2024-01-10'): void {
  expect(timeline.length).toBeGreaterThan(0);
  expect(timeline[0].from).toBeUndefined();
  expect(timeline.at(-1)!.to).toBeUndefined();
  for (let i = 1; i < timeline.length; i++) {
    expect(timeline[i].from).toBeDefined();
    expect(timeline[i].from).toBe(timeline[i - 1].to);
  }
  for (const interval of timeline) if (interval.from !== undefined && interval.to !== undefined) expect(interval.from < interval.to).toBe(true);
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const holding = timeline.filter((i) => (i.from === undefined || i.from <= day) && (i.to === undefined || day < i.to));
    if (holding.length !== 1) throw new Error(`${day} lies in ${holding.length} intervals: ${JSON.stringify(timeline)}`);
    if (intervalOn(timeline, day) !== holding[0]) throw new Error(`intervalOn(${day}) is not the interval holding it: ${JSON.stringify(timeline)}`);
  }
}

/** What holds on a day, in the fewest words: the basis key, or `lapsed`. */
function on(timeline: ProvisionInterval[], date: string): string {
  const interval = intervalOn(timeline, date);
  return interval.lapsed ? `lapsed(${interval.end?.reason})` : interval.basis.kind === 'in-house' ? 'in-house' : `${interval.basis.kind}:${interval.basis.id}`;
}

describe('provision timeline: rules 1 and 2', () => {
  it('with nothing recorded, in-house for ever, not lapsed', () => {
    const timeline = provisionTimeline(LINKOPING, [], known());
    expect(timeline).toEqual([{ basis: IN_HOUSE, lapsed: false }]);
    expect(intervalOn(timeline, '1900-01-01')).toEqual({ basis: IN_HOUSE, lapsed: false });
    expectEveryDayExactlyOnce(timeline);
  });

  it('in-house before the first transfer, the transfer from its effectiveFrom', () => {
    const t = transfer('2008-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withFederation());
    expect(timeline).toEqual([
      { to: '2008-01-01', basis: IN_HOUSE, lapsed: false },
      { from: '2008-01-01', basis: fedBasis, provider: theFederation, lapsed: false, transfer: t },
    ]);
    expect(on(timeline, '2007-12-31')).toBe('in-house');
    expect(on(timeline, '2008-01-01')).toBe(`federation:${FED}`);
    expectEveryDayExactlyOnce(timeline);
  });

  it('the transfer with the latest effectiveFrom ≤ D wins, whatever order they were recorded in (retroactive)', () => {
    const late = transfer('2020-01-01', IN_HOUSE, linkoping, { order: 1 });
    const retroactive = transfer('2010-01-01', fedBasis, theFederation, { order: 2 });
    const timeline = provisionTimeline(LINKOPING, [late, retroactive], withFederation());
    expect(on(timeline, '2009-12-31')).toBe('in-house');
    expect(intervalOn(timeline, '2009-12-31').transfer).toBeUndefined();
    expect(on(timeline, '2015-06-01')).toBe(`federation:${FED}`);
    expect(intervalOn(timeline, '2019-12-31').transfer).toBe(retroactive);
    expect(intervalOn(timeline, '2020-01-01').transfer).toBe(late);
    expect(intervalOn(timeline, '2020-01-01').lapsed).toBe(false);
    expectEveryDayExactlyOnce(timeline);
  });

  it('ties on effectiveFrom: the one recorded last (higher order) wins, whatever the array order', () => {
    const first = transfer('2010-01-01', fedBasis, theFederation, { order: 3 });
    const last = transfer('2010-01-01', IN_HOUSE, linkoping, { order: 7 });
    for (const transfers of [
      [first, last],
      [last, first],
    ]) {
      const timeline = provisionTimeline(LINKOPING, transfers, withFederation());
      expect(intervalOn(timeline, '2010-01-01').transfer).toBe(last);
      expect(timeline).toHaveLength(2);
      expectEveryDayExactlyOnce(timeline);
    }
  });

  it('a transfer recorded ahead of time holds only from its day', () => {
    const now = transfer('2010-01-01', fedBasis, theFederation, { order: 1 });
    const ahead = transfer('2023-06-01', IN_HOUSE, linkoping, { order: 2 });
    const timeline = provisionTimeline(LINKOPING, [now, ahead], withFederation());
    expect(on(timeline, '2023-05-31')).toBe(`federation:${FED}`);
    expect(on(timeline, '2023-06-01')).toBe('in-house');
    expect(intervalOn(timeline, '2010-01-01').to).toBe('2023-06-01');
    expectEveryDayExactlyOnce(timeline);
  });
});

describe('provision timeline: lapses (rule 4)', () => {
  it('an agreement lapses the day after validUntil', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement(agreement));
    const end = { on: '2023-01-01', reason: 'expired', decidedOn: '2019-10-07' };
    expect(timeline).toEqual([
      { to: '2020-01-01', basis: IN_HOUSE, lapsed: false },
      { from: '2020-01-01', to: '2023-01-01', basis: agrBasis, provider: norrkoping, lapsed: false, transfer: t, end },
      { from: '2023-01-01', basis: IN_HOUSE, lapsed: true, transfer: t, end },
    ]);
    expect(on(timeline, '2022-12-31')).toBe(`agreement:${AGR}`);
    expectEveryDayExactlyOnce(timeline);
  });

  it('an extension known moves the lapse, and names the extension decision', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement([...agreement, extended(AGR, '2024-12-31', '2022-12-31', '2022-09-01')]));
    expect(on(timeline, '2023-01-01')).toBe(`agreement:${AGR}`);
    expect(on(timeline, '2024-12-31')).toBe(`agreement:${AGR}`);
    expect(on(timeline, '2025-01-01')).toBe('lapsed(expired)');
    expect(intervalOn(timeline, '2025-01-01').end).toEqual({ on: '2025-01-01', reason: 'expired', decidedOn: '2022-09-01' });
    expectEveryDayExactlyOnce(timeline, '2019-12-01', '2025-02-01');
  });

  it('a terminated agreement lapses on the termination day', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement([...agreement, terminated(AGR, '2021-07-01')]));
    expect(on(timeline, '2021-06-30')).toBe(`agreement:${AGR}`);
    expect(on(timeline, '2021-07-01')).toBe('lapsed(terminated)');
    expect(intervalOn(timeline, '2021-07-01')).toMatchObject({ basis: IN_HOUSE, lapsed: true, transfer: t, end: { on: '2021-07-01', reason: 'terminated', decidedOn: '2021-07-01' } });
    expectEveryDayExactlyOnce(timeline);
  });

  it('a termination after the term has no effect on the lapse: it still expires', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement([...agreement, terminated(AGR, '2023-06-01')]));
    expect(intervalOn(timeline, '2023-01-01').end).toMatchObject({ on: '2023-01-01', reason: 'expired' });
  });

  it('a retroactive termination before the transfer lapses it from its own day', () => {
    const t = transfer('2021-09-01', agrBasis, norrkoping);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement([...agreement, terminated(AGR, '2021-07-01')]));
    expect(on(timeline, '2021-08-31')).toBe('in-house');
    expect(intervalOn(timeline, '2021-08-31').lapsed).toBe(false);
    expect(on(timeline, '2021-09-01')).toBe('lapsed(terminated)');
    expectEveryDayExactlyOnce(timeline);
  });

  it('a dissolved federation lapses on the dissolution day', () => {
    const t = transfer('2008-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withFederation(federationDissolved(FED, '2020-01-01', [], '2019-10-07')));
    expect(on(timeline, '2019-12-31')).toBe(`federation:${FED}`);
    expect(on(timeline, '2020-01-01')).toBe('lapsed(dissolved)');
    expect(intervalOn(timeline, '2020-01-01').end).toEqual({ on: '2020-01-01', reason: 'dissolved', decidedOn: '2019-10-07' });
    expectEveryDayExactlyOnce(timeline);
  });

  it('a member that leaves lapses on the day it leaves', () => {
    const t = transfer('2008-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withFederation(memberLeft(FED, LINKOPING, '2016-01-01')));
    expect(on(timeline, '2015-12-31')).toBe(`federation:${FED}`);
    expect(on(timeline, '2016-01-01')).toBe('lapsed(left)');
    expect(intervalOn(timeline, '2016-01-01').end).toEqual({ on: '2016-01-01', reason: 'left', decidedOn: '2016-01-01' });
    expectEveryDayExactlyOnce(timeline);
  });

  it('the earlier of a departure and a dissolution ends it', () => {
    const t = transfer('2008-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withFederation(memberLeft(FED, LINKOPING, '2016-01-01'), federationDissolved(FED, '2020-01-01')));
    expect(intervalOn(timeline, '2021-01-01').end?.reason).toBe('left');
    const other = provisionTimeline(NORRKOPING, [t], withFederation(memberLeft(FED, LINKOPING, '2016-01-01'), federationDissolved(FED, '2020-01-01')));
    expect(on(other, '2016-01-01')).toBe(`federation:${FED}`);
    expect(on(other, '2020-01-01')).toBe('lapsed(dissolved)');
  });

  it('a membership after rejoining carries its own end', () => {
    const events = [memberLeft(FED, LINKOPING, '2012-01-01'), memberJoined(FED, LINKOPING, '2014-01-01'), memberLeft(FED, LINKOPING, '2018-01-01')];
    const first = transfer('2008-01-01', fedBasis, theFederation);
    const again = transfer('2014-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [first, again], withFederation(...events));
    expect(on(timeline, '2012-01-01')).toBe('lapsed(left)');
    expect(on(timeline, '2014-01-01')).toBe(`federation:${FED}`);
    expect(on(timeline, '2018-01-01')).toBe('lapsed(left)');
    expectEveryDayExactlyOnce(timeline);
  });

  it('a transfer on a federation the municipality is not a member of on its day lapses at once', () => {
    const t = transfer('2013-01-01', fedBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withFederation(memberLeft(FED, LINKOPING, '2012-01-01')));
    expect(timeline.at(-1)).toEqual({ from: '2013-01-01', basis: IN_HOUSE, lapsed: true, transfer: t, end: { on: '2013-01-01', reason: 'not-a-member' } });
    expectEveryDayExactlyOnce(timeline);
  });

  it('an agreement whose providing federation is dissolved lapses on the dissolution day', () => {
    const byFederation = concludedAgreement({ id: AGR, provider: theFederation, buyers: [LINKOPING, NORRKOPING] });
    const t = transfer('2020-01-01', agrBasis, theFederation);
    const timeline = provisionTimeline(LINKOPING, [t], withAgreement(byFederation, [formed, federationDissolved(FED, '2021-01-01')]));
    expect(on(timeline, '2020-12-31')).toBe(`agreement:${AGR}`);
    expect(on(timeline, '2021-01-01')).toBe('lapsed(provider-dissolved)');
    expectEveryDayExactlyOnce(timeline);
    const after = provisionTimeline(LINKOPING, [t], withAgreement(byFederation, [formed, federationDissolved(FED, '2024-01-01')]));
    expect(on(after, '2023-01-01')).toBe('lapsed(expired)');
  });

  it('a successor transfer on the day the basis ends means no lapse', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping, { order: 1 });
    const successor = transfer('2023-01-01', IN_HOUSE, linkoping, { order: 2 });
    const timeline = provisionTimeline(LINKOPING, [t, successor], withAgreement(agreement));
    expect(timeline.some((i) => i.lapsed)).toBe(false);
    expect(intervalOn(timeline, '2022-12-31')).toMatchObject({ basis: agrBasis, to: '2023-01-01', end: { on: '2023-01-01', reason: 'expired' } });
    expect(intervalOn(timeline, '2023-01-01')).toMatchObject({ basis: IN_HOUSE, lapsed: false, transfer: successor });
    expectEveryDayExactlyOnce(timeline);
  });

  it('a successor after the end leaves a lapse between', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping, { order: 1 });
    const late = transfer('2023-03-01', IN_HOUSE, linkoping, { order: 2 });
    const timeline = provisionTimeline(LINKOPING, [t, late], withAgreement(agreement));
    expect(intervalOn(timeline, '2023-01-01')).toMatchObject({ from: '2023-01-01', to: '2023-03-01', lapsed: true, transfer: t });
    expect(on(timeline, '2023-03-01')).toBe('in-house');
    expect(intervalOn(timeline, '2023-03-01').lapsed).toBe(false);
    expectEveryDayExactlyOnce(timeline);
  });

  it('a basis that is not known (or open-ended) does not end', () => {
    const t = transfer('2020-01-01', agrBasis, norrkoping);
    expect(provisionTimeline(LINKOPING, [t], known()).some((i) => i.lapsed)).toBe(false);
    expect(provisionTimeline(LINKOPING, [t], withAgreement(concludedAgreement({ id: AGR, validUntil: undefined }))).some((i) => i.lapsed)).toBe(false);
    expect(basisEnd(IN_HOUSE, LINKOPING, '2020-01-01', known())).toBeUndefined();
    expect(basisEnd(fedBasis, LINKOPING, '2020-01-01', known())).toBeUndefined();
  });
});

describe('intervalOn', () => {
  const t1 = transfer('2010-01-01', fedBasis, theFederation, { order: 1 });
  const t2 = transfer('2015-01-01', IN_HOUSE, linkoping, { order: 2 });
  const timeline = provisionTimeline(LINKOPING, [t1, t2], withFederation());

  it('finds the interval on, before and after each boundary', () => {
    expect(intervalOn(timeline, '2009-12-31')).toBe(timeline[0]);
    expect(intervalOn(timeline, '2010-01-01')).toBe(timeline[1]);
    expect(intervalOn(timeline, '2014-12-31')).toBe(timeline[1]);
    expect(intervalOn(timeline, '2015-01-01')).toBe(timeline[2]);
    expect(intervalOn(timeline, '2999-12-31')).toBe(timeline[2]);
    expect(intervalOn(timeline, '1000-01-01')).toBe(timeline[0]);
  });
});

/**
 * Rules 1, 2 and 4 against a day-by-day oracle: on D the winner is the transfer with the latest
 * effectiveFrom ≤ D (ties: highest order); in-house before any; lapsed once the winner's basis has ended.
 */
describe('provision timeline: property', () => {
  const START = '2020-01-01';
  const day = (n: number) => addDays(START, n);
  const FED2 = 'ostgota-lon';

  const arrangements = fc.record({
    dissolvedAt: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    leftAt: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    validUntil: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    terminatedAt: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    providerDissolvedAt: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  });
  const transfers = fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 60 }), basis: fc.constantFrom<Basis>(IN_HOUSE, fedBasis, agrBasis), order: fc.integer({ min: 1, max: 1000 }) }),
    { maxLength: 8 },
  );

  function arrangementsOf(a: { dissolvedAt?: number; leftAt?: number; validUntil?: number; terminatedAt?: number; providerDissolvedAt?: number }): KnownArrangements {
    const fed = [
      federationFormed({ id: FED, members: [LINKOPING, NORRKOPING, FINSPANG], effectiveFrom: '2019-01-01' }),
      ...(a.leftAt !== undefined ? [memberLeft(FED, LINKOPING, day(a.leftAt))] : []),
      ...(a.dissolvedAt !== undefined ? [federationDissolved(FED, day(a.dissolvedAt))] : []),
    ];
    const provider = [
      federationFormed({ id: FED2, members: [LINKOPING, NORRKOPING], effectiveFrom: '2019-01-01' }),
      ...(a.providerDissolvedAt !== undefined ? [federationDissolved(FED2, day(a.providerDissolvedAt))] : []),
    ];
    const agr = [
      ...concludedAgreement({ id: AGR, provider: { kind: 'federation', id: FED2 }, validFrom: START, validUntil: a.validUntil !== undefined ? day(a.validUntil) : undefined }),
      ...(a.terminatedAt !== undefined ? [terminated(AGR, day(a.terminatedAt))] : []),
    ];
    return known([federationState(fed), federationState(provider)], [agreementState(agr)]);
  }

  it('holds for every day, and every day lies in exactly one interval', () => {
    fc.assert(
      fc.property(arrangements, transfers, (a, ts) => {
        const knownArrangements = arrangementsOf(a);
        const recorded: TimelineTransfer[] = ts.map((t, i) => ({ ...transfer(day(t.at), t.basis, linkoping, { order: t.order * 100 + i }) }));
        const timeline = provisionTimeline(LINKOPING, recorded, knownArrangements);
        expectEveryDayExactlyOnce(timeline, day(-2), day(64));
        for (let n = -2; n <= 64; n++) {
          const d = day(n);
          const candidates = recorded.filter((t) => t.effectiveFrom <= d);
          const winner = candidates.sort((x, y) => (x.effectiveFrom === y.effectiveFrom ? x.order - y.order : x.effectiveFrom < y.effectiveFrom ? -1 : 1)).at(-1);
          const interval = intervalOn(timeline, d);
          if (!winner) {
            expect(interval).toMatchObject({ basis: IN_HOUSE, lapsed: false });
            expect(interval.transfer).toBeUndefined();
            continue;
          }
          expect(interval.transfer).toBe(winner);
          const end = winner.basis.kind === 'in-house' ? undefined : basisEnd(winner.basis, LINKOPING, winner.effectiveFrom, knownArrangements);
          const lapsed = end !== undefined && d >= end.on;
          expect(interval.lapsed).toBe(lapsed);
          expect(interval.basis).toEqual(lapsed ? IN_HOUSE : winner.basis);
        }
      }),
      { numRuns: 300 },
    );
  });
});
