import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv from 'ajv';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig, ServiceConfig } from '../apps/api/src/config';
import { runCli } from '../apps/cli/src/cli';
import { client, Json, Reply } from './support/start-app';
import { StoryClock } from './support/story-app';

/**
 * The decision "corrections stay visible in the history" (docs/domain.md, "Decisions on points
 * the rules left open"), over HTTP, on the embedded store with a clock the test moves:
 *
 * - Linköping (0580) has got payroll from the federation `fjarde` since 2008-01-01 (recorded T1).
 * - A transfer records, by mistake, payroll in-house from 2020-01-01 (B, recorded T2).
 * - C1 corrects B: Linköping buys payroll from Norrköping under `lkp-lon` from 2020-01-01 (R1, recorded T3).
 * - C2 corrects the correction, naming B again: under `lkp-lon`, but from 2020-02-01 (R2, recorded T4).
 *   The latest recorded correction wins.
 * - Procurement: a transfer withdrawn, withdrawn again (refused: nothing of it stands), then
 *   corrected again with a replacement, whose replacement is itself withdrawn by naming it.
 */
describe('decision: corrections stay visible in the history (over HTTP)', () => {
  const clock = new StoryClock('2019-09-01T08:00:00Z');
  const T1 = '2019-11-01T09:00:00.000Z';
  const T2 = '2019-12-20T09:00:00.000Z';
  const T3 = '2020-02-03T09:00:00.000Z';
  const T4 = '2020-03-02T09:00:00.000Z';
  const at = (instant: string) => `knownAt=${encodeURIComponent(instant)}`;
  const between = (a: string, b: string) => new Date((Date.parse(a) + Date.parse(b)) / 2).toISOString();
  let dir: string;
  let app: NestFastifyApplication;
  let api: ReturnType<typeof client>;
  let url: string;
  const ids: Record<string, string> = {};

  const ok = async (reply: Promise<Reply>): Promise<Json> => {
    const answer = await reply;
    if (answer.status >= 300) throw new Error(`the story's command was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const eventId = (answer: Json) => (answer.events as Json[])[0].id as string;
  const history = async (area: string, query = ''): Promise<Json[]> => {
    const reply = await api.get(`/v1/municipalities/0580/provisions/${area}/history${query ? `?${query}` : ''}`);
    expect(reply.status).toBe(200);
    return reply.body as Json[];
  };
  /** The entry of `entries` that starts on `from` (the first one). */
  const startingOn = (entries: Json[], from: string): Json => entries.find((e: Json) => e.from === from);
  /** An entry reduced to what the decision speaks of. */
  const brief = (e: Json) => ({
    basis: e.basis.kind === 'in-house' ? 'in-house' : e.basis.id,
    from: e.from,
    to: e.to,
    lapsed: e.lapsed,
    ...(e.corrects ? { corrects: e.corrects } : {}),
    ...(e.correctedBy ? { correctedBy: e.correctedBy } : {}),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-corrections-'));
    const config: ServiceConfig = { ...loadConfig({ LOG_LEVEL: 'warn' }), port: 0 };
    app = await createApp(config, { store: SqliteEventStore.open({ dataDir: dir }), clock, bufferLogs: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    api = client(url);

    clock.set('2019-10-01T09:00:00Z');
    await ok(api.post('/v1/federations', { id: 'fjarde', name: 'Kommunalförbundet 4:e storstadsregionen', form: 'federation', members: ['0580', '0581'], serviceAreas: ['payroll'], decidedOn: '2007-06-01', effectiveFrom: '2008-01-01' }));
    await ok(api.post('/v1/agreements', { id: 'lkp-lon', kind: 'service', title: 'Linköping köper lön', parties: ['0580', '0581'], provider: { kind: 'municipality', code: '0581' }, buyers: ['0580'], serviceAreas: ['payroll'], validFrom: '2020-01-01', validUntil: '2022-12-31', councilApprovalRequired: false }));
    await ok(api.post('/v1/agreements/lkp-lon/signatures', { party: '0580', signedOn: '2019-10-01' }));
    await ok(api.post('/v1/agreements/lkp-lon/signatures', { party: '0581', signedOn: '2019-10-01' }));
    clock.set(T1);
    ids.A = eventId(await ok(api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'fjarde' }, decidedOn: '2007-06-01', effectiveFrom: '2008-01-01' })));
    clock.set(T2);
    ids.B = eventId(await ok(api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' })));
    ids.transferB = startingOn(await history('payroll'), '2020-01-01').transferId as string;
    clock.set(T3);
    ids.C1 = eventId(
      await ok(
        api.post('/v1/municipalities/0580/corrections', {
          transferId: ids.transferB,
          reason: 'Recorded on the wrong basis: Linköping buys payroll from Norrköping under lkp-lon.',
          replacement: { serviceArea: 'payroll', basis: { kind: 'agreement', id: 'lkp-lon' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' },
        }),
      ),
    );
    clock.set(T4);
    ids.C2 = eventId(
      await ok(
        api.post('/v1/municipalities/0580/corrections', {
          transferId: ids.transferB,
          reason: 'The correction had the wrong date: the purchase starts on 2020-02-01.',
          replacement: { serviceArea: 'payroll', basis: { kind: 'agreement', id: 'lkp-lon' }, decidedOn: '2019-12-16', effectiveFrom: '2020-02-01' },
        }),
      ),
    );
    clock.set('2023-03-01T12:00:00Z');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const B = () => ({ transferId: ids.transferB, type: 'ServiceTransferred', eventId: ids.B, recordedAt: T2 });
  const by = (id: string, recordedAt: string) => ({ type: 'CorrectionRecorded', eventId: ids[id], recordedAt });

  it('now: what was corrected stays listed with correctedBy, what rests on a correction carries corrects, and the latest correction holds', async () => {
    expect((await history('payroll')).map(brief)).toEqual([
      { basis: 'in-house', from: null, to: '2007-12-31', lapsed: false },
      { basis: 'fjarde', from: '2008-01-01', to: '2020-01-31', lapsed: false },
      { basis: 'in-house', from: '2020-01-01', to: null, lapsed: false, correctedBy: by('C1', T3) },
      { basis: 'lkp-lon', from: '2020-01-01', to: '2022-12-31', lapsed: false, corrects: B(), correctedBy: by('C2', T4) },
      { basis: 'lkp-lon', from: '2020-02-01', to: '2022-12-31', lapsed: false, corrects: B() },
      { basis: 'in-house', from: '2023-01-01', to: null, lapsed: true, corrects: B(), correctedBy: by('C2', T4) },
      { basis: 'in-house', from: '2023-01-01', to: null, lapsed: true, corrects: B() },
    ]);
  });

  it('each entry keeps when it was recorded: a replacement when its correction was', async () => {
    const entries = await history('payroll');
    expect(entries.map((e) => e.recordedAt)).toEqual([null, T1, T2, T3, T4, T3, T4]);
  });

  it('as known before the first correction, the history is the old one: no correctedBy, no corrects', async () => {
    expect((await history('payroll', at(between(T2, T3)))).map(brief)).toEqual([
      { basis: 'in-house', from: null, to: '2007-12-31', lapsed: false },
      { basis: 'fjarde', from: '2008-01-01', to: '2019-12-31', lapsed: false },
      { basis: 'in-house', from: '2020-01-01', to: null, lapsed: false },
    ]);
  });

  it('as known between the corrections, the first correction holds and is not yet marked corrected', async () => {
    expect((await history('payroll', at(between(T3, T4)))).map(brief)).toEqual([
      { basis: 'in-house', from: null, to: '2007-12-31', lapsed: false },
      { basis: 'fjarde', from: '2008-01-01', to: '2019-12-31', lapsed: false },
      { basis: 'in-house', from: '2020-01-01', to: null, lapsed: false, correctedBy: by('C1', T3) },
      { basis: 'lkp-lon', from: '2020-01-01', to: '2022-12-31', lapsed: false, corrects: B() },
      { basis: 'in-house', from: '2023-01-01', to: null, lapsed: true, corrects: B() },
    ]);
  });

  it('as known before the transfer, there is nothing to correct', async () => {
    expect((await history('payroll', at(between(T1, T2)))).map(brief)).toEqual([
      { basis: 'in-house', from: null, to: '2007-12-31', lapsed: false },
      { basis: 'fjarde', from: '2008-01-01', to: null, lapsed: false },
    ]);
  });

  it('the provision and the matrix on a day answer the latest correction (and the earlier one as known before it)', async () => {
    const provision = async (on: string, query = '') => (await api.get(`/v1/municipalities/0580/provisions/payroll?on=${on}${query ? `&${query}` : ''}`)).body;
    expect(await provision('2020-01-15')).toMatchObject({ basis: { kind: 'federation', id: 'fjarde' }, since: '2008-01-01', until: '2020-01-31', lapsed: false });
    expect(await provision('2020-02-15')).toMatchObject({ provider: { kind: 'municipality', code: '0581' }, basis: { kind: 'agreement', id: 'lkp-lon' }, since: '2020-02-01', until: '2022-12-31', lapsed: false });
    expect(await provision('2020-01-15', at(between(T3, T4)))).toMatchObject({ basis: { kind: 'agreement', id: 'lkp-lon' }, since: '2020-01-01' });
    expect(await provision('2020-01-15', at(between(T2, T3)))).toMatchObject({ basis: { kind: 'in-house' }, since: '2020-01-01', lapsed: false });
    const cell = async (on: string, query = '') => {
      const matrix = (await api.get(`/v1/matrix?on=${on}&county=05${query ? `&${query}` : ''}`)).body as { rows: { municipality: Json; cells: Record<string, Json> }[] };
      return matrix.rows.find((row) => row.municipality.code === '0580')?.cells.payroll;
    };
    expect(await cell('2020-01-15')).toMatchObject({ basis: { kind: 'federation', id: 'fjarde' }, until: '2020-01-31' });
    expect(await cell('2020-02-15')).toMatchObject({ basis: { kind: 'agreement', id: 'lkp-lon' }, since: '2020-02-01' });
    expect(await cell('2020-01-15', at(between(T3, T4)))).toMatchObject({ basis: { kind: 'agreement', id: 'lkp-lon' }, since: '2020-01-01' });
  });

  it('a withdrawn transfer cannot be withdrawn again (422 already-decided), but may be corrected again with a replacement, and that replacement corrected by naming it', async () => {
    clock.set('2023-03-02T09:00:00.000Z');
    await ok(api.post('/v1/municipalities/0580/transfers', { serviceArea: 'procurement', basis: { kind: 'in-house' }, decidedOn: '2020-12-01', effectiveFrom: '2021-01-01' }));
    const transferP = startingOn(await history('procurement'), '2021-01-01').transferId as string;
    clock.set('2023-03-03T09:00:00.000Z');
    await ok(api.post('/v1/municipalities/0580/corrections', { transferId: transferP, reason: 'Never decided.' }));
    const again = await api.post('/v1/municipalities/0580/corrections', { transferId: transferP, reason: 'Never decided, again.' });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 422, code: 'already-decided' });
    expect((await history('procurement')).map((e) => [e.from, Boolean(e.correctedBy)])).toEqual([
      [null, false],
      ['2021-01-01', true],
    ]);

    clock.set('2023-03-04T09:00:00.000Z');
    await ok(api.post('/v1/municipalities/0580/corrections', { transferId: transferP, reason: 'It was decided, from 2021-02-01.', replacement: { serviceArea: 'procurement', basis: { kind: 'in-house' }, decidedOn: '2020-12-01', effectiveFrom: '2021-02-01' } }));
    const replaced = await history('procurement');
    const replacement = startingOn(replaced, '2021-02-01');
    expect(replacement).toMatchObject({ corrects: { transferId: transferP, type: 'ServiceTransferred' } });
    expect(replacement.correctedBy).toBeUndefined();

    clock.set('2023-03-05T09:00:00.000Z');
    const withdrawal = await ok(api.post('/v1/municipalities/0580/corrections', { transferId: replacement.transferId, reason: 'Not decided after all.' }));
    const withdrawn = startingOn(await history('procurement'), '2021-02-01');
    expect(withdrawn).toMatchObject({ corrects: { transferId: transferP }, correctedBy: { type: 'CorrectionRecorded', eventId: eventId(withdrawal), recordedAt: '2023-03-05T09:00:00.000Z' } });
    expect(((await api.get('/v1/municipalities/0580/provisions/procurement?on=2021-06-01')).body).since).toBeNull();
  });

  it('the OpenAPI document describes corrects and correctedBy: every history entry validates against the closed schema', async () => {
    const doc = (await api.get('/docs-json')).body as { components: { schemas: Record<string, unknown> } };
    const close = (schema: unknown): unknown => {
      if (Array.isArray(schema)) return schema.map(close);
      if (typeof schema !== 'object' || schema === null) return schema;
      const copy: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'example' ? value : close(value)]));
      if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
      return copy;
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'openapi', components: { schemas: close(doc.components.schemas) } });
    const validate = ajv.compile({ type: 'array', items: { $ref: 'openapi#/components/schemas/HistoryEntryDto' } });
    for (const query of ['', at(between(T3, T4))]) {
      const entries = await history('payroll', query);
      expect(entries.some((e) => e.corrects)).toBe(true);
      expect({ query, valid: validate(entries), errors: validate.errors ?? null }).toEqual({ query, valid: true, errors: null });
    }
  });

  it('cli replay, rebuilt from the store file, equals the live service', async () => {
    let text = '';
    const stdout = new Writable({ write: (chunk, _e, done) => ((text += String(chunk)), done()) });
    const stderr = new Writable({ write: (_c, _e, done) => done() });
    const code = await runCli(['replay', '--data-dir', dir, '--url', url, '--json', '--today', '2023-03-06', '--dates', '2019-12-31,2020-01-01,2020-01-15,2020-02-01,2021-06-01,2023-01-01'], { stdout, stderr, env: {} });
    const report: Json = JSON.parse(text);
    expect({ code, ok: report.ok, differences: report.differences }).toEqual({ code: 0, ok: true, differences: [] });
  });
});
