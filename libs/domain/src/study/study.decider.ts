import { CalendarDate } from '../shared/calendar-date';
import { Decider } from '../shared/decider';
import { assertNever, refuse } from '../shared/domain-error';
import { assertKnown, assertNew } from '../shared/facts';
import { StudyCommand } from './study.commands';
import { Recommendation, StudyEvent, StudyPlan } from './study.events';

export interface Milestone {
  milestoneId: string;
  title: string;
  due: CalendarDate;
  reachedOn?: CalendarDate;
}

export interface StudyState extends StudyPlan {
  status: 'none' | 'running' | 'concluded';
  milestones: Milestone[];
  conclusion?: { concludedOn: CalendarDate; recommendation: Recommendation; summary: string };
}

export const initialStudyState: StudyState = {
  status: 'none',
  id: '',
  kind: 'feasibility',
  title: '',
  parties: [],
  otherParties: [],
  serviceAreas: [],
  startedOn: '',
  plannedEnd: '',
  milestones: [],
};

function decide(command: StudyCommand, state: StudyState): StudyEvent[] {
  if ('unknown' in command) assertKnown(command.unknown);
  if (command.type !== 'StartStudy' && state.status === 'none') refuse('not-found', 'There is no such study.');
  switch (command.type) {
    case 'StartStudy': {
      assertNew(state.status !== 'none', command);
      const parties = [...new Set(command.parties)];
      if (parties.length === 0) refuse('too-few-members', 'A study needs at least one party municipality.');
      if (command.plannedEnd < command.startedOn) refuse('dates-out-of-order', `plannedEnd ${command.plannedEnd} is before startedOn ${command.startedOn}.`);
      if (command.owner !== undefined && !parties.includes(command.owner)) refuse('not-a-party', `The owner ${command.owner} is not among the parties.`);
      return [
        {
          type: 'StudyStarted',
          data: {
            id: command.id,
            kind: command.kind,
            title: command.title,
            parties,
            otherParties: [...new Set(command.otherParties)],
            ...(command.owner !== undefined ? { owner: command.owner } : {}),
            ...(command.funder !== undefined ? { funder: command.funder } : {}),
            serviceAreas: [...new Set(command.serviceAreas)],
            startedOn: command.startedOn,
            plannedEnd: command.plannedEnd,
          },
        },
      ];
    }
    case 'ScheduleMilestone':
      if (state.milestones.some((m) => m.milestoneId === command.milestoneId)) refuse('already-exists', `The milestone '${command.milestoneId}' is already scheduled.`);
      if (command.due < state.startedOn) refuse('dates-out-of-order', `The milestone is due ${command.due}, before the study started (${state.startedOn}).`);
      return [{ type: 'MilestoneScheduled', data: { id: state.id, milestoneId: command.milestoneId, title: command.title, due: command.due } }];
    case 'ReachMilestone': {
      const milestone = state.milestones.find((m) => m.milestoneId === command.milestoneId);
      if (!milestone) refuse('not-found', `There is no milestone '${command.milestoneId}' in '${state.id}'.`);
      if (milestone.reachedOn !== undefined) refuse('already-decided', `The milestone '${command.milestoneId}' was already reached on ${milestone.reachedOn}.`);
      if (command.reachedOn < state.startedOn) refuse('dates-out-of-order', `${command.reachedOn} is before the study started (${state.startedOn}).`);
      return [{ type: 'MilestoneReached', data: { id: state.id, milestoneId: command.milestoneId, reachedOn: command.reachedOn } }];
    }
    case 'ConcludeStudy':
      if (state.conclusion) refuse('already-decided', `'${state.id}' was already concluded on ${state.conclusion.concludedOn}.`);
      if (command.concludedOn < state.startedOn) refuse('dates-out-of-order', `${command.concludedOn} is before the study started (${state.startedOn}).`);
      return [{ type: 'StudyConcluded', data: { id: state.id, concludedOn: command.concludedOn, recommendation: command.recommendation, summary: command.summary } }];
    default:
      return assertNever(command);
  }
}

function evolve(state: StudyState, event: StudyEvent): StudyState {
  switch (event.type) {
    case 'StudyStarted': {
      const { id, ...rest } = event.data;
      return { ...initialStudyState, ...rest, id, status: 'running' };
    }
    case 'MilestoneScheduled':
      return { ...state, milestones: [...state.milestones, { milestoneId: event.data.milestoneId, title: event.data.title, due: event.data.due }] };
    case 'MilestoneReached':
      return { ...state, milestones: state.milestones.map((m) => (m.milestoneId === event.data.milestoneId ? { ...m, reachedOn: event.data.reachedOn } : m)) };
    case 'StudyConcluded':
      return { ...state, status: 'concluded', conclusion: { concludedOn: event.data.concludedOn, recommendation: event.data.recommendation, summary: event.data.summary } };
    default:
      return assertNever(event);
  }
}

export const studyDecider: Decider<StudyCommand, StudyEvent, StudyState> = { decide, evolve, initialState: initialStudyState };
