/**
 * A naive reference model of the register, for the property tests. It reads the recorded events
 * directly and answers the questions of rules 1–6 and 10 the slowest, plainest way it can:
 * memberships as lists of day ranges, "in force" as a predicate tested on every day that could
 * matter, the provision on a day by scanning every transfer. It uses none of the deciders, folds,
 * coverage or timeline functions it is compared with (only their types), so a shared mistake
 * cannot hide.
 */
import type { SamverkanEvent } from '../../events';
import type { Basis, ProviderRef } from '../../shared/provider-basis';
import { isRealDate, nextDay, previousDay } from './naive-dates';

export { isRealDate, nextDay, previousDay } from './naive-dates';

/** An event of the register with its data as a plain object type, the way it reads back from the log's JSON. */
type AsRecorded<E> = E extends { type: infer T; data: infer D } ? { type: T; data: { [K in keyof D]: D[K] } } : never;

/** One recorded event as the model sees the log: one of the register's events, and where and when it was recorded. */
export type LoggedEvent = AsRecorded<SamverkanEvent> & {
  /** Strictly increasing in recording order. */
  position: number;
  stream: string;
  revision: number;
  id: string;
  /** ISO instant; increases with position. */
  recordedAt: string;
};

// ------------------------------------------------------------------------------------------------
// Arrangements, read from their events

export interface NaiveFederation {
  id: string;
  form: 'federation' | 'joint-committee';
  host?: string;
  areas: string[];
  formedFrom: string;
  dissolvedFrom?: string;
  /** Day ranges [from, until) of membership, in recording order. */
  memberships: { municipality: string; from: string; until?: string }[];
}

export interface NaiveAgreement {
  id: string;
  kind: string;
  parties: string[];
  otherParties: string[];
  provider?: ProviderRef;
  buyers: string[];
  areas: string[];
  validFrom: string;
  validUntil?: string;
  approvalRequired: boolean;
  signed: string[];
  decided: { municipality: string; outcome: string }[];
  concluded: boolean;
  rejected: boolean;
  terminatedFrom?: string;
}

export function federationOf(log: readonly LoggedEvent[], id: string): NaiveFederation | undefined {
  let federation: NaiveFederation | undefined;
  for (const e of log) {
    if (e.stream !== `federation-${id}`) continue;
    const { type, data: d } = e;
    if (type === 'FederationFormed') {
      federation = { id, form: d.form, host: d.host, areas: [...d.serviceAreas], formedFrom: d.effectiveFrom, memberships: d.members.map((m: string) => ({ municipality: m, from: d.effectiveFrom })) };
    } else if (federation && type === 'MemberJoined') {
      federation.memberships.push({ municipality: d.municipality, from: d.effectiveFrom });
    } else if (federation && type === 'MemberLeft') {
      const open = federation.memberships.find((m) => m.municipality === d.municipality && m.until === undefined);
      if (open) open.until = d.effectiveFrom;
    } else if (federation && type === 'FederationDissolved') {
      federation.dissolvedFrom = d.effectiveFrom;
    }
  }
  return federation;
}

export function agreementOf(log: readonly LoggedEvent[], id: string): NaiveAgreement | undefined {
  let agreement: NaiveAgreement | undefined;
  for (const e of log) {
    if (e.stream !== `agreement-${id}`) continue;
    const { type, data: d } = e;
    if (type === 'AgreementProposed') {
      agreement = {
        id,
        kind: d.kind,
        parties: [...d.parties],
        otherParties: [...d.otherParties],
        provider: d.provider,
        buyers: [...d.buyers],
        areas: [...d.serviceAreas],
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        approvalRequired: d.councilApprovalRequired,
        signed: [],
        decided: [],
        concluded: false,
        rejected: false,
      };
    } else if (!agreement) {
      continue;
    } else if (type === 'AgreementSigned') agreement.signed.push(d.party);
    else if (type === 'CouncilDecisionRecorded') agreement.decided.push({ municipality: d.municipality, outcome: d.outcome });
    else if (type === 'AgreementConcluded') agreement.concluded = true;
    else if (type === 'AgreementRejected') agreement.rejected = true;
    else if (type === 'AgreementExtended') agreement.validUntil = d.validUntil;
    else if (type === 'AgreementTerminated') agreement.terminatedFrom = d.effectiveFrom;
  }
  return agreement;
}

/** Who must sign (rule 6): the party municipalities, the other parties, and a providing federation or region. */
export function naiveSignatories(a: Pick<NaiveAgreement, 'parties' | 'otherParties' | 'provider'>): string[] {
  const all = new Set([...a.parties, ...a.otherParties]);
  if (a.provider?.kind === 'federation') all.add(a.provider.id);
  if (a.provider?.kind === 'region') all.add(a.provider.code);
  return [...all];
}

export function memberOn(f: NaiveFederation, municipality: string, day: string): boolean {
  return f.memberships.some((m) => m.municipality === municipality && m.from <= day && (m.until === undefined || day < m.until));
}

export function membersOn(f: NaiveFederation, day: string): string[] {
  return [...new Set(f.memberships.filter((m) => m.from <= day && (m.until === undefined || day < m.until)).map((m) => m.municipality))];
}

function dissolvedBy(log: readonly LoggedEvent[], federationId: string, day: string): boolean {
  const dissolved = federationOf(log, federationId)?.dissolvedFrom;
  return dissolved !== undefined && dissolved <= day;
}

// ------------------------------------------------------------------------------------------------
// Rule 3: is a basis in force on a day, and does it cover this municipality and area?

export function naiveCovers(log: readonly LoggedEvent[], basis: Basis, municipality: string, area: string, day: string): boolean {
  switch (basis.kind) {
    case 'in-house':
      return true;
    case 'federation':
    case 'joint-committee': {
      const f = federationOf(log, basis.id);
      if (!f || f.form !== basis.kind) return false;
      if (day < f.formedFrom || (f.dissolvedFrom !== undefined && f.dissolvedFrom <= day)) return false;
      return memberOn(f, municipality, day) && f.areas.includes(area);
    }
    case 'agreement': {
      const a = agreementOf(log, basis.id);
      if (!a || a.kind !== 'service' || !a.concluded || a.rejected) return false;
      if (day < a.validFrom || (a.validUntil !== undefined && a.validUntil < day)) return false;
      if (a.terminatedFrom !== undefined && a.terminatedFrom <= day) return false;
      if (!a.buyers.includes(municipality) || !a.areas.includes(area)) return false;
      return !(a.provider?.kind === 'federation' && dissolvedBy(log, a.provider.id, day));
    }
  }
}

/** The provider a basis implies for a municipality: itself, the federation, a joint committee's host, the agreement's provider. */
export function naiveProvider(log: readonly LoggedEvent[], basis: Basis, municipality: string): ProviderRef | undefined {
  switch (basis.kind) {
    case 'in-house':
      return { kind: 'municipality', code: municipality };
    case 'federation':
      return { kind: 'federation', id: basis.id };
    case 'joint-committee': {
      const host = federationOf(log, basis.id)?.host;
      return host === undefined ? undefined : { kind: 'municipality', code: host };
    }
    case 'agreement':
      return agreementOf(log, basis.id)?.provider;
  }
}

// ------------------------------------------------------------------------------------------------
// Rules 1, 2 and 4: the provision on a day

export interface NaiveTransfer {
  transferId: string;
  position: number;
  recordedAt: string;
  basis: Basis;
  provider: ProviderRef;
  effectiveFrom: string;
  decidedOn: string;
}

/**
 * The transfers of a municipality and area that stand: recorded, and not withdrawn or replaced by a
 * correction. A correction may itself be corrected (decision "corrections stay visible in the
 * history"): of a transfer and everything that corrected it, the latest recorded correction wins,
 * so only its replacement (if any) stands.
 */
export function standingTransfers(log: readonly LoggedEvent[], municipality: string, area: string): NaiveTransfer[] {
  const all: NaiveTransfer[] = [];
  /** The first transfer of each one's line of corrections, and the one that stands in each line. */
  const rootOf = new Map<string, string>();
  const standing = new Map<string, string | undefined>();
  for (const e of log) {
    if (e.stream !== `municipality-${municipality}`) continue;
    const facts = e.type === 'ServiceTransferred' ? e.data : e.type === 'CorrectionRecorded' ? e.data.replacement : undefined;
    if (e.type === 'ServiceTransferred') {
      rootOf.set(e.data.transferId, e.data.transferId);
      standing.set(e.data.transferId, e.data.transferId);
    }
    if (e.type === 'CorrectionRecorded') {
      const root = rootOf.get(e.data.corrects.transferId) ?? e.data.corrects.transferId;
      standing.set(root, e.data.replacement?.transferId);
      if (e.data.replacement) rootOf.set(e.data.replacement.transferId, root);
    }
    if (facts && facts.serviceArea === area) {
      all.push({ transferId: facts.transferId, position: e.position, recordedAt: e.recordedAt, basis: facts.basis, provider: facts.provider, effectiveFrom: facts.effectiveFrom, decidedOn: facts.decidedOn });
    }
  }
  const stands = new Set([...standing.values()]);
  return all.filter((t) => stands.has(t.transferId));
}

/**
 * The days on which the basis of a provision that took effect on `from` carries it: a federation
 * while the membership the municipality held on `from` lasts (leaving ends it, even if the
 * municipality joins again later: a new membership needs a new transfer) and until it is
 * dissolved; an agreement within its term, until terminated, and while its providing federation
 * exists. An arrangement the log does not (yet) know ends nothing.
 */
function carrier(log: readonly LoggedEvent[], basis: Basis, municipality: string, from: string): (day: string) => boolean {
  switch (basis.kind) {
    case 'in-house':
      return () => true;
    case 'federation':
    case 'joint-committee': {
      const f = federationOf(log, basis.id);
      if (!f) return () => true;
      const held = f.memberships.find((m) => m.municipality === municipality && m.from <= from && (m.until === undefined || from < m.until));
      return (day) => held !== undefined && (held.until === undefined || day < held.until) && !(f.dissolvedFrom !== undefined && f.dissolvedFrom <= day);
    }
    case 'agreement': {
      const a = agreementOf(log, basis.id);
      if (!a) return () => true;
      const providerDissolved = a.provider?.kind === 'federation' ? federationOf(log, a.provider.id)?.dissolvedFrom : undefined;
      return (day) =>
        !(a.validUntil !== undefined && a.validUntil < day) && !(a.terminatedFrom !== undefined && a.terminatedFrom <= day) && !(providerDissolved !== undefined && providerDissolved <= day);
    }
  }
}

export interface NaiveProvision {
  basis: Basis;
  provider: ProviderRef;
  /** First day; undefined when nothing was ever recorded before it. */
  since?: string;
  /** Last day; undefined when open-ended. */
  until?: string;
  lapsed: boolean;
}

/** Every date in the log, and the day after each: the only days on which an answer can change. */
export function interestingDays(log: readonly LoggedEvent[]): string[] {
  const days = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string' && isRealDate(value)) {
      days.add(value);
      days.add(nextDay(value));
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  for (const e of log) visit(e.data);
  return [...days].sort();
}

/**
 * The provision of one municipality and area, as a function of the day. Rule 2: the transfer with
 * the latest effectiveFrom on or before the day (ties: recorded last); none: in-house (rule 1).
 * Rule 4: if its basis stopped carrying it on some day between its effectiveFrom and the day, it
 * has lapsed to in-house from the first such day, until the next transfer.
 */
export function naiveCell(log: readonly LoggedEvent[], municipality: string, area: string, days: readonly string[] = interestingDays(log)): (day: string) => NaiveProvision {
  const transfers = standingTransfers(log, municipality, area);
  const carriers = new Map<NaiveTransfer, (day: string) => boolean>();
  const inHouse: ProviderRef = { kind: 'municipality', code: municipality };
  return (day) => {
    let winner: NaiveTransfer | undefined;
    for (const t of transfers) {
      if (t.effectiveFrom > day) continue;
      if (!winner || t.effectiveFrom > winner.effectiveFrom || (t.effectiveFrom === winner.effectiveFrom && t.position > winner.position)) winner = t;
    }
    const nextTransfer = transfers.filter((t) => t.effectiveFrom > day).map((t) => t.effectiveFrom).sort()[0];
    const untilNext = nextTransfer === undefined ? undefined : previousDay(nextTransfer);
    if (!winner) return { basis: { kind: 'in-house' }, provider: inHouse, lapsed: false, until: untilNext };
    if (winner.basis.kind === 'in-house') return { basis: { kind: 'in-house' }, provider: inHouse, since: winner.effectiveFrom, lapsed: false, until: untilNext };

    const from = winner.effectiveFrom;
    let carries = carriers.get(winner);
    if (!carries) carriers.set(winner, (carries = carrier(log, winner.basis, municipality, from)));
    const candidates = [from, day, ...days.filter((d) => d > from)].sort();
    const firstEnd = candidates.find((d) => !carries(d));
    if (firstEnd !== undefined && firstEnd <= day) return { basis: { kind: 'in-house' }, provider: inHouse, since: firstEnd, lapsed: true, until: untilNext };
    const ends = [firstEnd, nextTransfer].filter((d): d is string => d !== undefined).sort()[0];
    return { basis: winner.basis, provider: winner.provider, since: from, lapsed: false, until: ends === undefined ? undefined : previousDay(ends) };
  };
}

export function naiveProvision(log: readonly LoggedEvent[], municipality: string, area: string, day: string): NaiveProvision {
  return naiveCell(log, municipality, area)(day);
}

export function basisKeyOf(basis: Basis): string {
  return basis.kind === 'in-house' ? 'in-house' : `${basis.kind}:${basis.id}`;
}

export function providerKeyOf(provider: ProviderRef | undefined): string {
  if (!provider) return '(none)';
  return provider.kind === 'federation' ? `federation:${provider.id}` : `${provider.kind}:${provider.code}`;
}
