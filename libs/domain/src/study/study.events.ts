import { CalendarDate } from '../shared/calendar-date';
import { DomainEvent } from '../shared/decider';

export type StudyKind = 'feasibility' | 'development-project' | 'organisational-review';
export type Recommendation = 'proceed' | 'partly' | 'do-not-proceed';

/** What a study is, as started: the command starts it, the event records it, the state starts from it. */
export interface StudyPlan {
  id: string;
  kind: StudyKind;
  title: string;
  parties: string[];
  otherParties: string[];
  /** The owning party municipality (projektägare). */
  owner?: string;
  /** Who funds it, by name (e.g. Tillväxtverket). */
  funder?: string;
  serviceAreas: string[];
  startedOn: CalendarDate;
  plannedEnd: CalendarDate;
}

export type StudyStarted = DomainEvent<'StudyStarted', StudyPlan>;

export type MilestoneScheduled = DomainEvent<'MilestoneScheduled', { id: string; milestoneId: string; title: string; due: CalendarDate }>;
export type MilestoneReached = DomainEvent<'MilestoneReached', { id: string; milestoneId: string; reachedOn: CalendarDate }>;
export type StudyConcluded = DomainEvent<'StudyConcluded', { id: string; concludedOn: CalendarDate; recommendation: Recommendation; summary: string }>;

export type StudyEvent = StudyStarted | MilestoneScheduled | MilestoneReached | StudyConcluded;
