import { CalendarDate } from '../shared/calendar-date';
import { CatalogFacts, CreateFacts } from '../shared/facts';
import { Successor } from '../shared/provider-basis';
import { RecordReview } from '../federation/federation.commands';
import { ResolvedBases } from '../provisions/coverage';
import { AgreementTerms, CouncilOutcome } from './agreement.events';

/**
 * `municipalitiesNamed`: the entries of `otherParties` that name a municipality, each with its code, as
 * the caller found them in the catalog's names (a party is one party: the decider refuses them).
 */
export type ProposeAgreement = { type: 'ProposeAgreement' } & AgreementTerms & CreateFacts & { municipalitiesNamed?: readonly NamedMunicipality[] };

/** An entry of `otherParties` that is the name of a municipality, and the municipality's code. */
export interface NamedMunicipality {
  name: string;
  code: string;
}

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
