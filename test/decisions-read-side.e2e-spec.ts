import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig, ServiceConfig } from '../apps/api/src/config';
import { runCli } from '../apps/cli/src/cli';
import { exampleOf, Parameter } from './support/openapi-document';
import { client, Json, Reply } from './support/start-app';
import { StoryClock } from './support/story-app';

/**
 * Two decisions of docs/domain.md ("Decisions on points the rules left open"), over HTTP:
 * "party" in the arrangement filter means ever a party (narrowed to a day with `on`), and
 * reviews are due per full term. The story, on the embedded store with a clock the test moves:
 *
 * - `ikt-2012`, a federation of Linköping and Norrköping since 2012-01-01: in force on the first
 *   day of the term 2014–2018, so that term is due.
 * - `kust-lon`, a federation of Linköping, Norrköping and Åtvidaberg formed 2015-04-01, mid-way
 *   through 2014–2018 (not due); Åtvidaberg leaves from 2017-01-01 (recorded in 2016-11, after T).
 *   It is reviewed on 2020-05-01, within 2018–2022 (recorded in 2020).
 * - `avvisat`, an agreement Linköping's council rejected: never due.
 */
describe('decisions on the read side, over HTTP', () => {
  const clock = new StoryClock('2015-01-02T08:00:00Z');
  const T = '2016-06-01T00:00:00Z';
  const at = (instant: string) => `knownAt=${encodeURIComponent(instant)}`;
  let dir: string;
  let app: NestFastifyApplication;
  let api: ReturnType<typeof client>;
  let url: string;

  const ok = async (reply: Promise<Reply>): Promise<Json> => {
    const answer = await reply;
    if (answer.status >= 300) throw new Error(`the story's command was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-decisions-'));
    const config: ServiceConfig = { ...loadConfig({ LOG_LEVEL: 'warn' }), port: 0 };
    app = await createApp(config, { store: SqliteEventStore.open({ dataDir: dir }), clock, bufferLogs: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    api = client(url);

    clock.set('2015-01-10T09:00:00Z');
    await ok(api.post('/v1/federations', { id: 'ikt-2012', name: 'IKT-nämnden', form: 'federation', members: ['0580', '0581'], serviceAreas: ['it-support'], decidedOn: '2011-06-01', effectiveFrom: '2012-01-01' }));
    clock.set('2015-03-01T09:00:00Z');
    await ok(api.post('/v1/federations', { id: 'kust-lon', name: 'Kustlön', form: 'federation', members: ['0580', '0581', '0561'], serviceAreas: ['payroll'], decidedOn: '2015-02-15', effectiveFrom: '2015-04-01' }));
    await ok(api.post('/v1/agreements', { id: 'avvisat', kind: 'cooperation', title: 'Avvisat samarbete', parties: ['0580', '0581'], serviceAreas: ['payroll'], validFrom: '2013-01-01', councilApprovalRequired: true }));
    await ok(api.post('/v1/agreements/avvisat/council-decisions', { municipality: '0580', decidedOn: '2012-12-01', outcome: 'rejected' }));
    clock.set('2016-11-01T09:00:00Z');
    await ok(api.post('/v1/federations/kust-lon/departures', { municipality: '0561', decidedOn: '2016-10-20', effectiveFrom: '2017-01-01' }));
    clock.set('2020-05-02T09:00:00Z');
    await ok(api.post('/v1/arrangements/kust-lon/reviews', { reviewedOn: '2020-05-01', outcome: 'continue' }));
    clock.set('2023-03-01T12:00:00Z');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = (reply: Reply) => {
    expect(reply.status).toBe(200);
    return (reply.body as Json[]).map((a) => a.id as string);
  };

  describe('decision: party means ever a party', () => {
    it('a municipality that left a federation is still found by party=', async () => {
      expect(ids(await api.get('/v1/arrangements?party=0561'))).toEqual(['kust-lon']);
    });

    it('the summary it finds still lists only the current members', async () => {
      const { body } = await api.get('/v1/arrangements?party=0561');
      expect(body).toEqual([{ kind: 'federation', id: 'kust-lon', title: 'Kustlön', parties: ['0580', '0581'], status: 'active', serviceAreas: ['payroll'] }]);
    });

    it('on= narrows to parties on that day: a member up to and including 2016-12-31, not from 2017-01-01 nor before the federation was formed', async () => {
      expect(ids(await api.get('/v1/arrangements?party=0561&on=2016-12-31'))).toEqual(['kust-lon']);
      expect(ids(await api.get('/v1/arrangements?party=0561&on=2017-01-01'))).toEqual([]);
      expect(ids(await api.get('/v1/arrangements?party=0561&on=2015-03-31'))).toEqual([]);
      expect(ids(await api.get('/v1/arrangements?party=0580&on=2014-01-01'))).toEqual(['ikt-2012']);
      expect(ids(await api.get('/v1/arrangements?party=0580&on=2016-01-01&kind=federation'))).toEqual(['ikt-2012', 'kust-lon']);
    });

    it('a rejected agreement: its parties were ever parties, but parties on no day', async () => {
      expect(ids(await api.get('/v1/arrangements?party=0581&kind=agreement'))).toEqual(['avvisat']);
      expect(ids(await api.get('/v1/arrangements?party=0581&kind=agreement&on=2014-01-01'))).toEqual([]);
    });

    it('with knownAt: as known at T, before the departure was recorded, Åtvidaberg is still a party on 2018-01-01', async () => {
      expect(ids(await api.get(`/v1/arrangements?party=0561&on=2018-01-01&${at(T)}`))).toEqual(['kust-lon']);
      expect(ids(await api.get('/v1/arrangements?party=0561&on=2018-01-01'))).toEqual([]);
      expect(ids(await api.get(`/v1/arrangements?party=0561&on=2018-01-01&${at('2015-02-01T00:00:00Z')}`))).toEqual([]);
    });

    it.each([
      ['/v1/arrangements?party=0561&on=2019-02-30', 'a date that does not exist'],
      ['/v1/arrangements?party=0561&on=20190101', 'not YYYY-MM-DD'],
      ['/v1/arrangements?on=2019-01-01', 'on without party'],
      ['/v1/arrangements?kind=federation&on=2019-01-01', 'on with another filter but no party'],
    ])('GET %s (%s) is 400 validation-failed naming on, as problem+json', async (path) => {
      const reply = await api.get(path);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({ code: 'validation-failed' });
      expect((reply.body.errors as { field: string }[]).map((e) => e.field)).toEqual(expect.arrayContaining(['on']));
      expect((reply.body.errors as { field: string }[]).every((e) => e.field === 'on')).toBe(true);
    });

    it('the OpenAPI document describes on, with an example', async () => {
      const doc = (await api.get('/docs-json')).body;
      const parameters = doc.paths['/v1/arrangements'].get.parameters as Parameter[];
      const on = parameters.find((p) => p.name === 'on') as Parameter;
      expect(on).toMatchObject({ in: 'query', required: false });
      expect(exampleOf(on)).toBe('2019-12-31');
      expect((on as Parameter & { description?: string }).description).toMatch(/party/);
    });
  });

  describe('decision: reviews are due per full term', () => {
    const reviews = async (on: string, knownAt?: string) => {
      const reply = await api.get(`/v1/attention?on=${on}${knownAt ? `&${at(knownAt)}` : ''}`);
      expect(reply.status).toBe(200);
      return (reply.body as Json[]).filter((i) => i.kind === 'review-overdue');
    };

    it('when 2014–2018 ends, the federation in force on its first day is overdue; the one formed mid-way is not', async () => {
      expect(await reviews('2018-10-15')).toEqual([
        {
          kind: 'review-overdue',
          subject: 'federation:ikt-2012',
          detail: "'IKT-nämnden' was not reviewed during the term of office 2014-10-15 to 2018-10-14.",
          due: '2018-10-14',
          facts: { arrangement: { id: 'ikt-2012', kind: 'federation' }, term: { start: '2014-10-15', end: '2018-10-14' } },
        },
      ]);
    });

    it('when 2018–2022 ends, the federation formed mid-way through the last term is due for this full one, and its 2020 review counts', async () => {
      expect((await reviews('2022-10-15')).map((i) => i.subject)).toEqual(['federation:ikt-2012']);
      // As known before the review was recorded, it was overdue.
      expect((await reviews('2022-10-15', '2020-01-01T00:00:00Z')).map((i) => i.subject)).toEqual(['federation:ikt-2012', 'federation:kust-lon']);
    });

    it('the next term, 2022–2026, needs its own review', async () => {
      expect((await reviews('2026-10-15')).map((i) => [i.subject, i.due])).toEqual([
        ['federation:ikt-2012', '2026-10-14'],
        ['federation:kust-lon', '2026-10-14'],
      ]);
    });

    it('a rejected agreement is never due', async () => {
      for (const on of ['2014-10-15', '2018-10-15', '2022-10-15', '2026-10-15']) expect((await reviews(on)).map((i) => i.subject)).not.toContain('agreement:avvisat');
    });
  });

  it('cli replay, rebuilt from the store file, equals the live service on the dates of both decisions', async () => {
    let text = '';
    const stdout = new Writable({ write: (chunk, _e, done) => ((text += String(chunk)), done()) });
    const stderr = new Writable({ write: (_c, _e, done) => done() });
    const code = await runCli(['replay', '--data-dir', dir, '--url', url, '--json', '--today', '2023-03-01', '--dates', '2014-10-15,2016-12-31,2017-01-01,2018-10-15,2022-10-15,2026-10-15'], { stdout, stderr, env: {} });
    const report: Json = JSON.parse(text);
    expect({ code, ok: report.ok, differences: report.differences }).toEqual({ code: 0, ok: true, differences: [] });
  });
});
