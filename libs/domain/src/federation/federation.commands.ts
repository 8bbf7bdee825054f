import { CalendarDate } from '../shared/calendar-date';
import { Successor } from '../shared/provider-basis';
import { ReviewOutcome, FederationForm } from './federation.events';
import { ResolvedBases } from '../provisions/coverage';

export type FormFederation = {
  type: 'FormFederation';
  id: string;
  name: string;
  form: FederationForm;
  host?: string;
  members: string[];
  serviceAreas: string[];
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
};

export type JoinFederation = { type: 'JoinFederation'; municipality: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate };

export type LeaveFederation = {
  type: 'LeaveFederation';
  municipality: string;
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  successors: Successor[];
  /** The current state of every other basis a successor names, loaded by the caller. */
  successorBases: ResolvedBases;
};

export type DissolveFederation = {
  type: 'DissolveFederation';
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  successors: Successor[];
  successorBases: ResolvedBases;
};

export type RecordReview = { type: 'RecordReview'; reviewedOn: CalendarDate; outcome: ReviewOutcome; note?: string };

export type FederationCommand = FormFederation | JoinFederation | LeaveFederation | DissolveFederation | RecordReview;
