import { CalendarDate } from '../shared/calendar-date';
import { CreateFacts } from '../shared/facts';
import { Recommendation, StudyPlan } from './study.events';

export type StartStudy = { type: 'StartStudy' } & StudyPlan & CreateFacts;
export type ScheduleMilestone = { type: 'ScheduleMilestone'; milestoneId: string; title: string; due: CalendarDate };
export type ReachMilestone = { type: 'ReachMilestone'; milestoneId: string; reachedOn: CalendarDate };
export type ConcludeStudy = { type: 'ConcludeStudy'; concludedOn: CalendarDate; recommendation: Recommendation; summary: string };

export type StudyCommand = StartStudy | ScheduleMilestone | ReachMilestone | ConcludeStudy;
