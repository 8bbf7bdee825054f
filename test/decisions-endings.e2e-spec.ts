import { stockholmDateOf } from '@samverkan/domain';
import { foldState } from '../apps/cli/src/commands/state';
import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, Json, RunningApp, startApp } from './support/start-app';

/**
 * Two decisions of domain.md ("Decisions on points the rules left open") on how things end, over
 * HTTP: a dissolved provider ends its agreements; end dates are inclusive last days, everywhere.
 */
describe('decisions on endings, over HTTP', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let s1: ScenarioRun;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    s1 = await runScenario(running.url, loadScenario('s1'));
  });
  afterAll(() => running.close());

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function accepted(path: string, body: unknown): Promise<Json> {
    const reply = await api.post(path, body);
    expect({ status: reply.status, body: reply.body as unknown }).toMatchObject({ status: expect.any(Number), body: { id: expect.any(String) } });
    expect([200, 201]).toContain(reply.status);
    return reply.body;
  }

  describe('decision: a dissolved provider ends its agreements', () => {
    const FED = 'upphandling-endings';
    const AGR = 'finspang-buys-procurement-endings';
    let concludedAt: string;
    let position: number;

    beforeAll(async () => {
      await accepted('/v1/federations', { id: FED, name: 'Upphandlingsförbundet', form: 'federation', members: ['0483', '0480'], serviceAreas: ['procurement'], decidedOn: '2011-06-01', effectiveFrom: '2012-01-01' });
      await accepted('/v1/agreements', {
        id: AGR,
        kind: 'service',
        title: 'Finspång köper upphandling av förbundet',
        parties: ['0562'],
        provider: { kind: 'federation', id: FED },
        buyers: ['0562'],
        serviceAreas: ['procurement'],
        validFrom: '2013-01-01',
        validUntil: '2099-12-31',
        councilApprovalRequired: false,
      });
      await accepted(`/v1/agreements/${AGR}/signatures`, { party: '0562', signedOn: '2012-12-01' });
      await accepted(`/v1/agreements/${AGR}/signatures`, { party: FED, signedOn: '2012-12-05' });
      await accepted('/v1/municipalities/0562/transfers', { serviceArea: 'procurement', basis: { kind: 'agreement', id: AGR }, decidedOn: '2012-12-10', effectiveFrom: '2013-01-01' });
      await pause(5);
      concludedAt = new Date().toISOString();
      await pause(5);
      const dissolution = await accepted(`/v1/federations/${FED}/dissolution`, { decidedOn: '2019-12-01', effectiveFrom: '2020-01-01' });
      position = dissolution.position;
    });

    const ENDED_BY = { kind: 'provider-dissolved', federation: FED, effectiveFrom: '2020-01-01' };

    it('given its provider is dissolved from 2020-01-01, then GET /v1/agreements/{id} shows it terminated with endedBy', async () => {
      const { status, body } = await api.get(`/v1/agreements/${AGR}?minPosition=${position}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'terminated', endedBy: ENDED_BY, concludedOn: '2012-12-05' });
      expect(body.termination).toBeUndefined();
    });

    it('given the dissolution is recorded later, when asked as known before, then it is still concluded, without endedBy', async () => {
      const { body } = await api.get(`/v1/agreements/${AGR}?knownAt=${encodeURIComponent(concludedAt)}&minPosition=${position}`);
      expect(body.status).toBe('concluded');
      expect(body.endedBy).toBeUndefined();
    });

    it('the arrangement list shows the same status, and its status filter finds it as terminated, not as concluded', async () => {
      const terminated = await api.get(`/v1/arrangements?kind=agreement&status=terminated&minPosition=${position}`);
      expect(terminated.body).toContainEqual(expect.objectContaining({ id: AGR, status: 'terminated', endedBy: ENDED_BY }));
      const concluded = await api.get(`/v1/arrangements?kind=agreement&status=concluded&minPosition=${position}`);
      expect(concluded.body.map((a: { id: string }) => a.id)).not.toContain(AGR);
      const before = await api.get(`/v1/arrangements?kind=agreement&status=concluded&knownAt=${encodeURIComponent(concludedAt)}&minPosition=${position}`);
      expect(before.body).toContainEqual(expect.objectContaining({ id: AGR, status: 'concluded' }));
      const municipality = await api.get(`/v1/municipalities/0562?minPosition=${position}`);
      expect(municipality.body.arrangements).toContainEqual(expect.objectContaining({ id: AGR, status: 'terminated', endedBy: ENDED_BY }));
    });

    it('the attention list shows it ending on the day before the dissolution, and not after the date', async () => {
      const before = await api.get(`/v1/attention?on=2019-12-01&minPosition=${position}`);
      expect(before.body).toContainEqual(expect.objectContaining({ kind: 'agreement-ending', subject: `agreement:${AGR}`, due: '2019-12-31' }));
      for (const on of ['2020-01-01', '2099-08-01']) {
        const after = await api.get(`/v1/attention?on=${on}&minPosition=${position}`);
        expect(after.body.filter((i: { subject: string }) => i.subject === `agreement:${AGR}`)).toEqual([]);
      }
    });

    it('its provision lapses from the dissolution (rule 4): the last day on the agreement is 2019-12-31', async () => {
      const last = await api.get(`/v1/municipalities/0562/provisions/procurement?on=2019-12-31&minPosition=${position}`);
      expect(last.body).toMatchObject({ basis: { kind: 'agreement', id: AGR }, since: '2013-01-01', until: '2019-12-31', lapsed: false });
      const after = await api.get(`/v1/municipalities/0562/provisions/procurement?on=2020-01-01`);
      expect(after.body).toMatchObject({ basis: { kind: 'in-house' }, since: '2020-01-01', lapsed: true });
    });

    it('cli state folds the same answer from the log as the service, now and as known before', async () => {
      const today = stockholmDateOf(new Date());
      const [agreement, provider] = await Promise.all([running.store.readStream(`agreement-${AGR}`), running.store.readStream(`federation-${FED}`)]);
      expect(foldState('agreement', AGR, agreement, undefined, undefined, today, provider)).toEqual((await api.get(`/v1/agreements/${AGR}`)).body);
      expect(foldState('agreement', AGR, agreement, undefined, concludedAt, today, provider)).toEqual((await api.get(`/v1/agreements/${AGR}?knownAt=${encodeURIComponent(concludedAt)}`)).body);
      expect(foldState('federation', FED, provider, undefined, undefined, today)).toEqual((await api.get(`/v1/federations/${FED}`)).body);
    });

    it('the OpenAPI document describes endedBy on the agreement and on the summaries', async () => {
      const { body } = await api.get('/docs-json');
      const schemas = body.components.schemas;
      expect(schemas.AgreementStateDto.properties.endedBy).toBeDefined();
      expect(schemas.ArrangementSummaryDto.properties.endedBy).toBeDefined();
      expect(schemas.AgreementEndedByDto.properties.kind.enum).toEqual(['provider-dissolved']);
      expect(schemas.AgreementEndedByDto.required).toEqual(expect.arrayContaining(['kind', 'federation', 'effectiveFrom']));
    });
  });

  describe('decision: end dates are inclusive last days, everywhere', () => {
    const FED = 'kust-lon-endings';
    let position: number;

    beforeAll(async () => {
      await accepted('/v1/federations', { id: FED, name: 'Kustlön', form: 'federation', members: ['0580', '0581', '0561'], serviceAreas: ['payroll'], decidedOn: '2015-02-15', effectiveFrom: '2015-04-01' });
      const departure = await accepted(`/v1/federations/${FED}/departures`, { municipality: '0561', decidedOn: '2017-10-20', effectiveFrom: '2018-01-01' });
      position = departure.position;
    });

    it('S1: dissolved from 2020-01-01, its members’ last day is 2019-12-31 in the federation view and in each municipality view', async () => {
      const federation = await api.get(`/v1/federations/fjarde-storstadsregionen?minPosition=${s1.position}`);
      expect(federation.body.dissolution).toMatchObject({ effectiveFrom: '2020-01-01' });
      expect(federation.body.memberships).toEqual([expect.objectContaining({ municipality: '0580', until: '2019-12-31' }), expect.objectContaining({ municipality: '0581', until: '2019-12-31' })]);
      for (const code of ['0580', '0581']) {
        const municipality = await api.get(`/v1/municipalities/${code}`);
        expect(municipality.body.memberships).toContainEqual(expect.objectContaining({ id: 'fjarde-storstadsregionen', until: '2019-12-31' }));
      }
    });

    it('a departure from 2018-01-01: the membership’s last day is 2017-12-31 in the federation view and in the municipality view', async () => {
      const federation = await api.get(`/v1/federations/${FED}?minPosition=${position}`);
      const byCode = Object.fromEntries(federation.body.memberships.map((m: { municipality: string }) => [m.municipality, m]));
      expect(byCode['0561']).toMatchObject({ from: '2015-04-01', until: '2017-12-31', leftDecidedOn: '2017-10-20' });
      expect(byCode['0580'].until).toBeUndefined();
      const municipality = await api.get(`/v1/municipalities/0561?minPosition=${position}`);
      expect(municipality.body.memberships).toContainEqual(expect.objectContaining({ id: FED, from: '2015-04-01', until: '2017-12-31' }));
      const stays = await api.get('/v1/municipalities/0580');
      expect(stays.body.memberships).toContainEqual(expect.objectContaining({ id: FED, until: null }));
    });

    it('the federation view at a past revision shows the same last day', async () => {
      const atFormation = await api.get(`/v1/federations/${FED}?atRevision=0`);
      expect(atFormation.body.memberships.every((m: { until?: string }) => m.until === undefined)).toBe(true);
      const afterDeparture = await api.get(`/v1/federations/${FED}?atRevision=1`);
      expect(afterDeparture.body.memberships).toContainEqual(expect.objectContaining({ municipality: '0561', until: '2017-12-31' }));
    });

    it('the arrangement summaries: the departed member is a party on its last day 2017-12-31 and not from 2018-01-01', async () => {
      const ids = async (on: string) => (await api.get(`/v1/arrangements?party=0561&on=${on}&minPosition=${position}`)).body.map((a: { id: string }) => a.id);
      expect(await ids('2017-12-31')).toContain(FED);
      expect(await ids('2018-01-01')).not.toContain(FED);
      const s1Ids = async (on: string) => (await api.get(`/v1/arrangements?party=0580&on=${on}`)).body.map((a: { id: string }) => a.id);
      expect(await s1Ids('2019-12-31')).toContain('fjarde-storstadsregionen');
      expect(await s1Ids('2020-01-01')).not.toContain('fjarde-storstadsregionen');
    });

    it('S1: a provision’s until is its last day: the federation’s 2019-12-31, the agreement’s its validUntil 2022-12-31 (also in the matrix)', async () => {
      const onFederation = await api.get(`/v1/municipalities/0580/provisions/payroll?on=2019-12-31&minPosition=${s1.position}`);
      expect(onFederation.body).toMatchObject({ basis: { kind: 'federation', id: 'fjarde-storstadsregionen' }, until: '2019-12-31' });
      const agreement = await api.get('/v1/agreements/lkp-buys-payroll-2020');
      expect(agreement.body.validUntil).toBe('2022-12-31');
      const onAgreement = await api.get('/v1/municipalities/0580/provisions/payroll?on=2022-12-31');
      expect(onAgreement.body).toMatchObject({ basis: { kind: 'agreement', id: 'lkp-buys-payroll-2020' }, until: agreement.body.validUntil });
      const matrix = await api.get('/v1/matrix?on=2019-12-31&county=05');
      const row = matrix.body.rows.find((r: { municipality: { code: string } }) => r.municipality.code === '0580');
      expect(row.cells.payroll).toMatchObject({ basis: { kind: 'federation' }, until: '2019-12-31' });
    });
  });
});
