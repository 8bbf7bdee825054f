import { spec } from '../testing/decider-spec';
import { studyDecider } from './study.decider';
import { StartStudy, StudyCommand } from './study.commands';
import { StudyEvent, StudyPlan } from './study.events';

const PITEA = '2581';
const ALVSBYN = '2560';
const ID = 'pitea-alvsbyn-forstudie';
const study = spec(studyDecider);

const plan: StudyPlan = {
  id: ID,
  kind: 'feasibility',
  title: 'Förstudie löneadministration',
  parties: [PITEA, ALVSBYN],
  otherParties: [],
  owner: PITEA,
  serviceAreas: ['payroll', 'switchboard'],
  startedOn: '2013-12-18',
  plannedEnd: '2014-09-30',
};

const start = (overrides: Partial<StartStudy> = {}): StartStudy => ({ type: 'StartStudy', ...plan, ...overrides });

const started = { type: 'StudyStarted' as const, data: plan } satisfies StudyEvent;
const scheduled: StudyEvent = { type: 'MilestoneScheduled', data: { id: ID, milestoneId: 'report', title: 'Rapport', due: '2014-06-30' } };
const reached: StudyEvent = { type: 'MilestoneReached', data: { id: ID, milestoneId: 'report', reachedOn: '2014-06-15' } };
const schedule = (milestoneId: string, due: string): StudyCommand => ({ type: 'ScheduleMilestone', milestoneId, title: 'Rapport', due });
const reach = (milestoneId: string, reachedOn: string): StudyCommand => ({ type: 'ReachMilestone', milestoneId, reachedOn });
const conclude = (concludedOn: string): StudyCommand => ({ type: 'ConcludeStudy', concludedOn, recommendation: 'partly', summary: 'Lön och växel' });

describe('study decider: start', () => {
  it('starts a study, removing duplicate parties and areas', () => {
    study.given([]).when(start({ parties: [PITEA, ALVSBYN, PITEA], serviceAreas: ['payroll', 'switchboard', 'payroll'] })).then([started]);
  });

  it('keeps other parties and the funder', () => {
    const { data } = started;
    study
      .given([])
      .when(start({ otherParties: ['Region Norrbotten'], funder: 'Tillväxtverket' }))
      .then([{ type: 'StudyStarted', data: { ...data, otherParties: ['Region Norrbotten'], funder: 'Tillväxtverket' } }]);
  });

  it('accepts a study without an owner', () => {
    const { data } = started;
    const { owner: _o, ...rest } = data;
    const [event] = studyDecider.decide(start({ owner: undefined }), studyDecider.initialState);
    expect(event.data).toEqual(rest);
    expect(Object.keys(event.data)).not.toContain('owner');
  });

  it('refuses an owner that is not among the parties', () => {
    study.given([]).when(start({ owner: '0580' })).thenRefuses('not-a-party');
  });

  it('refuses a planned end before the start; accepts the same day', () => {
    study.given([]).when(start({ plannedEnd: '2013-12-17' })).thenRefuses('dates-out-of-order');
    study.given([]).when(start({ plannedEnd: '2013-12-18' })).then([{ ...started, data: { ...started.data, plannedEnd: '2013-12-18' } }]);
  });

  it('refuses a study without party municipalities', () => {
    study.given([]).when(start({ parties: [], owner: undefined, otherParties: ['Region Norrbotten'] })).thenRefuses('too-few-members');
  });

  it('refuses an id that exists', () => {
    study.given([started]).when(start()).thenRefuses('already-exists');
  });

  it.each([
    ['ScheduleMilestone', schedule('report', '2014-06-30')],
    ['ReachMilestone', reach('report', '2014-06-15')],
    ['ConcludeStudy', conclude('2014-09-30')],
  ])('refuses %s on a study that does not exist', (_name, command) => {
    study.given([]).when(command).thenRefuses('not-found');
  });
});

describe('study decider: milestones', () => {
  it('schedules a milestone', () => {
    study.given([started]).when(schedule('report', '2014-06-30')).then([scheduled]);
  });

  it('refuses a duplicate milestone id', () => {
    study.given([started, scheduled]).when(schedule('report', '2014-07-30')).thenRefuses('already-exists');
  });

  it('refuses a milestone due before the study started', () => {
    study.given([started]).when(schedule('kickoff', '2013-12-17')).thenRefuses('dates-out-of-order');
  });

  it('reaches a milestone', () => {
    study.given([started, scheduled]).when(reach('report', '2014-06-15')).then([reached]);
  });

  it('refuses reaching an unknown milestone', () => {
    study.given([started, scheduled]).when(reach('budget', '2014-06-15')).thenRefuses('not-found');
  });

  it('refuses reaching a milestone twice', () => {
    study.given([started, scheduled, reached]).when(reach('report', '2014-06-20')).thenRefuses('already-decided');
  });

  it('refuses reaching a milestone before the study started', () => {
    study.given([started, scheduled]).when(reach('report', '2013-12-01')).thenRefuses('dates-out-of-order');
  });

  it('folds milestones into the state', () => {
    const state = [started, scheduled, reached].reduce((s, e) => studyDecider.evolve(s, e), studyDecider.initialState);
    expect(state.milestones).toEqual([{ milestoneId: 'report', title: 'Rapport', due: '2014-06-30', reachedOn: '2014-06-15' }]);
    expect(state.status).toBe('running');
  });
});

describe('study decider: conclusion', () => {
  const concluded: StudyEvent = { type: 'StudyConcluded', data: { id: ID, concludedOn: '2014-10-15', recommendation: 'partly', summary: 'Lön och växel' } };

  it('concludes', () => {
    study.given([started]).when(conclude('2014-10-15')).then([concluded]);
    const state = [started, concluded].reduce((s, e) => studyDecider.evolve(s, e), studyDecider.initialState);
    expect(state.status).toBe('concluded');
    expect(state.conclusion).toEqual({ concludedOn: '2014-10-15', recommendation: 'partly', summary: 'Lön och växel' });
  });

  it('refuses concluding twice', () => {
    study.given([started, concluded]).when(conclude('2014-11-01')).thenRefuses('already-decided');
  });

  it('refuses concluding before the study started', () => {
    study.given([started]).when(conclude('2013-12-17')).thenRefuses('dates-out-of-order');
  });
});

describe('study decider: the facts the caller gathers', () => {
  it('refuses the municipalities and service areas the catalog does not know', () => {
    study.given([]).when(start({ unknown: { municipalities: ['9999'] } })).thenRefuses('not-found');
    study.given([]).when(start({ unknown: { serviceAreas: ['no-such-area'] } })).thenRefuses('not-found');
  });

  it('refuses an id another arrangement holds', () => {
    study.given([]).when(start({ idTakenBy: 'federation' })).thenRefuses('already-exists');
    study.given([started]).when(start({ idTakenBy: 'study' })).thenRefuses('already-exists');
  });
});
