import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

describe('S2: procurement for Kolmården’s neighbours', () => {
  let running: RunningApp;
  let run: ScenarioRun;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    run = await runScenario(running.url, loadScenario('s2'));
  });
  afterAll(() => running.close());

  const provision = (code: string, area: string, on: string) => api.get(`/v1/municipalities/${code}/provisions/${area}?on=${on}&minPosition=${run.position}`);

  it('the six sign a letter of intent, which concludes but moves no service', async () => {
    const intent = await api.get('/v1/agreements/kolmardsgrannar-2012');
    expect(intent.body).toMatchObject({ kind: 'intent', status: 'concluded', concludedOn: '2012-10-01' });
    expect(intent.body.signatures.map((s: { party: string }) => s.party).sort()).toEqual(['0428', '0480', '0481', '0483', '0562', '0581']);
    const refused = run.results.find((r) => r.step.id === 'intent-moves-no-service');
    expect(refused?.body).toMatchObject({ status: 422, code: 'basis-not-in-force' });
  });

  it('the procurement centre serves Linköping and Norrköping as members and Finspång under a service agreement', async () => {
    const recipients = await api.get(`/v1/providers/federation/fjarde-storstadsregionen/recipients?on=2012-12-12&minPosition=${run.position}`);
    expect(recipients.status).toBe(200);
    const served = recipients.body.map((r: { municipality: { code: string }; serviceArea: string; basis: { kind: string } }) => [r.municipality.code, r.serviceArea, r.basis.kind]);
    expect(served).toEqual([
      ['0562', 'procurement', 'agreement'],
      ['0580', 'procurement', 'federation'],
      ['0581', 'procurement', 'federation'],
    ]);
    const finspang = await provision('0562', 'procurement', '2012-12-12');
    expect(finspang.body).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, basis: { kind: 'agreement', id: 'finspang-buys-procurement' }, lapsed: false });
  });

  it('until a service agreement is concluded and in force, Katrineholm’s procurement stays in-house', async () => {
    for (const on of ['2012-12-12', '2013-06-01']) {
      const { body } = await provision('0483', 'procurement', on);
      expect(body).toMatchObject({ provider: { kind: 'municipality', code: '0483', name: 'Katrineholm' }, basis: { kind: 'in-house' }, since: null, lapsed: false });
    }
    const refused = run.results.find((r) => r.step.id === 'not-yet-concluded');
    expect(refused?.body).toMatchObject({ code: 'basis-not-in-force' });
    const agreement = await api.get('/v1/agreements/katrineholm-buys-procurement');
    expect(agreement.body).toMatchObject({ status: 'proposed', missingSignatures: ['0483', 'fjarde-storstadsregionen'], missingCouncilDecisions: ['0483'] });
  });

  it('Katrineholm’s pending agreement is on the attention list', async () => {
    const { body } = await api.get(`/v1/attention?on=2012-12-13&minPosition=${run.position}`);
    expect(body).toContainEqual(expect.objectContaining({ kind: 'awaiting-signature', subject: 'agreement:katrineholm-buys-procurement' }));
    expect(body).toContainEqual(expect.objectContaining({ kind: 'awaiting-council-decision', subject: 'agreement:katrineholm-buys-procurement' }));
  });

  it('once concluded, a transfer on it is accepted and Katrineholm buys procurement from the federation', async () => {
    const headers = { 'content-type': 'application/json' };
    expect((await api.post('/v1/agreements/katrineholm-buys-procurement/signatures', { party: '0483', signedOn: '2013-02-01' }, headers)).status).toBe(201);
    expect((await api.post('/v1/agreements/katrineholm-buys-procurement/signatures', { party: 'fjarde-storstadsregionen', signedOn: '2013-02-01' }, headers)).status).toBe(201);
    const approved = await api.post('/v1/agreements/katrineholm-buys-procurement/council-decisions', { municipality: '0483', decidedOn: '2013-02-25', outcome: 'approved' });
    expect(approved.body.events.map((e: { type: string }) => e.type)).toEqual(['CouncilDecisionRecorded', 'AgreementConcluded']);
    const transfer = await api.post('/v1/municipalities/0483/transfers', { serviceArea: 'procurement', basis: { kind: 'agreement', id: 'katrineholm-buys-procurement' }, decidedOn: '2013-02-25', effectiveFrom: '2013-04-01' });
    expect(transfer.status).toBe(201);
    const { body } = await api.get(`/v1/municipalities/0483/provisions/procurement?on=2013-06-01&minPosition=${transfer.body.position}`);
    expect(body).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, basis: { kind: 'agreement', id: 'katrineholm-buys-procurement' } });
  });
});
