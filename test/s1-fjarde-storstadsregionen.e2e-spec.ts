import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

/** S1 of domain.md, over HTTP: the "Expected" sentences, with the dates and knownAt as written there. */
describe('S1: Fjärde storstadsregionen', () => {
  let running: RunningApp;
  let run: ScenarioRun;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    run = await runScenario(running.url, loadScenario('s1'));
  });
  afterAll(() => running.close());

  const payroll = (on: string, extra = '') => api.get(`/v1/municipalities/0580/provisions/payroll?on=${on}&minPosition=${run.position}${extra}`);

  it('on 2019-12-31 Linköping gets payroll from the federation', async () => {
    const { status, body } = await payroll('2019-12-31');
    expect(status).toBe(200);
    expect(body).toEqual({
      serviceArea: 'payroll',
      provider: { kind: 'federation', id: 'fjarde-storstadsregionen', name: 'Kommunalförbundet 4:e storstadsregionen' },
      basis: { kind: 'federation', id: 'fjarde-storstadsregionen' },
      since: '2008-01-01',
      until: '2019-12-31',
      lapsed: false,
    });
  });

  it('on 2020-01-01 it gets payroll from Norrköping on the agreement, until the agreement ends', async () => {
    const { body } = await payroll('2020-01-01');
    expect(body).toEqual({
      serviceArea: 'payroll',
      provider: { kind: 'municipality', code: '0581', name: 'Norrköping' },
      basis: { kind: 'agreement', id: 'lkp-buys-payroll-2020' },
      since: '2020-01-01',
      until: '2022-12-31',
      lapsed: false,
    });
  });

  it('on 2023-01-01 it has lapsed to in-house and is on the attention list', async () => {
    const { body } = await payroll('2023-01-01');
    expect(body).toMatchObject({ provider: { kind: 'municipality', code: '0580' }, basis: { kind: 'in-house' }, since: '2023-01-01', lapsed: true });
    const attention = await api.get(`/v1/attention?on=2023-01-01&minPosition=${run.position}`);
    expect(attention.body).toContainEqual(expect.objectContaining({ kind: 'provision-lapsed', subject: '0580/payroll', due: '2023-01-01' }));
    // HR administration rests on the same agreement and lapses with it.
    expect(attention.body).toContainEqual(expect.objectContaining({ kind: 'provision-lapsed', subject: '0580/hr-administration' }));
  });

  it('as known after the proposal but before the dissolution, payroll on 2020-06-01 is still the federation', async () => {
    const knownAt = encodeURIComponent(run.marks['after-proposal']);
    const { body } = await payroll('2020-06-01', `&knownAt=${knownAt}`);
    expect(body).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, basis: { kind: 'federation' }, lapsed: false });
    const now = await payroll('2020-06-01');
    expect(now.body.provider).toEqual({ kind: 'municipality', code: '0581', name: 'Norrköping' });
  });

  it('procurement returns to each municipality in-house, named as successors (no lapse)', async () => {
    for (const code of ['0580', '0581']) {
      const { body } = await api.get(`/v1/municipalities/${code}/provisions/procurement?on=2020-01-01&minPosition=${run.position}`);
      expect(body).toMatchObject({ basis: { kind: 'in-house' }, provider: { code }, since: '2020-01-01', lapsed: false });
    }
    const nkpPayroll = await api.get(`/v1/municipalities/0581/provisions/payroll?on=2020-01-01`);
    expect(nkpPayroll.body).toMatchObject({ basis: { kind: 'in-house' }, lapsed: false });
  });

  it('the joint rescue-services organisation continues throughout', async () => {
    for (const on of ['2019-12-31', '2020-01-01', '2023-01-01']) {
      const { body } = await api.get(`/v1/municipalities/0581/provisions/rescue-services?on=${on}`);
      expect(body).toMatchObject({ provider: { kind: 'municipality', code: '0580' }, basis: { kind: 'joint-committee', id: 'raddningstjansten-ostra-gotaland' }, lapsed: false });
    }
  });

  it('the successor transfers are recorded on each municipality stream, caused by the dissolution', async () => {
    const timeline = await api.get('/v1/municipalities/0580/timeline');
    const types = timeline.body.map((e: { type: string }) => e.type);
    expect(types).toContain('FederationDissolved');
    const successors = timeline.body.filter((e: { summary: string }) => e.summary.includes('successor named by FederationDissolved'));
    expect(successors.map((e: { stream: string }) => e.stream)).toEqual(['municipality-0580', 'municipality-0580']);
    const federation = await api.get('/v1/federations/fjarde-storstadsregionen');
    expect(federation.body).toMatchObject({ status: 'dissolved', dissolution: { effectiveFrom: '2020-01-01' } });
    expect(federation.headers.get('etag')).toBe(`"${federation.body.revision}"`);
  });

  it('the history shows the federation, the agreement and the lapse', async () => {
    const { body } = await api.get('/v1/municipalities/0580/provisions/payroll/history');
    expect(body.map((h: { basis: { kind: string }; from: string | null; to: string | null; lapsed: boolean }) => [h.basis.kind, h.from, h.to, h.lapsed])).toEqual([
      ['in-house', null, '2007-12-31', false],
      ['federation', '2008-01-01', '2019-12-31', false],
      ['agreement', '2020-01-01', '2022-12-31', false],
      ['in-house', '2023-01-01', null, true],
    ]);
  });

  it('unless the agreement was extended: then there is no lapse on 2023-01-01', async () => {
    const extended = await api.post('/v1/agreements/lkp-buys-payroll-2020/extension', { validUntil: '2025-12-31', decidedOn: '2022-06-20' });
    expect(extended.status).toBe(200);
    const { body } = await api.get(`/v1/municipalities/0580/provisions/payroll?on=2023-01-01&minPosition=${extended.body.position}`);
    expect(body).toMatchObject({ provider: { code: '0581' }, basis: { kind: 'agreement' }, until: '2025-12-31', lapsed: false });
    const attention = await api.get(`/v1/attention?on=2023-01-01&minPosition=${extended.body.position}`);
    expect(attention.body.filter((a: { kind: string }) => a.kind === 'provision-lapsed')).toEqual([]);
  });
});
