import {
  AgreementEvent,
  AgreementState,
  ARRANGEMENT_CATEGORIES,
  Basis,
  DomainError,
  FederationEvent,
  FederationState,
  ResolvedBases,
  agreementDecider,
  assertBasisCovers,
  federationDecider,
  fold,
  membersOn,
  missingCouncilDecisions,
  missingSignatures,
  openMembership,
  parseStream,
  signatories,
} from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';

/**
 * The register's rules recomputed naively from a log, not taken from the service: what the race
 * test (test/race*.e2e-spec.ts) and the crash checker (test/crash/checker.ts) judge a log by.
 */

const asFederationEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as unknown as FederationEvent;
const asAgreementEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as unknown as AgreementEvent;

/** Every arrangement stream folded as it stood just before `position` (or at the end of the log). */
export function arrangementsAt(log: readonly RecordedEvent[], position = Infinity): ResolvedBases {
  const federations = new Map<string, FederationEvent[]>();
  const agreements = new Map<string, AgreementEvent[]>();
  for (const e of log) {
    if (e.position >= position) break;
    if (e.stream.startsWith('federation-')) federations.set(e.stream.slice(11), [...(federations.get(e.stream.slice(11)) ?? []), asFederationEvent(e)]);
    if (e.stream.startsWith('agreement-')) agreements.set(e.stream.slice(10), [...(agreements.get(e.stream.slice(10)) ?? []), asAgreementEvent(e)]);
  }
  const resolved: ResolvedBases = { federations: {}, agreements: {} };
  for (const [id, events] of federations) resolved.federations[id] = fold(federationDecider, events);
  for (const [id, events] of agreements) resolved.agreements[id] = fold(agreementDecider, events);
  return resolved;
}

/** Rule 3 as the domain states it; undefined when the basis covers the transfer, else the refusal code. */
export function refusalOf(basis: Basis, municipality: string, area: string, date: string, bases: ResolvedBases): string | undefined {
  try {
    assertBasisCovers(basis, municipality, area, date, bases);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

export interface LoggedTransfer {
  transferId: string;
  municipality: string;
  serviceArea: string;
  basis: Basis;
  effectiveFrom: string;
  position: number;
}

type TransferData = Omit<LoggedTransfer, 'position'>;

/**
 * The transfers in the log, corrections applied (a withdrawn or replaced transfer no longer counts; a replacement does).
 * A correction may itself be corrected: of a transfer and everything that corrected it, the latest correction wins.
 */
export function transfersIn(log: readonly RecordedEvent[]): LoggedTransfer[] {
  const transfers = new Map<string, LoggedTransfer>();
  /** The first transfer of each one's line of corrections, and the one standing for each line. */
  const rootOf = new Map<string, string>();
  const standing = new Map<string, string>();
  for (const e of log) {
    if (e.type === 'ServiceTransferred') {
      const d = e.data as unknown as TransferData;
      transfers.set(d.transferId, { ...d, position: e.position });
      rootOf.set(d.transferId, d.transferId);
      standing.set(d.transferId, d.transferId);
    }
    if (e.type === 'CorrectionRecorded') {
      const d = e.data as { corrects: { transferId: string }; replacement?: TransferData };
      const root = rootOf.get(d.corrects.transferId) ?? d.corrects.transferId;
      const stands = standing.get(root);
      if (stands !== undefined) transfers.delete(stands);
      standing.delete(root);
      if (d.replacement) {
        transfers.set(d.replacement.transferId, { ...d.replacement, position: e.position });
        rootOf.set(d.replacement.transferId, root);
        standing.set(root, d.replacement.transferId);
      }
    }
  }
  return [...transfers.values()];
}

/**
 * Rules 1, 2 and 4 recomputed from the log: on `day`, the transfer with the latest effectiveFrom
 * ≤ day (ties: recorded last); in-house when there is none; lapsed to in-house when its basis no
 * longer covers the day (as the register knows it now).
 */
export function expectedProvision(transfers: readonly LoggedTransfer[], municipality: string, area: string, day: string, now: ResolvedBases): { basis: Basis; lapsed: boolean } {
  const applicable = transfers
    .filter((t) => t.municipality === municipality && t.serviceArea === area && t.effectiveFrom <= day)
    .sort((x, y) => (x.effectiveFrom === y.effectiveFrom ? x.position - y.position : x.effectiveFrom < y.effectiveFrom ? -1 : 1));
  const current = applicable[applicable.length - 1];
  if (!current) return { basis: { kind: 'in-house' }, lapsed: false };
  if (refusalOf(current.basis, municipality, area, day, now) !== undefined) return { basis: { kind: 'in-house' }, lapsed: true };
  return { basis: current.basis, lapsed: false };
}

/** What `ruleViolations` counted, so that a check that saw nothing is not mistaken for one that passed. */
export interface RuleFigures {
  transfers: number;
  arrangements: number;
  decisions: number;
}

const CREATED_BY: Record<string, string> = { federation: 'FederationFormed', agreement: 'AgreementProposed', study: 'StudyStarted' };

/**
 * Every rule a log can be judged by on its own, each at the point of the log where its event was
 * recorded (the decision's state is the fold of its stream before it, the bases are the other
 * streams as they stood then):
 * - rule 3: every transfer, a correction's replacement and a successor included, on a basis in force that covers it;
 * - rule 6: only parties sign, once each; only party municipalities' councils decide, once each; nothing is
 *   signed or decided after a rejection or a termination; an agreement is concluded once, by the decision
 *   that completed its signatures and approvals (and then always), and never after a rejection;
 * - rule 10: a federation never has fewer than two members on any day before its dissolution; a joint
 *   committee's host never leaves;
 * - once-only decisions: a federation is dissolved once, an agreement terminated once, rejected once; a
 *   member joins only when it is not a member and leaves only when it is;
 * - the shared id space: an id names one arrangement (one federation, agreement or study stream), which
 *   begins with its creation event and has it once.
 * Rules 5 and 9 (successors once, nothing doubled) are the crash checker's; rules 1, 2 and 4 are the
 * read models' (compared with `expectedProvision` by the race test, with a fresh replay by the crash test).
 */
export function ruleViolations(log: readonly RecordedEvent[]): { violations: string[]; figures: RuleFigures } {
  const violations: string[] = [];
  const bases: ResolvedBases = { federations: {}, agreements: {} };
  const owners = new Map<string, string[]>();
  const revisions = new Map<string, number>();
  /** Agreements whose last event completed every signature and approval: their next event must conclude them. */
  const mustConclude = new Set<string>();
  const figures: RuleFigures = { transfers: 0, arrangements: 0, decisions: 0 };
  const at = (e: RecordedEvent) => `${e.type} on ${e.stream}@${e.revision} (position ${e.position})`;

  for (const e of log) {
    const parsed = parseStream(e.stream);
    if (!parsed) continue;
    const { category, id } = parsed;
    const revision = (revisions.get(e.stream) ?? -1) + 1;
    revisions.set(e.stream, revision);

    if ((ARRANGEMENT_CATEGORIES as readonly string[]).includes(category)) {
      const created = CREATED_BY[category];
      if (revision === 0) {
        figures.arrangements++;
        const holders = [...(owners.get(id) ?? []), e.stream];
        owners.set(id, holders);
        if (holders.length > 1) violations.push(`id space: '${id}' names ${holders.join(' and ')}`);
        if (e.type !== created) violations.push(`id space: ${e.stream} begins with ${e.type}, not ${created}`);
      } else if (e.type === created) {
        violations.push(`id space: ${at(e)} creates an arrangement that exists`);
      }
    }

    if (category === 'municipality' && (e.type === 'ServiceTransferred' || e.type === 'CorrectionRecorded')) {
      const t = e.type === 'ServiceTransferred' ? (e.data as unknown as TransferData) : (e.data as { replacement?: TransferData }).replacement;
      if (t) {
        figures.transfers++;
        const refusal = refusalOf(t.basis, t.municipality, t.serviceArea, t.effectiveFrom, bases);
        if (refusal) violations.push(`rule 3: ${at(e)}: ${t.municipality}/${t.serviceArea} from ${t.effectiveFrom} on ${JSON.stringify(t.basis)} is refused as the log stood (${refusal})`);
      }
    }

    if (category === 'federation') {
      const before = bases.federations[id] ?? federationDecider.initialState;
      violations.push(...federationViolations(e, before, at(e)));
      const after = federationDecider.evolve(before, asFederationEvent(e));
      bases.federations[id] = after;
      if (e.type === 'MemberLeft' || e.type === 'FederationDissolved') figures.decisions++;
      if (after.status !== 'none') violations.push(...membershipViolations(after, at(e)));
    }

    if (category === 'agreement') {
      const before = bases.agreements[id] ?? agreementDecider.initialState;
      if (mustConclude.has(id) && e.type !== 'AgreementConcluded') violations.push(`rule 6: ${at(e)} follows the decision that completed '${id}', which was not concluded`);
      mustConclude.delete(id);
      violations.push(...agreementViolations(e, before, at(e)));
      const after = agreementDecider.evolve(before, asAgreementEvent(e));
      bases.agreements[id] = after;
      if (['AgreementSigned', 'CouncilDecisionRecorded', 'AgreementConcluded', 'AgreementRejected', 'AgreementTerminated'].includes(e.type)) figures.decisions++;
      if (after.status === 'proposed' && complete(after)) mustConclude.add(id);
    }
  }
  for (const id of mustConclude) violations.push(`rule 6: '${id}' has every signature and approval and was never concluded`);
  return { violations, figures };
}

function federationViolations(e: RecordedEvent, before: FederationState, at: string): string[] {
  const d = e.data as { municipality?: string; effectiveFrom?: string };
  switch (e.type) {
    case 'MemberJoined':
      if (before.status === 'none') return [`${at}: no such federation`];
      if (openMembership(before, d.municipality as string)) return [`once-only: ${at}: ${d.municipality} is already a member`];
      return before.dissolution && before.dissolution.effectiveFrom <= (d.effectiveFrom as string) ? [`once-only: ${at}: joins a federation dissolved from ${before.dissolution.effectiveFrom}`] : [];
    case 'MemberLeft':
      if (!openMembership(before, d.municipality as string)) return [`once-only: ${at}: ${d.municipality} is not a member to leave`];
      return before.form === 'joint-committee' && before.host === d.municipality ? [`rule 10: ${at}: the host leaves its joint committee`] : [];
    case 'FederationDissolved':
      return before.dissolution ? [`once-only: ${at}: dissolved again (already from ${before.dissolution.effectiveFrom})`] : before.status === 'none' ? [`${at}: no such federation`] : [];
    default:
      return [];
  }
}

/** Rule 10 on every day a membership ends before the dissolution (the only days the number of members falls). */
function membershipViolations(state: FederationState, at: string): string[] {
  const days = new Set([state.effectiveFrom, ...state.memberships.map((m) => m.until).filter((d): d is string => d !== undefined)]);
  const problems: string[] = [];
  for (const day of days) {
    if (state.dissolution && day >= state.dissolution.effectiveFrom) continue;
    const members = membersOn(state, day);
    if (members.length < 2) problems.push(`rule 10: after ${at}: '${state.id}' has ${members.length} member(s) on ${day}`);
    if (state.form === 'joint-committee' && state.host !== undefined && !members.includes(state.host)) problems.push(`rule 10: after ${at}: the host ${state.host} is not a member of '${state.id}' on ${day}`);
  }
  return problems;
}

/** Every signature and every required approval there, and no council rejected it (rule 6: then it is concluded). */
function complete(state: AgreementState): boolean {
  const rejected = state.councilApprovalRequired && state.councilDecisions.some((c) => c.outcome === 'rejected');
  return !rejected && missingSignatures(state).length === 0 && missingCouncilDecisions(state).length === 0;
}

function agreementViolations(e: RecordedEvent, before: AgreementState, at: string): string[] {
  const d = e.data as { party?: string; municipality?: string };
  const ended = before.status === 'rejected' || before.status === 'terminated' ? [`rule 6: ${at}: the agreement is ${before.status}`] : [];
  switch (e.type) {
    case 'AgreementSigned':
      if (!signatories(before).includes(d.party as string)) return [...ended, `rule 6: ${at}: ${d.party} is not a party`];
      return before.signatures.some((s) => s.party === d.party) ? [...ended, `rule 6: ${at}: ${d.party} signed again`] : ended;
    case 'CouncilDecisionRecorded':
      if (!before.parties.includes(d.municipality as string)) return [...ended, `rule 6: ${at}: ${d.municipality} is not a party municipality`];
      return before.councilDecisions.some((c) => c.municipality === d.municipality) ? [...ended, `rule 6: ${at}: the council of ${d.municipality} decided again`] : ended;
    case 'AgreementConcluded':
      if (before.status !== 'proposed') return [`rule 6: ${at}: concluded while ${before.status}`];
      return complete(before)
        ? []
        : [`rule 6: ${at}: concluded without ${[...missingSignatures(before).map((p) => `${p}'s signature`), ...missingCouncilDecisions(before).map((m) => `${m}'s approval`)].join(', ') || 'the approval of the council that rejected it'}`];
    case 'AgreementRejected':
      return before.status !== 'proposed' ? [`rule 6: ${at}: rejected while ${before.status}`] : [];
    case 'AgreementTerminated':
    case 'AgreementExtended':
      return ended;
    default:
      return [];
  }
}
