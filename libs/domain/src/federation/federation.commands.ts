import { CalendarDate } from '../shared/calendar-date';
import { CatalogFacts, CreateFacts } from '../shared/facts';
import { Successor } from '../shared/provider-basis';
import { FederationCharter, ReviewOutcome } from './federation.events';
import { ResolvedBases } from '../provisions/coverage';

export type FormFederation = { type: 'FormFederation' } & FederationCharter & CreateFacts;

export type JoinFederation = { type: 'JoinFederation'; municipality: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate } & CatalogFacts;

export type LeaveFederation = {
  type: 'LeaveFederation';
  municipality: string;
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  successors: Successor[];
  /** The current state of every other basis a successor names, loaded by the caller. */
  successorBases: ResolvedBases;
} & CatalogFacts;

export type DissolveFederation = { type: 'DissolveFederation'; decidedOn: CalendarDate; effectiveFrom: CalendarDate; successors: Successor[]; successorBases: ResolvedBases } & CatalogFacts;

export type RecordReview = { type: 'RecordReview'; reviewedOn: CalendarDate; outcome: ReviewOutcome; note?: string };

export type FederationCommand = FormFederation | JoinFederation | LeaveFederation | DissolveFederation | RecordReview;
