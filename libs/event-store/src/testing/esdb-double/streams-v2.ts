/**
 * KurrentDB's v2 `StreamsService.AppendRecords` (26.1 and later) over the double's log, from
 * the adapter's own .proto files (`eventstoredb/proto`), modelled on the server's
 * AppendRecordsCommand:
 *
 * - Every stream of the request (written or only checked) gets one expectation: its
 *   check's `expected_state` (the last check on it, as the server keeps one per stream) or
 *   none (any). Written streams then follow the v1 rules (IndexWriter.CheckCommit) on all
 *   their records: a re-send of records that are already where the expectation puts them is
 *   acknowledged without writing.
 * - If any expectation fails, nothing is written and the call fails with
 *   FAILED_PRECONDITION and an AppendConsistencyViolationErrorDetails naming every failed
 *   check with the stream's actual state (-1 when it does not exist), in the
 *   `grpc-status-details-bin` trailer as a google.rpc.Status.
 * - Otherwise all records are written in one transaction, in request order.
 *
 * v1 reads show a record as the server does: type = schema name, content type
 * application/json, and metadata = a JSON object of the string properties plus
 * `$schema.format` and `$schema.name`.
 *
 * The double's simplification: a request in which some written streams are re-sends and
 * others are new is refused as a violation on the re-sent streams.
 */
import { randomUUID } from 'node:crypto';
import { Metadata, status, type sendUnaryData, type ServerErrorResponse, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  TYPE_URL_PREFIX,
  VIOLATION_DETAILS,
  NOT_LEADER_DETAILS,
  STATUS_DETAILS_KEY,
  messageType,
  type AppendRecordsRequest,
  type AppendRecordsResponse,
  type ConsistencyViolation,
} from '../../eventstoredb/kurrentdb-v2';
import { WRITE, type ExpectedState, type InMemoryLog, type ProposedEvent } from './in-memory-log';
import { invalidArgument } from './wire';

/** Ways of refusing that a real server has and the double does not do by itself. */
export interface AppendRecordsRefusals {
  /** Refuse every call as a follower does, naming this leader (kurrent.rpc.NotLeaderNodeErrorDetails). */
  notLeader?: { host: string; port: number };
  /** Refuse a failed check with FAILED_PRECONDITION and no status details (as a server whose details the adapter cannot decode). */
  withoutDetails?: boolean;
}

/** What a request asks of one stream. */
interface StreamPlan {
  stream: string;
  expected: ExpectedState;
  /** The request's index of the check that set `expected`. */
  checkIndex: number | undefined;
  proposed: ProposedEvent[];
}

export function appendRecords(
  log: InMemoryLog,
  refusals: AppendRecordsRefusals,
  call: ServerUnaryCall<AppendRecordsRequest, AppendRecordsResponse>,
  callback: sendUnaryData<AppendRecordsResponse>,
): void {
  try {
    if (refusals.notLeader) throw notLeader(refusals.notLeader);
    callback(null, answer(log, call.request, refusals));
  } catch (error) {
    callback(error as ServerErrorResponse);
  }
}

function answer(log: InMemoryLog, request: AppendRecordsRequest, refusals: AppendRecordsRefusals): AppendRecordsResponse {
  if (request.records.length === 0) throw invalidArgument('Append records request must contain at least one record.');
  const plans = new Map<string, StreamPlan>();
  const planOf = (stream: string): StreamPlan => {
    const existing = plans.get(stream);
    if (existing) return existing;
    const plan: StreamPlan = { stream, expected: { kind: 'any' }, checkIndex: undefined, proposed: [] };
    plans.set(stream, plan);
    return plan;
  };
  request.checks.forEach((check, checkIndex) => {
    if (!check.stream_state) throw invalidArgument('A consistency check must be a stream state check');
    Object.assign(planOf(check.stream_state.stream), { expected: toExpectedState(BigInt(check.stream_state.expected_state)), checkIndex });
  });
  const entries = request.records.map((record) => {
    if (!record.stream) throw invalidArgument('Every record must name its stream');
    if (record.schema?.format !== 'SCHEMA_FORMAT_JSON') throw invalidArgument('The double stores JSON records only');
    const event = toProposedEvent(record);
    planOf(record.stream).proposed.push(event);
    return { stream: record.stream, event };
  });

  const violations: ConsistencyViolation[] = [];
  const resent: StreamPlan[] = [];
  for (const plan of plans.values()) {
    const current = BigInt(log.stream(plan.stream)?.length ?? 0) - 1n;
    const outcome = plan.proposed.length > 0 ? log.plan(plan.stream, plan.expected, plan.proposed) : checkOnly(plan.expected, current);
    if (outcome === WRITE) continue;
    if (outcome.kind === 'idempotent') resent.push(plan);
    else violations.push(violationOf(plan, current));
  }
  const written = [...plans.values()].filter((plan) => plan.proposed.length > 0);
  if (resent.length > 0 && resent.length < written.length) violations.push(...resent.map((plan) => violationOf(plan, BigInt(log.stream(plan.stream)?.length ?? 0) - 1n)));
  if (violations.length > 0) throw consistencyViolation(violations, refusals.withoutDetails ?? false);

  if (resent.length === 0) log.write(entries, entries[0].stream);
  const revisions = written.map((plan) => {
    const stream = log.stream(plan.stream) ?? [];
    const last = resent.includes(plan) ? stream.find((event) => event.id === plan.proposed.at(-1)?.id) : stream.at(-1);
    return { stream: plan.stream, revision: String(last?.revision ?? -1n), position: last?.position ?? 0n };
  });
  const position = revisions.reduce((max, { position: p }) => (p > max ? p : max), 0n);
  return { revisions: revisions.map(({ stream, revision }) => ({ stream, revision })), position: position.toString() };
}

/** A check on a stream the request does not write: WRITE when it holds. */
function checkOnly(expected: ExpectedState, current: bigint): typeof WRITE | { kind: 'wrong' } {
  switch (expected.kind) {
    case 'any':
      return WRITE;
    case 'no-stream':
      return current === -1n ? WRITE : { kind: 'wrong' };
    case 'stream-exists':
      return current !== -1n ? WRITE : { kind: 'wrong' };
    case 'revision':
      return current === expected.revision ? WRITE : { kind: 'wrong' };
  }
}

function toExpectedState(state: bigint): ExpectedState {
  if (state >= 0n) return { kind: 'revision', revision: state };
  if (state === -1n) return { kind: 'no-stream' };
  if (state === -4n) return { kind: 'stream-exists' };
  if (state === -2n) return { kind: 'any' };
  throw invalidArgument(`Unsupported expected state ${state}`);
}

const fromExpectedState = (expected: ExpectedState): string =>
  expected.kind === 'revision' ? expected.revision.toString() : { any: '-2', 'no-stream': '-1', 'stream-exists': '-4' }[expected.kind];

function violationOf(plan: StreamPlan, current: bigint): ConsistencyViolation {
  return {
    check_index: plan.checkIndex ?? -1,
    stream_state: { stream: plan.stream, expected_state: fromExpectedState(plan.expected), actual_state: current.toString() },
  };
}

/** FAILED_PRECONDITION with the violations in a google.rpc.Status, as the server's RpcExceptions send it. */
function consistencyViolation(violations: ConsistencyViolation[], withoutDetails: boolean): ServerErrorResponse {
  const message = 'Append failed due to consistency violations.';
  if (withoutDetails) return Object.assign(new Error(message), { code: status.FAILED_PRECONDITION, details: message });
  return failedPrecondition(message, VIOLATION_DETAILS, messageType<{ violations: ConsistencyViolation[] }>(VIOLATION_DETAILS).serialize({ violations }));
}

function notLeader(leader: { host: string; port: number }): ServerErrorResponse {
  const details = messageType<object>(NOT_LEADER_DETAILS).serialize({ current_leader: leader });
  return failedPrecondition('The server is not the leader node and cannot handle the request.', NOT_LEADER_DETAILS, details);
}

function failedPrecondition(message: string, detailsType: string, details: Buffer): ServerErrorResponse {
  const rpcStatus = messageType<object>('google.rpc.Status').serialize({
    code: status.FAILED_PRECONDITION,
    message,
    details: [{ type_url: `${TYPE_URL_PREFIX}${detailsType}`, value: details }],
  });
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, rpcStatus);
  return Object.assign(new Error(message), { code: status.FAILED_PRECONDITION, details: message, metadata });
}

/** The record as a v1 read shows it: the string properties and the schema as its metadata JSON. */
function toProposedEvent(record: AppendRecordsRequest['records'][number]): ProposedEvent {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(record.properties)) {
    if (typeof value.stringValue !== 'string') throw invalidArgument(`The double takes string properties only (${key})`);
    metadata[key] = value.stringValue;
  }
  metadata['$schema.format'] = 'Json';
  metadata['$schema.name'] = record.schema.name;
  return {
    // The server gives a record without an id one of its own.
    id: record.record_id || randomUUID(),
    type: record.schema.name,
    contentType: 'application/json',
    data: Uint8Array.from(record.data),
    customMetadata: Uint8Array.from(Buffer.from(JSON.stringify(metadata), 'utf8')),
  };
}
