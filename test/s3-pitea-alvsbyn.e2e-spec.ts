import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

describe('S3: Piteå and Älvsbyn', () => {
  let running: RunningApp;
  let run: ScenarioRun;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    run = await runScenario(running.url, loadScenario('s3'));
  });
  afterAll(() => running.close());

  const overdue = async (on: string, minPosition = run.position) =>
    (await api.get(`/v1/attention?on=${on}&minPosition=${minPosition}`)).body.filter((a: { kind: string }) => a.kind === 'study-overdue');

  it('the feasibility studies cover the six areas and run until after summer 2014', async () => {
    const { body } = await api.get('/v1/studies/pitea-alvsbyn-forstudier-2013');
    expect(body).toMatchObject({ kind: 'feasibility', status: 'running', parties: ['2581', '2560'], startedOn: '2013-12-18', plannedEnd: '2014-09-30' });
    expect(body.serviceAreas).toEqual(expect.arrayContaining(['payroll', 'switchboard', 'procurement', 'pension-advice', 'it-support']));
  });

  it('a study without a conclusion after its planned end is on the attention list', async () => {
    expect(await overdue('2014-09-30')).toEqual([]);
    expect(await overdue('2014-10-01')).toEqual([
      expect.objectContaining({ kind: 'study-overdue', subject: 'study:pitea-alvsbyn-forstudier-2013', due: '2014-09-30' }),
    ]);
  });

  it('a conclusion takes it off the list from the day it was concluded', async () => {
    const concluded = await api.post('/v1/studies/pitea-alvsbyn-forstudier-2013/conclusion', { concludedOn: '2014-10-20', recommendation: 'partly', summary: 'Proceed with payroll and switchboard; IT support later.' });
    expect(concluded.status).toBe(200);
    expect(await overdue('2014-10-19', concluded.body.position)).toHaveLength(1);
    expect(await overdue('2014-10-20', concluded.body.position)).toEqual([]);
    const again = await api.post('/v1/studies/pitea-alvsbyn-forstudier-2013/conclusion', { concludedOn: '2014-10-21', recommendation: 'proceed', summary: 'again' });
    expect(again.body).toMatchObject({ status: 422, code: 'already-decided' });
  });

  it('they already share rescue services (a cooperation agreement, which moves no service)', async () => {
    const { body } = await api.get('/v1/arrangements?party=2560&kind=agreement');
    expect(body).toEqual([expect.objectContaining({ id: 'pitea-alvsbyn-raddningstjanst', status: 'concluded', serviceAreas: ['rescue-services'] })]);
    const rescue = await api.get('/v1/municipalities/2560/provisions/rescue-services?on=2014-01-01');
    expect(rescue.body).toMatchObject({ basis: { kind: 'in-house' }, lapsed: false });
  });
});
