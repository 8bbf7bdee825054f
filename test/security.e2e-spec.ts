import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, unwatchFile, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExecutionContext } from '@nestjs/common';
import { AccessGuard, KEY_RING, KeyRing, Role, accessOf, sha256Hex } from '@samverkan/access';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ConfigError, loadConfig } from '../apps/api/src/config';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * Issue "Who may do what": every endpoint against every role, the writers' municipality
 * scopes, the actor on every event, key rotation without a restart, the loopback rule,
 * the rate limit, the hardening headers and error bodies, and logs that never hold a key.
 */

type Api = ReturnType<typeof client>;
type Reply = Awaited<ReturnType<Api['call']>>;
type Json = Record<string, unknown>;

const ROOT = resolve(__dirname, '..');
const SOURCE = 'security-suite';

interface Key {
  name: string;
  roles: Role[];
  municipalities?: string[];
  /** The secret itself: never in the keys file, only its SHA-256. */
  key: string;
}

const newKey = (name: string, roles: Role[], municipalities?: string[]): Key => ({ name, roles, ...(municipalities ? { municipalities } : {}), key: randomBytes(32).toString('base64url') });

function keysFileText(keys: Key[]): string {
  return JSON.stringify(keys.map(({ name, roles, municipalities, key }) => ({ name, sha256: sha256Hex(key), roles, ...(municipalities ? { municipalities } : {}) })));
}

const bearer = (key: Key | string) => ({ authorization: `Bearer ${typeof key === 'string' ? key : key.key}`, 'x-source-system': SOURCE });

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toEqual({ type: expect.stringContaining(code), title: expect.any(String), status, detail: expect.any(String), code });
}

/** No stack frames, no file paths, no internals in an answer. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat [\w$.<>]+ \(|\bat \/|\(\/|\.ts:\d+|\.js:\d+|node_modules|\/work\/|Error:/);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

/** The environment for a child service: this one's, without any keys, store or limits it may carry. */
function childEnv(settings: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(SAMVERKAN_|EVENTSTORE_|HOST$|PORT$|LOG_LEVEL$)/.test(name)));
  return { ...env, ...settings };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'samverkan-security-'));
}

// ---------------------------------------------------------------------------------------
// Every endpoint × every role
// ---------------------------------------------------------------------------------------

const KEYS = {
  reader: newKey('reporting-dashboard', ['reader']),
  auditor: newKey('internal-audit', ['auditor']),
  party: newKey('linkoping-ekonomi', ['writer'], ['0580']),
  outsider: newKey('goteborg-diarium', ['writer'], ['1480']),
  admin: newKey('registrar', ['admin']),
  norrkoping: newKey('norrkoping-kansli', ['writer'], ['0581']),
  soderkoping: newKey('soderkoping-kansli', ['writer'], ['0582']),
  both: newKey('ostergotland-shared', ['writer', 'reader'], ['0580', '0581']),
};

type Who = 'nobody' | 'reader' | 'auditor' | 'party' | 'outsider' | 'admin';
const WHO: Who[] = ['nobody', 'reader', 'auditor', 'party', 'outsider', 'admin'];
const headersOf = (who: Who): Record<string, string> => (who === 'nobody' ? { 'x-source-system': SOURCE } : bearer(KEYS[who]));

const fed = (id: string, members: string[], serviceAreas = ['payroll', 'procurement', 'it-support', 'switchboard']) => ({
  id,
  name: `Kommunalförbund ${id}`,
  form: 'federation',
  members,
  serviceAreas,
  decidedOn: '2007-06-18',
  effectiveFrom: '2008-01-01',
});
const serviceAgreement = (id: string) => ({
  id,
  kind: 'service',
  title: `Linköping köper lön av Norrköping (${id})`,
  parties: ['0580', '0581'],
  provider: { kind: 'municipality', code: '0581' },
  buyers: ['0580'],
  serviceAreas: ['payroll'],
  validFrom: '2020-01-01',
  validUntil: '2022-12-31',
  councilApprovalRequired: true,
  decidedOn: '2019-10-07',
});
const study = (id: string, parties = ['0580', '0581']) => ({ id, kind: 'feasibility', title: `Förstudie ${id}`, parties, serviceAreas: ['payroll'], startedOn: '2013-12-18', plannedEnd: '2014-09-30' });

/** What the admin sets up before the matrix runs; every row acts on these. */
const FIXTURES: [string, Json][] = [
  ['/v1/federations', fed('sec-fed', ['0580', '0581'])],
  ['/v1/federations', fed('sec-fed-join', ['0581', '0582'])],
  ['/v1/federations', fed('sec-fed-leave', ['0580', '0581', '0582', '0583'])],
  ['/v1/federations', fed('sec-fed-dissolve', ['0580', '0581'])],
  ['/v1/agreements', serviceAgreement('sec-agr')],
  ['/v1/agreements', serviceAgreement('sec-agr-end')],
  ['/v1/studies', study('sec-study')],
  ['/v1/studies/sec-study/milestones', { id: 'm1', title: 'Delrapport 1', due: '2014-03-01' }],
  ['/v1/studies/sec-study/milestones', { id: 'm2', title: 'Delrapport 2', due: '2014-06-01' }],
  ['/v1/studies', study('sec-study-end')],
  ['/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'sec-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' }],
  ['/v1/municipalities/0580/transfers', { serviceArea: 'procurement', basis: { kind: 'federation', id: 'sec-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' }],
];

/** The transfer ids of the two fixture transfers (payroll, procurement), for the corrections row. */
const transferIds: Record<string, string> = {};

interface CommandRow {
  route: string;
  /** The path and body each sender uses; the roles that must be refused use the party writer's. */
  path: (who: Who) => string;
  body: (who: Who) => Json;
  /** What the party writer and the admin get: the role passed, and the domain answered. */
  party: number;
  admin: number;
  partyCode?: string;
  adminCode?: string;
  /** What a writer outside its scope is told is missing (the party writer too, when it is refused). */
  missing: RegExp;
  partyMissing?: RegExp;
}

const byRole = <T>(party: T, admin: T) => (who: Who) => (who === 'admin' ? admin : party);

const COMMANDS: CommandRow[] = [
  {
    route: 'POST /v1/federations',
    path: () => '/v1/federations',
    body: byRole(fed('sec-new-fed-party', ['0580', '0582']), fed('sec-new-fed-admin', ['0583', '0584'])),
    party: 201,
    admin: 201,
    missing: /0580, 0582/,
  },
  {
    route: 'POST /v1/federations/{id}/members',
    path: () => '/v1/federations/sec-fed-join/members',
    body: byRole({ municipality: '0580', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }, { municipality: '0583', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }),
    // A join needs both sides: the joining municipality and one of the members (see the scope rules below).
    party: 403,
    partyCode: 'forbidden',
    partyMissing: /acts for none of 0581, 0582, so it may not admit 0580 as one of its members/,
    admin: 201,
    missing: /does not act for 0580/,
  },
  {
    route: 'POST /v1/federations/{id}/departures',
    path: () => '/v1/federations/sec-fed-leave/departures',
    body: byRole({ municipality: '0580', decidedOn: '2019-11-25', effectiveFrom: '2020-01-01' }, { municipality: '0581', decidedOn: '2019-11-25', effectiveFrom: '2020-01-01' }),
    party: 201,
    admin: 201,
    missing: /0580/,
  },
  {
    route: 'POST /v1/federations/{id}/dissolution',
    path: () => '/v1/federations/sec-fed-dissolve/dissolution',
    body: () => ({ decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }),
    party: 200,
    admin: 422,
    adminCode: 'already-dissolved',
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/agreements',
    path: () => '/v1/agreements',
    body: (who) => ({
      id: who === 'admin' ? 'sec-new-agr-admin' : 'sec-new-agr-party',
      kind: 'intent',
      title: 'Avsiktsförklaring',
      parties: who === 'admin' ? ['0583', '0584'] : ['0580', '0582'],
      serviceAreas: ['procurement'],
      validFrom: '2012-10-01',
      councilApprovalRequired: false,
    }),
    party: 201,
    admin: 201,
    missing: /0580, 0582/,
  },
  {
    route: 'POST /v1/agreements/{id}/signatures',
    path: () => '/v1/agreements/sec-agr/signatures',
    body: byRole({ party: '0580', signedOn: '2019-11-25' }, { party: '0581', signedOn: '2019-11-26' }),
    party: 201,
    admin: 201,
    missing: /0580/,
  },
  {
    route: 'POST /v1/agreements/{id}/council-decisions',
    path: () => '/v1/agreements/sec-agr/council-decisions',
    body: byRole({ municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved' }, { municipality: '0581', decidedOn: '2019-11-26', outcome: 'approved', reference: 'KF 2019-11-26 § 212' }),
    party: 201,
    admin: 201,
    missing: /0580/,
  },
  {
    route: 'POST /v1/agreements/{id}/extension',
    path: () => '/v1/agreements/sec-agr/extension',
    body: byRole({ validUntil: '2024-12-31', decidedOn: '2022-06-20' }, { validUntil: '2025-12-31', decidedOn: '2024-06-17' }),
    party: 200,
    admin: 200,
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/agreements/{id}/termination',
    path: () => '/v1/agreements/sec-agr-end/termination',
    body: () => ({ decidedOn: '2021-09-27', effectiveFrom: '2022-01-01', reason: 'Ended early' }),
    party: 200,
    admin: 422,
    adminCode: 'basis-not-in-force',
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/municipalities/{code}/transfers',
    path: () => '/v1/municipalities/0580/transfers',
    body: byRole(
      { serviceArea: 'it-support', basis: { kind: 'federation', id: 'sec-fed' }, decidedOn: '2009-06-15', effectiveFrom: '2010-01-01' },
      { serviceArea: 'switchboard', basis: { kind: 'federation', id: 'sec-fed' }, decidedOn: '2009-06-15', effectiveFrom: '2010-01-01' },
    ),
    party: 201,
    admin: 201,
    missing: /0580/,
  },
  {
    route: 'POST /v1/municipalities/{code}/corrections',
    path: () => '/v1/municipalities/0580/corrections',
    body: (who) => ({ transferId: transferIds[who === 'admin' ? 'procurement' : 'payroll'], reason: 'Recorded by mistake' }),
    party: 201,
    admin: 201,
    missing: /0580/,
  },
  {
    route: 'POST /v1/studies',
    path: () => '/v1/studies',
    body: byRole(study('sec-new-study-party', ['0580', '0582']), study('sec-new-study-admin', ['0583'])),
    party: 201,
    admin: 201,
    missing: /0580, 0582/,
  },
  {
    route: 'POST /v1/studies/{id}/milestones',
    path: () => '/v1/studies/sec-study/milestones',
    body: byRole({ id: 'm-party', title: 'Styrgrupp', due: '2014-04-01' }, { id: 'm-admin', title: 'Remiss', due: '2014-05-01' }),
    party: 201,
    admin: 201,
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/studies/{id}/milestones/{milestoneId}/reached',
    path: byRole('/v1/studies/sec-study/milestones/m1/reached', '/v1/studies/sec-study/milestones/m2/reached'),
    body: () => ({ reachedOn: '2014-03-01' }),
    party: 200,
    admin: 200,
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/studies/{id}/conclusion',
    path: () => '/v1/studies/sec-study-end/conclusion',
    body: () => ({ concludedOn: '2014-10-20', recommendation: 'partly', summary: 'Lön och växel först.' }),
    party: 200,
    admin: 422,
    adminCode: 'already-decided',
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/arrangements/{id}/reviews',
    path: () => '/v1/arrangements/sec-agr/reviews',
    body: byRole({ reviewedOn: '2019-03-01', outcome: 'continue' }, { reviewedOn: '2023-03-01', outcome: 'revise', note: 'Ny mandatperiod.' }),
    party: 201,
    admin: 201,
    missing: /0580, 0581/,
  },
  {
    route: 'POST /v1/service-areas',
    path: () => '/v1/service-areas',
    body: (who) => ({ slug: `sec-area-${who}`, nameSv: 'Säkerhetsområde', nameEn: 'Security area' }),
    party: 403,
    admin: 201,
    partyCode: 'forbidden',
    missing: /admin/,
  },
];

/** Every query of the contract, each readable by every key and by no one without one. */
const QUERIES: string[] = [
  '/v1/municipalities',
  '/v1/municipalities/0580',
  '/v1/service-areas',
  '/v1/municipalities/0580/provisions?on=2015-01-01',
  '/v1/municipalities/0580/provisions/payroll?on=2015-01-01',
  '/v1/municipalities/0580/provisions/payroll/history',
  '/v1/providers/municipality/0581/recipients',
  '/v1/providers/federation/sec-fed/recipients?on=2015-01-01',
  '/v1/matrix?county=05',
  '/v1/matrix',
  '/v1/arrangements',
  '/v1/arrangements?kind=agreement&party=0580',
  '/v1/arrangements/sec-agr/timeline',
  '/v1/federations/sec-fed',
  '/v1/agreements/sec-agr',
  '/v1/agreements/sec-agr?atRevision=0',
  '/v1/studies/sec-study',
  '/v1/municipalities/0580/timeline',
  '/v1/attention?on=2024-01-01',
];

const OPEN = ['/health', '/docs', '/docs-json'];

/** `/v1/audit/*`: auditors and admins only, whatever the method. */
const AUDIT: [string, string][] = [
  ['GET', '/v1/audit/events?limit=5'],
  ['GET', '/v1/audit/events?stream=agreement-sec-agr'],
  ['GET', '/v1/audit/streams/agreement-sec-agr'],
  ['POST', '/v1/audit/verify'],
  ['GET', '/v1/audit/export'],
  ['GET', '/v1/audit/checkpoints'],
  ['GET', '/v1/audit/public-key'],
];

/** Server-Sent Events: readers and everyone who reads. */
const SUBSCRIPTIONS = ['/v1/subscriptions/provisions', '/v1/subscriptions/events'];

/** Expected answer of a command row for a sender. */
function expected(row: CommandRow, who: Who): { status: number; code?: string } {
  switch (who) {
    case 'nobody':
      return { status: 401, code: 'unauthenticated' };
    case 'reader':
    case 'auditor':
    case 'outsider':
      return { status: 403, code: 'forbidden' };
    case 'party':
      return { status: row.party, ...(row.partyCode ? { code: row.partyCode } : {}) };
    case 'admin':
      return { status: row.admin, ...(row.adminCode ? { code: row.adminCode } : {}) };
  }
}

describe('with API keys: who may do what', () => {
  let dir: string;
  let running: RunningApp;
  let api: Api;
  let store: EventStore;

  const head = () => store.headPosition();
  const eventsAfter = (position: number): Promise<RecordedEvent[]> => store.readAll({ after: position });

  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'keys.json'), keysFileText(Object.values(KEYS)));
    running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: join(dir, 'keys.json'), LOG_LEVEL: 'error' } });
    api = client(running.url);
    store = running.store;
    for (const [path, body] of FIXTURES) {
      const reply = await api.post(path, body, bearer(KEYS.admin));
      if (reply.status !== 201) throw new Error(`fixture ${path}: ${reply.status} ${reply.text}`);
    }
    for (const event of await store.readStream('municipality-0580')) {
      if (event.type === 'ServiceTransferred') transferIds[event.data.serviceArea as string] = event.data.transferId as string;
    }
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('every command × every role', () => {
    const cases = COMMANDS.flatMap((row) => WHO.map((who) => [row.route, who, row] as const));

    it.each(cases)('%s as %s', async (_route, who, row) => {
      const path = row.path(who === 'admin' ? 'admin' : 'party');
      const body = row.body(who === 'admin' ? 'admin' : 'party');
      const before = await head();
      const reply = await api.post(path, body, headersOf(who));
      const want = expected(row, who);
      expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: want.status, code: want.code ?? reply.body?.code });
      const appended = await eventsAfter(before);
      if (reply.status >= 400) {
        expectProblem(reply, want.status, reply.body.code);
        expectNoInternals(reply.text);
        // A refusal, for whatever reason, appends nothing.
        expect(appended).toEqual([]);
        if (want.status === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
        if (who === 'outsider' || (who === 'party' && want.status === 403)) {
          // Outside its scope: the detail names the key and what it lacks.
          expect(reply.body.detail).toMatch(who === 'party' ? (row.partyMissing ?? row.missing) : row.missing);
          expect(reply.body.detail).toContain(KEYS[who].name);
        }
        if (who === 'reader' || who === 'auditor') expect(reply.body.detail).toMatch(/may not send commands/);
      } else {
        expect(appended.length).toBeGreaterThan(0);
        // The key's name is the actor; X-Source-System is the source.
        for (const event of appended) expect(event.metadata).toMatchObject({ actor: KEYS[who as 'party' | 'admin'].name, source: SOURCE });
      }
    });
  });

  describe('every query × every role', () => {
    const cases = QUERIES.flatMap((path) => WHO.map((who) => [path, who] as const));

    it.each(cases)('GET %s as %s', async (path, who) => {
      const reply = await api.get(path, headersOf(who));
      if (who === 'nobody') {
        expectProblem(reply, 401, 'unauthenticated');
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      } else {
        expect({ path, status: reply.status }).toEqual({ path, status: 200 });
      }
    });

    it.each(AUDIT.flatMap(([method, path]) => WHO.map((who) => [method, path, who] as const)))('%s %s as %s (the audit log)', async (method, path, who) => {
      const before = await head();
      const reply = await api.call(method, path, undefined, headersOf(who));
      if (who === 'nobody') expectProblem(reply, 401, 'unauthenticated');
      else if (who === 'auditor' || who === 'admin') expect({ path, status: reply.status }).toEqual({ path, status: 200 });
      else {
        expectProblem(reply, 403, 'forbidden');
        expect(reply.body.detail).toMatch(/may not read the audit log/);
      }
      expect(await head()).toBe(before);
    });

    it.each(SUBSCRIPTIONS.flatMap((path) => WHO.map((who) => [path, who] as const)))('GET %s as %s (a subscription)', async (path, who) => {
      const abort = new AbortController();
      try {
        const response = await fetch(`${running.url}${path}`, { headers: headersOf(who), signal: abort.signal });
        if (who === 'nobody') {
          expect(response.status).toBe(401);
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        } else {
          expect(response.status).toBe(200);
          expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        }
      } finally {
        abort.abort();
      }
    });

    it('the matrix as CSV is a query too', async () => {
      expect((await api.get('/v1/matrix?county=05', { accept: 'text/csv' })).status).toBe(401);
      const csv = await api.get('/v1/matrix?county=05', { ...bearer(KEYS.reader), accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    });

    it.each(OPEN.flatMap((path) => [...WHO, 'an unknown key'].map((who) => [path, who] as const)))('%s is open (%s)', async (path, who) => {
      const headers = who === 'an unknown key' ? bearer(randomBytes(32).toString('base64url')) : headersOf(who as Who);
      const reply = await api.get(path, headers);
      expect(reply.status).toBe(200);
    });
  });

  describe('a writer acts only for its municipalities', () => {
    /** Sends as `key`; a 403 must name what is missing and append nothing. */
    async function refused(key: Key, path: string, body: Json, missing: RegExp): Promise<void> {
      const before = await head();
      const reply = await api.post(path, body, bearer(key));
      expectProblem(reply, 403, 'forbidden');
      expect(reply.body.detail).toMatch(missing);
      expect(reply.body.detail).toContain(key.name);
      expect(await head()).toBe(before);
    }
    async function accepted(key: Key, path: string, body: Json, status = 201): Promise<Reply> {
      const reply = await api.post(path, body, bearer(key));
      expect({ status: reply.status, body: reply.body }).toEqual({ status, body: expect.objectContaining({ events: expect.any(Array) }) });
      return reply;
    }

    beforeAll(async () => {
      for (const [path, body] of [
        ['/v1/federations', fed('scope-fed', ['0580', '0581'])],
        ['/v1/federations', fed('scope-fed-others', ['0581', '0582'])],
        ['/v1/agreements', serviceAgreement('scope-agr')],
        ['/v1/agreements', serviceAgreement('scope-agr-both')],
        ['/v1/studies', study('scope-study')],
      ] as [string, Json][]) {
        await accepted(KEYS.admin, path, body);
      }
    });

    it('signs only as a party it holds', async () => {
      await refused(KEYS.party, '/v1/agreements/scope-agr/signatures', { party: '0581', signedOn: '2019-11-26' }, /does not act for 0581, which it needs to sign as 0581/);
      await refused(KEYS.outsider, '/v1/agreements/scope-agr/signatures', { party: '0580', signedOn: '2019-11-26' }, /0580/);
      // Not even as a providing federation of which it is a member: that signature is the admin's.
      await refused(KEYS.party, '/v1/agreements/scope-agr/signatures', { party: 'scope-fed', signedOn: '2019-11-26' }, /scope-fed/);
      await accepted(KEYS.party, '/v1/agreements/scope-agr/signatures', { party: '0580', signedOn: '2019-11-25' });
      await accepted(KEYS.norrkoping, '/v1/agreements/scope-agr/signatures', { party: '0581', signedOn: '2019-11-26' });
    });

    it('records council decisions only for its municipalities', async () => {
      await refused(KEYS.party, '/v1/agreements/scope-agr/council-decisions', { municipality: '0581', decidedOn: '2019-11-26', outcome: 'rejected' }, /0581/);
      await refused(KEYS.soderkoping, '/v1/agreements/scope-agr/council-decisions', { municipality: '0580', decidedOn: '2019-11-26', outcome: 'rejected' }, /0580/);
      await accepted(KEYS.norrkoping, '/v1/agreements/scope-agr/council-decisions', { municipality: '0581', decidedOn: '2019-11-26', outcome: 'approved' });
      const last = await accepted(KEYS.party, '/v1/agreements/scope-agr/council-decisions', { municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved' });
      expect(last.body.events.map((e: { type: string }) => e.type)).toEqual(['CouncilDecisionRecorded', 'AgreementConcluded']);
    });

    it('a key for several municipalities acts for each of them', async () => {
      await accepted(KEYS.both, '/v1/agreements/scope-agr-both/signatures', { party: '0580', signedOn: '2019-11-25' });
      await accepted(KEYS.both, '/v1/agreements/scope-agr-both/signatures', { party: '0581', signedOn: '2019-11-25' });
      await refused(KEYS.both, '/v1/agreements/scope-agr-both/signatures', { party: '0582', signedOn: '2019-11-25' }, /0582/);
      // And, as a reader too, it reads.
      expect((await api.get('/v1/agreements/scope-agr-both', bearer(KEYS.both))).status).toBe(200);
    });

    it('records transfers and corrections only for its municipalities', async () => {
      const transfer = { serviceArea: 'payroll', basis: { kind: 'federation', id: 'scope-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' };
      await refused(KEYS.party, '/v1/municipalities/0581/transfers', transfer, /does not act for 0581, which it needs to record a transfer for 0581/);
      await refused(KEYS.outsider, '/v1/municipalities/0580/transfers', transfer, /0580/);
      await accepted(KEYS.norrkoping, '/v1/municipalities/0581/transfers', transfer);
      const [recorded] = (await store.readStream('municipality-0581')).filter((e) => e.type === 'ServiceTransferred' && e.metadata.actor === KEYS.norrkoping.name);
      const correction = { transferId: recorded.data.transferId, reason: 'Fel underlag' };
      await refused(KEYS.party, '/v1/municipalities/0581/corrections', correction, /0581/);
      await accepted(KEYS.norrkoping, '/v1/municipalities/0581/corrections', correction);
    });

    it('joins only for its municipalities, and only with a member on the other side; leaves only for its municipalities', async () => {
      const join = (municipality: string) => ({ municipality, decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' });
      await refused(KEYS.party, '/v1/federations/scope-fed-others/members', join('0583'), /does not act for 0583/);
      // A member admitting someone else is not that municipality's decision.
      await refused(KEYS.norrkoping, '/v1/federations/scope-fed-others/members', join('0583'), /does not act for 0583/);
      // The joining municipality alone is not the federation's decision.
      await refused(KEYS.party, '/v1/federations/scope-fed-others/members', join('0580'), /acts for none of 0581, 0582, so it may not admit 0580/);
      await accepted(KEYS.both, '/v1/federations/scope-fed-others/members', join('0580'));
      await refused(KEYS.party, '/v1/federations/scope-fed-others/departures', { municipality: '0582', decidedOn: '2013-11-25', effectiveFrom: '2014-01-01' }, /0582/);
      await refused(KEYS.outsider, '/v1/federations/scope-fed-others/departures', { municipality: '0580', decidedOn: '2013-11-25', effectiveFrom: '2014-01-01' }, /0580/);
      await accepted(KEYS.soderkoping, '/v1/federations/scope-fed-others/departures', { municipality: '0582', decidedOn: '2013-11-25', effectiveFrom: '2014-01-01' });
    });

    it('creates federations, agreements and studies only if they include one of its municipalities', async () => {
      await refused(KEYS.party, '/v1/federations', fed('scope-new-fed', ['0581', '0582']), /acts for none of 0581, 0582/);
      await refused(KEYS.party, '/v1/federations', { ...fed('scope-new-committee', ['0581', '0582']), form: 'joint-committee', host: '0581' }, /0581, 0582/);
      await refused(KEYS.party, '/v1/agreements', { ...serviceAgreement('scope-new-agr'), parties: ['0581', '0582'], provider: { kind: 'municipality', code: '0581' }, buyers: ['0582'] }, /0581, 0582/);
      await refused(KEYS.party, '/v1/studies', study('scope-new-study', ['0581']), /0581/);
      // The id stays free for those who may create it.
      await accepted(KEYS.norrkoping, '/v1/federations', fed('scope-new-fed', ['0581', '0582']));
      await accepted(KEYS.party, '/v1/agreements', { ...serviceAgreement('scope-new-agr'), parties: ['0580', '0582'], provider: { kind: 'municipality', code: '0582' }, buyers: ['0580'] });
      await accepted(KEYS.party, '/v1/studies', study('scope-new-study', ['0582', '0580']));
    });

    it('dissolves a federation only as a member, and not once it has left', async () => {
      await accepted(KEYS.admin, '/v1/federations', fed('scope-fed-dissolve', ['0580', '0581', '0582']));
      const dissolution = { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' };
      await refused(KEYS.outsider, '/v1/federations/scope-fed-dissolve/dissolution', dissolution, /acts for none of 0580, 0581, 0582/);
      await accepted(KEYS.soderkoping, '/v1/federations/scope-fed-dissolve/departures', { municipality: '0582', decidedOn: '2015-11-25', effectiveFrom: '2016-01-01' });
      await refused(KEYS.soderkoping, '/v1/federations/scope-fed-dissolve/dissolution', dissolution, /acts for none of 0580, 0581/);
      await accepted(KEYS.norrkoping, '/v1/federations/scope-fed-dissolve/dissolution', dissolution, 200);
    });

    it('cannot make itself a member of a federation of others and then dissolve it', async () => {
      await accepted(KEYS.admin, '/v1/federations', fed('scope-fed-target', ['0581', '0582']));
      const transfer = await accepted(KEYS.norrkoping, '/v1/municipalities/0581/transfers', { serviceArea: 'it-support', basis: { kind: 'federation', id: 'scope-fed-target' }, decidedOn: '2008-06-01', effectiveFrom: '2009-01-01' });
      // Back-dated to the day after it was formed: the join itself is refused, so no membership to dissolve with.
      await refused(KEYS.outsider, '/v1/federations/scope-fed-target/members', { municipality: '1480', decidedOn: '2008-01-01', effectiveFrom: '2008-01-02' }, /acts for none of 0581, 0582/);
      await refused(KEYS.outsider, '/v1/federations/scope-fed-target/dissolution', { decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' }, /acts for none of 0581, 0582/);
      const provision = await api.get(`/v1/municipalities/0581/provisions/it-support?on=2011-01-01&minPosition=${transfer.body.position}`, bearer(KEYS.outsider));
      expect(provision.body).toMatchObject({ basis: { kind: 'federation', id: 'scope-fed-target' }, lapsed: false });
    });

    it('terminates or extends an agreement, and reviews an arrangement, only as a party or member', async () => {
      await accepted(KEYS.admin, '/v1/agreements', serviceAgreement('scope-agr-end'));
      await refused(KEYS.soderkoping, '/v1/agreements/scope-agr-end/extension', { validUntil: '2024-12-31', decidedOn: '2022-06-20' }, /acts for none of 0580, 0581/);
      await refused(KEYS.soderkoping, '/v1/agreements/scope-agr-end/termination', { decidedOn: '2021-09-27', effectiveFrom: '2022-01-01', reason: 'x' }, /0580, 0581/);
      await refused(KEYS.soderkoping, '/v1/arrangements/scope-agr-end/reviews', { reviewedOn: '2021-03-01', outcome: 'end' }, /0580, 0581/);
      await refused(KEYS.soderkoping, '/v1/arrangements/scope-fed/reviews', { reviewedOn: '2021-03-01', outcome: 'end' }, /0580, 0581/);
      await accepted(KEYS.party, '/v1/arrangements/scope-fed/reviews', { reviewedOn: '2021-03-01', outcome: 'continue' });
      await accepted(KEYS.norrkoping, '/v1/agreements/scope-agr-end/extension', { validUntil: '2024-12-31', decidedOn: '2022-06-20' }, 200);
      await accepted(KEYS.party, '/v1/agreements/scope-agr-end/termination', { decidedOn: '2021-09-27', effectiveFrom: '2022-01-01', reason: 'Avslutas' }, 200);
    });

    it('schedules, reaches and concludes only as a party of the study', async () => {
      await refused(KEYS.soderkoping, '/v1/studies/scope-study/milestones', { id: 'm-x', title: 'x', due: '2014-04-01' }, /0580, 0581/);
      await accepted(KEYS.norrkoping, '/v1/studies/scope-study/milestones', { id: 'm-x', title: 'x', due: '2014-04-01' });
      await refused(KEYS.soderkoping, '/v1/studies/scope-study/milestones/m-x/reached', { reachedOn: '2014-04-01' }, /0580, 0581/);
      await refused(KEYS.soderkoping, '/v1/studies/scope-study/conclusion', { concludedOn: '2014-10-20', recommendation: 'proceed', summary: 'x' }, /0580, 0581/);
      await accepted(KEYS.party, '/v1/studies/scope-study/conclusion', { concludedOn: '2014-10-20', recommendation: 'proceed', summary: 'x' }, 200);
    });

    it('defining a service area is an admin task: no writer, reader or auditor may', async () => {
      const area = { slug: 'drone-inspection', nameSv: 'Drönarinspektion', nameEn: 'Drone inspection' };
      for (const key of [KEYS.party, KEYS.both, KEYS.reader, KEYS.auditor]) {
        const before = await head();
        expectProblem(await api.post('/v1/service-areas', area, bearer(key)), 403, 'forbidden');
        expect(await head()).toBe(before);
      }
      await accepted(KEYS.admin, '/v1/service-areas', area);
    });

    it("a replayed Idempotency-Key answers only a sender who may send the command: another writer gets 403, not the first answer", async () => {
      const body = { reviewedOn: '2021-06-01', outcome: 'continue' };
      const first = await api.post('/v1/arrangements/scope-fed/reviews', body, { ...bearer(KEYS.party), 'idempotency-key': 'scope-review-1' });
      expect(first.status).toBe(201);
      const before = await head();
      for (const replay of [body, { ...body, note: 'another body' }]) {
        const reply = await api.post('/v1/arrangements/scope-fed/reviews', replay, { ...bearer(KEYS.soderkoping), 'idempotency-key': 'scope-review-1' });
        expectProblem(reply, 403, 'forbidden');
        expect(reply.text).not.toContain(String(first.body.position));
      }
      // The sender itself, and an admin, get the first answer.
      expect((await api.post('/v1/arrangements/scope-fed/reviews', body, { ...bearer(KEYS.party), 'idempotency-key': 'scope-review-1' })).body).toEqual(first.body);
      expect((await api.post('/v1/arrangements/scope-fed/reviews', body, { ...bearer(KEYS.admin), 'idempotency-key': 'scope-review-1' })).body).toEqual(first.body);
      expect(await head()).toBe(before);
    });
  });

  describe('the actor on every event', () => {
    it('is the key name, and the source is X-Source-System, on every event a key causes', async () => {
      const before = await head();
      await api.post('/v1/federations', fed('actor-fed', ['0580', '0581']), { ...bearer(KEYS.party), 'x-source-system': 'Linköpings diarium' });
      await api.post('/v1/municipalities/0581/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'actor-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' }, { ...bearer(KEYS.norrkoping), 'x-source-system': 'Norrköping W3D3' });
      const events = await eventsAfter(before);
      expect(events.map((e) => [e.type, e.metadata.actor, e.metadata.source])).toEqual([
        ['FederationFormed', 'linkoping-ekonomi', 'Linköpings diarium'],
        ['ServiceTransferred', 'norrkoping-kansli', 'Norrköping W3D3'],
      ]);
    });

    it("successor transfers caused by a dissolution carry the dissolving key's name", async () => {
      await api.post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'actor-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2009-01-01' }, bearer(KEYS.party));
      const before = await head();
      const dissolved = await api.post(
        '/v1/federations/actor-fed/dissolution',
        {
          decidedOn: '2019-12-16',
          effectiveFrom: '2020-01-01',
          successors: [
            { municipality: '0580', serviceArea: 'payroll', basis: { kind: 'in-house' } },
            { municipality: '0581', serviceArea: 'payroll', basis: { kind: 'in-house' } },
          ],
        },
        { ...bearer(KEYS.norrkoping), 'x-source-system': 'Norrköping W3D3' },
      );
      expect(dissolved.status).toBe(200);
      const events = await eventsAfter(before);
      expect(events.map((e) => [e.type, e.stream, e.metadata.actor])).toEqual([
        ['FederationDissolved', 'federation-actor-fed', 'norrkoping-kansli'],
        ['ServiceTransferred', 'municipality-0580', 'norrkoping-kansli'],
        ['ServiceTransferred', 'municipality-0581', 'norrkoping-kansli'],
      ]);
      expect(events[0].metadata.source).toBe('Norrköping W3D3');
      expect(events.slice(1).map((e) => e.metadata.causationId)).toEqual([events[0].id, events[0].id]);
    });

    it('the admin key from SAMVERKAN_ADMIN_KEY is the actor bootstrap-admin', async () => {
      const adminKey = randomBytes(32).toString('base64url');
      const other = await startApp({ env: { SAMVERKAN_ADMIN_KEY: adminKey, LOG_LEVEL: 'error' } });
      try {
        const before = await other.store.headPosition();
        const reply = await client(other.url).post('/v1/federations', fed('bootstrap-fed', ['0580', '0581']), bearer(adminKey));
        expect(reply.status).toBe(201);
        const [event] = await other.store.readAll({ after: before });
        expect(event.metadata).toMatchObject({ actor: 'bootstrap-admin', source: SOURCE });
        expect((await client(other.url).get('/health')).body.auth).toBe('api-keys');
      } finally {
        await other.close();
      }
    });
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown key', { authorization: `Bearer ${randomBytes(32).toString('base64url')}` }],
      ['Basic credentials', { authorization: `Basic ${Buffer.from(`registrar:${KEYS.admin.key}`).toString('base64')}` }],
      ['the key without the Bearer scheme', { authorization: KEYS.admin.key }],
      ['a key that is too short', { authorization: 'Bearer short' }],
      ['the SHA-256 of a key instead of the key', { authorization: `Bearer ${sha256Hex(KEYS.admin.key)}` }],
      ['the key with a character changed', { authorization: `Bearer ${KEYS.admin.key.slice(0, -1)}${KEYS.admin.key.endsWith('A') ? 'B' : 'A'}` }],
      ['the key in another header', { 'x-api-key': KEYS.admin.key }],
    ])('%s: 401, and nothing appended', async (_label, headers) => {
      const before = await head();
      const reply = await api.post('/v1/service-areas', { slug: 'never-defined', nameSv: 'Aldrig', nameEn: 'Never' }, headers);
      expectProblem(reply, 401, 'unauthenticated');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await head()).toBe(before);
      expect((await api.get('/v1/municipalities', headers)).status).toBe(401);
    });

    it('a key followed by a raw 0xA0 byte is not the key (only spaces and tabs are HTTP white space): 401; a trailing space is: 200', async () => {
      const rawGet = (authorization: Buffer): Promise<number> =>
        new Promise((done, fail) => {
          const { hostname, port } = new URL(running.url);
          const socket = connect(Number(port), hostname, () => {
            socket.end(Buffer.concat([Buffer.from('GET /v1/service-areas HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: ', 'latin1'), authorization, Buffer.from('\r\n\r\n', 'latin1')]));
          });
          let text = '';
          socket.on('data', (chunk) => (text += chunk.toString('latin1')));
          socket.on('end', () => done(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])));
          socket.on('error', fail);
        });
      const bearer = Buffer.from(`Bearer ${KEYS.reader.key}`, 'latin1');
      expect(await rawGet(Buffer.concat([bearer, Buffer.from([0xa0])]))).toBe(401);
      expect(await rawGet(Buffer.concat([bearer, Buffer.from(' \t', 'latin1')]))).toBe(200);
    });

    it('the Bearer scheme is case-insensitive (RFC 9110)', async () => {
      expect((await api.get('/v1/service-areas', { authorization: `bearer ${KEYS.reader.key}` })).status).toBe(200);
    });

    it('the audit log is for auditors and admins only (the role table)', () => {
      expect(accessOf('GET', '/v1/audit/events')).toBe('audit');
      expect(accessOf('POST', '/v1/audit/verify')).toBe('audit');
      expect(accessOf('GET', '/v1/matrix')).toBe('read');
      expect(accessOf('POST', '/v1/agreements')).toBe('write');
      const guard = new AccessGuard(running.app.get<KeyRing>(KEY_RING));
      const context = (key: Key, url: string, route: string) =>
        ({
          getType: () => 'http',
          switchToHttp: () => ({ getRequest: () => ({ method: 'GET', url, routeOptions: { url: route }, headers: { authorization: `Bearer ${key.key}` } }) }),
        }) as unknown as ExecutionContext;
      expect(guard.canActivate(context(KEYS.auditor, '/v1/audit/events', '/v1/audit/events'))).toBe(true);
      expect(guard.canActivate(context(KEYS.admin, '/v1/audit/events', '/v1/audit/events'))).toBe(true);
      for (const key of [KEYS.reader, KEYS.party, KEYS.both]) {
        expect(() => guard.canActivate(context(key, '/v1/audit/events', '/v1/audit/events'))).toThrow(/may not read the audit log/);
        // Fastify decodes %-escapes before it routes: the route that matched decides, not the raw URL.
        expect(() => guard.canActivate(context(key, '/v1/%61udit/events', '/v1/audit/events'))).toThrow(/may not read the audit log/);
      }
    });

    it('a %-escaped path to the audit log is still the audit log', async () => {
      for (const key of [KEYS.reader, KEYS.party]) {
        for (const path of ['/v1/%61udit/events', '/v1/audi%74/export', '/v1/%61%75%64%69%74/streams/agreement-sec-agr']) {
          const reply = await api.get(path, bearer(key));
          expectProblem(reply, 403, 'forbidden');
        }
      }
      expect((await api.get('/v1/%61udit/events?limit=1', bearer(KEYS.auditor))).status).toBe(200);
    });

    it('Fastify routes a %-escaped path to the same route, and the role check still applies to it', async () => {
      expect((await api.get('/v1/%6Dunicipalities/0580', bearer(KEYS.reader))).status).toBe(200);
      expect((await api.get('/v1/%6Dunicipalities/0580')).status).toBe(401);
      const before = await head();
      const reply = await api.post('/v1/%61rrangements/sec-agr/reviews', { reviewedOn: '2020-03-01', outcome: 'continue' }, bearer(KEYS.reader));
      expectProblem(reply, 403, 'forbidden');
      expect(await head()).toBe(before);
    });
  });
});

// ---------------------------------------------------------------------------------------
// Rotation, the loopback rule, the rate limit, hardening, logs
// ---------------------------------------------------------------------------------------

/** Writes the keys file the way an operator's tooling would: a new file renamed over the old. */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('key rotation without a restart', () => {
  const admin = newKey('rotation-admin', ['admin']);
  const old = newKey('old-dashboard', ['reader']);
  const fresh = newKey('new-dashboard', ['reader']);
  let dir: string;
  let file: string;
  let running: RunningApp;
  let api: Api;
  const status = async (key: Key) => (await api.get('/v1/service-areas', bearer(key))).status;

  beforeAll(async () => {
    dir = tempDir();
    file = join(dir, 'keys.json');
    writeFileSync(file, keysFileText([admin, old]));
    running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: file, LOG_LEVEL: 'fatal' } });
    api = client(running.url);
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks up a rewritten keys file by itself: the removed key gets 401 and the added one works within seconds', async () => {
    expect([await status(old), await status(fresh)]).toEqual([200, 401]);
    replaceFile(file, keysFileText([admin, fresh]));
    const took = await eventually(async () => (await status(old)) === 401 && (await status(fresh)) === 200, 5_000);
    expect(took).toBeLessThan(5_000);
    expect(await status(admin)).toBe(200);
  });

  it('a broken keys file leaves the previous keys in force (on a file change and on SIGHUP)', async () => {
    const broken = ['[{ "name": "half-written", ', JSON.stringify([{ name: 'no-scope', sha256: sha256Hex(old.key), roles: ['writer'] }]), JSON.stringify([{ name: 'clear', key: old.key, roles: ['admin'] }])];
    for (const [i, text] of broken.entries()) {
      replaceFile(file, text);
      process.emit('SIGHUP', 'SIGHUP'); // reloads at once
      if (i === 0) await sleep(1_300); // and past the next poll of the file
      expect([await status(fresh), await status(old), await status(admin)]).toEqual([200, 401, 200]);
    }
    // A good file after a bad one is picked up again.
    replaceFile(file, keysFileText([admin, old]));
    await eventually(async () => (await status(old)) === 200 && (await status(fresh)) === 401, 5_000);
  });

  it('reloads on SIGHUP at once, without waiting for the file watch', async () => {
    unwatchFile(file); // only the signal is left to notice the change
    replaceFile(file, keysFileText([admin, fresh]));
    expect([await status(old), await status(fresh)]).toEqual([200, 401]);
    process.emit('SIGHUP', 'SIGHUP');
    expect([await status(old), await status(fresh)]).toEqual([401, 200]);
  });
});

describe('the loopback rule', () => {
  const adminKey = randomBytes(32).toString('base64url');

  it.each(['0.0.0.0', '::', '192.168.10.20'])('loadConfig refuses HOST=%s without keys, with a clear message', (host) => {
    expect(() => loadConfig({ HOST: host })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: host })).toThrow(new RegExp(`Refusing to listen on ${host.replace(/\./g, '\\.')} without API keys.*SAMVERKAN_API_KEYS_FILE or SAMVERKAN_ADMIN_KEY`));
  });

  it('defaults to 127.0.0.1 without keys (running open) and to 0.0.0.0 with keys', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', open: true });
    expect(loadConfig({ HOST: '::1' })).toMatchObject({ host: '::1', open: true });
    expect(loadConfig({ SAMVERKAN_ADMIN_KEY: adminKey })).toMatchObject({ host: '0.0.0.0', open: false, adminKey });
    expect(loadConfig({ SAMVERKAN_API_KEYS_FILE: '/etc/samverkan/keys.json' })).toMatchObject({ host: '0.0.0.0', open: false });
    expect(loadConfig({ SAMVERKAN_API_KEYS_FILE: '/etc/samverkan/keys.json', HOST: '10.0.0.5' })).toMatchObject({ host: '10.0.0.5', open: false });
  });

  it('refuses an admin key that could never be presented, without printing it', () => {
    for (const weak of ['admin', 'short key 123456', 'x'.repeat(15)]) {
      expect(() => loadConfig({ SAMVERKAN_ADMIN_KEY: weak })).toThrow(ConfigError);
      try {
        loadConfig({ SAMVERKAN_ADMIN_KEY: weak });
      } catch (error) {
        expect((error as Error).message).toMatch(/SAMVERKAN_ADMIN_KEY/);
        expect((error as Error).message).not.toContain(weak);
      }
    }
  });

  it('the service itself exits with a non-zero code and prints the refusal on HOST=0.0.0.0 without keys', async () => {
    const dir = tempDir();
    try {
      const env = childEnv({ HOST: '0.0.0.0', PORT: '0', SAMVERKAN_DATA_DIR: join(dir, 'data') });
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], { cwd: ROOT, env });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without API keys/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('/health says auth "open" without keys and "api-keys" with them', async () => {
    const open = await startApp({ env: { LOG_LEVEL: 'fatal' } });
    const keyed = await startApp({ env: { SAMVERKAN_ADMIN_KEY: adminKey, LOG_LEVEL: 'fatal' } });
    try {
      expect((await client(open.url).get('/health')).body).toMatchObject({ status: 'ok', auth: 'open' });
      expect((await client(keyed.url).get('/health')).body).toMatchObject({ status: 'ok', auth: 'api-keys' });
      // Open: development on loopback, every request allowed and recorded as anonymous.
      const before = await open.store.headPosition();
      expect((await client(open.url).post('/v1/federations', fed('open-fed', ['0580', '0581']))).status).toBe(201);
      expect((await open.store.readAll({ after: before }))[0].metadata.actor).toBe('anonymous');
      expect((await client(keyed.url).post('/v1/federations', fed('open-fed', ['0580', '0581']))).status).toBe(401);
    } finally {
      await open.close();
      await keyed.close();
    }
  });
});

describe('rate limit', () => {
  const first = newKey('first-system', ['reader']);
  const second = newKey('second-system', ['reader']);
  let dir: string;
  let running: RunningApp;
  let api: Api;

  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'keys.json'), keysFileText([first, second]));
    running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: join(dir, 'keys.json'), SAMVERKAN_RATE_LIMIT: '5', LOG_LEVEL: 'fatal' } });
    api = client(running.url);
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the 6th request in a minute with one key is 429 problem+json with Retry-After; another key is not affected', async () => {
    for (let i = 0; i < 5; i++) expect((await api.get('/v1/service-areas', bearer(first))).status).toBe(200);
    const limited = await api.get('/v1/service-areas', bearer(first));
    expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-content-type-options')).toBe('nosniff');
    expectNoInternals(limited.text);
    expect(limited.text).not.toContain(first.key);
    // Also for commands.
    expect((await api.post('/v1/service-areas', { slug: 'x-area', nameSv: 'x', nameEn: 'x' }, bearer(first))).status).toBe(429);
    expect((await api.get('/v1/service-areas', bearer(second))).status).toBe(200);
  });

  it('/health is not limited', async () => {
    for (let i = 0; i < 12; i++) expect((await api.get('/health')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await api.get('/health?probe=liveness')).status).toBe(200);
  });

  it('guessing keys does not escape the limit: unknown keys share the sender address’s bucket', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await api.get('/v1/service-areas', bearer(randomBytes(32).toString('base64url')))).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // The second key's own bucket is untouched by them.
    expect((await api.get('/v1/service-areas', bearer(second))).status).toBe(200);
  });
});

/** A store that can be told to fail like a bug would (not like an outage). */
function faultyStore(): { store: EventStore; fail(on: boolean): void } {
  const inner = SqliteEventStore.inMemory();
  let failing = false;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (failing && (prop === 'readStream' || prop === 'readAll')) {
        return async () => {
          const error = new TypeError("Cannot read properties of undefined (reading 'revision')");
          error.stack = `${error.message}\n    at decide (/work/main/libs/domain/src/agreement/agreement.decider.ts:12:3)\n    at /srv/samverkan/node_modules/x/index.js:1:1`;
          throw error;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as EventStore;
  return { store, fail: (on) => (failing = on) };
}

describe('hardening', () => {
  const admin = newKey('hardening-admin', ['admin']);
  const ORIGIN = 'https://intranet.linkoping.se';
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = tempDir();
    file = join(dir, 'keys.json');
    writeFileSync(file, keysFileText([admin]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('without CORS origins', () => {
    let running: RunningApp;
    let api: Api;
    let faulty: ReturnType<typeof faultyStore>;

    beforeAll(async () => {
      faulty = faultyStore();
      running = await startApp({ store: faulty.store, env: { SAMVERKAN_API_KEYS_FILE: file, LOG_LEVEL: 'fatal' } });
      api = client(running.url);
    });
    afterAll(() => running.close());

    it.each([
      ['a query', '/v1/municipalities', true, 200],
      ['a refusal', '/v1/municipalities', false, 401],
      ['an unknown route', '/v1/nothing-here', true, 404],
      ['/health', '/health', false, 200],
      ['/docs-json', '/docs-json', false, 200],
      ['/docs', '/docs', false, 200],
    ])('security headers on %s', async (_label, path, withKey, status) => {
      const reply = await api.get(path, withKey ? bearer(admin) : {});
      expect(reply.status).toBe(status);
      const h = reply.headers;
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(h.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(h.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(h.get('referrer-policy')).toBe('no-referrer');
      expect(h.get('x-powered-by')).toBeNull();
      expect(h.get('access-control-allow-origin')).toBeNull();
    });

    it('sends no CORS headers when no origin is configured, not even to a preflight', async () => {
      const reply = await api.get('/v1/municipalities', { ...bearer(admin), origin: ORIGIN });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await api.call('OPTIONS', '/v1/agreements', undefined, { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    });

    it('a bug is a 500 problem+json with no stack trace, file path or message of the error', async () => {
      faulty.fail(true);
      try {
        const query = await api.get('/v1/agreements/never-seen', bearer(admin));
        expectProblem(query, 500, 'internal-error');
        expectNoInternals(query.text);
        const reply = await api.post('/v1/federations', fed('fails', ['0580', '0581']), bearer(admin));
        expectProblem(reply, 500, 'internal-error');
        expectNoInternals(reply.text);
        expect(reply.text).not.toMatch(/revision|TypeError|decider|Cannot read/);
      } finally {
        faulty.fail(false);
      }
      expect((await api.post('/v1/federations', fed('works-again', ['0580', '0581']), bearer(admin))).status).toBe(201);
    });

    it.each([
      ['malformed JSON', 'POST', '/v1/federations', '{"id": ', { 'content-type': 'application/json' }],
      ['a body that is not JSON', 'POST', '/v1/federations', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['a body over 1 MiB', 'POST', '/v1/federations', JSON.stringify({ name: 'x'.repeat(1_100_000) }), { 'content-type': 'application/json' }],
      ['an unknown field', 'POST', '/v1/federations', JSON.stringify({ ...fed('bad', ['0580', '0581']), constructor: { prototype: 1 } }), { 'content-type': 'application/json' }],
      ['a bad path parameter', 'GET', '/v1/municipalities/..%2F..%2Fetc%2Fpasswd', undefined, {}],
      ['an unsupported method', 'DELETE', '/v1/federations/sec-fed', undefined, {}],
    ])('%s: a problem with no internals', async (_label, method, path, body, headers) => {
      const reply = await api.call(method, path, body, { ...bearer(admin), ...headers });
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectNoInternals(reply.text);
    });

    it('a closed store is a 503 problem+json with Retry-After and no internals', async () => {
      await running.store.close();
      const reply = await api.post('/v1/federations', fed('after-close', ['0580', '0581']), bearer(admin));
      expectProblem(reply, 503, 'store-unavailable');
      expect(reply.headers.get('retry-after')).toBeTruthy();
      expectNoInternals(reply.text);
      expect(reply.text).not.toMatch(/SQLite|sqlite/);
    });
  });

  describe('with SAMVERKAN_CORS_ORIGINS', () => {
    let running: RunningApp;
    let api: Api;

    beforeAll(async () => {
      running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: file, SAMVERKAN_CORS_ORIGINS: ORIGIN, LOG_LEVEL: 'fatal' } });
      api = client(running.url);
    });
    afterAll(() => running.close());

    it('allows that origin only', async () => {
      const allowed = await api.get('/v1/municipalities', { ...bearer(admin), origin: ORIGIN });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await api.get('/v1/municipalities', { ...bearer(admin), origin: 'https://evil.example' });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const lookalike = await api.get('/v1/municipalities', { ...bearer(admin), origin: `${ORIGIN}.evil.example` });
      expect(lookalike.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers a preflight from that origin only', async () => {
      const preflight = (origin: string) => api.call('OPTIONS', '/v1/agreements', undefined, { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' });
      const allowed = await preflight(ORIGIN);
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

/** The writer keys of a seed story: one per municipality that acts in it, and an admin for `as: "admin"`. */
function storyKeys(ids: string[]): { keys: Record<string, Key>; headersFor: (as: string | undefined) => Record<string, string> } {
  const keys: Record<string, Key> = { admin: newKey('story-admin', ['admin']) };
  for (const id of ids) {
    for (const step of loadScenario(id).steps) {
      if (step.as && !keys[step.as]) keys[step.as] = newKey(`writer-${step.as}`, ['writer'], [step.as]);
    }
  }
  return {
    keys,
    headersFor: (as) => {
      if (!as || !keys[as]) throw new Error(`no key for '${as}'`);
      return { authorization: `Bearer ${keys[as].key}` };
    },
  };
}

describe('logs never contain a key', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let output = '';

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('S1 with scoped keys and failed authentications, at LOG_LEVEL=debug: no key and no Authorization value is logged; a failure is logged by hash prefix', async () => {
    dir = tempDir();
    const { keys, headersFor } = storyKeys(['s1']);
    const adminKey = randomBytes(32).toString('base64url');
    const reader = newKey('log-reader', ['reader']);
    writeFileSync(join(dir, 'keys.json'), keysFileText([...Object.values(keys), reader]));
    const env = childEnv({
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'debug',
      SAMVERKAN_DATA_DIR: join(dir, 'data'),
      SAMVERKAN_API_KEYS_FILE: join(dir, 'keys.json'),
      SAMVERKAN_ADMIN_KEY: adminKey,
    });
    const started = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], { cwd: ROOT, env });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((done, fail) => {
      const timer = setInterval(() => {
        const match = /Listening on (http:\/\/[^\s"]+)/.exec(output);
        if (match) {
          clearInterval(timer);
          done(match[1].replace('[::1]', '127.0.0.1'));
        }
      }, 50);
      started.on('exit', (code) => {
        clearInterval(timer);
        fail(new Error(`the service exited (${code}): ${output}`));
      });
    });

    const secretsAdded: string[] = [];
    const run = await runScenario(url, loadScenario('s1'), { headersFor });
    expect(run.results.length).toBeGreaterThan(10);
    const api = client(url);
    expect((await api.get(`/v1/matrix?county=05&minPosition=${run.position}`, bearer(reader))).status).toBe(200);
    expect((await api.post('/v1/service-areas', { slug: 'logged-area', nameSv: 'x', nameEn: 'x' }, bearer(adminKey))).status).toBe(201);

    const unknown = [randomBytes(32).toString('base64url'), `${adminKey.slice(0, -2)}zz`, `${keys['0580'].key}0`];
    for (const key of unknown) expect((await api.get('/v1/municipalities', bearer(key))).status).toBe(401);
    expect((await api.get('/v1/municipalities', { authorization: `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}` })).status).toBe(401);
    expect((await api.get('/v1/municipalities', { 'x-api-key': adminKey })).status).toBe(401);
    // A writer outside its scope, and a reader sending a command.
    expect((await api.post('/v1/agreements/lkp-buys-payroll-2020/extension', { validUntil: '2030-12-31', decidedOn: '2024-01-01' }, bearer(keys['0581'].key.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))))).status).toBe(401);
    expect((await api.post('/v1/service-areas', { slug: 'never', nameSv: 'x', nameEn: 'x' }, bearer(reader))).status).toBe(403);

    // A real SIGHUP reloads the keys and leaves the service running (it is not a shutdown signal here).
    const late = newKey('late-reader', ['reader']);
    writeFileSync(join(dir, 'keys.json'), keysFileText([...Object.values(keys), reader, late]));
    started.kill('SIGHUP');
    await eventually(async () => (await api.get('/v1/service-areas', bearer(late))).status === 200, 5_000);
    expect(started.exitCode).toBeNull();
    expect((await api.get('/health')).status).toBe(200);
    secretsAdded.push(late.key);

    started.kill('SIGTERM');
    const exit = await new Promise<{ code: number | null; signal: string | null }>((done) =>
      started.exitCode !== null || started.signalCode !== null ? done({ code: started.exitCode, signal: started.signalCode }) : started.on('exit', (code, signal) => done({ code, signal })),
    );
    // SIGTERM stops it gracefully (Nest re-raises the signal once it has closed).
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);

    // The capture worked: requests, the start-up and the failures are there.
    expect(output).toMatch(/\/v1\/agreements\/lkp-buys-payroll-2020\/signatures/);
    expect(output).toMatch(/API key/);
    expect(output).toMatch(/Reloaded API keys \(SIGHUP\)/);
    const secrets = [...Object.values(keys).map((k) => k.key), reader.key, adminKey, ...unknown, ...secretsAdded];
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.slice(0, 16));
      expect(output).not.toContain(Buffer.from(`admin:${secret}`).toString('base64'));
    }
    expect(output).not.toMatch(/Bearer [A-Za-z0-9_-]{16,}/);
    // A failed authentication is logged with a prefix of the key's hash only.
    for (const key of unknown) {
      expect(output).toContain(sha256Hex(key).slice(0, 8));
      expect(output).not.toContain(sha256Hex(key));
    }
    // Nor is any whole key hash from the keys file.
    for (const key of Object.values(keys)) expect(output).not.toContain(sha256Hex(key.key));
  });
});
