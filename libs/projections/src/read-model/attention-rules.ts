import { AgreementState, CalendarDate, FederationState, ProvisionInterval, StudyState, addDays, agreementInForceOn, federationInForceOn, lastEndedTerm, minDate, providerDissolution, regionCodeOfName, signatories } from '@samverkan/domain';
import type { ArrangementRecord, AttentionFacts, AttentionItem, AttentionKind, BasisView, LoggedEvent, PartyRef } from './types';

/** The attention list's horizon for agreements about to end. */
export const ENDING_HORIZON_DAYS = 180;

export const ATTENTION_ORDER: Record<AttentionKind, number> = {
  'awaiting-signature': 0,
  'awaiting-council-decision': 1,
  'agreement-ending': 2,
  'provision-lapsed': 3,
  'review-overdue': 4,
  'study-overdue': 5,
  'milestone-overdue': 6,
};

/**
 * The characters of every subject (kinds, ids, municipality codes, service-area slugs and the
 * `:` and `/` that join them). On strings of these alone, `localeCompare` orders as the UTF-16
 * code units do, when the collation of this process orders each of them by itself and does not
 * ignore punctuation: checked once, below, on every pair and on strings where an ignored
 * punctuation mark would show.
 */
const SUBJECT = /^[a-z0-9:/-]*$/;
const CODE_UNIT_ORDER_HOLDS = ((): boolean => {
  const chars = [...'-/0123456789:abcdefghijklmnopqrstuvwxyz'];
  const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
  const probes = ['a-b', 'ab', 'a-c', 'a/b', 'a/c', 'a:b', 'a:c', 'a', 'a1', 'a-', 'ab-', '0580/it', '0580/it-support', 'study:a/m1', 'study:a-b/m1', 'study:a1/m1'];
  for (const a of [...chars, ...probes]) {
    for (const b of [...chars, ...probes]) {
      if (sign(a.localeCompare(b)) !== (a < b ? -1 : a > b ? 1 : 0)) return false;
    }
  }
  return true;
})();

/** `a.localeCompare(b)` for two subjects, by code units where that is provably the same (see above). */
export function compareSubjects(a: string, b: string): number {
  if (CODE_UNIT_ORDER_HOLDS && SUBJECT.test(a) && SUBJECT.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

/** The attention list's order: by kind, then due day (ISO dates, or none first), then subject. */
export function compareAttention(a: AttentionItem, b: AttentionItem): number {
  const byKind = ATTENTION_ORDER[a.kind] - ATTENTION_ORDER[b.kind];
  if (byKind !== 0) return byKind;
  const dueA = a.due ?? '';
  const dueB = b.due ?? '';
  // Days are YYYY-MM-DD: their code units order them as the calendar does.
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  return compareSubjects(a.subject, b.subject);
}

/**
 * The items one arrangement contributes on `on`, from its state (and events) as known at the
 * moment asked about; `provider` is an agreement's providing federation as known then.
 */
export function arrangementAttention(
  record: ArrangementRecord,
  events: LoggedEvent[],
  federation: FederationState | undefined,
  agreement: AgreementState | undefined,
  study: StudyState | undefined,
  on: CalendarDate,
  provider?: FederationState,
): AttentionItem[] {
  switch (record.kind) {
    case 'agreement':
      return agreementAttention(agreement as AgreementState, events, on, provider);
    case 'federation':
      return reviewAttention(federation as FederationState, on);
    case 'study':
      return studyAttention(study as StudyState, on);
    default: {
      const unhandled: never = record.kind;
      return unhandled;
    }
  }
}

/**
 * Decision: a dissolved provider ends its agreements. The dissolution's `effectiveFrom` ends the
 * agreement like a termination of its own: before it, an agreement ending within the horizon is
 * "terminated from" that day (its provider dissolved); from it on, it is not listed as ending, and
 * needs no review.
 */
function agreementAttention(a: AgreementState, events: LoggedEvent[], on: CalendarDate, provider?: FederationState): AttentionItem[] {
  const items: AttentionItem[] = [];
  const proposedOn = a.decidedOn ?? events[0].recordedAt.slice(0, 10);
  const ended = (a.concludedOn !== undefined && a.concludedOn <= on) || (a.rejectedOn !== undefined && a.rejectedOn <= on) || (a.termination !== undefined && a.termination.effectiveFrom <= on);
  if (a.status !== 'none' && proposedOn <= on && !ended && a.status !== 'rejected' && a.status !== 'terminated') {
    const signed = new Set(a.signatures.filter((s) => s.signedOn <= on).map((s) => s.party));
    const missing = signatories(a).filter((p) => !signed.has(p));
    if (missing.length > 0) {
      const facts: AttentionFacts = { arrangement: { kind: 'agreement', id: a.id }, parties: missing.map((p) => partyRef(a, p)) };
      items.push({ kind: 'awaiting-signature', subject: `agreement:${a.id}`, detail: `'${a.title}' awaits signatures from ${missing.join(', ')}.`, due: a.validFrom, facts });
    }
    if (a.councilApprovalRequired) {
      const decided = new Set(a.councilDecisions.filter((d) => d.decidedOn <= on).map((d) => d.municipality));
      const pending = a.parties.filter((p) => !decided.has(p));
      if (pending.length > 0) {
        const facts: AttentionFacts = { arrangement: { kind: 'agreement', id: a.id }, municipalities: pending };
        items.push({ kind: 'awaiting-council-decision', subject: `agreement:${a.id}`, detail: `'${a.title}' awaits council decisions from ${pending.join(', ')}.`, due: a.validFrom, facts });
      }
    }
  }
  if (a.concludedOn !== undefined && a.concludedOn <= on) {
    const horizon = addDays(on, ENDING_HORIZON_DAYS);
    const endedBy = providerDissolution(a, provider);
    const terminatedFrom = minDate(a.termination?.effectiveFrom, endedBy?.effectiveFrom);
    const byDissolution = endedBy !== undefined && endedBy.effectiveFrom === terminatedFrom;
    const why = byDissolution ? ` (its provider ${endedBy.federation} is dissolved)` : '';
    const arrangement = { kind: 'agreement' as const, id: a.id };
    if (terminatedFrom !== undefined && terminatedFrom > on && terminatedFrom <= horizon) {
      const facts: AttentionFacts = { arrangement, ending: 'terminated', on: terminatedFrom, ...(byDissolution ? { provider: { kind: 'federation', id: endedBy.federation } } : {}) };
      items.push({ kind: 'agreement-ending', subject: `agreement:${a.id}`, detail: `'${a.title}' is terminated from ${terminatedFrom}${why}.`, due: addDays(terminatedFrom, -1), facts });
    } else if (terminatedFrom === undefined && a.validUntil !== undefined && a.validUntil >= on && a.validUntil <= horizon) {
      items.push({ kind: 'agreement-ending', subject: `agreement:${a.id}`, detail: `'${a.title}' ends on ${a.validUntil}.`, due: a.validUntil, facts: { arrangement, ending: 'expires', on: a.validUntil } });
    }
  }
  if (a.kind !== 'intent') items.push(...reviewAttention(a, on, provider));
  return items;
}

/**
 * Rule: every arrangement in force is reviewed once per term of office (aktualitetsprövning).
 * Decision: reviews are due per full term. The last ended term is due only when the arrangement
 * was in force on its first day (15 October after the election), as it stood that day (an
 * agreement concluded only later, even with an earlier `validFrom`, entered the term mid-way);
 * a term it entered mid-way is not due. It must still be in force on `on` (a dissolved, ended or
 * terminated arrangement needs no review), and a rejected agreement is never due.
 */
function reviewAttention(state: FederationState | AgreementState, on: CalendarDate, provider?: FederationState): AttentionItem[] {
  if (!('memberships' in state) && state.status === 'rejected') return [];
  const term = lastEndedTerm(on);
  const dissolvedFrom = 'memberships' in state ? undefined : providerDissolution(state, provider)?.effectiveFrom;
  const inForceAt = (date: CalendarDate): boolean =>
    'memberships' in state ? federationInForceOn(state, date) : agreementInForceOn(state, date, date) && (dissolvedFrom === undefined || date < dissolvedFrom);
  if (!inForceAt(term.start) || !inForceAt(on)) return [];
  if (state.reviews.some((r) => r.reviewedOn >= term.start && r.reviewedOn <= term.end)) return [];
  const title = 'memberships' in state ? state.name : state.title;
  const kind = 'memberships' in state ? state.form : 'agreement';
  const facts: AttentionFacts = { arrangement: { kind, id: state.id }, term: { start: term.start, end: term.end } };
  return [{ kind: 'review-overdue', subject: `${kind}:${state.id}`, detail: `'${title}' was not reviewed during the term of office ${term.start} to ${term.end}.`, due: term.end, facts }];
}

function studyAttention(study: StudyState, on: CalendarDate): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (study.status === 'none' || study.startedOn > on) return items;
  const concluded = study.conclusion !== undefined && study.conclusion.concludedOn <= on;
  if (!concluded && study.plannedEnd < on) {
    const facts: AttentionFacts = { arrangement: { kind: 'study', id: study.id }, on: study.plannedEnd };
    items.push({ kind: 'study-overdue', subject: `study:${study.id}`, detail: `'${study.title}' was planned to end ${study.plannedEnd} and has no conclusion.`, due: study.plannedEnd, facts });
  }
  for (const m of study.milestones) {
    if (m.due < on && (m.reachedOn === undefined || m.reachedOn > on)) {
      const facts: AttentionFacts = { arrangement: { kind: 'study', id: study.id }, milestone: { id: m.milestoneId, title: m.title }, on: m.due };
      items.push({ kind: 'milestone-overdue', subject: `study:${study.id}/${m.milestoneId}`, detail: `Milestone '${m.title}' of '${study.title}' was due ${m.due} and is not reached.`, due: m.due, facts });
    }
  }
  return items;
}

/** A signatory as `signatories` names it (a code, the providing federation's id, or a name), as a reader may name it. */
function partyRef(a: AgreementState, party: string): PartyRef {
  if (/^\d{4}$/.test(party)) return { kind: 'municipality', code: party };
  if (a.provider?.kind === 'federation' && a.provider.id === party) return { kind: 'federation', id: party };
  if (/^\d{2}$/.test(party)) {
    const name = a.otherParties.find((n) => regionCodeOfName(n) === party);
    return name === undefined ? { kind: 'region', code: party } : { kind: 'region', code: party, name };
  }
  return { kind: 'other', name: party };
}

/** A lapsed provision's facts: whose, which area, from when, and which basis ended why (what `describeEnd` says in words). */
export function lapseFacts(code: string, area: string, interval: ProvisionInterval): AttentionFacts {
  const basis = interval.transfer?.basis;
  const named: BasisView | undefined = basis && basis.kind !== 'in-house' ? { kind: basis.kind, id: basis.id } : undefined;
  const reason = interval.end?.reason;
  return { municipality: code, serviceArea: area, ...(interval.from ? { on: interval.from } : {}), ...(named ? { basis: named } : {}), ...(reason ? { reason } : {}) };
}

/** Why a lapsed provision's basis ended, in words. */
export function describeEnd(interval: ProvisionInterval): string {
  const basis = interval.transfer?.basis;
  const name = basis && basis.kind !== 'in-house' ? `${basis.kind} ${basis.id}` : 'its basis';
  switch (interval.end?.reason) {
    case 'dissolved':
      return `${name} was dissolved`;
    case 'left':
      return `the municipality left ${name}`;
    case 'terminated':
      return `${name} was terminated`;
    case 'expired':
      return `the term of ${name} ended`;
    case 'provider-dissolved':
      return `the federation providing under ${name} was dissolved`;
    case 'not-a-member':
      return `the municipality was not a member of ${name}`;
    default:
      return `${name} ended`;
  }
}
