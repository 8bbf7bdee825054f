import { CalendarDate } from '../shared/calendar-date';
import { DomainEvent } from '../shared/decider';
import { Successor } from '../shared/provider-basis';

export type FederationForm = 'federation' | 'joint-committee';

/** What a federation or joint committee is, as formed: the command forms it, the event records it. */
export interface FederationCharter {
  id: string;
  name: string;
  form: FederationForm;
  /** The host municipality of a joint committee (its legal provider). */
  host?: string;
  members: string[];
  serviceAreas: string[];
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
}

export type FederationFormed = DomainEvent<'FederationFormed', FederationCharter>;

export type MemberJoined = DomainEvent<'MemberJoined', { id: string; municipality: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate }>;

export type MemberLeft = DomainEvent<
  'MemberLeft',
  { id: string; municipality: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate; successors: Successor[] }
>;

export type FederationDissolved = DomainEvent<
  'FederationDissolved',
  { id: string; decidedOn: CalendarDate; effectiveFrom: CalendarDate; successors: Successor[] }
>;

export type ReviewOutcome = 'continue' | 'revise' | 'end';

/** A review (aktualitetsprövning) of a federation, joint committee or agreement. Shared by both streams. */
export type ReviewRecorded = DomainEvent<'ReviewRecorded', { id: string; reviewedOn: CalendarDate; outcome: ReviewOutcome; note?: string }>;

export type FederationEvent = FederationFormed | MemberJoined | MemberLeft | FederationDissolved | ReviewRecorded;
