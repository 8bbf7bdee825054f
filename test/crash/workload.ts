import { Random } from './random';

/**
 * The commands the crash test's clients send: short stories over the 17 use cases, each step
 * with its own Idempotency-Key. A story is an async generator: it yields a request and gets
 * the answer back, so later steps can use earlier answers (a revision for If-Match, a
 * transfer to correct). Every story is valid in outline; some steps are meant to be refused
 * (a transfer after a dissolution, a signature after a termination), and a few requests are
 * malformed on purpose (400) or reuse a key with another body (422).
 */

/** The 17 use cases (libs/commands/src/use-cases.ts), as the ledger names them. */
export const COMMAND_KINDS = [
  'form-federation',
  'join-federation',
  'leave-federation',
  'dissolve-federation',
  'propose-agreement',
  'sign-agreement',
  'record-council-decision',
  'extend-agreement',
  'terminate-agreement',
  'transfer-service',
  'correct-transfer',
  'start-study',
  'schedule-milestone',
  'reach-milestone',
  'conclude-study',
  'record-review',
  'define-service-area',
] as const;

export type CommandKind = (typeof COMMAND_KINDS)[number];

/**
 * What a request is for, which decides how the checker judges its answer:
 * - `command`: a command; acknowledged (2xx) or refused (4xx), and either way its key's events in the log must match.
 * - `invalid`: malformed on purpose; must be 400 validation-failed and append nothing.
 * - `resend`: an acknowledged command sent again, same key and body; must get the first answer again.
 * - `reuse`: an acknowledged command's key with another body; must be 422 idempotency-key-reused.
 */
export type Purpose = 'command' | 'invalid' | 'resend' | 'reuse';

export interface CommandRequest {
  type: 'command';
  kind: CommandKind;
  purpose: Purpose;
  path: string;
  body: unknown;
  /** The Idempotency-Key; given only for `resend` and `reuse` (the client makes fresh ones). */
  key?: string;
  /** If-Match: the revision the stream is expected at. */
  ifMatch?: number;
  /** For `resend` and `reuse`: the entry whose key is sent again. */
  original?: LedgerEntry;
}

export interface QueryRequest {
  type: 'query';
  path: string;
}

export type Step = CommandRequest | QueryRequest;

/** The final answer to a request (after however many attempts it took). */
export interface Answer {
  status: number;
  contentType: string;
  /** Parsed as JSON (undefined when it is not JSON); unchecked, so each reader says what it expects. */
  body: unknown;
}

/** What a command path answers with 2xx: the fields the stories and the checker read. */
export interface Accepted {
  id: string;
  stream: string;
  revision: number;
  position: number;
  events: { id: string; type: string }[];
}

/** The body of an accepted (2xx) command's answer. */
const accepted = (answer: Answer): Accepted => answer.body as Accepted;

/** One logical command as a client sent it, and what became of it. */
export interface LedgerEntry {
  client: number;
  seq: number;
  kind: CommandKind;
  purpose: Purpose;
  key: string;
  path: string;
  body: unknown;
  ifMatch?: number;
  original?: LedgerEntry;
  /** HTTP attempts (1 when the first one was answered). */
  attempts: number;
  /** Attempts that got no answer: the connection was refused or reset (a kill), or it timed out. */
  lost: number;
  timeouts: number;
  /** 5xx answers (each retried with the same key). */
  serverErrors: { status: number; body: string }[];
  /** Wall-clock time (ms) of the first attempt that got no answer. */
  firstLostAt?: number;
  sentAt: number;
  answeredAt?: number;
  answer?: Answer;
  /** With several instances: the instance (index) each attempt went to, and the one that answered. */
  sentTo: number[];
  answeredBy?: number;
}

export function isAcknowledged(entry: LedgerEntry): boolean {
  return entry.answer !== undefined && entry.answer.status >= 200 && entry.answer.status < 300;
}

export type Story = AsyncGenerator<Step, void, Answer>;

/** The municipalities and service areas the clients share (shared on purpose: their streams are contended). */
export interface Pool {
  municipalities: string[];
  areas: string[];
}

/** What a story needs: randomness, a unique id prefix and the shared pool. */
export interface StoryContext {
  random: Random;
  pool: Pool;
  /** A fresh arrangement id for this client: `<prefix>-<n>`. */
  newId(what: string): string;
  /** Acknowledged commands of this client, to resend or reuse. */
  acknowledged: LedgerEntry[];
}

const ok = (answer: Answer): boolean => answer.status >= 200 && answer.status < 300;

const day = (year: number, month: number, date: number): string => `${year}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;

function command(kind: CommandKind, path: string, body: unknown, extra: Partial<CommandRequest> = {}): CommandRequest {
  return { type: 'command', kind, purpose: 'command', path, body, ...extra };
}

const transfer = (municipality: string, serviceArea: string, basis: unknown, decidedOn: string, effectiveFrom: string) =>
  command('transfer-service', `/v1/municipalities/${municipality}/transfers`, { serviceArea, basis, decidedOn, effectiveFrom });

const IN_HOUSE = { kind: 'in-house' };

/**
 * A federation or joint committee: formed, used, joined, reviewed, left and dissolved, with
 * successors. `thorough`: every optional step is taken (the clients' first stories).
 */
async function* federationStory(ctx: StoryContext, form: 'federation' | 'joint-committee', thorough = false): Story {
  const { random, pool } = ctx;
  const id = ctx.newId(form === 'federation' ? 'fed' : 'jc');
  const [a, b, c, outsider] = random.sample(pool.municipalities, 4);
  const areas = random.sample(pool.areas, 2);
  const year = random.int(2005, 2026);
  const basis = { kind: form, id };
  const formed = yield command('form-federation', '/v1/federations', {
    id,
    name: `Crash test ${form} ${id}`,
    form,
    ...(form === 'joint-committee' ? { host: a } : {}),
    members: [a, b],
    serviceAreas: areas,
    decidedOn: day(year - 1, 6, 15),
    effectiveFrom: day(year, 1, 1),
  });
  if (!ok(formed)) return;
  for (const m of [a, b]) for (const s of areas) yield transfer(m, s, basis, day(year - 1, 12, 1), day(year, random.int(1, 12), 1));
  // Not a member: refused (not-a-member).
  yield transfer(outsider, areas[0], basis, day(year, 2, 1), day(year, 3, 1));
  const joined = yield command('join-federation', `/v1/federations/${id}/members`, { municipality: c, decidedOn: day(year, 10, 1), effectiveFrom: day(year + 1, 1, 1) });
  if (ok(joined)) yield transfer(c, areas[0], basis, day(year, 11, 1), day(year + 1, 1, 1));
  // If-Match on the revision the join answered with: nothing else writes this stream, so it holds.
  yield command(
    'record-review',
    `/v1/arrangements/${id}/reviews`,
    { reviewedOn: day(year + 2, 11, 1), outcome: random.pick(['continue', 'revise']), note: 'Reviewed for the term of office' },
    ok(joined) ? { ifMatch: accepted(joined).revision } : {},
  );
  if (ok(joined) && (thorough || random.chance(0.7))) {
    yield command('leave-federation', `/v1/federations/${id}/departures`, {
      municipality: c,
      decidedOn: day(year + 2, 6, 1),
      effectiveFrom: day(year + 3, 1, 1),
      successors: [{ municipality: c, serviceArea: areas[0], basis: IN_HOUSE }],
    });
  }
  if (thorough || random.chance(0.8)) {
    const successors = thorough || random.chance(0.6) ? [{ municipality: a, serviceArea: areas[0], basis: IN_HOUSE }, { municipality: b, serviceArea: areas[1], basis: IN_HOUSE }] : [];
    const dissolved = yield command('dissolve-federation', `/v1/federations/${id}/dissolution`, { decidedOn: day(year + 3, 9, 1), effectiveFrom: day(year + 4, 1, 1), ...(successors.length ? { successors } : {}) });
    // After the dissolution: refused (already-dissolved), twice over.
    if (ok(dissolved)) {
      yield transfer(a, areas[1], basis, day(year + 4, 2, 1), day(year + 4, 3, 1));
      yield command('dissolve-federation', `/v1/federations/${id}/dissolution`, { decidedOn: day(year + 4, 9, 1), effectiveFrom: day(year + 5, 1, 1) });
    }
  }
}

/**
 * A service agreement: proposed, signed, approved (or rejected), used, corrected, extended and
 * terminated. `thorough`: approved by every council and every optional step taken.
 */
async function* agreementStory(ctx: StoryContext, thorough = false): Story {
  const { random, pool } = ctx;
  const id = ctx.newId('agr');
  const [provider, buyer, secondBuyer] = random.sample(pool.municipalities, 3);
  const buyers = random.chance(0.5) ? [buyer, secondBuyer] : [buyer];
  const parties = [provider, ...buyers];
  const areas = random.sample(pool.areas, random.int(1, 2));
  const year = random.int(2005, 2026);
  const councilApprovalRequired = thorough || random.chance(0.6);
  const proposed = yield command('propose-agreement', '/v1/agreements', {
    id,
    kind: 'service',
    title: `Crash test agreement ${id}`,
    parties,
    provider: { kind: 'municipality', code: provider },
    buyers,
    serviceAreas: areas,
    validFrom: day(year, 1, 1),
    validUntil: day(year + 2, 12, 31),
    councilApprovalRequired,
    decidedOn: day(year - 1, 9, 1),
  });
  if (!ok(proposed)) return;
  let revision = accepted(proposed).revision;
  for (const [index, party] of parties.entries()) {
    // The first signature carries If-Match (the proposal's revision); it holds, as only this client writes here.
    const signed = yield command('sign-agreement', `/v1/agreements/${id}/signatures`, { party, signedOn: day(year - 1, 10, 1 + index) }, index === 0 ? { ifMatch: revision } : {});
    if (ok(signed)) revision = accepted(signed).revision;
  }
  // A second signature by the same party: refused (already-signed).
  yield command('sign-agreement', `/v1/agreements/${id}/signatures`, { party: provider, signedOn: day(year - 1, 10, 20) });
  const rejecting = councilApprovalRequired && !thorough && random.chance(0.15) ? random.pick(parties) : undefined;
  for (const municipality of councilApprovalRequired ? parties : random.chance(0.3) ? [provider] : []) {
    yield command('record-council-decision', `/v1/agreements/${id}/council-decisions`, {
      municipality,
      decidedOn: day(year - 1, 11, 1 + parties.indexOf(municipality)),
      outcome: municipality === rejecting ? 'rejected' : 'approved',
      reference: `KF § ${random.int(1, 300)}`,
    });
  }
  // Concluded unless a council rejected it; then this is refused (agreement-rejected).
  const moved = yield transfer(buyer, areas[0], { kind: 'agreement', id }, day(year - 1, 12, 1), day(year, 1, 1));
  if (ok(moved) && (thorough || random.chance(0.5))) {
    // The transfer's id is in the event; ask the log for it, then correct the transfer.
    const eventId = accepted(moved).events[0].id;
    const stream = yield { type: 'query', path: `/v1/audit/streams/municipality-${buyer}` };
    const recorded = Array.isArray(stream.body) ? (stream.body as { id: string; data: { transferId: string } }[]).find((e) => e.id === eventId) : undefined;
    if (recorded) {
      yield command('correct-transfer', `/v1/municipalities/${buyer}/corrections`, {
        transferId: recorded.data.transferId,
        reason: 'Recorded with the wrong effective date',
        ...(random.chance(0.6) ? { replacement: { serviceArea: areas[0], basis: { kind: 'agreement', id }, decidedOn: day(year - 1, 12, 1), effectiveFrom: day(year, 2, 1) } } : {}),
      });
    }
  }
  if (thorough || random.chance(0.6)) yield command('extend-agreement', `/v1/agreements/${id}/extension`, { validUntil: day(year + 4, 12, 31), decidedOn: day(year + 2, 6, 1) });
  if (ok(moved) && (thorough || random.chance(0.6))) {
    yield command('terminate-agreement', `/v1/agreements/${id}/termination`, {
      decidedOn: day(year + 1, 9, 1),
      effectiveFrom: day(year + 2, 1, 1),
      reason: 'The buyer takes the service back in-house',
      ...(random.chance(0.7) ? { successors: [{ municipality: buyer, serviceArea: areas[0], basis: IN_HOUSE }] } : {}),
    });
    // After the termination: refused (basis-not-in-force).
    yield transfer(buyer, areas[0], { kind: 'agreement', id }, day(year + 2, 2, 1), day(year + 2, 3, 1));
  }
  yield command('record-review', `/v1/arrangements/${id}/reviews`, { reviewedOn: day(year + 1, 11, 1), outcome: 'continue' });
}

/** A letter of intent or a cooperation agreement: moves no service; a transfer on it is refused. */
async function* intentStory(ctx: StoryContext): Story {
  const { random, pool } = ctx;
  const id = ctx.newId('loi');
  const parties = random.sample(pool.municipalities, random.int(2, 3));
  const year = random.int(2005, 2026);
  const proposed = yield command('propose-agreement', '/v1/agreements', {
    id,
    kind: random.pick(['intent', 'cooperation']),
    title: `Crash test letter of intent ${id}`,
    parties,
    serviceAreas: random.sample(pool.areas, 2),
    validFrom: day(year, 1, 1),
    councilApprovalRequired: false,
  });
  if (!ok(proposed)) return;
  for (const party of parties) yield command('sign-agreement', `/v1/agreements/${id}/signatures`, { party, signedOn: day(year - 1, 12, 1) });
  // Not a party: refused (not-a-party).
  const outsider = random.pick(pool.municipalities.filter((m) => !parties.includes(m)));
  yield command('sign-agreement', `/v1/agreements/${id}/signatures`, { party: outsider, signedOn: day(year - 1, 12, 2) });
  yield transfer(parties[0], pool.areas[0], { kind: 'agreement', id }, day(year, 1, 1), day(year, 2, 1));
}

/** A study: started, milestones scheduled and reached, concluded (always, when `thorough`). */
async function* studyStory(ctx: StoryContext, thorough = false): Story {
  const { random, pool } = ctx;
  const id = ctx.newId('study');
  const parties = random.sample(pool.municipalities, 2);
  const year = random.int(2005, 2026);
  const started = yield command('start-study', '/v1/studies', {
    id,
    kind: random.pick(['feasibility', 'development-project', 'organisational-review']),
    title: `Crash test study ${id}`,
    parties,
    owner: parties[0],
    funder: 'Tillväxtverket',
    serviceAreas: random.sample(pool.areas, 2),
    startedOn: day(year, 1, 15),
    plannedEnd: day(year + 1, 6, 30),
  });
  if (!ok(started)) return;
  for (const [index, milestone] of ['kick-off', 'interim-report'].entries()) {
    yield command('schedule-milestone', `/v1/studies/${id}/milestones`, { id: milestone, title: `Milestone ${milestone}`, due: day(year, 3 + index * 4, 1) });
  }
  yield command('reach-milestone', `/v1/studies/${id}/milestones/kick-off/reached`, { reachedOn: day(year, 2, 20) });
  // Unknown milestone: refused.
  yield command('reach-milestone', `/v1/studies/${id}/milestones/no-such-milestone/reached`, { reachedOn: day(year, 2, 21) });
  if (thorough || random.chance(0.7)) {
    yield command('conclude-study', `/v1/studies/${id}/conclusion`, { concludedOn: day(year + 1, 5, 1), recommendation: random.pick(['proceed', 'partly', 'do-not-proceed']), summary: 'Concluded in the crash test' });
  }
  // A study is not reviewed: refused (not-found).
  yield command('record-review', `/v1/arrangements/${id}/reviews`, { reviewedOn: day(year + 1, 11, 1), outcome: 'continue' });
}

/** Plain in-house transfers on the shared municipalities: many small commands on contended streams. */
async function* transfersStory(ctx: StoryContext): Story {
  const { random, pool } = ctx;
  for (let i = random.int(2, 6); i > 0; i--) {
    const year = random.int(2000, 2030);
    yield transfer(random.pick(pool.municipalities), random.pick(pool.areas), IN_HOUSE, day(year - 1, 12, 1), day(year, random.int(1, 12), 1));
  }
}

/** A new service area, then a transfer in it. */
async function* serviceAreaStory(ctx: StoryContext): Story {
  const { random, pool } = ctx;
  const slug = ctx.newId('area');
  const defined = yield command('define-service-area', '/v1/service-areas', { slug, nameSv: `Krocktest ${slug}`, nameEn: `Crash test ${slug}` });
  if (ok(defined)) yield transfer(random.pick(pool.municipalities), slug, IN_HOUSE, '2019-12-01', '2020-01-01');
}

/** Malformed commands: each must be 400 validation-failed and append nothing. */
async function* invalidStory(ctx: StoryContext): Story {
  const { random, pool } = ctx;
  const m = random.pick(pool.municipalities);
  const malformed: CommandRequest[] = [
    { ...transfer(m, pool.areas[0], IN_HOUSE, '2019-12-01', '2019-02-30'), purpose: 'invalid' },
    { ...command('form-federation', '/v1/federations', { name: 'No members', form: 'federation', serviceAreas: [pool.areas[0]], decidedOn: '2019-01-01', effectiveFrom: '2019-02-01' }), purpose: 'invalid' },
    { ...command('sign-agreement', `/v1/agreements/${ctx.newId('agr')}/signatures`, { party: m, signedOn: '2019-01-01', unexpected: true }), purpose: 'invalid' },
    { ...transfer(m, pool.areas[0], { kind: 'in-house', id: 'not-allowed' }, '2019-12-01', '2020-01-01'), purpose: 'invalid' },
  ];
  yield random.pick(malformed);
}

/** An acknowledged command again: the same key and body (the first answer), or the same key with another body (422). */
async function* againStory(ctx: StoryContext): Story {
  const { random } = ctx;
  if (ctx.acknowledged.length === 0) return;
  const original = random.pick(ctx.acknowledged);
  if (random.chance(0.6)) {
    yield { type: 'command', kind: original.kind, purpose: 'resend', path: original.path, body: original.body, key: original.key, original };
  } else {
    const body = changedBody(original.body as Record<string, unknown>);
    if (body) yield { type: 'command', kind: original.kind, purpose: 'reuse', path: original.path, body, key: original.key, original };
  }
}

/** The body with one top-level value changed to another valid one (a date, else a text), so only the key's reuse is wrong with it. */
function changedBody(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const date = Object.keys(body).find((k) => typeof body[k] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(body[k]));
  if (date) return { ...body, [date]: body[date] === '1999-01-01' ? '1999-01-02' : '1999-01-01' };
  const text = ['reason', 'nameEn', 'title', 'summary'].find((k) => typeof body[k] === 'string');
  return text ? { ...body, [text]: `${body[text] as string} (changed)` } : undefined;
}

const STORIES: { weight: number; story: (ctx: StoryContext) => Story }[] = [
  { weight: 3, story: (ctx) => federationStory(ctx, 'federation') },
  { weight: 2, story: (ctx) => federationStory(ctx, 'joint-committee') },
  { weight: 4, story: agreementStory },
  { weight: 1, story: intentStory },
  { weight: 2, story: studyStory },
  { weight: 4, story: transfersStory },
  { weight: 1, story: invalidStory },
  { weight: 2, story: againStory },
];

/** The clients' first stories, by client: together they send every use case early in a run, however short. */
const FIRST_STORIES: ((ctx: StoryContext) => Story)[] = [
  serviceAreaStory,
  (ctx) => federationStory(ctx, 'federation', true),
  (ctx) => federationStory(ctx, 'joint-committee', true),
  (ctx) => agreementStory(ctx, true),
  (ctx) => studyStory(ctx, true),
  (ctx) => agreementStory(ctx, true),
  intentStory,
  transfersStory,
];

/**
 * The next story for a client: its first story from FIRST_STORIES, then by weight; a new service
 * area now and then (each one adds a column to the matrix, so rarely).
 */
export function nextStory(ctx: StoryContext, definedAreas: number, client: number, storiesSoFar: number): Story {
  if (storiesSoFar === 0) return FIRST_STORIES[(client - 1) % FIRST_STORIES.length](ctx);
  if (definedAreas < 2 && ctx.random.chance(0.01)) return serviceAreaStory(ctx);
  const total = STORIES.reduce((sum, s) => sum + s.weight, 0);
  let roll = ctx.random.next() * total;
  for (const { weight, story } of STORIES) {
    roll -= weight;
    if (roll < 0) return story(ctx);
  }
  return STORIES[0].story(ctx);
}
