import { addDays, CalendarDate, minDate } from '../shared/calendar-date';
import { regionCodeOfName } from '../shared/parties';
import { Successor } from '../shared/provider-basis';
import { Review } from '../federation/federation.state';
import { AgreementTerms, CouncilOutcome } from './agreement.events';

export interface AgreementState extends AgreementTerms {
  status: 'none' | 'proposed' | 'concluded' | 'rejected' | 'terminated';
  signatures: { party: string; signedOn: CalendarDate }[];
  councilDecisions: { municipality: string; decidedOn: CalendarDate; outcome: CouncilOutcome; reference?: string }[];
  concludedOn?: CalendarDate;
  rejectedOn?: CalendarDate;
  extensions: { validUntil: CalendarDate; decidedOn: CalendarDate }[];
  termination?: { decidedOn: CalendarDate; effectiveFrom: CalendarDate; reason: string; successors: Successor[] };
  reviews: Review[];
}

export const initialAgreementState: AgreementState = {
  status: 'none',
  id: '',
  kind: 'service',
  title: '',
  parties: [],
  otherParties: [],
  buyers: [],
  serviceAreas: [],
  validFrom: '',
  councilApprovalRequired: false,
  signatures: [],
  councilDecisions: [],
  extensions: [],
  reviews: [],
};

/**
 * Who must sign: every party municipality, every other party, and the provider when it is
 * not a municipality (a federation or region is a party to what it provides under). Only these sign (rule 6).
 * A party is one party: a region signs by its county code, also when `otherParties` names it (as the
 * register accepted before that decision, even besides the same region as provider: it signs once, by its code).
 */
export function signatories(state: Pick<AgreementState, 'parties' | 'otherParties' | 'provider'>): string[] {
  const all = [...state.parties, ...state.otherParties.map((name) => regionCodeOfName(name) ?? name)];
  if (state.provider?.kind === 'federation') all.push(state.provider.id);
  if (state.provider?.kind === 'region') all.push(state.provider.code);
  return [...new Set(all)];
}

export function missingSignatures(state: AgreementState): string[] {
  const signed = new Set(state.signatures.map((s) => s.party));
  return signatories(state).filter((p) => !signed.has(p));
}

export function missingCouncilDecisions(state: AgreementState): string[] {
  if (!state.councilApprovalRequired) return [];
  const decided = new Set(state.councilDecisions.map((d) => d.municipality));
  return state.parties.filter((p) => !decided.has(p));
}

/** The day the agreement stops being in force (exclusive): the day after its term, or its termination. Undefined when open-ended. */
export function agreementEndsOn(state: AgreementState): CalendarDate | undefined {
  const afterTerm = state.validUntil === undefined ? undefined : addDays(state.validUntil, 1);
  return minDate(afterTerm, state.termination?.effectiveFrom);
}

/**
 * Concluded, not terminated, and `date` within its term. With `concludedBy`, only a conclusion on
 * or before that day counts (in force on `date` as it stood then, e.g. for the review duty).
 */
export function agreementInForceOn(state: AgreementState, date: CalendarDate, concludedBy?: CalendarDate): boolean {
  if (state.concludedOn === undefined || state.status === 'rejected') return false;
  if (concludedBy !== undefined && state.concludedOn > concludedBy) return false;
  if (date < state.validFrom) return false;
  if (state.validUntil !== undefined && date > state.validUntil) return false;
  if (state.termination !== undefined && date >= state.termination.effectiveFrom) return false;
  return true;
}
