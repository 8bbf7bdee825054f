import { CalendarDate } from '../shared/calendar-date';
import { DomainEvent } from '../shared/decider';
import { ProviderRef, Successor } from '../shared/provider-basis';

export type AgreementKind = 'service' | 'intent' | 'cooperation';
export type CouncilOutcome = 'approved' | 'rejected';

/** What an agreement is, as proposed: the command proposes it, the event records it, the state starts from it. */
export interface AgreementTerms {
  id: string;
  kind: AgreementKind;
  title: string;
  /** Party municipalities (SCB codes). */
  parties: string[];
  /**
   * Parties without a code (a state agency, a company, an association), by name; each signs by it. A region
   * named here signs by its county code (`signatories`); since "a party is one party", a municipality and the
   * providing region are never named here (events recorded before may name the providing region: it signs once).
   */
  otherParties: string[];
  provider?: ProviderRef;
  buyers: string[];
  serviceAreas: string[];
  validFrom: CalendarDate;
  validUntil?: CalendarDate;
  councilApprovalRequired: boolean;
  decidedOn?: CalendarDate;
}

export type AgreementProposed = DomainEvent<'AgreementProposed', AgreementTerms>;

export type AgreementSigned = DomainEvent<'AgreementSigned', { id: string; party: string; signedOn: CalendarDate }>;

export type CouncilDecisionRecorded = DomainEvent<
  'CouncilDecisionRecorded',
  { id: string; municipality: string; decidedOn: CalendarDate; outcome: CouncilOutcome; reference?: string }
>;

/** Emitted with the last signature or approval that completes the agreement (rule 6). */
export type AgreementConcluded = DomainEvent<'AgreementConcluded', { id: string; concludedOn: CalendarDate }>;

/** Emitted with the council decision that rejects the agreement: it is never concluded (rule 6). */
export type AgreementRejected = DomainEvent<'AgreementRejected', { id: string; rejectedOn: CalendarDate; municipality: string }>;

export type AgreementExtended = DomainEvent<'AgreementExtended', { id: string; validUntil: CalendarDate; previousValidUntil?: CalendarDate; decidedOn: CalendarDate }>;

export type AgreementTerminated = DomainEvent<
  'AgreementTerminated',
  { id: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate; reason: string; successors: Successor[] }
>;

export type AgreementEvent =
  | AgreementProposed
  | AgreementSigned
  | CouncilDecisionRecorded
  | AgreementConcluded
  | AgreementRejected
  | AgreementExtended
  | AgreementTerminated
  | import('../federation/federation.events').ReviewRecorded;
