import { CalendarDate, minDate } from '../shared/calendar-date';
import { Basis, IN_HOUSE, ProviderRef } from '../shared/provider-basis';
import { FederationState } from '../federation/federation.state';
import { AgreementState, agreementEndsOn } from '../agreement/agreement.state';

/** A transfer as the timeline needs it. `order` is its place in the log (rule 2's "recorded last"). */
export interface TimelineTransfer {
  transferId: string;
  basis: Basis;
  provider: ProviderRef;
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  order: number;
  recordedAt: string;
}

/** Why and when a basis stops carrying a municipality's provision (rule 4). */
export interface BasisEnd {
  /** The first day the basis no longer carries the provision. */
  on: CalendarDate;
  reason: 'dissolved' | 'left' | 'terminated' | 'expired' | 'provider-dissolved' | 'not-a-member';
  decidedOn?: CalendarDate;
}

/** One step of the step function: [from, to) on a basis. */
export interface ProvisionInterval {
  /** Undefined: since the beginning (nothing recorded, in-house by default). */
  from?: CalendarDate;
  /** Exclusive; undefined: open-ended as far as the register knows. */
  to?: CalendarDate;
  basis: Basis;
  /** Undefined for in-house: the municipality itself. */
  provider?: ProviderRef;
  /** In-house because the basis stopped being in force with no successor (rule 4). */
  lapsed: boolean;
  /** The transfer this interval rests on (for a lapse: the transfer that lapsed). */
  transfer?: TimelineTransfer;
  /** For a lapse: why the basis ended. For a basis interval: the end that closes it, if any. */
  end?: BasisEnd;
}

/** The arrangements as known at the moment asked about, for finding when a basis ends. */
export interface KnownArrangements {
  federations: ReadonlyMap<string, FederationState>;
  agreements: ReadonlyMap<string, AgreementState>;
}

/**
 * When `basis` stops carrying `municipality`'s provision that started on `from`: the
 * municipality leaves, the federation is dissolved, the agreement's term ends, it is
 * terminated, or the federation providing under it is dissolved. Undefined: it does not end.
 */
export function basisEnd(basis: Basis, municipality: string, from: CalendarDate, known: KnownArrangements): BasisEnd | undefined {
  switch (basis.kind) {
    case 'in-house':
      return undefined;
    case 'federation':
    case 'joint-committee': {
      const federation = known.federations.get(basis.id);
      if (!federation) return undefined;
      const membership = federation.memberships.find((m) => m.municipality === municipality && m.from <= from && (m.until === undefined || from < m.until));
      if (!membership) return { on: from, reason: 'not-a-member' };
      const left: BasisEnd | undefined = membership.until ? { on: membership.until, reason: 'left', decidedOn: membership.leftDecidedOn } : undefined;
      const dissolved: BasisEnd | undefined = federation.dissolution ? { on: federation.dissolution.effectiveFrom, reason: 'dissolved', decidedOn: federation.dissolution.decidedOn } : undefined;
      return earliest(left, dissolved);
    }
    case 'agreement': {
      const agreement = known.agreements.get(basis.id);
      if (!agreement) return undefined;
      const ends = agreementEndsOn(agreement);
      let end: BasisEnd | undefined;
      if (ends !== undefined) {
        const terminated = agreement.termination !== undefined && agreement.termination.effectiveFrom === ends;
        end = terminated
          ? { on: ends, reason: 'terminated', decidedOn: agreement.termination?.decidedOn }
          : { on: ends, reason: 'expired', decidedOn: agreement.extensions.at(-1)?.decidedOn ?? agreement.decidedOn };
      }
      if (agreement.provider?.kind === 'federation') {
        const dissolution = known.federations.get(agreement.provider.id)?.dissolution;
        if (dissolution) end = earliest(end, { on: dissolution.effectiveFrom, reason: 'provider-dissolved', decidedOn: dissolution.decidedOn });
      }
      return end;
    }
  }
}

function earliest(a: BasisEnd | undefined, b: BasisEnd | undefined): BasisEnd | undefined {
  if (!a) return b;
  if (!b) return a;
  return minDate(a.on, b.on) === a.on ? a : b;
}

/**
 * Rules 1, 2 and 4 as a step function. The provision on day D is the transfer with the
 * latest `effectiveFrom` ≤ D (ties: the one recorded last); before any transfer it is
 * in-house; when a transfer's basis ends before the next transfer, the rest is a lapse to
 * in-house. The intervals cover every day exactly once.
 */
export function provisionTimeline(municipality: string, transfers: readonly TimelineTransfer[], known: KnownArrangements): ProvisionInterval[] {
  const winners = winnersByDate(transfers);
  if (winners.length === 0) return [{ basis: IN_HOUSE, lapsed: false }];
  const intervals: ProvisionInterval[] = [{ to: winners[0].effectiveFrom, basis: IN_HOUSE, lapsed: false }];
  winners.forEach((transfer, i) => {
    const from = transfer.effectiveFrom;
    const next = winners[i + 1]?.effectiveFrom;
    const base = { transfer };
    if (transfer.basis.kind === 'in-house') {
      intervals.push({ from, to: next, basis: IN_HOUSE, lapsed: false, ...base });
      return;
    }
    const end = basisEnd(transfer.basis, municipality, from, known);
    if (end === undefined || (next !== undefined && next <= end.on)) {
      intervals.push({ from, to: next, basis: transfer.basis, provider: transfer.provider, lapsed: false, ...base, ...(end && next === end.on ? { end } : {}) });
      return;
    }
    if (end.on > from) intervals.push({ from, to: end.on, basis: transfer.basis, provider: transfer.provider, lapsed: false, ...base, end });
    intervals.push({ from: end.on > from ? end.on : from, to: next, basis: IN_HOUSE, lapsed: true, ...base, end });
  });
  return intervals;
}

/** For each effective date, the transfer recorded last. Sorted by date. */
function winnersByDate(transfers: readonly TimelineTransfer[]): TimelineTransfer[] {
  const byDate = new Map<CalendarDate, TimelineTransfer>();
  for (const t of transfers) {
    const current = byDate.get(t.effectiveFrom);
    if (!current || t.order > current.order) byDate.set(t.effectiveFrom, t);
  }
  return [...byDate.values()].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
}

/**
 * The interval that holds on `date`. The timeline covers every day, so there is always one.
 * Its `from`s increase, so the last one starting on or before `date` is found by binary search.
 */
export function intervalOn(timeline: readonly ProvisionInterval[], date: CalendarDate): ProvisionInterval {
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const from = timeline[mid].from;
    if (from === undefined || from <= date) lo = mid + 1;
    else hi = mid;
  }
  return timeline[lo > 0 ? lo - 1 : 0];
}
