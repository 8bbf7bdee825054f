import { readPages } from '@samverkan/audit';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { Writable } from 'node:stream';
import { runCli } from '../../apps/cli/src/cli';
import { RuleFigures, ruleViolations } from '../support/rules';
import { contractViolation } from './contract';
import { Accepted, LedgerEntry, isAcknowledged } from './workload';

/** A command's answer as the checks read it: an accepted command's fields or a problem's code, each checked before it is relied on. */
type AnswerBody = Partial<Accepted> & { code?: string };

/** The decisions that may name successors (rule 5); the service records each successor as a transfer. */
const DECIDING_TYPES = new Set(['FederationDissolved', 'MemberLeft', 'AgreementTerminated']);

/** Problems, by what was checked, with at most a few examples each. */
export class Problems {
  private readonly byCheck = new Map<string, { count: number; examples: string[] }>();

  add(check: string, example: string): void {
    const entry = this.byCheck.get(check) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 5) entry.examples.push(example);
    this.byCheck.set(check, entry);
  }

  get count(): number {
    let n = 0;
    for (const { count } of this.byCheck.values()) n += count;
    return n;
  }

  /** One line per problem kind with its examples; empty when there are none. */
  lines(): string[] {
    const lines: string[] = [];
    for (const [check, { count, examples }] of this.byCheck) {
      lines.push(`${check}: ${count}`);
      for (const example of examples) lines.push(`    ${example}`);
    }
    return lines;
  }
}

export async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const page of readPages(store)) events.push(...page);
  return events;
}

/** What the checks counted (for the summary). */
export interface LogFigures {
  events: number;
  streams: number;
  /** Commands whose events were all in the log already when their answer was lost to a kill (the retry got the first answer). */
  recordedBeforeKill: number;
  successorsRecorded: number;
  /** Acknowledged commands with an event of their answer missing from the log. */
  lost: number;
  /**
   * Commands (or successors) recorded more than once: an answer's event in the log more than once,
   * events carrying a command's key that its answer does not name, a successor transferred twice,
   * an event id twice.
   */
  doubled: number;
}

/**
 * The log against the ledger:
 * - the log itself: event ids unique, positions increasing, stream revisions 0, 1, 2, … with no gap;
 * - every acknowledged command: exactly its answer's events carry its key, each once, on its stream, covered by its position;
 * - every refused or malformed command: no event carries its key; the refusal is the contract's;
 * - a resend gets the first answer, a reused key with another body is 422 idempotency-key-reused;
 * - every successor of every dissolution, departure and termination is recorded exactly once, and the deciding command's position covers it;
 * - no 5xx answer, ever.
 */
export function checkLog(ledger: readonly LedgerEntry[], events: readonly RecordedEvent[], problems: Problems): LogFigures {
  const byId = new Map<string, RecordedEvent[]>();
  const byKey = new Map<string, RecordedEvent[]>();
  const revisions = new Map<string, number>();
  let lastPosition = -Infinity;
  for (const event of events) {
    byId.set(event.id, [...(byId.get(event.id) ?? []), event]);
    const key = event.metadata.idempotencyKey;
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), event]);
    if (!(event.position > lastPosition)) problems.add('log: positions not increasing', `${event.stream}@${event.revision} at position ${event.position} after ${lastPosition}`);
    lastPosition = event.position;
    const expected = (revisions.get(event.stream) ?? -1) + 1;
    if (event.revision !== expected) problems.add('log: stream revisions not contiguous', `${event.stream} has revision ${event.revision} where ${expected} was next`);
    revisions.set(event.stream, event.revision);
  }
  let lost = 0;
  let doubled = 0;
  for (const [id, copies] of byId) {
    if (copies.length <= 1) continue;
    doubled++;
    problems.add('log: an event id appears more than once', `${id} at positions ${copies.map((e) => e.position).join(', ')}`);
  }

  let recordedBeforeKill = 0;
  for (const entry of ledger) {
    const label = `${entry.kind} ${entry.key} (${entry.purpose}, ${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'})`;
    for (const error of entry.serverErrors) problems.add('answers: 5xx', `${label}: ${error.status} ${error.body}`);
    const answer = entry.answer;
    if (!answer) {
      problems.add('answers: a command was never answered', label);
      continue;
    }
    const withKey = byKey.get(entry.key) ?? [];
    const body = answer.body as AnswerBody | undefined;
    if (entry.purpose === 'command' && isAcknowledged(entry)) {
      const listed = Array.isArray(body?.events) ? body.events : [];
      if (!Array.isArray(body?.events) || typeof body?.position !== 'number') {
        problems.add('acknowledged: answer without position and events', `${label}: ${JSON.stringify(answer.body)}`);
        continue;
      }
      const counts = listed.map(({ id }) => (byId.get(id) ?? []).length);
      if (counts.some((n) => n === 0)) lost++;
      const listedIds = new Set(listed.map((e) => e.id));
      if (counts.some((n) => n > 1) || withKey.some((e) => !listedIds.has(e.id))) doubled++;
      for (const { id, type } of listed) {
        const copies = byId.get(id) ?? [];
        if (copies.length !== 1) problems.add('acknowledged: an event is not in the log exactly once', `${label}: ${type} ${id} is there ${copies.length} times`);
        else if (copies[0].type !== type || copies[0].stream !== body.stream) problems.add('acknowledged: an event differs from its answer', `${label}: ${type} on ${body.stream}, logged ${copies[0].type} on ${copies[0].stream}`);
        else if (copies[0].position > body.position) problems.add('acknowledged: the answer position does not cover its events', `${label}: ${id} at ${copies[0].position} > ${body.position}`);
      }
      for (const event of withKey) if (!listedIds.has(event.id)) problems.add('acknowledged: the log holds an event of the command its answer does not name', `${label}: ${event.type} ${event.id} on ${event.stream}`);
      if (entry.lost > 0 && entry.firstLostAt !== undefined && withKey.length > 0 && withKey.every((e) => Date.parse(e.metadata.recordedAt) <= entry.firstLostAt!)) recordedBeforeKill++;
      continue;
    }
    if (entry.purpose === 'command' || entry.purpose === 'invalid') {
      if (withKey.length > 0) problems.add('refused: a refused command appended events', `${label}: ${answer.status} ${body?.code}, yet ${withKey.map((e) => `${e.type}@${e.position}`).join(', ')}`);
      const violation = contractViolation(answer);
      if (violation) problems.add('refused: not the contract refusal', `${label}: ${violation}`);
      if (entry.purpose === 'invalid' && (answer.status !== 400 || body?.code !== 'validation-failed')) problems.add('invalid: not 400 validation-failed', `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
      continue;
    }
    const first = entry.original?.answer?.body as AnswerBody | undefined;
    if (entry.purpose === 'resend') {
      if (!isAcknowledged(entry)) problems.add('resend: the same key and body were not answered as the first time', `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
      else if ((['id', 'stream', 'revision', 'position', 'events'] as const).some((f) => JSON.stringify(body![f]) !== JSON.stringify(first?.[f])))
        problems.add('resend: the answer differs from the first one', `${label}: first ${JSON.stringify(first)}, now ${JSON.stringify(answer.body)}`);
      continue;
    }
    // reuse
    if (answer.status !== 422 || body?.code !== 'idempotency-key-reused') problems.add('reuse: a key reused with another body was not 422 idempotency-key-reused', `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const violation = isAcknowledged(entry) ? undefined : contractViolation(answer);
    if (violation) problems.add('refused: not the contract refusal', `${label}: ${violation}`);
  }

  // Successors (rule 5): each one once; an acknowledged decision's position covers them.
  const successorTransfers = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const of = (event.data as { successorOf?: { eventId: string } }).successorOf;
    if (event.type !== 'ServiceTransferred' || !of) continue;
    const d = event.data as { municipality: string; serviceArea: string };
    const key = `${of.eventId}/${d.municipality}/${d.serviceArea}`;
    successorTransfers.set(key, [...(successorTransfers.get(key) ?? []), event]);
  }
  const answerPosition = new Map<string, number>();
  for (const entry of ledger) {
    if (entry.purpose !== 'command' || !isAcknowledged(entry)) continue;
    const body = entry.answer!.body as Accepted;
    for (const e of body.events) answerPosition.set(e.id, body.position);
  }
  let successorsRecorded = 0;
  for (const event of events) {
    if (!DECIDING_TYPES.has(event.type)) continue;
    for (const s of (event.data as { successors?: { municipality: string; serviceArea: string }[] }).successors ?? []) {
      const recorded = successorTransfers.get(`${event.id}/${s.municipality}/${s.serviceArea}`) ?? [];
      if (recorded.length !== 1) {
        if (recorded.length > 1) doubled++;
        problems.add('successors: not recorded exactly once', `${event.type} ${event.id} (${event.stream}) → ${s.municipality}/${s.serviceArea}: ${recorded.length} transfers`);
        continue;
      }
      successorsRecorded++;
      const answered = answerPosition.get(event.id);
      if (answered !== undefined && answered < recorded[0].position) {
        problems.add('successors: the decision was answered with a position that does not cover its successor transfers', `${event.type} on ${event.stream} answered position ${answered}; its successor ${s.municipality}/${s.serviceArea} is at ${recorded[0].position}`);
      }
    }
  }

  return { events: events.length, streams: revisions.size, recordedBeforeKill, successorsRecorded, lost, doubled };
}

/** What the rule check counted. */
export interface RuleCheckFigures extends RuleFigures {
  violations: number;
}

/**
 * The register's rules on the log (test/support/rules.ts, the race test's check): rules 3, 6 and 10,
 * the once-only decisions and the shared id space, each at the point of the log where its event was
 * recorded. Every violation is a problem.
 */
export function checkRules(events: readonly RecordedEvent[], problems: Problems): RuleCheckFigures {
  const { violations, figures } = ruleViolations(events);
  for (const violation of violations) problems.add('rules: the log breaks a rule', violation);
  return { ...figures, violations: violations.length };
}

/** What `cli replay --json` reports, as far as the check reads it. */
interface ReplayJson {
  ok: boolean;
  events: number;
  differenceCount: number;
  liveMoved: boolean;
  differences?: unknown[];
  compared: { dates: number; cells: number; attentionItems: number; arrangements: number };
}

/** What `cli verify --json` reports, as far as the check reads it. */
interface VerifyJson {
  ok: boolean;
  checked: number;
  firstBroken?: unknown;
  problems?: unknown[];
  checkpoints?: { found: number };
}

/** Runs the auditors' CLI in this process and parses its --json answer (undefined when it is not JSON), read as `T`. */
export async function cli<T>(args: string[]): Promise<{ code: number; json: T | undefined; stderr: string }> {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _encoding, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _encoding, done) => ((err += String(chunk)), done()) });
  const code = await runCli([...args, '--json', '--quiet'], { stdout, stderr, env: {} });
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, json: json as T | undefined, stderr: err };
}

export interface ReplayFigures {
  events: number;
  dates: number;
  cells: number;
  attentionItems: number;
  arrangements: number;
}

/** `cli replay`: every read model rebuilt from an empty state in this process, compared with the live service. */
export async function checkReplay(source: string[], url: string, problems: Problems): Promise<ReplayFigures | undefined> {
  const { code, json, stderr } = await cli<ReplayJson>(['replay', ...source, '--url', url]);
  if (code !== 0 || !json?.ok) {
    problems.add('replay: the read models differ from a fresh replay', `exit ${code}: ${json ? JSON.stringify({ differenceCount: json.differenceCount, liveMoved: json.liveMoved, differences: json.differences?.slice(0, 5) }) : stderr}`);
    return undefined;
  }
  return { events: json.events, dates: json.compared.dates, cells: json.compared.cells, attentionItems: json.compared.attentionItems, arrangements: json.compared.arrangements };
}

/** `cli verify`: every stream's hash chain and every signed checkpoint (with these public keys, if given, instead of the one in the data directory). */
export async function checkChain(source: string[], problems: Problems, publicKeys: readonly string[] = []): Promise<{ checked: number; checkpoints: number } | undefined> {
  const { code, json, stderr } = await cli<VerifyJson>(['verify', ...source, ...publicKeys.flatMap((file) => ['--public-key', file])]);
  if (code !== 0 || !json?.ok) {
    problems.add('verify: the hash chain does not verify', `exit ${code}: ${json ? JSON.stringify({ firstBroken: json.firstBroken, problems: json.problems?.slice(0, 5) }) : stderr}`);
    return undefined;
  }
  return { checked: json.checked, checkpoints: json.checkpoints?.found ?? 0 };
}
