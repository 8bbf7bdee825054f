import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

describe('S4: LA Linköping', () => {
  let running: RunningApp;
  let run: ScenarioRun;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    run = await runScenario(running.url, loadScenario('s4'));
  });
  afterAll(() => running.close());

  const reviews = async (on: string, minPosition = run.position) =>
    (await api.get(`/v1/attention?on=${on}&minPosition=${minPosition}`)).body.filter((a: { kind: string }) => a.kind === 'review-overdue');

  it('five municipalities cooperate on physical planning and shared competence', async () => {
    const { body } = await api.get('/v1/arrangements?serviceArea=physical-planning');
    expect(body.map((a: { kind: string; id: string }) => [a.kind, a.id])).toEqual([
      ['agreement', 'la-linkoping'],
      ['study', 'samlad-planering-la-linkoping'],
    ]);
    const kinda = await api.get('/v1/arrangements?party=0513');
    expect(kinda.body).toHaveLength(2);
  });

  it('the development project is owned by Linköping, funded by Tillväxtverket, with Region Östergötland taking part', async () => {
    const { body } = await api.get('/v1/studies/samlad-planering-la-linkoping');
    expect(body).toMatchObject({ kind: 'development-project', owner: '0580', funder: 'Tillväxtverket', otherParties: ['Region Östergötland'], plannedEnd: '2020-12-31' });
  });

  // Decision "reviews are due per full term": the cooperation, in force from 2016-01-01, entered the
  // term 2014–2018 mid-way, so that term is not due; the first full term, 2018–2022, is.
  it('a full term of office that ends without a recorded review puts the cooperation on the attention list; the term it entered mid-way does not', async () => {
    expect(await reviews('2018-10-15')).toEqual([]);
    expect(await reviews('2022-10-14')).toEqual([]);
    expect(await reviews('2022-10-15')).toEqual([expect.objectContaining({ kind: 'review-overdue', subject: 'agreement:la-linkoping', due: '2022-10-14' })]);
  });

  it('a review during a term keeps it off the list when that term ends', async () => {
    const reviewed = await api.post('/v1/arrangements/la-linkoping/reviews', { reviewedOn: '2019-03-01', outcome: 'continue', note: 'Inriktningen kvarstår under mandatperioden.' });
    expect(reviewed.status).toBe(201);
    expect(await reviews('2022-10-15', reviewed.body.position)).toEqual([]);
    // The term it entered mid-way was never due.
    expect(await reviews('2018-10-15', reviewed.body.position)).toEqual([]);
    // And the next term, 2022–2026, needs its own.
    expect(await reviews('2026-10-15', reviewed.body.position)).toEqual([expect.objectContaining({ subject: 'agreement:la-linkoping', due: '2026-10-14' })]);
  });

  it('the project without a conclusion after 2020 is on the attention list', async () => {
    const { body } = await api.get(`/v1/attention?on=2021-01-01&minPosition=${run.position}`);
    expect(body).toContainEqual(expect.objectContaining({ kind: 'study-overdue', subject: 'study:samlad-planering-la-linkoping' }));
  });
});
