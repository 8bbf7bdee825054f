import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { client, Json } from './support/start-app';
import { StoryClock, startStoryApp } from './support/story-app';

/**
 * Rule 7, "any question as the register knew it at T", for the queries that did not take
 * knownAt: the arrangement register, a municipality with its memberships and arrangements, its
 * timeline, an arrangement's timeline, and the reference data. The register starts on
 * 2019-01-02 and learns of a federation of Linköping and Norrköping in 2019; T is the turn of
 * the year. In 2020 it learns that Åtvidaberg joined, that the federation was dissolved, of a
 * new agreement of Linköping's and of a new service area. Asked as known at T, none of the 2020
 * facts are there; asked without knownAt, all of them are.
 */
describe('knownAt on every query: what was known at T', () => {
  const clock = new StoryClock('2019-01-02T08:00:00Z');
  let app: NestFastifyApplication;
  let api: ReturnType<typeof client>;
  const BEFORE_START = '2019-01-01T00:00:00Z';
  const T = '2020-01-01T00:00:00Z';
  const at = (instant: string) => `knownAt=${encodeURIComponent(instant)}`;

  beforeAll(async () => {
    const started = await startStoryApp(clock);
    ({ app, api } = started);
    const { expectOk } = started;
    clock.set('2019-03-01T09:00:00.000Z');
    await expectOk(api.post('/v1/federations', { id: 'ostgota-lon', name: 'Östgöta lönenämnd', form: 'federation', members: ['0580', '0581'], serviceAreas: ['payroll'], decidedOn: '2019-02-15', effectiveFrom: '2019-04-01' }));
    clock.set('2020-02-01T09:00:00.000Z');
    await expectOk(api.post('/v1/federations/ostgota-lon/members', { municipality: '0561', decidedOn: '2020-01-20', effectiveFrom: '2020-03-01' }));
    clock.set('2020-03-01T09:00:00.000Z');
    await expectOk(api.post('/v1/federations/ostgota-lon/dissolution', { decidedOn: '2020-02-20', effectiveFrom: '2020-07-01' }));
    clock.set('2020-04-01T09:00:00.000Z');
    await expectOk(
      api.post('/v1/agreements', { id: 'lkp-nkp-it-2020', kind: 'cooperation', title: 'Linköping och Norrköping samarbetar om IT', parties: ['0580', '0581'], serviceAreas: ['it-support'], validFrom: '2020-06-01', councilApprovalRequired: false }),
    );
    clock.set('2020-05-01T09:00:00.000Z');
    await expectOk(api.post('/v1/service-areas', { slug: 'drone-inspection', nameSv: 'Drönarinspektion', nameEn: 'Drone inspection' }));
    clock.set('2023-03-01T12:00:00.000Z');
  });
  afterAll(() => app.close());

  const ids = (list: Json[]) => list.map((a: Json) => a.id as string).sort();

  it('GET /v1/arrangements: an arrangement recorded after T is not listed as known at T, and the others are as they stood then', async () => {
    const now = await api.get('/v1/arrangements?party=0580');
    expect(now.status).toBe(200);
    expect(ids(now.body)).toEqual(['lkp-nkp-it-2020', 'ostgota-lon']);
    expect(now.body.find((a: Json) => a.id === 'ostgota-lon')).toMatchObject({ status: 'dissolved' });

    const then = await api.get(`/v1/arrangements?party=0580&${at(T)}`);
    expect(then.status).toBe(200);
    expect(then.body).toEqual([{ kind: 'federation', id: 'ostgota-lon', title: 'Östgöta lönenämnd', parties: ['0580', '0581'], status: 'active', serviceAreas: ['payroll'] }]);
    // The filters apply to the state as known: Åtvidaberg's membership was recorded in 2020.
    expect(ids((await api.get('/v1/arrangements?party=0561')).body)).toEqual(['ostgota-lon']);
    expect((await api.get(`/v1/arrangements?party=0561&${at(T)}`)).body).toEqual([]);
    expect((await api.get(`/v1/arrangements?status=dissolved&${at(T)}`)).body).toEqual([]);
  });

  it('GET /v1/municipalities/{code}: memberships and arrangements as known at T', async () => {
    const now = await api.get('/v1/municipalities/0580');
    expect(now.status).toBe(200);
    expect(ids(now.body.arrangements)).toEqual(['lkp-nkp-it-2020', 'ostgota-lon']);
    expect(now.body.memberships).toEqual([{ id: 'ostgota-lon', name: 'Östgöta lönenämnd', form: 'federation', from: '2019-04-01', until: '2020-06-30', status: 'dissolved' }]);

    const then = await api.get(`/v1/municipalities/0580?${at(T)}`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ code: '0580', name: 'Linköping' });
    expect(then.body.arrangements).toEqual([expect.objectContaining({ id: 'ostgota-lon', status: 'active' })]);
    expect(then.body.memberships).toEqual([{ id: 'ostgota-lon', name: 'Östgöta lönenämnd', form: 'federation', from: '2019-04-01', until: null, status: 'active' }]);

    expect((await api.get('/v1/municipalities/0561')).body.memberships).toHaveLength(1);
    expect((await api.get(`/v1/municipalities/0561?${at(T)}`)).body.memberships).toEqual([]);
  });

  it('GET /v1/municipalities/{code}/timeline: events recorded after T are left out', async () => {
    const now = await api.get('/v1/municipalities/0580/timeline');
    expect(now.status).toBe(200);
    expect(now.body.map((e: Json) => e.type)).toEqual(['MunicipalityRegistered', 'FederationFormed', 'MemberJoined', 'FederationDissolved', 'AgreementProposed']);

    const then = await api.get(`/v1/municipalities/0580/timeline?${at(T)}`);
    expect(then.status).toBe(200);
    expect(then.body.map((e: Json) => e.type)).toEqual(['MunicipalityRegistered', 'FederationFormed']);
    for (const entry of then.body) expect(Date.parse(entry.recordedAt)).toBeLessThanOrEqual(Date.parse(T));
  });

  it('GET /v1/arrangements/{id}/timeline: the events known at T; an arrangement not yet recorded is 404', async () => {
    expect((await api.get('/v1/arrangements/ostgota-lon/timeline')).body.map((e: Json) => e.type)).toEqual(['FederationFormed', 'MemberJoined', 'FederationDissolved']);
    expect((await api.get(`/v1/arrangements/ostgota-lon/timeline?${at(T)}`)).body.map((e: Json) => e.type)).toEqual(['FederationFormed']);
    expect((await api.get('/v1/arrangements/lkp-nkp-it-2020/timeline')).status).toBe(200);
    const unknown = await api.get(`/v1/arrangements/lkp-nkp-it-2020/timeline?${at(T)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not-found', detail: `There is no arrangement 'lkp-nkp-it-2020' as known at ${new Date(T).toISOString()}.` });
  });

  it('GET /v1/service-areas and /v1/municipalities: the reference data as known at T; before the register started it knew none', async () => {
    const areas = (list: Json[]) => list.map((a: Json) => a.slug as string);
    expect(areas((await api.get('/v1/service-areas')).body)).toContain('drone-inspection');
    const then = await api.get(`/v1/service-areas?${at(T)}`);
    expect(then.status).toBe(200);
    expect(areas(then.body)).not.toContain('drone-inspection');
    expect(then.body.length).toBe((await api.get('/v1/service-areas')).body.length - 1);

    expect((await api.get(`/v1/municipalities?county=05&${at(T)}`)).body).toEqual((await api.get('/v1/municipalities?county=05')).body);
    expect((await api.get(`/v1/municipalities?${at(BEFORE_START)}`)).body).toEqual([]);
    expect((await api.get(`/v1/service-areas?${at(BEFORE_START)}`)).body).toEqual([]);
    const before = await api.get(`/v1/municipalities/0580?${at(BEFORE_START)}`);
    expect(before.status).toBe(404);
    expect(before.body.detail).toBe(`There is no municipality 0580 as known at ${new Date(BEFORE_START).toISOString()}.`);
    expect((await api.get(`/v1/municipalities/0580/timeline?${at(BEFORE_START)}`)).status).toBe(404);
  });

  it.each(['/v1/arrangements', '/v1/arrangements/ostgota-lon/timeline', '/v1/municipalities', '/v1/municipalities/0580', '/v1/municipalities/0580/timeline', '/v1/service-areas'])(
    '%s?knownAt= takes an instant with an offset, like every other query (400 otherwise)',
    async (path) => {
      const refused = await api.get(`${path}?knownAt=2020-01-01`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'validation-failed', errors: [expect.objectContaining({ field: 'knownAt' })] });
    },
  );
});
