import { CalendarDate } from '../shared/calendar-date';
import { Recommendation, StudyKind } from './study.events';

export type StartStudy = {
  type: 'StartStudy';
  id: string;
  kind: StudyKind;
  title: string;
  parties: string[];
  otherParties: string[];
  owner?: string;
  funder?: string;
  serviceAreas: string[];
  startedOn: CalendarDate;
  plannedEnd: CalendarDate;
};
export type ScheduleMilestone = { type: 'ScheduleMilestone'; milestoneId: string; title: string; due: CalendarDate };
export type ReachMilestone = { type: 'ReachMilestone'; milestoneId: string; reachedOn: CalendarDate };
export type ConcludeStudy = { type: 'ConcludeStudy'; concludedOn: CalendarDate; recommendation: Recommendation; summary: string };

export type StudyCommand = StartStudy | ScheduleMilestone | ReachMilestone | ConcludeStudy;
