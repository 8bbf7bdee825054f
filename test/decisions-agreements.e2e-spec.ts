import { client, Json, Reply, RunningApp, startApp } from './support/start-app';

/**
 * The decisions of domain.md ("Decisions on points the rules left open") on agreements, over HTTP:
 * a party is one party; a retroactive agreement is valid; a federation that provides signs by its id.
 */
describe('decisions on agreements, over HTTP', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
  });
  afterAll(() => running.close());

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Sends a command that must be refused: problem+json with this status and code, and nothing appended anywhere. */
  async function refused(send: () => Promise<Reply>, status: number, code: string, fields?: string[]): Promise<Json> {
    const before = await running.store.headPosition();
    const reply = await send();
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, code, detail: expect.any(String) });
    if (fields) expect((reply.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(fields);
    expect(await running.store.headPosition()).toBe(before);
    expect(await running.store.readAll({ after: before })).toEqual([]);
    return reply.body;
  }

  async function accepted(path: string, body: unknown): Promise<Json> {
    const reply = await api.post(path, body);
    expect({ status: reply.status, body: reply.body as unknown }).toMatchObject({ status: expect.any(Number), body: { id: expect.any(String) } });
    expect([200, 201]).toContain(reply.status);
    return reply.body;
  }

  const streamOf = (id: string) => running.store.readStream(`agreement-${id}`);

  describe('decision: a party is one party', () => {
    const fromRegion = {
      kind: 'service',
      title: 'Linköping köper IT-stöd av Region Skåne',
      parties: ['0580'],
      provider: { kind: 'region', code: '12' },
      buyers: ['0580'],
      serviceAreas: ['it-support'],
      validFrom: '2025-01-01',
      councilApprovalRequired: false,
    };

    it('refuses a providing region also named in otherParties: 400 validation-failed on the entry, nothing appended', async () => {
      const body = await refused(() => api.post('/v1/agreements', { ...fromRegion, id: 'skane-twice', otherParties: ['Region Skåne'] }), 400, 'validation-failed', ['otherParties[0]']);
      expect(body.detail).toContain('12');
      expect(await streamOf('skane-twice')).toEqual([]);
    });

    it('refuses a party municipality also named in otherParties, and a municipality named there at all', async () => {
      const lkpNkp = { ...fromRegion, provider: { kind: 'municipality', code: '0581' }, parties: ['0580', '0581'], serviceAreas: ['payroll'] };
      await refused(() => api.post('/v1/agreements', { ...lkpNkp, id: 'lkp-twice', otherParties: ['Tillväxtverket', 'Linköpings kommun'] }), 400, 'validation-failed', ['otherParties[1]']);
      await refused(
        () => api.post('/v1/agreements', { id: 'nkp-by-name', kind: 'cooperation', title: 'Samverkan', parties: ['0580'], otherParties: ['Norrköping'], serviceAreas: [], validFrom: '2025-01-01', councilApprovalRequired: false }),
        400,
        'validation-failed',
        ['otherParties[0]'],
      );
      expect(await streamOf('lkp-twice')).toEqual([]);
      expect(await streamOf('nkp-by-name')).toEqual([]);
    });

    it('a providing region named once, by its code, signs once, by its code; a party without a code signs by its name', async () => {
      const created = await accepted('/v1/agreements', { ...fromRegion, id: 'skane-it', otherParties: ['Tillväxtverket'] });
      const state = await api.get(`/v1/agreements/skane-it?minPosition=${created.position}`);
      expect(state.body).toMatchObject({ status: 'proposed', otherParties: ['Tillväxtverket'], provider: { kind: 'region', code: '12' }, missingSignatures: ['0580', 'Tillväxtverket', '12'] });

      const revision = (await streamOf('skane-it')).length;
      await refused(() => api.post('/v1/agreements/skane-it/signatures', { party: 'Region Skåne', signedOn: '2025-01-10' }), 422, 'not-a-party');
      expect((await streamOf('skane-it')).length).toBe(revision);

      await accepted('/v1/agreements/skane-it/signatures', { party: '0580', signedOn: '2025-01-10' });
      await accepted('/v1/agreements/skane-it/signatures', { party: 'Tillväxtverket', signedOn: '2025-01-11' });
      const last = await accepted('/v1/agreements/skane-it/signatures', { party: '12', signedOn: '2025-01-12' });
      expect(last.events.map((e: { type: string }) => e.type)).toEqual(['AgreementSigned', 'AgreementConcluded']);
      const concluded = await api.get(`/v1/agreements/skane-it?minPosition=${last.position}`);
      expect(concluded.body).toMatchObject({ status: 'concluded', concludedOn: '2025-01-12', missingSignatures: [] });
    });

    it('a region taking part without providing is named in otherParties and signs by its code', async () => {
      const created = await accepted('/v1/agreements', {
        id: 'ostergotland-samverkan',
        kind: 'cooperation',
        title: 'Samverkan om fysisk planering',
        parties: ['0580'],
        otherParties: ['Region Östergötland'],
        serviceAreas: [],
        validFrom: '2025-01-01',
        councilApprovalRequired: false,
      });
      const state = await api.get(`/v1/agreements/ostergotland-samverkan?minPosition=${created.position}`);
      expect(state.body).toMatchObject({ otherParties: ['Region Östergötland'], missingSignatures: ['0580', '05'] });
      await refused(() => api.post('/v1/agreements/ostergotland-samverkan/signatures', { party: 'Region Östergötland', signedOn: '2025-01-10' }), 422, 'not-a-party');
    });

    it('the OpenAPI document says what otherParties holds', async () => {
      const doc = await api.get('/docs-json');
      const schemas = (doc.body as { components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> } }).components.schemas;
      expect(schemas.ProposeAgreementDto.properties.otherParties.description).toMatch(/without a code/);
    });
  });

  describe('decision: a retroactive agreement is valid', () => {
    it('signed in March, valid from 1 January: in force from validFrom; as known before the conclusion, the earlier provider', async () => {
      const proposal = await accepted('/v1/agreements', {
        id: 'lkp-buys-payroll-retro',
        kind: 'service',
        title: 'Linköping köper löneadministration av Norrköping, från årets början',
        parties: ['0580', '0581'],
        provider: { kind: 'municipality', code: '0581' },
        buyers: ['0580'],
        serviceAreas: ['payroll'],
        validFrom: '2024-01-01',
        validUntil: '2026-12-31',
        councilApprovalRequired: false,
        decidedOn: '2024-02-01',
      });
      await api.get(`/v1/agreements/lkp-buys-payroll-retro?minPosition=${proposal.position}`);
      await pause(5);
      const beforeConclusion = new Date().toISOString();
      await pause(5);

      await accepted('/v1/agreements/lkp-buys-payroll-retro/signatures', { party: '0580', signedOn: '2024-03-10' });
      const concluded = await accepted('/v1/agreements/lkp-buys-payroll-retro/signatures', { party: '0581', signedOn: '2024-03-14' });
      expect(concluded.events.map((e: { type: string }) => e.type)).toEqual(['AgreementSigned', 'AgreementConcluded']);
      // Rule 3 against the agreement as concluded, over its term: a transfer from validFrom, recorded after the conclusion.
      const transfer = await accepted('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'agreement', id: 'lkp-buys-payroll-retro' }, decidedOn: '2024-03-20', effectiveFrom: '2024-01-01' });

      const state = await api.get(`/v1/agreements/lkp-buys-payroll-retro?minPosition=${transfer.position}`);
      expect(state.body).toMatchObject({ status: 'concluded', validFrom: '2024-01-01', concludedOn: '2024-03-14' });

      const between = await api.get(`/v1/municipalities/0580/provisions/payroll?on=2024-02-15&minPosition=${transfer.position}`);
      expect(between.status).toBe(200);
      expect(between.body).toMatchObject({
        serviceArea: 'payroll',
        provider: { kind: 'municipality', code: '0581' },
        basis: { kind: 'agreement', id: 'lkp-buys-payroll-retro' },
        since: '2024-01-01',
        until: '2026-12-31',
        lapsed: false,
      });

      const asKnownBefore = await api.get(`/v1/municipalities/0580/provisions/payroll?on=2024-02-15&knownAt=${encodeURIComponent(beforeConclusion)}&minPosition=${transfer.position}`);
      expect(asKnownBefore.status).toBe(200);
      expect(asKnownBefore.body).toMatchObject({ provider: { kind: 'municipality', code: '0580' }, basis: { kind: 'in-house' } });
      expect(asKnownBefore.body.basis).not.toEqual({ kind: 'agreement', id: 'lkp-buys-payroll-retro' });
    });

    it('over its term only: a transfer before validFrom is refused, nothing appended', async () => {
      await refused(
        () => api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'agreement', id: 'lkp-buys-payroll-retro' }, decidedOn: '2024-03-20', effectiveFrom: '2023-12-01' }),
        422,
        'basis-not-in-force',
      );
    });
  });

  describe('decision: a federation that provides under an agreement signs it by its id', () => {
    it('the federation is a signatory by its id: not by its name, once, and its signature concludes', async () => {
      await accepted('/v1/federations', {
        id: 'upphandling-decisions',
        name: 'Upphandlingsförbundet',
        form: 'federation',
        members: ['0483', '0480'],
        serviceAreas: ['procurement'],
        decidedOn: '2011-06-01',
        effectiveFrom: '2012-01-01',
      });
      const proposal = await accepted('/v1/agreements', {
        id: 'finspang-buys-procurement',
        kind: 'service',
        title: 'Finspång köper upphandling av förbundet',
        parties: ['0562'],
        provider: { kind: 'federation', id: 'upphandling-decisions' },
        buyers: ['0562'],
        serviceAreas: ['procurement'],
        validFrom: '2013-01-01',
        councilApprovalRequired: false,
      });
      const state = await api.get(`/v1/agreements/finspang-buys-procurement?minPosition=${proposal.position}`);
      expect(state.body).toMatchObject({ status: 'proposed', otherParties: [], missingSignatures: ['0562', 'upphandling-decisions'] });

      await refused(() => api.post('/v1/agreements/finspang-buys-procurement/signatures', { party: 'Upphandlingsförbundet', signedOn: '2012-12-01' }), 422, 'not-a-party');
      await accepted('/v1/agreements/finspang-buys-procurement/signatures', { party: '0562', signedOn: '2012-12-01' });
      const last = await accepted('/v1/agreements/finspang-buys-procurement/signatures', { party: 'upphandling-decisions', signedOn: '2012-12-05' });
      expect(last.events.map((e: { type: string }) => e.type)).toEqual(['AgreementSigned', 'AgreementConcluded']);
      await refused(() => api.post('/v1/agreements/finspang-buys-procurement/signatures', { party: 'upphandling-decisions', signedOn: '2012-12-06' }), 422, 'already-signed');

      const concluded = await api.get(`/v1/agreements/finspang-buys-procurement?minPosition=${last.position}`);
      expect(concluded.body).toMatchObject({ status: 'concluded', concludedOn: '2012-12-05', missingSignatures: [] });
      expect(concluded.body.signatures).toEqual([
        { party: '0562', signedOn: '2012-12-01' },
        { party: 'upphandling-decisions', signedOn: '2012-12-05' },
      ]);
    });
  });
});
