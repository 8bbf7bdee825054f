import { CalendarDate, addDays, minDate } from '../shared/calendar-date';
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

/**
 * Decision: end dates are inclusive last days, everywhere. A membership's last day: the day
 * before its departure takes effect or, for a member when the federation is dissolved, the day
 * before the dissolution takes effect (whichever comes first); null while neither is recorded.
 */
export function membershipLastDay(membership: Pick<Membership, 'until'>, federation: Pick<FederationState, 'dissolution'>): CalendarDate | null {
  const end = minDate(membership.until, federation.dissolution?.effectiveFrom);
  return end === undefined ? null : addDays(end, -1);
}

/** A membership as the views show it: `until` is its last day (`membershipLastDay`), absent while open. */
export type MembershipAsShown = Omit<Membership, 'until'> & { until?: CalendarDate };

/** The memberships as the federation's view shows them, with the same last days as the municipality's memberships. */
export function membershipsAsShown(state: Pick<FederationState, 'memberships' | 'dissolution'>): MembershipAsShown[] {
  return state.memberships.map((m) => {
    const until = membershipLastDay(m, state);
    return until === null ? m : { ...m, until };
  });
}
