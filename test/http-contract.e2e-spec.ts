import { EventStore } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * The Conventions and the error table of contract.md, over HTTP: the answer of every
 * command, bad input on every command endpoint, the refusals (404, 409, 412, 422), the
 * headers (Idempotency-Key, If-Match, X-Source-System), limits, read-your-writes and
 * concurrency. Every refusal is checked to append nothing to the log.
 */

type Api = ReturnType<typeof client>;
type Reply = Awaited<ReturnType<Api['call']>>;
type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
const BAD_DATES = ['2019-02-30', '2019-13-01', '20190101'];
const BAD_CODES = ['580', '05800', 'abcd'];
const BAD_IDS = ['Upper', '-x', 'a'.repeat(64)];

/** A deep copy of `body` with the value at `path` (`successors[0].basis.id`) replaced; `undefined` removes it. */
function withField(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body);
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** The top-level property a field path lies under: `successors[0].basis.id` → `successors`. */
const rootOf = (field: string) => field.split(/[.[]/)[0];

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toEqual({
    type: expect.stringContaining(code),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    ...(status === 400 ? { errors: expect.any(Array) } : {}),
  });
}

/** 400 validation-failed whose errors name `field` and nothing outside its top-level property. */
function expectInvalid(reply: Reply, field: string): void {
  expectProblem(reply, 400, 'validation-failed');
  const errors = reply.body.errors as { field: string; message: string }[];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  const fields = errors.map((e) => e.field);
  expect(fields).toContain(field);
  expect(fields.filter((f) => rootOf(f) !== rootOf(field))).toEqual([]);
}

function expectCommandAnswer(reply: Reply, status: 200 | 201): void {
  expect({ status: reply.status, body: reply.body }).toEqual({ status, body: expect.anything() });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(reply.body).sort()).toEqual(['events', 'id', 'position', 'revision', 'stream']);
  expect(reply.body).toEqual({
    id: expect.any(String),
    stream: expect.any(String),
    revision: expect.any(Number),
    position: expect.any(Number),
    events: expect.any(Array),
  });
  expect(reply.body.events.length).toBeGreaterThan(0);
  for (const event of reply.body.events) expect(event).toEqual({ type: expect.stringMatching(/^[A-Z][A-Za-z]+$/), id: expect.stringMatching(UUID) });
  expect(reply.headers.get('etag')).toBe(`"${reply.body.revision}"`);
}

/** Arrangements the bad-input and refusal tests point at, so that a valid body would be accepted. */
const FIXTURES = {
  federation: {
    id: 'fx-fed',
    name: 'Fixture federation',
    form: 'federation',
    members: ['0580', '0581'],
    serviceAreas: ['payroll', 'procurement'],
    decidedOn: '2007-06-18',
    effectiveFrom: '2008-01-01',
  },
  agreement: {
    id: 'fx-agr',
    kind: 'service',
    title: 'Linköping buys payroll from Norrköping',
    parties: ['0580', '0581'],
    provider: { kind: 'municipality', code: '0581' },
    buyers: ['0580'],
    serviceAreas: ['payroll'],
    validFrom: '2020-01-01',
    validUntil: '2022-12-31',
    councilApprovalRequired: true,
    decidedOn: '2019-10-07',
  },
  study: {
    id: 'fx-study',
    kind: 'feasibility',
    title: 'Fixture study',
    parties: ['2581', '2560'],
    owner: '2581',
    serviceAreas: ['payroll'],
    startedOn: '2013-12-18',
    plannedEnd: '2014-09-30',
  },
  milestone: { id: 'fx-milestone', title: 'Interim report', due: '2014-06-30' },
};

/** One command endpoint of the contract, with a valid body and the ways to spoil it. */
interface Endpoint {
  route: string;
  path: string;
  valid: Json;
  required: string[];
  dates?: string[];
  /** [field path to spoil, the field the error names] */
  codes?: [string, string][];
  ids?: [string, string][];
  wrongTypes?: [string, unknown][];
  /** Bad path parameters: [label, path, field]. */
  badPaths?: [string, string, string][];
  /** Anything else: [label, body, field]. */
  extra?: [string, Json, string][];
}

const successor = { municipality: '0580', serviceArea: 'payroll', basis: { kind: 'in-house' } };

/** The basis rules (in-house takes no id, the others need one), at a basis field path. */
function basisCases(body: Json, at: string): [string, Json, string][] {
  return [
    [`${at}: in-house with an id`, withField(body, at, { kind: 'in-house', id: 'fx-fed' }), `${at}.id`],
    [`${at}: an agreement without an id`, withField(body, at, { kind: 'agreement' }), `${at}.id`],
    [`${at}: a federation without an id`, withField(body, at, { kind: 'federation' }), `${at}.id`],
    [`${at}: an unknown kind`, withField(body, at, { kind: 'outsourced', id: 'fx-fed' }), `${at}.kind`],
    [`${at}: an unknown nested field`, withField(body, `${at}.extra`, 1), `${at}.extra`],
    [`${at}: a string`, withField(body, at, 'in-house'), at],
    [`${at}: an array`, withField(body, at, []), at],
    ...BAD_IDS.map((id): [string, Json, string] => [`${at}.id = ${id}`, withField(body, at, { kind: 'agreement', id }), `${at}.id`]),
  ];
}

const transferBody = { serviceArea: 'payroll', basis: { kind: 'federation', id: 'fx-fed' }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' };
const departureBody = { municipality: '0580', decidedOn: '2019-11-25', effectiveFrom: '2020-01-01', successors: [successor] };
const dissolutionBody = { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successors: [successor] };
const terminationBody = { decidedOn: '2021-09-27', effectiveFrom: '2022-01-01', reason: 'Ended early', successors: [successor] };
const correctionBody = {
  transferId: '0b6f3c52-7d8e-5a41-9f0e-3c2b1a9d8e7f',
  reason: 'Recorded on the wrong basis',
  replacement: { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' },
};

function successorCases(body: Json): [string, Json, string][] {
  return [
    ...basisCases(body, 'successors[0].basis'),
    ['successors[0]: an unknown field', withField(body, 'successors[0].extra', 1), 'successors[0].extra'],
    ['successors[0]: no basis', withField(body, 'successors[0].basis', undefined), 'successors[0].basis'],
    ['successors[0]: no serviceArea', withField(body, 'successors[0].serviceArea', undefined), 'successors[0].serviceArea'],
    ['successors[0]: no municipality', withField(body, 'successors[0].municipality', undefined), 'successors[0].municipality'],
    ['successors[0]: null', withField(body, 'successors[0]', null), 'successors'],
    ['successors: an object', withField(body, 'successors', successor), 'successors'],
    ['successors: one municipality and area twice', withField(body, 'successors', [successor, { ...successor, basis: { kind: 'federation', id: 'fx-fed' } }]), 'successors'],
    ...BAD_CODES.map((code): [string, Json, string] => [`successors[0].municipality = ${code}`, withField(body, 'successors[0].municipality', code), 'successors[0].municipality']),
  ];
}

const ENDPOINTS: Endpoint[] = [
  {
    route: 'POST /v1/federations',
    path: '/v1/federations',
    valid: { ...FIXTURES.federation, id: 'new-committee', form: 'joint-committee', host: '0580' },
    required: ['name', 'form', 'members', 'serviceAreas', 'decidedOn', 'effectiveFrom'],
    dates: ['decidedOn', 'effectiveFrom'],
    codes: [
      ['host', 'host'],
      ['members[1]', 'members'],
    ],
    ids: [['id', 'id']],
    wrongTypes: [
      ['name', 5],
      ['form', 'union'],
      ['members', '0580'],
      ['serviceAreas', [1]],
      ['decidedOn', 20070618],
    ],
  },
  {
    route: 'POST /v1/federations/{id}/members',
    path: '/v1/federations/fx-fed/members',
    valid: { municipality: '0583', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' },
    required: ['municipality', 'decidedOn', 'effectiveFrom'],
    dates: ['decidedOn', 'effectiveFrom'],
    codes: [['municipality', 'municipality']],
    wrongTypes: [['municipality', 580]],
    badPaths: BAD_IDS.map((id): [string, string, string] => [`id ${id}`, `/v1/federations/${id}/members`, 'id']),
  },
  {
    route: 'POST /v1/federations/{id}/departures',
    path: '/v1/federations/fx-fed/departures',
    valid: departureBody,
    required: ['municipality', 'decidedOn', 'effectiveFrom'],
    dates: ['decidedOn', 'effectiveFrom'],
    codes: [['municipality', 'municipality']],
    wrongTypes: [['successors', 'none']],
    badPaths: [['id Upper', '/v1/federations/Upper/departures', 'id']],
    extra: successorCases(departureBody),
  },
  {
    route: 'POST /v1/federations/{id}/dissolution',
    path: '/v1/federations/fx-fed/dissolution',
    valid: dissolutionBody,
    required: ['decidedOn', 'effectiveFrom'],
    dates: ['decidedOn', 'effectiveFrom'],
    wrongTypes: [['effectiveFrom', true]],
    badPaths: [['id -x', '/v1/federations/-x/dissolution', 'id']],
    extra: successorCases(dissolutionBody),
  },
  {
    route: 'POST /v1/agreements',
    path: '/v1/agreements',
    valid: { ...FIXTURES.agreement, id: 'new-agreement' },
    required: ['kind', 'title', 'parties', 'serviceAreas', 'validFrom', 'councilApprovalRequired', 'provider', 'buyers'],
    dates: ['validFrom', 'validUntil', 'decidedOn'],
    codes: [
      ['parties[0]', 'parties'],
      ['buyers[0]', 'buyers'],
      ['provider.code', 'provider.code'],
    ],
    ids: [['id', 'id']],
    wrongTypes: [
      ['councilApprovalRequired', 'yes'],
      ['title', 5],
      ['parties', '0580'],
      ['kind', 'contract'],
      ['otherParties', 'Region Östergötland'],
      ['provider', 'Norrköping'],
    ],
    extra: [
      ['provider: an unknown nested field', withField(FIXTURES.agreement, 'provider.extra', 1), 'provider.extra'],
      ['provider: an unknown kind', withField(FIXTURES.agreement, 'provider', { kind: 'company', code: '0581' }), 'provider.kind'],
      ...BAD_IDS.map((id): [string, Json, string] => [`provider federation id ${id}`, withField(FIXTURES.agreement, 'provider', { kind: 'federation', id }), 'provider.id']),
      ['the providing municipality among the buyers', withField(FIXTURES.agreement, 'buyers', ['0580', '0581']), 'buyers'],
      ['a service agreement without service areas', withField(FIXTURES.agreement, 'serviceAreas', []), 'serviceAreas'],
      ['a letter of intent with a provider', withField({ ...FIXTURES.agreement, kind: 'intent', buyers: undefined }, 'buyers', undefined), 'provider'],
      ['a letter of intent with buyers', withField({ ...FIXTURES.agreement, kind: 'intent' }, 'provider', undefined), 'buyers'],
    ],
  },
  {
    route: 'POST /v1/agreements/{id}/signatures',
    path: '/v1/agreements/fx-agr/signatures',
    valid: { party: '0580', signedOn: '2019-12-18' },
    required: ['party', 'signedOn'],
    dates: ['signedOn'],
    wrongTypes: [['party', 580]],
    badPaths: [['id of 64 characters', `/v1/agreements/${'a'.repeat(64)}/signatures`, 'id']],
  },
  {
    route: 'POST /v1/agreements/{id}/council-decisions',
    path: '/v1/agreements/fx-agr/council-decisions',
    valid: { municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved', reference: 'KF § 212' },
    required: ['municipality', 'decidedOn', 'outcome'],
    dates: ['decidedOn'],
    codes: [['municipality', 'municipality']],
    wrongTypes: [
      ['outcome', 'maybe'],
      ['reference', 212],
    ],
    badPaths: [['id Upper', '/v1/agreements/Upper/council-decisions', 'id']],
  },
  {
    route: 'POST /v1/agreements/{id}/extension',
    path: '/v1/agreements/fx-agr/extension',
    valid: { validUntil: '2024-12-31', decidedOn: '2022-06-20' },
    required: ['validUntil', 'decidedOn'],
    dates: ['validUntil', 'decidedOn'],
    wrongTypes: [['validUntil', null]],
    badPaths: [['id Upper', '/v1/agreements/Upper/extension', 'id']],
  },
  {
    route: 'POST /v1/agreements/{id}/termination',
    path: '/v1/agreements/fx-agr/termination',
    valid: terminationBody,
    required: ['decidedOn', 'effectiveFrom', 'reason'],
    dates: ['decidedOn', 'effectiveFrom'],
    wrongTypes: [['reason', ['a']]],
    badPaths: [['id Upper', '/v1/agreements/Upper/termination', 'id']],
    extra: successorCases(terminationBody),
  },
  {
    route: 'POST /v1/municipalities/{code}/transfers',
    path: '/v1/municipalities/0580/transfers',
    valid: transferBody,
    required: ['serviceArea', 'basis', 'decidedOn', 'effectiveFrom'],
    dates: ['decidedOn', 'effectiveFrom'],
    ids: [['serviceArea', 'serviceArea']],
    wrongTypes: [['serviceArea', ['payroll']]],
    badPaths: BAD_CODES.map((code): [string, string, string] => [`code ${code}`, `/v1/municipalities/${code}/transfers`, 'code']),
    extra: basisCases(transferBody, 'basis'),
  },
  {
    route: 'POST /v1/municipalities/{code}/corrections',
    path: '/v1/municipalities/0580/corrections',
    valid: correctionBody,
    required: ['transferId', 'reason', 'replacement.serviceArea', 'replacement.basis', 'replacement.decidedOn', 'replacement.effectiveFrom'],
    dates: ['replacement.decidedOn', 'replacement.effectiveFrom'],
    wrongTypes: [
      ['replacement', 'none'],
      ['transferId', 7],
    ],
    badPaths: [['code abcd', '/v1/municipalities/abcd/corrections', 'code']],
    extra: [...basisCases(correctionBody, 'replacement.basis'), ['replacement: an unknown field', withField(correctionBody, 'replacement.extra', 1), 'replacement.extra']],
  },
  {
    route: 'POST /v1/studies',
    path: '/v1/studies',
    valid: { ...FIXTURES.study, id: 'new-study', otherParties: ['Region Norrbotten'], funder: 'Tillväxtverket' },
    required: ['kind', 'title', 'parties', 'serviceAreas', 'startedOn', 'plannedEnd'],
    dates: ['startedOn', 'plannedEnd'],
    codes: [
      ['parties[1]', 'parties'],
      ['owner', 'owner'],
    ],
    ids: [['id', 'id']],
    wrongTypes: [
      ['kind', 'survey'],
      ['otherParties', [1]],
      ['funder', { name: 'x' }],
    ],
  },
  {
    route: 'POST /v1/studies/{id}/milestones',
    path: '/v1/studies/fx-study/milestones',
    valid: { id: 'interim-report', title: 'Interim report', due: '2014-05-31' },
    required: ['id', 'title', 'due'],
    dates: ['due'],
    ids: [['id', 'id']],
    wrongTypes: [['title', '']],
    badPaths: [['id Upper', '/v1/studies/Upper/milestones', 'id']],
  },
  {
    route: 'POST /v1/studies/{id}/milestones/{milestoneId}/reached',
    path: '/v1/studies/fx-study/milestones/fx-milestone/reached',
    valid: { reachedOn: '2014-06-14' },
    required: ['reachedOn'],
    dates: ['reachedOn'],
    wrongTypes: [['reachedOn', ['2014-06-14']]],
    badPaths: [
      ['id Upper', '/v1/studies/Upper/milestones/fx-milestone/reached', 'id'],
      ['milestoneId -x', '/v1/studies/fx-study/milestones/-x/reached', 'milestoneId'],
    ],
  },
  {
    route: 'POST /v1/studies/{id}/conclusion',
    path: '/v1/studies/fx-study/conclusion',
    valid: { concludedOn: '2014-09-15', recommendation: 'proceed', summary: 'Go ahead' },
    required: ['concludedOn', 'recommendation', 'summary'],
    dates: ['concludedOn'],
    wrongTypes: [['recommendation', 'yes']],
    badPaths: [['id Upper', '/v1/studies/Upper/conclusion', 'id']],
  },
  {
    route: 'POST /v1/arrangements/{id}/reviews',
    path: '/v1/arrangements/fx-fed/reviews',
    valid: { reviewedOn: '2019-05-20', outcome: 'continue', note: 'Fine' },
    required: ['reviewedOn', 'outcome'],
    dates: ['reviewedOn'],
    wrongTypes: [
      ['outcome', 'stop'],
      ['note', 1],
    ],
    badPaths: [['id Upper', '/v1/arrangements/Upper/reviews', 'id']],
  },
  {
    route: 'POST /v1/service-areas',
    path: '/v1/service-areas',
    valid: { slug: 'school-meals', nameSv: 'Skolmåltider', nameEn: 'School meals' },
    required: ['slug', 'nameSv', 'nameEn'],
    ids: [['slug', 'slug']],
    wrongTypes: [['nameEn', 1]],
  },
];

/** Every bad-input case of an endpoint: [label, path, body (a string is sent as is), field]. */
function badInputs(e: Endpoint): [string, string, Json | string, string][] {
  const at = (label: string, body: Json | string, field: string): [string, string, Json | string, string] => [label, e.path, body, field];
  return [
    at('malformed JSON', '{"decidedOn": "2019-01-01",', 'body'),
    at('a JSON array', JSON.stringify([e.valid]), 'body'),
    at('a JSON number', '42', 'body'),
    at('a JSON string', '"hello"', 'body'),
    at('JSON null', 'null', 'body'),
    at('a __proto__ key', `{"__proto__": {"admin": true}, ${JSON.stringify(e.valid).slice(1)}`, 'body'),
    at('an unknown top-level field', { ...e.valid, unexpected: true }, 'unexpected'),
    ...e.required.map((field) => at(`missing ${field}`, withField(e.valid, field, undefined), field)),
    ...(e.dates ?? []).flatMap((field) => BAD_DATES.map((date) => at(`${field} = ${date}`, withField(e.valid, field, date), field))),
    ...(e.codes ?? []).flatMap(([path, field]) => BAD_CODES.map((code) => at(`${path} = ${code}`, withField(e.valid, path, code), field))),
    ...(e.ids ?? []).flatMap(([path, field]) => BAD_IDS.map((id) => at(`${path} = ${id.length > 10 ? `${id.length} characters` : id}`, withField(e.valid, path, id), field))),
    ...(e.wrongTypes ?? []).map(([field, value]) => at(`${field} = ${JSON.stringify(value)}`, withField(e.valid, field, value), field)),
    ...(e.extra ?? []).map(([label, body, field]) => at(label, body, field)),
    ...(e.badPaths ?? []).map(([label, path, field]): [string, string, Json | string, string] => [label, path, e.valid, field]),
  ];
}

/** The embedded store, but reading streams as slowly as a store across a network (EventStoreDB) once `slow` is set. */
function slowStore(): { store: EventStore; slow: (on: boolean) => void } {
  const inner = SqliteEventStore.inMemory();
  let delayMs = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'readStream' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return value.apply(target, args);
      };
    },
  });
  return { store, slow: (on) => (delayMs = on ? 15 : 0) };
}

describe('HTTP contract', () => {
  let running: RunningApp;
  let api: Api;

  const head = () => running.store.headPosition();

  /** Runs `request`, and checks that the log did not grow meanwhile. */
  async function appendsNothing(request: () => Promise<Reply>): Promise<Reply> {
    const before = await head();
    const reply = await request();
    expect(await head()).toBe(before);
    return reply;
  }

  const post = (path: string, body: unknown, headers?: Record<string, string>) => api.post(path, body, headers);

  async function created(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply> {
    const reply = await post(path, body, headers);
    if (reply.status !== 201 && reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text}`);
    return reply;
  }

  /** A fresh agreement between 0580 and 0581 (no council approval unless asked). */
  async function agreement(id: string, extra: Json = {}): Promise<Reply> {
    return created('/v1/agreements', { ...FIXTURES.agreement, id, councilApprovalRequired: false, ...extra });
  }

  beforeAll(async () => {
    running = await startApp();
    api = client(running.url);
    await created('/v1/federations', FIXTURES.federation);
    await created('/v1/agreements', FIXTURES.agreement);
    await created('/v1/studies', FIXTURES.study);
    await created('/v1/studies/fx-study/milestones', FIXTURES.milestone);
  });
  afterAll(() => running.close());

  describe('every command answers { id, stream, revision, position, events } with the revision as ETag', () => {
    const ctx: { agreementId?: string; studyId?: string; transferId?: string; positions: number[] } = { positions: [] };

    const steps: [string, 200 | 201, () => Promise<Reply>, (reply: Reply) => Promise<void> | void][] = [
      [
        'POST /v1/service-areas',
        201,
        () => post('/v1/service-areas', { slug: 'lc-area', nameSv: 'Livscykel', nameEn: 'Lifecycle' }),
        async (r) => {
          expect(r.body).toMatchObject({ id: 'lc-area', stream: 'servicearea-lc-area', revision: 0, events: [{ type: 'ServiceAreaDefined' }] });
          // The next command names the new area; the catalog it is checked against is a read model.
          expect((await api.get(`/v1/service-areas?minPosition=${r.body.position}`)).body).toContainEqual(expect.objectContaining({ slug: 'lc-area' }));
        },
      ],
      [
        'POST /v1/federations',
        201,
        () => post('/v1/federations', { ...FIXTURES.federation, id: 'lc-fed', serviceAreas: ['payroll', 'lc-area'] }),
        (r) => expect(r.body).toMatchObject({ id: 'lc-fed', stream: 'federation-lc-fed', revision: 0, events: [{ type: 'FederationFormed' }] }),
      ],
      [
        'POST /v1/federations/{id}/members',
        201,
        () => post('/v1/federations/lc-fed/members', { municipality: '0583', decidedOn: '2009-11-29', effectiveFrom: '2010-01-01' }),
        (r) => expect(r.body).toMatchObject({ id: 'lc-fed', stream: 'federation-lc-fed', revision: 1, events: [{ type: 'MemberJoined' }] }),
      ],
      [
        'POST /v1/municipalities/{code}/transfers',
        201,
        () => post('/v1/municipalities/0583/transfers', { serviceArea: 'payroll', basis: { kind: 'federation', id: 'lc-fed' }, decidedOn: '2009-12-01', effectiveFrom: '2010-02-01' }),
        async (r) => {
          expect(r.body).toMatchObject({ id: '0583', stream: 'municipality-0583', events: [{ type: 'ServiceTransferred' }] });
          const [event] = (await running.store.readStream('municipality-0583')).filter((e) => e.id === r.body.events[0].id);
          ctx.transferId = event.data.transferId as string;
        },
      ],
      [
        'POST /v1/municipalities/{code}/corrections',
        201,
        () =>
          post('/v1/municipalities/0583/corrections', {
            transferId: ctx.transferId,
            reason: 'The wrong date',
            replacement: { serviceArea: 'payroll', basis: { kind: 'federation', id: 'lc-fed' }, decidedOn: '2009-12-01', effectiveFrom: '2010-03-01' },
          }),
        (r) => expect(r.body).toMatchObject({ id: '0583', stream: 'municipality-0583', events: [{ type: 'CorrectionRecorded' }] }),
      ],
      [
        'POST /v1/federations/{id}/departures',
        201,
        () => post('/v1/federations/lc-fed/departures', { municipality: '0583', decidedOn: '2011-11-01', effectiveFrom: '2012-01-01', successors: [{ ...successor, municipality: '0583' }] }),
        async (r) => {
          expect(r.body).toMatchObject({ id: 'lc-fed', stream: 'federation-lc-fed', events: [{ type: 'MemberLeft' }] });
          // The successor transfer is recorded before the answer, and the answer's position covers it.
          const left = (await running.store.readStream('federation-lc-fed')).find((e) => e.id === r.body.events[0].id);
          const succeeding = (await running.store.readStream('municipality-0583')).filter((e) => e.metadata.causationId === left?.id);
          expect(succeeding.map((e) => e.type)).toEqual(['ServiceTransferred']);
          expect(r.body.position).toBeGreaterThanOrEqual(succeeding[0].position);
          expect(succeeding[0].metadata.correlationId).toBe(left?.metadata.correlationId);
        },
      ],
      [
        'POST /v1/agreements (no id: one is generated)',
        201,
        () => post('/v1/agreements', { ...FIXTURES.agreement, id: undefined }),
        (r) => {
          expect(r.body.id).toMatch(ID_PATTERN);
          expect(r.body).toMatchObject({ stream: `agreement-${r.body.id}`, revision: 0, events: [{ type: 'AgreementProposed' }] });
          ctx.agreementId = r.body.id;
        },
      ],
      ['POST /v1/agreements/{id}/signatures', 201, () => post(`/v1/agreements/${ctx.agreementId}/signatures`, { party: '0580', signedOn: '2019-12-18' }), (r) => expect(r.body.events).toMatchObject([{ type: 'AgreementSigned' }])],
      ['POST /v1/agreements/{id}/signatures (second party)', 201, () => post(`/v1/agreements/${ctx.agreementId}/signatures`, { party: '0581', signedOn: '2019-12-18' }), (r) => expect(r.body.revision).toBe(2)],
      [
        'POST /v1/agreements/{id}/council-decisions',
        201,
        () => post(`/v1/agreements/${ctx.agreementId}/council-decisions`, { municipality: '0581', decidedOn: '2019-11-26', outcome: 'approved' }),
        (r) => expect(r.body.events).toMatchObject([{ type: 'CouncilDecisionRecorded' }]),
      ],
      [
        'POST /v1/agreements/{id}/council-decisions (the last approval concludes)',
        201,
        () => post(`/v1/agreements/${ctx.agreementId}/council-decisions`, { municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved', reference: 'KF § 212' }),
        (r) => expect(r.body).toMatchObject({ revision: 5, events: [{ type: 'CouncilDecisionRecorded' }, { type: 'AgreementConcluded' }] }),
      ],
      ['POST /v1/agreements/{id}/extension', 200, () => post(`/v1/agreements/${ctx.agreementId}/extension`, { validUntil: '2024-12-31', decidedOn: '2022-06-20' }), (r) => expect(r.body.events).toMatchObject([{ type: 'AgreementExtended' }])],
      [
        'POST /v1/agreements/{id}/termination',
        200,
        () => post(`/v1/agreements/${ctx.agreementId}/termination`, { decidedOn: '2022-09-27', effectiveFrom: '2023-01-01', reason: 'Taken back in-house' }),
        (r) => expect(r.body.events).toMatchObject([{ type: 'AgreementTerminated' }]),
      ],
      ['POST /v1/arrangements/{id}/reviews', 201, () => post('/v1/arrangements/lc-fed/reviews', { reviewedOn: '2019-05-20', outcome: 'end' }), (r) => expect(r.body).toMatchObject({ id: 'lc-fed', events: [{ type: 'ReviewRecorded' }] })],
      ['POST /v1/federations/{id}/dissolution', 200, () => post('/v1/federations/lc-fed/dissolution', { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }), (r) => expect(r.body.events).toMatchObject([{ type: 'FederationDissolved' }])],
      [
        'POST /v1/studies (no id: one is generated)',
        201,
        () => post('/v1/studies', { ...FIXTURES.study, id: undefined }),
        (r) => {
          expect(r.body.id).toMatch(ID_PATTERN);
          expect(r.body).toMatchObject({ stream: `study-${r.body.id}`, revision: 0, events: [{ type: 'StudyStarted' }] });
          ctx.studyId = r.body.id;
        },
      ],
      ['POST /v1/studies/{id}/milestones', 201, () => post(`/v1/studies/${ctx.studyId}/milestones`, { id: 'kick-off', title: 'Kick-off', due: '2014-01-15' }), (r) => expect(r.body.events).toMatchObject([{ type: 'MilestoneScheduled' }])],
      [
        'POST /v1/studies/{id}/milestones/{milestoneId}/reached',
        200,
        () => post(`/v1/studies/${ctx.studyId}/milestones/kick-off/reached`, { reachedOn: '2014-01-14' }),
        (r) => expect(r.body.events).toMatchObject([{ type: 'MilestoneReached' }]),
      ],
      [
        'POST /v1/studies/{id}/conclusion',
        200,
        () => post(`/v1/studies/${ctx.studyId}/conclusion`, { concludedOn: '2014-09-15', recommendation: 'partly', summary: 'Payroll only' }),
        (r) => expect(r.body).toMatchObject({ id: ctx.studyId, events: [{ type: 'StudyConcluded' }] }),
      ],
    ];

    it.each(steps)('%s answers %d', async (_route, status, send, check) => {
      const reply = await send();
      expectCommandAnswer(reply, status);
      await check(reply);
      // Positions only grow, and the answer's events are the stored ones.
      expect(reply.body.position).toBeGreaterThan(Math.max(0, ...ctx.positions));
      ctx.positions.push(reply.body.position);
      const stored = await running.store.readStream(reply.body.stream);
      expect(stored[stored.length - 1].revision).toBe(reply.body.revision);
      const ids = new Set(stored.map((e) => e.id));
      for (const event of reply.body.events) expect(ids.has(event.id)).toBe(true);
    });

    it('ids of 63 characters are accepted', async () => {
      const id = `a${'b'.repeat(62)}`;
      const reply = await post('/v1/federations', { ...FIXTURES.federation, id });
      expectCommandAnswer(reply, 201);
      expect(reply.body.id).toBe(id);
    });
  });

  describe('bad input is 400 validation-failed, naming the field, and appends nothing', () => {
    for (const endpoint of ENDPOINTS) {
      describe(endpoint.route, () => {
        it.each(badInputs(endpoint))('%s', async (_label, path, body, field) => {
          const reply = await appendsNothing(() => post(path, body));
          expectInvalid(reply, field);
        });
      });
    }
  });

  describe('404 not-found', () => {
    const commands: [string, string, Json][] = [
      ['members of an unknown federation', '/v1/federations/no-such-thing/members', { municipality: '0583', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }],
      ['departure from an unknown federation', '/v1/federations/no-such-thing/departures', { municipality: '0580', decidedOn: '2019-11-25', effectiveFrom: '2020-01-01' }],
      ['dissolution of an unknown federation', '/v1/federations/no-such-thing/dissolution', { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }],
      ['dissolution of an agreement (a federation path)', '/v1/federations/fx-agr/dissolution', { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }],
      ['signature of an unknown agreement', '/v1/agreements/no-such-thing/signatures', { party: '0580', signedOn: '2019-12-18' }],
      ['signature of a federation (an agreement path)', '/v1/agreements/fx-fed/signatures', { party: '0580', signedOn: '2019-12-18' }],
      ['council decision on an unknown agreement', '/v1/agreements/no-such-thing/council-decisions', { municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved' }],
      ['extension of an unknown agreement', '/v1/agreements/no-such-thing/extension', { validUntil: '2024-12-31', decidedOn: '2022-06-20' }],
      ['termination of an unknown agreement', '/v1/agreements/no-such-thing/termination', { decidedOn: '2021-09-27', effectiveFrom: '2022-01-01', reason: 'x' }],
      ['milestone of an unknown study', '/v1/studies/no-such-thing/milestones', { id: 'm1', title: 'M', due: '2014-05-31' }],
      ['reaching a milestone of an unknown study', '/v1/studies/no-such-thing/milestones/fx-milestone/reached', { reachedOn: '2014-06-14' }],
      ['reaching an unknown milestone', '/v1/studies/fx-study/milestones/no-such-milestone/reached', { reachedOn: '2014-06-14' }],
      ['conclusion of an unknown study', '/v1/studies/no-such-thing/conclusion', { concludedOn: '2014-09-15', recommendation: 'proceed', summary: 'x' }],
      ['review of an unknown arrangement', '/v1/arrangements/no-such-thing/reviews', { reviewedOn: '2019-05-20', outcome: 'continue' }],
      ['review of a study (not reviewable)', '/v1/arrangements/fx-study/reviews', { reviewedOn: '2019-05-20', outcome: 'continue' }],
      ['transfer to an unknown municipality', '/v1/municipalities/0000/transfers', transferBody],
      ['correction of an unknown municipality', '/v1/municipalities/0000/corrections', correctionBody],
      ['correction of an unknown transfer', '/v1/municipalities/0580/corrections', correctionBody],
      ['transfer of an unknown service area', '/v1/municipalities/0580/transfers', { ...transferBody, serviceArea: 'no-such-area' }],
      ['transfer on an unknown agreement', '/v1/municipalities/0580/transfers', { ...transferBody, basis: { kind: 'agreement', id: 'no-such-thing' } }],
      ['transfer on an unknown federation', '/v1/municipalities/0580/transfers', { ...transferBody, basis: { kind: 'federation', id: 'no-such-thing' } }],
      ['a member that is an unknown municipality', '/v1/federations/fx-fed/members', { municipality: '0000', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }],
      ['a federation with an unknown member', '/v1/federations', { ...FIXTURES.federation, id: 'unknown-member', members: ['0580', '0000'] }],
      ['a federation with an unknown service area', '/v1/federations', { ...FIXTURES.federation, id: 'unknown-area', serviceAreas: ['no-such-area'] }],
      ['an agreement with an unknown party', '/v1/agreements', { ...FIXTURES.agreement, id: 'unknown-party', parties: ['0580', '0581', '0000'] }],
      ['an agreement provided by an unknown federation', '/v1/agreements', { ...FIXTURES.agreement, id: 'unknown-provider', parties: ['0580'], provider: { kind: 'federation', id: 'no-such-thing' } }],
      ['a study with an unknown service area', '/v1/studies', { ...FIXTURES.study, id: 'unknown-study-area', serviceAreas: ['no-such-area'] }],
      ['a council decision by an unknown municipality', '/v1/agreements/fx-agr/council-decisions', { municipality: '0000', decidedOn: '2019-12-16', outcome: 'approved' }],
    ];

    it.each(commands)('%s', async (_label, path, body) => {
      expectProblem(await appendsNothing(() => post(path, body)), 404, 'not-found');
    });

    const queries = [
      '/v1/municipalities/0000',
      '/v1/municipalities/0000/timeline',
      '/v1/municipalities/0000/provisions',
      '/v1/municipalities/0000/provisions/payroll',
      '/v1/municipalities/0000/provisions/payroll/history',
      '/v1/municipalities/0580/provisions/no-such-area',
      '/v1/municipalities/0580/provisions/no-such-area/history',
      '/v1/providers/municipality/0000/recipients',
      '/v1/providers/federation/no-such-thing/recipients',
      '/v1/federations/no-such-thing',
      '/v1/federations/fx-agr',
      '/v1/agreements/no-such-thing',
      '/v1/agreements/fx-fed',
      '/v1/studies/no-such-thing',
      '/v1/arrangements/no-such-thing/timeline',
    ];

    it.each(queries)('GET %s', async (path) => {
      expectProblem(await api.get(path), 404, 'not-found');
    });

    it('an unknown route is 404 problem+json', async () => {
      expectProblem(await api.get('/v1/no-such-route'), 404, 'not-found');
      expectProblem(await appendsNothing(() => post('/v1/no-such-route', {})), 404, 'not-found');
    });
  });

  describe('409 already-exists', () => {
    it('a create with an id that exists', async () => {
      expectProblem(await appendsNothing(() => post('/v1/federations', FIXTURES.federation)), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/agreements', FIXTURES.agreement)), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/studies', FIXTURES.study)), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/studies/fx-study/milestones', FIXTURES.milestone)), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/service-areas', { slug: 'payroll', nameSv: 'Lön', nameEn: 'Payroll' })), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/federations/fx-fed/members', { municipality: '0580', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' })), 409, 'already-exists');
    });

    it('ids are one space across kinds', async () => {
      expectProblem(await appendsNothing(() => post('/v1/agreements', { ...FIXTURES.agreement, id: 'fx-fed' })), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/studies', { ...FIXTURES.study, id: 'fx-agr' })), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/federations', { ...FIXTURES.federation, id: 'fx-study' })), 409, 'already-exists');
      expectProblem(await appendsNothing(() => post('/v1/federations', { ...FIXTURES.federation, id: 'fx-agr', form: 'joint-committee', host: '0580' })), 409, 'already-exists');
    });

    it('two creates of different kinds with one id at once, on a store across a network: one wins, the others are 409', async () => {
      const { store, slow } = slowStore();
      const remote = await startApp({ store });
      try {
        slow(true);
        const remoteApi = client(remote.url);
        const replies = await Promise.all([
          remoteApi.post('/v1/federations', { ...FIXTURES.federation, id: 'raced-id' }),
          remoteApi.post('/v1/agreements', { ...FIXTURES.agreement, id: 'raced-id' }),
          remoteApi.post('/v1/studies', { ...FIXTURES.study, id: 'raced-id' }),
        ]);
        expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
        const streams = await Promise.all(['federation', 'agreement', 'study'].map((kind) => store.readStream(`${kind}-raced-id`)));
        expect(streams.filter((events) => events.length > 0)).toHaveLength(1);
      } finally {
        slow(false);
        await remote.close();
      }
    });

    it('two creates of different kinds with one id at once: one wins, the other is 409', async () => {
      const replies = await Promise.all([
        post('/v1/federations', { ...FIXTURES.federation, id: 'raced-id' }),
        post('/v1/agreements', { ...FIXTURES.agreement, id: 'raced-id' }),
        post('/v1/studies', { ...FIXTURES.study, id: 'raced-id' }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      const streams = await Promise.all(['federation', 'agreement', 'study'].map((kind) => running.store.readStream(`${kind}-raced-id`)));
      expect(streams.filter((events) => events.length > 0)).toHaveLength(1);
    });
  });

  describe('422 domain rules, each appending nothing', () => {
    const refused = async (code: string, path: string, body: Json) => expectProblem(await appendsNothing(() => post(path, body)), 422, code);

    it('too-few-members: a federation of one', () => refused('too-few-members', '/v1/federations', { ...FIXTURES.federation, id: 'solo', members: ['0580'] }));

    it('too-few-members: an agreement with one party', () =>
      refused('too-few-members', '/v1/agreements', { ...FIXTURES.agreement, id: 'lonely', kind: 'intent', parties: ['0580'], provider: undefined, buyers: undefined }));

    it('host-not-member: a joint committee hosted outside its members, or a federation with a host', async () => {
      await refused('host-not-member', '/v1/federations', { ...FIXTURES.federation, id: 'jc-bad-host', form: 'joint-committee', host: '0583' });
      await refused('host-not-member', '/v1/federations', { ...FIXTURES.federation, id: 'jc-no-host', form: 'joint-committee' });
      await refused('host-not-member', '/v1/federations', { ...FIXTURES.federation, id: 'fed-with-host', host: '0580' });
    });

    it('dates-out-of-order: a term that ends before it starts, a study that ends before it starts', async () => {
      await refused('dates-out-of-order', '/v1/agreements', { ...FIXTURES.agreement, id: 'backwards', validFrom: '2020-01-01', validUntil: '2019-12-31' });
      await refused('dates-out-of-order', '/v1/studies', { ...FIXTURES.study, id: 'backwards-study', startedOn: '2014-01-01', plannedEnd: '2013-12-31' });
      await refused('dates-out-of-order', '/v1/federations/fx-fed/members', { municipality: '0583', decidedOn: '2007-01-01', effectiveFrom: '2007-01-01' });
    });

    it('not-a-party: a signature by a non-party, a council decision by a non-party, a buyer outside the parties', async () => {
      await refused('not-a-party', '/v1/agreements/fx-agr/signatures', { party: '0114', signedOn: '2019-12-18' });
      await refused('not-a-party', '/v1/agreements/fx-agr/council-decisions', { municipality: '0114', decidedOn: '2019-12-16', outcome: 'approved' });
      await refused('not-a-party', '/v1/agreements', { ...FIXTURES.agreement, id: 'buyer-outside', buyers: ['0583'] });
    });

    it('already-signed: a second signature by the same party', async () => {
      await agreement('signed-twice', { councilApprovalRequired: true });
      await created('/v1/agreements/signed-twice/signatures', { party: '0580', signedOn: '2019-12-18' });
      await refused('already-signed', '/v1/agreements/signed-twice/signatures', { party: '0580', signedOn: '2019-12-19' });
    });

    it('already-decided: a second council decision by the same municipality', async () => {
      await agreement('decided-twice', { councilApprovalRequired: true });
      await created('/v1/agreements/decided-twice/council-decisions', { municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved' });
      await refused('already-decided', '/v1/agreements/decided-twice/council-decisions', { municipality: '0580', decidedOn: '2019-12-17', outcome: 'approved' });
    });

    it('agreement-rejected: signing or transferring on an agreement a council rejected', async () => {
      await agreement('rejected-one', { councilApprovalRequired: true });
      const rejection = await created('/v1/agreements/rejected-one/council-decisions', { municipality: '0581', decidedOn: '2019-12-16', outcome: 'rejected' });
      expect(rejection.body.events.map((e: { type: string }) => e.type)).toEqual(['CouncilDecisionRecorded', 'AgreementRejected']);
      await refused('agreement-rejected', '/v1/agreements/rejected-one/signatures', { party: '0580', signedOn: '2019-12-18' });
      await refused('agreement-rejected', '/v1/municipalities/0580/transfers', { ...transferBody, basis: { kind: 'agreement', id: 'rejected-one' }, effectiveFrom: '2020-01-01' });
    });

    it('already-dissolved: dissolving twice, joining or transferring after the dissolution', async () => {
      await created('/v1/federations', { ...FIXTURES.federation, id: 'gone-fed' });
      await created('/v1/federations/gone-fed/dissolution', { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' });
      await refused('already-dissolved', '/v1/federations/gone-fed/dissolution', { decidedOn: '2019-12-17', effectiveFrom: '2020-02-01' });
      await refused('already-dissolved', '/v1/federations/gone-fed/members', { municipality: '0583', decidedOn: '2020-01-10', effectiveFrom: '2020-02-01' });
      await refused('already-dissolved', '/v1/municipalities/0580/transfers', { ...transferBody, basis: { kind: 'federation', id: 'gone-fed' }, effectiveFrom: '2020-06-01' });
    });

    it('not-a-member: leaving a federation one is not in, transferring on a federation one is not in', async () => {
      await refused('not-a-member', '/v1/federations/fx-fed/departures', { municipality: '0583', decidedOn: '2019-11-25', effectiveFrom: '2020-01-01' });
      await refused('not-a-member', '/v1/municipalities/0583/transfers', transferBody);
    });

    it('basis-not-in-force: a transfer on an agreement that is not concluded, or before a federation exists', async () => {
      await refused('basis-not-in-force', '/v1/municipalities/0580/transfers', { ...transferBody, basis: { kind: 'agreement', id: 'fx-agr' }, effectiveFrom: '2020-01-01' });
      await refused('basis-not-in-force', '/v1/municipalities/0580/transfers', { ...transferBody, effectiveFrom: '2007-01-01' });
    });

    it('area-not-covered: a transfer of an area the federation charter does not list', () =>
      refused('area-not-covered', '/v1/municipalities/0580/transfers', { ...transferBody, serviceArea: 'it-support' }));
  });

  describe('Idempotency-Key', () => {
    const body = { ...FIXTURES.agreement, id: undefined, title: 'Idempotent agreement' };

    it('the same key and body return the first answer (status, body, ETag) and append nothing', async () => {
      const first = await post('/v1/agreements', body, { 'Idempotency-Key': 'idem-1' });
      expectCommandAnswer(first, 201);
      const again = await appendsNothing(() => post('/v1/agreements', { ...body }, { 'Idempotency-Key': 'idem-1' }));
      expect({ status: again.status, body: again.body, etag: again.headers.get('etag') }).toEqual({ status: first.status, body: first.body, etag: first.headers.get('etag') });
      // The same body with its keys in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const third = await appendsNothing(() => post('/v1/agreements', reordered, { 'Idempotency-Key': 'idem-1' }));
      expect(third.body).toEqual(first.body);
    });

    it('the same key and body return the first answer for every kind of command (a vocabulary entry too)', async () => {
      const area = { slug: 'idem-area', nameSv: 'Idem', nameEn: 'Idem' };
      const first = await post('/v1/service-areas', area, { 'Idempotency-Key': 'idem-area' });
      expectCommandAnswer(first, 201);
      const again = await appendsNothing(() => post('/v1/service-areas', area, { 'Idempotency-Key': 'idem-area' }));
      expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });

      const federation = { ...FIXTURES.federation, id: 'idem-fed' };
      const formed = await post('/v1/federations', federation, { 'Idempotency-Key': 'idem-fed' });
      expectCommandAnswer(formed, 201);
      expect((await appendsNothing(() => post('/v1/federations', federation, { 'Idempotency-Key': 'idem-fed' }))).body).toEqual(formed.body);
      // A decision that moves provisions on other streams: the replay is the first answer, whose position covers them.
      const dissolution = { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successors: [{ ...successor, municipality: '0581', serviceArea: 'procurement' }] };
      const dissolved = await post('/v1/federations/idem-fed/dissolution', dissolution, { 'Idempotency-Key': 'idem-fed-dissolution' });
      expectCommandAnswer(dissolved, 200);
      const successors = (await running.store.readStream('municipality-0581')).filter((e) => e.metadata.causationId === dissolved.body.events[0].id);
      expect(successors.map((e) => e.type)).toEqual(['ServiceTransferred']);
      expect(dissolved.body.position).toBeGreaterThanOrEqual(successors[0].position);
      const replay = await appendsNothing(() => post('/v1/federations/idem-fed/dissolution', dissolution, { 'Idempotency-Key': 'idem-fed-dissolution' }));
      expect({ status: replay.status, body: replay.body, etag: replay.headers.get('etag') }).toEqual({ status: 200, body: dissolved.body, etag: dissolved.headers.get('etag') });
    });

    it('the same key with another body is 422 idempotency-key-reused', async () => {
      await created('/v1/agreements', body, { 'Idempotency-Key': 'idem-2' });
      expectProblem(await appendsNothing(() => post('/v1/agreements', { ...body, title: 'Another title' }, { 'Idempotency-Key': 'idem-2' })), 422, 'idempotency-key-reused');
      // The same body on another route is another request too.
      expectProblem(await appendsNothing(() => post('/v1/studies', FIXTURES.study, { 'Idempotency-Key': 'idem-2' })), 422, 'idempotency-key-reused');
    });

    it('the same key with different bodies at once: one is recorded, the others are idempotency-key-reused', async () => {
      const before = await head();
      const replies = await Promise.all(['One', 'Two', 'Three'].map((title) => post('/v1/agreements', { ...body, title }, { 'Idempotency-Key': 'idem-concurrent-bodies' })));
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      for (const reply of replies.filter((r) => r.status !== 201)) expectProblem(reply, 422, 'idempotency-key-reused');
      expect((await running.store.readAll({ after: before })).map((e) => e.type)).toEqual(['AgreementProposed']);
    });

    it.each([
      ['a space', 'two words'],
      ['201 characters', 'k'.repeat(201)],
      ['empty', ''],
    ])('a malformed key (%s) is 400', async (_label, key) => {
      const reply = await appendsNothing(() => post('/v1/agreements', { ...body, title: `Malformed key ${key.length}` }, { 'Idempotency-Key': key }));
      expectInvalid(reply, 'Idempotency-Key');
    });

    it('five identical requests at once record one set of events and all get the same answer', async () => {
      const before = await head();
      const replies = await Promise.all(Array.from({ length: 5 }, () => post('/v1/agreements', { ...body, title: 'Concurrent' }, { 'Idempotency-Key': 'idem-concurrent' })));
      for (const reply of replies) {
        expectCommandAnswer(reply, 201);
        expect(reply.body).toEqual(replies[0].body);
      }
      const appended = await running.store.readAll({ after: before });
      expect(appended.map((e) => e.type)).toEqual(['AgreementProposed']);
      expect(appended[0].id).toBe(replies[0].body.events[0].id);
    });
  });

  describe('If-Match', () => {
    it('the current revision is accepted; a stale one is 412 concurrency-conflict and appends nothing', async () => {
      const proposed = await agreement('if-match-agr');
      expect(proposed.headers.get('etag')).toBe('"0"');
      const signed = await post('/v1/agreements/if-match-agr/signatures', { party: '0580', signedOn: '2019-12-18' }, { 'If-Match': '"0"' });
      expectCommandAnswer(signed, 201);
      expect(signed.headers.get('etag')).toBe('"1"');
      const stale = await appendsNothing(() => post('/v1/agreements/if-match-agr/signatures', { party: '0581', signedOn: '2019-12-18' }, { 'If-Match': '"0"' }));
      expectProblem(stale, 412, 'concurrency-conflict');
      const current = await post('/v1/agreements/if-match-agr/signatures', { party: '0581', signedOn: '2019-12-18' }, { 'If-Match': signed.headers.get('etag') as string });
      expectCommandAnswer(current, 201);
    });

    it('the ETag of a GET can be sent back as If-Match', async () => {
      await agreement('if-match-get');
      const state = await api.get('/v1/agreements/if-match-get');
      expect(state.headers.get('etag')).toBe(`"${state.body.revision}"`);
      expectCommandAnswer(await post('/v1/agreements/if-match-get/extension', { validUntil: '2024-12-31', decidedOn: '2022-06-20' }, { 'If-Match': state.headers.get('etag') as string }), 200);
      expectProblem(await appendsNothing(() => post('/v1/agreements/if-match-get/extension', { validUntil: '2025-12-31', decidedOn: '2022-06-21' }, { 'If-Match': state.headers.get('etag') as string })), 412, 'concurrency-conflict');
    });

    it.each(['abc', '"x"', '"-1"', '*x'])('a malformed If-Match (%s) is 400', async (value) => {
      await agreement(`if-match-bad-${Buffer.from(value).toString('hex')}`);
      const reply = await appendsNothing(() => post(`/v1/agreements/if-match-bad-${Buffer.from(value).toString('hex')}/signatures`, { party: '0580', signedOn: '2019-12-18' }, { 'If-Match': value }));
      expectInvalid(reply, 'If-Match');
    });
  });

  describe('event metadata', () => {
    it('records X-Source-System, the command, correlation and causation ids, the actor, recordedAt and the schema version', async () => {
      const started = Date.now();
      const reply = await post('/v1/agreements', { ...FIXTURES.agreement, id: 'metadata-agr' }, { 'X-Source-System': 'Ärendesystem 2.1 (Linköping)' });
      expectCommandAnswer(reply, 201);
      const [event] = await running.store.readStream('agreement-metadata-agr');
      expect(event.id).toBe(reply.body.events[0].id);
      const { metadata } = event;
      expect(metadata).toMatchObject({
        source: 'Ärendesystem 2.1 (Linköping)',
        actor: 'anonymous',
        commandId: expect.stringMatching(UUID),
        schemaVersion: expect.any(Number),
        recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/),
      });
      expect(metadata.correlationId).toBe(metadata.commandId);
      expect(metadata.causationId).toBe(metadata.commandId);
      expect(metadata.schemaVersion).toBeGreaterThanOrEqual(1);
      expect(Date.parse(metadata.recordedAt)).toBeGreaterThanOrEqual(started - 1000);
      expect(Date.parse(metadata.recordedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('every command has its own command id; the events of one command share it', async () => {
      await agreement('metadata-ids');
      await created('/v1/agreements/metadata-ids/signatures', { party: '0580', signedOn: '2019-12-18' });
      await created('/v1/agreements/metadata-ids/signatures', { party: '0581', signedOn: '2019-12-18' });
      const events = await running.store.readStream('agreement-metadata-ids');
      expect(new Set(events.map((e) => e.metadata.commandId)).size).toBe(events.length - 1); // the concluding event shares the last signature's command
    });

    it('a malformed X-Source-System is 400', async () => {
      const reply = await appendsNothing(() => post('/v1/agreements', { ...FIXTURES.agreement, id: 'metadata-bad-source' }, { 'X-Source-System': '<script>' }));
      expectInvalid(reply, 'X-Source-System');
    });
  });

  describe('request limits and media types', () => {
    it('a body over 1 MiB is 413 payload-too-large', async () => {
      const reply = await appendsNothing(() => post('/v1/agreements', { ...FIXTURES.agreement, id: 'too-large', title: 'x'.repeat(1024 * 1024 + 1) }));
      expectProblem(reply, 413, 'payload-too-large');
    });

    it('a body just under 1 MiB is read (and refused for its content, not its size)', async () => {
      const reply = await appendsNothing(() => post('/v1/agreements', { ...FIXTURES.agreement, id: 'large', title: 'x'.repeat(1000 * 1000) }));
      expectInvalid(reply, 'title');
    });

    it.each([
      ['text/plain', '{"party":"0580","signedOn":"2019-12-18"}'],
      ['application/x-www-form-urlencoded', 'party=0580&signedOn=2019-12-18'],
      ['application/xml', '<sign party="0580"/>'],
    ])('a %s body is 415 unsupported-media-type', async (type, body) => {
      await agreement(`media-${type.replace(/[^a-z]/g, '')}`);
      const reply = await appendsNothing(() => api.call('POST', `/v1/agreements/media-${type.replace(/[^a-z]/g, '')}/signatures`, body, { 'content-type': type }));
      expectProblem(reply, 415, 'unsupported-media-type');
    });

    it('application/json with a charset is JSON', async () => {
      await agreement('media-charset');
      const reply = await api.call('POST', '/v1/agreements/media-charset/signatures', JSON.stringify({ party: '0580', signedOn: '2019-12-18' }), { 'content-type': 'application/json; charset=utf-8' });
      expectCommandAnswer(reply, 201);
    });

    it('a command without a body is 400', async () => {
      const reply = await appendsNothing(() => api.call('POST', '/v1/agreements/fx-agr/signatures'));
      expectInvalid(reply, 'body');
    });
  });

  describe('read-your-writes and query parameters', () => {
    it('minPosition at or below the head answers at once', async () => {
      const position = await head();
      const reply = await api.get(`/v1/municipalities/0580/provisions/payroll?minPosition=${position}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ serviceArea: 'payroll' });
    });

    it('minPosition beyond the head is 504 after about 5 s', async () => {
      const started = Date.now();
      const reply = await api.get(`/v1/municipalities/0580/provisions?minPosition=${(await head()) + 1_000_000}`);
      const elapsed = Date.now() - started;
      expectProblem(reply, 504, 'read-model-timeout');
      expect(elapsed).toBeGreaterThanOrEqual(4500);
      expect(elapsed).toBeLessThan(9000);
    }, 15_000);

    it.each([
      ['/v1/municipalities/0580/provisions?minPosition=abc', 'minPosition'],
      ['/v1/municipalities/0580/provisions?minPosition=-1', 'minPosition'],
      ['/v1/municipalities/0580/provisions?minPosition=1.5', 'minPosition'],
      ['/v1/matrix?minPosition=1e3', 'minPosition'],
      ['/v1/municipalities/0580/provisions?on=2019-02-30', 'on'],
      ['/v1/municipalities/0580/provisions/payroll?on=2019-13-01', 'on'],
      ['/v1/matrix?on=20190101', 'on'],
      ['/v1/attention?on=yesterday', 'on'],
      ['/v1/municipalities/0580/provisions?knownAt=yesterday', 'knownAt'],
      ['/v1/municipalities/0580/provisions/payroll/history?knownAt=2019-02-30T12:00:00Z', 'knownAt'],
      ['/v1/agreements/fx-agr?knownAt=2019-11-01', 'knownAt'],
      ['/v1/agreements/fx-agr?atRevision=last', 'atRevision'],
      ['/v1/matrix?county=5', 'county'],
      ['/v1/matrix?serviceArea=Payroll', 'serviceArea'],
      ['/v1/matrix?serviceArea=payroll,', 'serviceArea'],
      ['/v1/arrangements?kind=club', 'kind'],
      ['/v1/arrangements?party=580', 'party'],
      ['/v1/municipalities/580', 'code'],
      ['/v1/federations/Upper', 'id'],
      ['/v1/municipalities/0580/provisions?unexpected=1', 'unexpected'],
    ])('GET %s is 400', async (path, field) => {
      expectInvalid(await api.get(path), field);
    });
  });

  describe('concurrency', () => {
    it('ten signatures by one party at once: one is recorded, nine are already-signed', async () => {
      await agreement('ten-signatures', { councilApprovalRequired: true });
      const replies = await Promise.all(Array.from({ length: 10 }, () => post('/v1/agreements/ten-signatures/signatures', { party: '0580', signedOn: '2019-12-18' })));
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      const refusals = replies.filter((r) => r.status !== 201);
      expect(refusals).toHaveLength(9);
      for (const reply of refusals) expectProblem(reply, 422, 'already-signed');
      const events = await running.store.readStream('agreement-ten-signatures');
      expect(events.map((e) => e.type)).toEqual(['AgreementProposed', 'AgreementSigned']);
    });

    it('two creates with one id at once: one is 201, the other 409 already-exists', async () => {
      const replies = await Promise.all([1, 2].map((n) => post('/v1/federations', { ...FIXTURES.federation, id: 'created-twice', name: `Attempt ${n}` })));
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
      expectProblem(replies.find((r) => r.status === 409) as Reply, 409, 'already-exists');
      expect(await running.store.readStream('federation-created-twice')).toHaveLength(1);
    });

    it('two parties signing at once: both are recorded', async () => {
      await agreement('two-signatures', { councilApprovalRequired: true });
      const replies = await Promise.all(['0580', '0581'].map((party) => post('/v1/agreements/two-signatures/signatures', { party, signedOn: '2019-12-18' })));
      for (const reply of replies) expectCommandAnswer(reply, 201);
      const position = Math.max(...replies.map((r) => r.body.position));
      const state = await api.get(`/v1/agreements/two-signatures?minPosition=${position}`);
      expect(state.body.signatures.map((s: { party: string }) => s.party).sort()).toEqual(['0580', '0581']);
      expect(state.body.revision).toBe(2);
    });
  });

  describe('GET /v1/matrix as CSV', () => {
    it('Accept: text/csv gives a header row and one row per municipality and service area', async () => {
      const [municipalities, areas] = await Promise.all([api.get('/v1/municipalities'), api.get('/v1/service-areas')]);
      const reply = await api.get('/v1/matrix?on=2019-12-31', { accept: 'text/csv' });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = reply.text.split(/\r\n/).filter((line) => line !== '');
      expect(lines[0].split(',')).toEqual(expect.arrayContaining(['code', 'serviceArea', 'basisKind']));
      expect(lines).toHaveLength(1 + municipalities.body.length * areas.body.length);
      expect(municipalities.body).toHaveLength(290);
      expect(lines).toContainEqual(expect.stringMatching(/^2019-12-31,0580,Linköping,05,payroll,municipality,0580,Linköping,in-house,,/));
    });

    it('county=05 keeps only that county', async () => {
      const [municipalities, areas] = await Promise.all([api.get('/v1/municipalities?county=05'), api.get('/v1/service-areas')]);
      const reply = await api.get('/v1/matrix?county=05', { accept: 'text/csv' });
      expect(reply.status).toBe(200);
      const [header, ...rows] = reply.text.split(/\r\n/).filter((line) => line !== '');
      const codeColumn = header.split(',').indexOf('code');
      expect(rows).toHaveLength(municipalities.body.length * areas.body.length);
      expect(municipalities.body.length).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.split(',')[codeColumn].slice(0, 2)))).toEqual(new Set(['05']));
    });

    it('without Accept: text/csv it is JSON', async () => {
      const reply = await api.get('/v1/matrix?county=05&on=2019-12-31');
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.body).toMatchObject({ on: '2019-12-31', serviceAreas: expect.arrayContaining(['payroll']), rows: expect.any(Array) });
    });
  });

  describe('GET /v1/matrix?serviceArea=', () => {
    it("narrows the columns to the service areas named, in the register's order, with the same cells as the whole answer", async () => {
      const [whole, areas] = await Promise.all([api.get('/v1/matrix?on=2019-12-31'), api.get('/v1/service-areas')]);
      expect(whole.body.serviceAreas).toEqual(areas.body.map((a: { slug: string }) => a.slug));
      const [first, second] = [areas.body[0].slug as string, areas.body[1].slug as string];
      const reply = await api.get(`/v1/matrix?on=2019-12-31&serviceArea=${second},${first},${second}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.body.serviceAreas).toEqual([first, second]);
      expect(reply.body.rows).toHaveLength(290);
      type Row = { municipality: { code: string }; cells: Record<string, unknown> };
      expect(reply.body.rows).toEqual(whole.body.rows.map((row: Row) => ({ municipality: row.municipality, cells: { [first]: row.cells[first], [second]: row.cells[second] } })));
      expect(reply.text.length * 10).toBeLessThan(whole.text.length);
    });

    it('goes with county, knownAt and CSV', async () => {
      const county = await api.get('/v1/municipalities?county=05');
      const reply = await api.get(`/v1/matrix?county=05&serviceArea=payroll&knownAt=${new Date().toISOString()}`, { accept: 'text/csv' });
      expect(reply.status).toBe(200);
      const [header, ...rows] = reply.text.split(/\r\n/).filter((line) => line !== '');
      const column = header.split(',').indexOf('serviceArea');
      expect(rows).toHaveLength(county.body.length);
      expect(new Set(rows.map((row) => row.split(',')[column]))).toEqual(new Set(['payroll']));
    });

    it.each(['no-such-area', 'payroll,no-such-area'])('an unknown service area (%s) is 404 not-found', async (slugs) => {
      const reply = await api.get(`/v1/matrix?serviceArea=${slugs}`);
      expectProblem(reply, 404, 'not-found');
      expect(reply.body.detail).toContain("'no-such-area'");
      expect(reply.body.detail).not.toContain("'payroll'");
    });
  });
});
