import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { client, Json } from './support/start-app';
import { StoryClock, startStoryApp } from './support/story-app';

/**
 * The bi-temporal story with a retroactive record. Linköping's payroll comes from a
 * federation from 2016. In 2019 Linköping starts buying payroll from Norrköping under a
 * service agreement, but the transfer is only recorded in May 2021, effective 2019-01-01.
 * Asked about 2019-06-01 as known in 2020 the register answers the federation; as known
 * after May 2021 (and now), Norrköping on the agreement; the history shows both, each with
 * the time it was recorded.
 */
describe('a transfer recorded in 2021, effective in 2019: asked as known before and after', () => {
  const clock = new StoryClock('2008-01-01T08:00:00Z');
  let app: NestFastifyApplication;
  let api: ReturnType<typeof client>;
  const recorded = { federation: '2015-11-20T09:00:00.000Z', toFederation: '2015-12-01T09:00:00.000Z', agreement: '2019-02-11T10:00:00.000Z', retroactive: '2021-05-10T13:45:00.000Z' };

  beforeAll(async () => {
    const started = await startStoryApp(clock);
    ({ app, api } = started);
    const { expectOk } = started;
    clock.set(recorded.federation);
    await expectOk(
      api.post('/v1/federations', { id: 'lonesamverkan-ostergotland', name: 'Lönesamverkan i Östergötland', form: 'federation', members: ['0580', '0581'], serviceAreas: ['payroll'], decidedOn: '2015-06-15', effectiveFrom: '2016-01-01' }),
    );
    clock.set(recorded.toFederation);
    await expectOk(api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'lonesamverkan-ostergotland' }, decidedOn: '2015-06-15', effectiveFrom: '2016-01-01' }));
    clock.set(recorded.agreement);
    await expectOk(
      api.post('/v1/agreements', {
        id: 'lkp-buys-payroll-2019',
        kind: 'service',
        title: 'Linköping köper lön av Norrköping',
        parties: ['0580', '0581'],
        provider: { kind: 'municipality', code: '0581' },
        buyers: ['0580'],
        serviceAreas: ['payroll'],
        validFrom: '2019-01-01',
        councilApprovalRequired: false,
        decidedOn: '2018-11-20',
      }),
    );
    await expectOk(api.post('/v1/agreements/lkp-buys-payroll-2019/signatures', { party: '0580', signedOn: '2018-12-01' }));
    await expectOk(api.post('/v1/agreements/lkp-buys-payroll-2019/signatures', { party: '0581', signedOn: '2018-12-03' }));
    // Two years later the register is told: the transfer took effect on 2019-01-01.
    clock.set(recorded.retroactive);
    await expectOk(api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'agreement', id: 'lkp-buys-payroll-2019' }, decidedOn: '2018-12-03', effectiveFrom: '2019-01-01' }));
    clock.set('2023-03-01T12:00:00.000Z');
  });
  afterAll(() => app.close());

  const payroll = (on: string, knownAt?: string) => api.get(`/v1/municipalities/0580/provisions/payroll?on=${on}${knownAt ? `&knownAt=${encodeURIComponent(knownAt)}` : ''}`);

  it('records the transfer with the time the register learned it, not the time it took effect', async () => {
    const { body } = await api.get('/v1/audit/events?type=ServiceTransferred&stream=municipality-0580');
    const retro = body.find((e: Json) => e.data.basis.kind === 'agreement');
    expect(retro).toMatchObject({ recordedAt: recorded.retroactive, data: { effectiveFrom: '2019-01-01' } });
    // The audit history can be cut by recording time: only the retroactive record was made in 2021.
    const in2021 = await api.get('/v1/audit/events?from=2021-01-01T00:00:00Z&to=2021-12-31T23:59:59Z');
    expect(in2021.body.map((e: Json) => e.type)).toEqual(['ServiceTransferred']);
  });

  it('as known in 2020, Linköping got payroll from the federation on 2019-06-01', async () => {
    const { status, body } = await payroll('2019-06-01', '2020-06-01T00:00:00Z');
    expect(status).toBe(200);
    expect(body).toMatchObject({ provider: { kind: 'federation', id: 'lonesamverkan-ostergotland' }, basis: { kind: 'federation', id: 'lonesamverkan-ostergotland' }, since: '2016-01-01', lapsed: false });
  });

  it('as known after the record in 2021, and now, it got payroll from Norrköping on the agreement', async () => {
    for (const knownAt of ['2021-06-01T00:00:00Z', undefined]) {
      const { body } = await payroll('2019-06-01', knownAt);
      expect(body).toMatchObject({ provider: { kind: 'municipality', code: '0581' }, basis: { kind: 'agreement', id: 'lkp-buys-payroll-2019' }, since: '2019-01-01' });
    }
  });

  it('the moment of recording is the boundary (to the millisecond)', async () => {
    const justBefore = new Date(Date.parse(recorded.retroactive) - 1).toISOString();
    expect((await payroll('2019-06-01', justBefore)).body.basis.kind).toBe('federation');
    expect((await payroll('2019-06-01', recorded.retroactive)).body.basis.kind).toBe('agreement');
  });

  it('before 2019 the answers agree, whatever was known', async () => {
    const then = await payroll('2018-06-01', '2020-06-01T00:00:00Z');
    const now = await payroll('2018-06-01');
    expect(then.body).toMatchObject({ basis: { kind: 'federation' } });
    expect(now.body.basis).toEqual(then.body.basis);
  });

  it('the history shows what was known when: the agreement entry is absent as known in 2020', async () => {
    const known2020 = await api.get(`/v1/municipalities/0580/provisions/payroll/history?knownAt=${encodeURIComponent('2020-06-01T00:00:00Z')}`);
    expect(known2020.body.map((h: Json) => h.basis.kind)).not.toContain('agreement');
    const now = await api.get('/v1/municipalities/0580/provisions/payroll/history');
    expect(now.body).toContainEqual(expect.objectContaining({ basis: { kind: 'agreement', id: 'lkp-buys-payroll-2019' }, from: '2019-01-01', recordedAt: recorded.retroactive }));
  });

  it('the matrix as known in 2020 and now differ in exactly that cell', async () => {
    const then = await api.get(`/v1/matrix?on=2019-06-01&county=05&knownAt=${encodeURIComponent('2020-06-01T00:00:00Z')}`);
    const now = await api.get('/v1/matrix?on=2019-06-01&county=05');
    const cell = (m: Json, code: string) => m.rows.find((r: Json) => r.municipality.code === code).cells.payroll;
    expect(cell(then.body, '0580').basis.kind).toBe('federation');
    expect(cell(now.body, '0580').basis.kind).toBe('agreement');
    const changed = now.body.rows.flatMap((r: Json) =>
      Object.keys(r.cells)
        .filter((area) => JSON.stringify(r.cells[area]) !== JSON.stringify(then.body.rows.find((t: Json) => t.municipality.code === r.municipality.code).cells[area]))
        .map((area) => `${r.municipality.code}/${area}`),
    );
    expect(changed).toEqual(['0580/payroll']);
  });

  it('the agreement as known before it was recorded does not exist; as known in 2020 it is concluded', async () => {
    expect((await api.get(`/v1/agreements/lkp-buys-payroll-2019?knownAt=${encodeURIComponent('2019-01-01T00:00:00Z')}`)).status).toBe(404);
    const known2020 = await api.get(`/v1/agreements/lkp-buys-payroll-2019?knownAt=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    expect(known2020.body).toMatchObject({ status: 'concluded', concludedOn: '2018-12-03', revision: 3 });
  });

  it('the log with its retroactive record verifies', async () => {
    const { body } = await api.post('/v1/audit/verify');
    expect(body).toMatchObject({ ok: true, unchained: 0 });
  });
});
