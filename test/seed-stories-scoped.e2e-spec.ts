import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role, sha256Hex } from '@samverkan/access';
import { RecordedEvent } from '@samverkan/event-store';
import { loadScenario, runScenario, Scenario, ScenarioStep, StepResult } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * The five seed stories with API keys configured, as the back-office systems would send them:
 * one writer key per municipality that acts in a story (each signs and decides only for
 * itself), an admin key for the steps marked `as: "admin"`, and a reader for the questions.
 * Before each step, keys that may not send it (a writer for an uninvolved municipality;
 * for an admin step, every writer of the story) are refused with 403 and append nothing.
 * Afterwards every event names the key that caused it, and the stories' expectations hold.
 */

interface Key {
  name: string;
  roles: Role[];
  municipalities?: string[];
  key: string;
}

const newKey = (name: string, roles: Role[], municipalities?: string[]): Key => ({ name, roles, ...(municipalities ? { municipalities } : {}), key: randomBytes(32).toString('base64url') });
const bearer = (key: Key) => ({ authorization: `Bearer ${key.key}` });

/** Kiruna acts in none of the stories. */
const OUTSIDER = newKey('writer-2584', ['writer'], ['2584']);
const READER = newKey('story-reader', ['reader']);

const ACTS_FOR_ONE = /\/(signatures|council-decisions|transfers|corrections|members|departures)$/;

interface StoryRun {
  running: RunningApp;
  scenario: Scenario;
  keys: Record<string, Key>;
  results: StepResult[];
  marks: Record<string, string>;
  position: number;
  refusals: number;
  events: RecordedEvent[];
}

/** Runs a story step by step with its scoped keys, trying the keys that must be refused first. */
async function runStory(id: string, dir: string): Promise<StoryRun> {
  const scenario = loadScenario(id);
  const keys: Record<string, Key> = { admin: newKey('story-admin', ['admin']) };
  for (const step of scenario.steps) if (step.as && !keys[step.as]) keys[step.as] = newKey(`writer-${step.as}`, ['writer'], [step.as]);
  const file = join(dir, `${id}-keys.json`);
  writeFileSync(file, JSON.stringify([...Object.values(keys), OUTSIDER, READER].map(({ key, ...entry }) => ({ ...entry, sha256: sha256Hex(key) }))));
  const running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: file, LOG_LEVEL: 'fatal' } });

  const run: StoryRun = { running, scenario, keys, results: [], marks: {}, position: 0, refusals: 0, events: [] };
  const single = (step: ScenarioStep): Scenario => ({ ...scenario, steps: [step] });
  for (const step of scenario.steps) {
    if (step.mark) {
      Object.assign(run.marks, (await runScenario(running.url, single(step))).marks);
      continue;
    }
    if (!step.as || !keys[step.as]) throw new Error(`${id}/${step.id} names no actor`);
    // An admin step, or one that acts for exactly one municipality (signs, decides, transfers, joins, leaves as it):
    // every other writer of the story is refused too. Any step: a writer for an uninvolved municipality is.
    const writers = Object.entries(keys).filter(([as]) => as !== 'admin' && as !== step.as).map(([, key]) => key);
    const wrong = step.as === 'admin' || ACTS_FOR_ONE.test(step.path ?? '') ? [OUTSIDER, ...writers] : [OUTSIDER];
    for (const key of wrong) {
      const before = await running.store.headPosition();
      const refused = single({ ...step, key: `refused-${id}-${step.id}-${key.name}`, expect: { status: 403, code: 'forbidden' } });
      await runScenario(running.url, refused, { headersFor: () => bearer(key) });
      expect(await running.store.headPosition()).toBe(before);
      run.refusals++;
    }
    const done = await runScenario(running.url, single(step), { headersFor: (as) => bearer(keys[as as string]) });
    run.results.push(...done.results);
    run.position = Math.max(run.position, done.position);
  }
  // The story's events: not the reference data the service registers itself on first start.
  run.events = (await running.store.readAll({ after: 0, filter: { streamPrefixes: ['federation-', 'agreement-', 'study-', 'municipality-'] } })).filter((e) => e.metadata.source !== 'samverkan:reference-data');
  return run;
}

/** Every event a step caused names the step's key (and the events its decision caused on other streams too). */
function expectActors(run: StoryRun): void {
  const byId = new Map(run.events.map((e) => [e.id, e]));
  let checked = 0;
  for (const result of run.results) {
    const expectedActor = run.keys[result.step.as as string].name;
    for (const { id } of (result.body as { events?: { id: string }[] }).events ?? []) {
      const event = byId.get(id);
      expect(event?.metadata).toMatchObject({ actor: expectedActor, source: `scenario-${run.scenario.id}` });
      for (const caused of run.events.filter((e) => e.metadata.causationId === id)) expect(caused.metadata.actor).toBe(expectedActor);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
  // Nothing in the story's streams was recorded by anyone else.
  const names = new Set(Object.values(run.keys).map((k) => k.name));
  expect(run.events.filter((e) => !names.has(e.metadata.actor))).toEqual([]);
}

describe('the seed stories with scoped writer keys', () => {
  let dir: string;
  const runs: Record<string, StoryRun> = {};
  const api = (id: string) => client(runs[id].running.url, bearer(READER));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-stories-'));
    for (const id of ['s1', 's2', 's3', 's4', 's5']) runs[id] = await runStory(id, dir);
  });
  afterAll(async () => {
    for (const run of Object.values(runs)) await run.running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['s1', 's2', 's3', 's4', 's5'])('%s: every step got its expected answer with its own key, and the keys that may not send it got 403', (id) => {
    const run = runs[id];
    const steps = run.scenario.steps.filter((s) => !s.mark);
    expect(run.results.map((r) => r.step.id)).toEqual(steps.map((s) => s.id));
    for (const result of run.results) expect(result.status).toBe(result.step.expect?.status ?? 201);
    expect(run.refusals).toBeGreaterThanOrEqual(steps.length);
  });

  it.each(['s1', 's2', 's3', 's4', 's5'])('%s: every event names the key that caused it', (id) => expectActors(runs[id]));

  it('S1: payroll moves from the federation to Norrköping, then lapses; the successors carry the dissolving key', async () => {
    const { position } = runs.s1;
    const payroll = async (on: string) => (await api('s1').get(`/v1/municipalities/0580/provisions/payroll?on=${on}&minPosition=${position}`)).body;
    expect(await payroll('2019-12-31')).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, lapsed: false });
    expect(await payroll('2020-01-01')).toMatchObject({ provider: { kind: 'municipality', code: '0581' }, basis: { kind: 'agreement', id: 'lkp-buys-payroll-2020' }, until: '2022-12-31' });
    expect(await payroll('2023-01-01')).toMatchObject({ basis: { kind: 'in-house' }, lapsed: true });
    const successors = runs.s1.events.filter((e) => e.type === 'ServiceTransferred' && e.metadata.source === 'samverkan:successor-transfers');
    expect(successors.length).toBeGreaterThan(0);
    expect(new Set(successors.map((e) => e.metadata.actor))).toEqual(new Set(['writer-0580']));
    const agreement = await api('s1').get('/v1/agreements/lkp-buys-payroll-2020');
    // Concluded, and by now past its term.
    expect(agreement.body).toMatchObject({ status: 'expired', validUntil: '2022-12-31' });
  });

  it('S2: the six sign the letter of intent each with its own key; the federation signs through the admin', async () => {
    const intent = (await api('s2').get('/v1/agreements/kolmardsgrannar-2012')).body;
    expect(intent).toMatchObject({ kind: 'intent', status: 'concluded', concludedOn: '2012-10-01' });
    const signedBy = runs.s2.events.filter((e) => e.stream === 'agreement-kolmardsgrannar-2012' && e.type === 'AgreementSigned').map((e) => [e.data.party, e.metadata.actor]);
    expect(signedBy).toEqual(['0483', '0562', '0581', '0480', '0481', '0428'].map((code) => [code, `writer-${code}`]));
    const federationSigned = runs.s2.events.find((e) => e.type === 'AgreementSigned' && e.data.party === 'fjarde-storstadsregionen');
    expect(federationSigned?.metadata.actor).toBe('story-admin');
    const pending = (await api('s2').get('/v1/agreements/katrineholm-buys-procurement')).body;
    expect(pending).toMatchObject({ status: 'proposed', missingSignatures: ['0483', 'fjarde-storstadsregionen'], missingCouncilDecisions: ['0483'] });
    const finspang = (await api('s2').get(`/v1/municipalities/0562/provisions/procurement?on=2012-12-12&minPosition=${runs.s2.position}`)).body;
    expect(finspang).toMatchObject({ provider: { kind: 'federation', id: 'fjarde-storstadsregionen' }, basis: { kind: 'agreement', id: 'finspang-buys-procurement' } });
  });

  it('S3: the studies run and are overdue after their planned end', async () => {
    expect((await api('s3').get('/v1/studies/pitea-alvsbyn-forstudier-2013')).body).toMatchObject({ status: 'running', parties: ['2581', '2560'] });
    const overdue = (await api('s3').get(`/v1/attention?on=2014-10-01&minPosition=${runs.s3.position}`)).body.filter((a: { kind: string }) => a.kind === 'study-overdue');
    expect(overdue).toEqual([expect.objectContaining({ subject: 'study:pitea-alvsbyn-forstudier-2013' })]);
  });

  it('S4: five municipalities cooperate, each having signed with its own key', async () => {
    const { body } = await api('s4').get('/v1/arrangements?serviceArea=physical-planning');
    expect(body.map((a: { kind: string; id: string }) => [a.kind, a.id])).toEqual([
      ['agreement', 'la-linkoping'],
      ['study', 'samlad-planering-la-linkoping'],
    ]);
    expect((await api('s4').get('/v1/agreements/la-linkoping')).body).toMatchObject({ status: 'concluded' });
  });

  it('S5: the milestone past its due date is on the attention list', async () => {
    const milestones = (await api('s5').get(`/v1/attention?on=2015-12-01&minPosition=${runs.s5.position}`)).body.filter((a: { kind: string }) => a.kind === 'milestone-overdue');
    expect(milestones.map((a: { subject: string }) => a.subject)).toEqual(['study:stromsund-organisationsoversyn-2015/proposals']);
  });
});
