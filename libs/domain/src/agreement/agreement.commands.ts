import { CalendarDate } from '../shared/calendar-date';
import { CatalogFacts, CreateFacts } from '../shared/facts';
import { Successor } from '../shared/provider-basis';
import { RecordReview } from '../federation/federation.commands';
import { ResolvedBases } from '../provisions/coverage';
import { AgreementTerms, CouncilOutcome } from './agreement.events';

export type ProposeAgreement = { type: 'ProposeAgreement' } & AgreementTerms & CreateFacts;

export type SignAgreement = { type: 'SignAgreement'; party: string; signedOn: CalendarDate };

export type RecordCouncilDecision = { type: 'RecordCouncilDecision'; municipality: string; decidedOn: CalendarDate; outcome: CouncilOutcome; reference?: string } & CatalogFacts;

export type ExtendAgreement = { type: 'ExtendAgreement'; validUntil: CalendarDate; decidedOn: CalendarDate };

export type TerminateAgreement = {
  type: 'TerminateAgreement';
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  reason: string;
  successors: Successor[];
  successorBases: ResolvedBases;
} & CatalogFacts;

export type AgreementCommand = ProposeAgreement | SignAgreement | RecordCouncilDecision | ExtendAgreement | TerminateAgreement | RecordReview;
