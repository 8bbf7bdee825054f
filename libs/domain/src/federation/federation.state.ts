import { CalendarDate } from '../shared/calendar-date';
import { Successor } from '../shared/provider-basis';
import { FederationForm, ReviewOutcome } from './federation.events';

export interface Membership {
  municipality: string;
  from: CalendarDate;
  /** Exclusive: the day the departure takes effect. */
  until?: CalendarDate;
  /** When the departure was decided. */
  leftDecidedOn?: CalendarDate;
}

export interface Review {
  reviewedOn: CalendarDate;
  outcome: ReviewOutcome;
  note?: string;
}

export interface FederationState {
  status: 'none' | 'active' | 'dissolved';
  id: string;
  name: string;
  form: FederationForm;
  host?: string;
  serviceAreas: string[];
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  memberships: Membership[];
  dissolution?: { decidedOn: CalendarDate; effectiveFrom: CalendarDate; successors: Successor[] };
  reviews: Review[];
}

export const initialFederationState: FederationState = {
  status: 'none',
  id: '',
  name: '',
  form: 'federation',
  serviceAreas: [],
  decidedOn: '',
  effectiveFrom: '',
  memberships: [],
  reviews: [],
};

export function isMemberOn(state: FederationState, municipality: string, date: CalendarDate): boolean {
  return state.memberships.some((m) => m.municipality === municipality && m.from <= date && (m.until === undefined || date < m.until));
}

/** Members on a date (the last day before a departure still counts). */
export function membersOn(state: FederationState, date: CalendarDate): string[] {
  const members = state.memberships.filter((m) => m.from <= date && (m.until === undefined || date < m.until)).map((m) => m.municipality);
  return [...new Set(members)];
}

/** The membership that is open (no departure recorded), if any. */
export function openMembership(state: FederationState, municipality: string): Membership | undefined {
  return state.memberships.find((m) => m.municipality === municipality && m.until === undefined);
}

/** Formed and not yet dissolved on `date`. */
export function federationInForceOn(state: FederationState, date: CalendarDate): boolean {
  return state.status !== 'none' && state.effectiveFrom <= date && (state.dissolution === undefined || date < state.dissolution.effectiveFrom);
}
