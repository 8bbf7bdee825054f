import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

describe('S5: an organisational review and its follow-up', () => {
  let running: RunningApp;
  let run: ScenarioRun;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    run = await runScenario(running.url, loadScenario('s5'));
  });
  afterAll(() => running.close());

  const milestones = async (on: string, minPosition = run.position) =>
    (await api.get(`/v1/attention?on=${on}&minPosition=${minPosition}`)).body.filter((a: { kind: string }) => a.kind === 'milestone-overdue').map((a: { subject: string }) => a.subject);

  it('milestones past their due date without being reached are on the attention list', async () => {
    expect(await milestones('2015-11-30')).toEqual([]);
    expect(await milestones('2015-12-01')).toEqual(['study:stromsund-organisationsoversyn-2015/proposals']);
  });

  it('reaching a milestone takes it off the list from that day', async () => {
    const reached = await api.post('/v1/studies/stromsund-organisationsoversyn-2015/milestones/proposals/reached', { reachedOn: '2015-12-10' });
    expect(reached.status).toBe(200);
    expect(await milestones('2015-12-09', reached.body.position)).toEqual(['study:stromsund-organisationsoversyn-2015/proposals']);
    expect(await milestones('2015-12-10', reached.body.position)).toEqual([]);
  });

  it('"make sure that decisions taken are actually carried out": the new organisation and the review are overdue after 2016-06-01', async () => {
    const { body } = await api.get(`/v1/attention?on=2016-06-02`);
    expect(body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'study-overdue', subject: 'study:stromsund-organisationsoversyn-2015', due: '2016-06-01' }),
        expect.objectContaining({ kind: 'milestone-overdue', subject: 'study:stromsund-organisationsoversyn-2015/in-force', due: '2016-06-01' }),
      ]),
    );
  });

  it('the milestone lifecycle is on the study’s timeline', async () => {
    const { body } = await api.get('/v1/arrangements/stromsund-organisationsoversyn-2015/timeline');
    expect(body.map((e: { type: string }) => e.type)).toEqual(['StudyStarted', 'MilestoneScheduled', 'MilestoneScheduled', 'MilestoneScheduled', 'MilestoneReached', 'MilestoneReached']);
  });
});
