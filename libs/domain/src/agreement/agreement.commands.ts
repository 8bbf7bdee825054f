import { CalendarDate } from '../shared/calendar-date';
import { ProviderRef, Successor } from '../shared/provider-basis';
import { RecordReview } from '../federation/federation.commands';
import { ResolvedBases } from '../provisions/coverage';
import { AgreementKind, CouncilOutcome } from './agreement.events';

export type ProposeAgreement = {
  type: 'ProposeAgreement';
  id: string;
  kind: AgreementKind;
  title: string;
  parties: string[];
  otherParties: string[];
  provider?: ProviderRef;
  buyers: string[];
  serviceAreas: string[];
  validFrom: CalendarDate;
  validUntil?: CalendarDate;
  councilApprovalRequired: boolean;
  decidedOn?: CalendarDate;
};

export type SignAgreement = { type: 'SignAgreement'; party: string; signedOn: CalendarDate };

export type RecordCouncilDecision = {
  type: 'RecordCouncilDecision';
  municipality: string;
  decidedOn: CalendarDate;
  outcome: CouncilOutcome;
  reference?: string;
};

export type ExtendAgreement = { type: 'ExtendAgreement'; validUntil: CalendarDate; decidedOn: CalendarDate };

export type TerminateAgreement = {
  type: 'TerminateAgreement';
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  reason: string;
  successors: Successor[];
  successorBases: ResolvedBases;
};

export type AgreementCommand = ProposeAgreement | SignAgreement | RecordCouncilDecision | ExtendAgreement | TerminateAgreement | RecordReview;
