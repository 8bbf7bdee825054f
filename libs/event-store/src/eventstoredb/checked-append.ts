/**
 * Appends with consistency checks on EventStoreDB: one KurrentDB v2 `AppendRecords` call,
 * which writes the records and evaluates every check in one transaction on the leader.
 *
 * - The append's own expected revision travels as a check on its stream (AppendRecords has
 *   no other expectation); `'any'` is no check. The checks on one stream are sent as one
 *   (the server keeps one expectation per stream); checks that contradict each other can
 *   never all hold, so they are decided by reading instead of being sent.
 * - A refusal (FAILED_PRECONDITION, not a not-leader one) is first looked at as a re-send:
 *   if the batch is already in the stream at the place the expectation puts it, the
 *   original result is returned (the port's idempotency rule, whatever the checks say now).
 *   Otherwise the first failing expectation, in the port's order (the expected revision,
 *   then the checks as given), is reported with the actual revision the server names; when
 *   the server's details do not decode, with the revisions read again.
 * - UNIMPLEMENTED: the server predates AppendRecords (KurrentDB 26.1).
 * - An empty append writes nothing, and AppendRecords takes at least one record: its checks
 *   are read, each stream's last event, like an empty append's expected revision.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventToAppend,
  type ExpectedRevision,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store.port';
import { meetsExpectedRevision } from '../expected-revision';
import { METADATA_PROPERTY, toPortError, toPortPosition } from './esdb-mapping';
import type { KurrentDbClient } from './kurrentdb-client';
import { STREAM_STATE, leaderOf, violationsOf, type AppendRecordsRequest } from './kurrentdb-v2';

/** What the adapter lends to a checked append. */
export interface CheckedAppendHost {
  client: KurrentDbClient;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
}

/** One condition of the append, in the order the port reports failures. */
export interface Expectation {
  stream: string;
  expected: ExpectedRevision;
}

export async function appendWithChecks(host: CheckedAppendHost, stream: string, events: EventToAppend[], expectations: readonly Expectation[]): Promise<AppendResult> {
  const own = expectations[0].expected;
  if (events.length === 0) return checkByReading(host, stream, expectations);
  const checks = wireChecks(expectations);
  if (checks === undefined) return (await alreadyAppended(host, stream, events, own)) ?? refuseByReading(host, stream, expectations);

  try {
    const response = await host.client.appendRecords(toRequest(stream, events, checks));
    const written = response.revisions.find((revision) => revision.stream === stream);
    if (!written) throw new Error(`EventStoreDB acknowledged an append to ${stream} without its revision`);
    const nextRevision = Number(written.revision);
    const position = BigInt(response.position);
    // An acknowledgement that wrote nothing (a re-send) may carry no position of its own.
    return { nextRevision, position: position >= 0n ? toPortPosition(position) : await positionOf(host, stream, nextRevision) };
  } catch (error) {
    if (!isServiceError(error)) throw toPortError(error);
    if (error.code === status.UNIMPLEMENTED) {
      throw new EventStoreUnavailableError(
        'This EventStoreDB server does not offer StreamsService.AppendRecords (KurrentDB v2 protocol), which appends with consistency checks: it needs KurrentDB 26.1 or later',
        error,
      );
    }
    if (error.code !== status.FAILED_PRECONDITION || leaderOf(error)) throw toPortError(error);
    const replay = await alreadyAppended(host, stream, events, own);
    if (replay) return replay;
    throw (await refusal(error, expectations)) ?? (await refuseByReading(host, stream, expectations));
  }
}

/** Each stream's one expectation on the wire; undefined when two on one stream contradict each other. */
function wireChecks(expectations: readonly Expectation[]): Map<string, string> | undefined {
  const checks = new Map<string, string>();
  for (const { stream, expected } of expectations) {
    if (expected === 'any') continue;
    const state = expected === 'no-stream' ? STREAM_STATE.noStream : expected === 'stream-exists' ? STREAM_STATE.exists : String(expected);
    const before = checks.get(stream);
    const combined = before === undefined ? state : both(before, state);
    if (combined === undefined) return undefined;
    checks.set(stream, combined);
  }
  return checks;
}

/** The one state that meets both, if there is one: a revision is a stronger "exists". */
function both(a: string, b: string): string | undefined {
  if (a === b) return a;
  if (a === STREAM_STATE.exists && b !== STREAM_STATE.noStream) return b;
  if (b === STREAM_STATE.exists && a !== STREAM_STATE.noStream) return a;
  return undefined;
}

function toRequest(stream: string, events: EventToAppend[], checks: Map<string, string>): AppendRecordsRequest {
  return {
    records: events.map(({ id, type, data, metadata }) => ({
      record_id: id,
      stream,
      schema: { format: 'SCHEMA_FORMAT_JSON', name: type },
      data: Buffer.from(JSON.stringify(data), 'utf8'),
      // AppendRecords takes string properties, which v1 reads show as the metadata's keys.
      properties: { [METADATA_PROPERTY]: { stringValue: JSON.stringify(metadata) } },
    })),
    checks: [...checks].map(([checked, expected_state]) => ({ stream_state: { stream: checked, expected_state } })),
  };
}

/**
 * The original result if the batch is stored in `stream` where `expected` puts it (or,
 * without an exact expectation, wherever its first event is); undefined if its first event
 * is not there. A batch that only partly matches is a wrong expected revision, as elsewhere.
 */
async function alreadyAppended(host: CheckedAppendHost, stream: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult | undefined> {
  let stored: RecordedEvent[];
  if (typeof expected === 'number' || expected === 'no-stream') {
    stored = await host.readStream(stream, { fromRevision: expected === 'no-stream' ? 0 : expected + 1, maxCount: events.length });
  } else {
    const all = await host.readStream(stream);
    const first = all.findIndex((event) => event.id === events[0].id);
    stored = first === -1 ? [] : all.slice(first, first + events.length);
  }
  if (stored[0]?.id !== events[0].id) return undefined;
  const last = stored.at(-1);
  if (stored.length !== events.length || !stored.every((event, i) => event.id === events[i].id) || !last) {
    throw new WrongExpectedRevisionError(stream, expected, await revisionOf(host, stream));
  }
  return { nextRevision: last.revision, position: last.position };
}

/** The first failing expectation by the server's violations; undefined when they name none of ours. */
async function refusal(error: ServiceError, expectations: readonly Expectation[]): Promise<WrongExpectedRevisionError | undefined> {
  const violations = violationsOf(error);
  if (!violations) return undefined;
  // Deleted (-5) and tombstoned (-6) streams have no events to read: -1, as the port says.
  const actual = new Map(violations.map((violation) => [violation.stream, Math.max(-1, Number(violation.actual_state))]));
  for (const { stream, expected } of expectations) {
    const revision = actual.get(stream);
    if (revision !== undefined && !meetsExpectedRevision(expected, revision)) return new WrongExpectedRevisionError(stream, expected, revision);
  }
  return undefined;
}

/** Reads each stream's revision and reports the first failing expectation; when all hold now, the append's own stream as it is. */
async function refuseByReading(host: CheckedAppendHost, stream: string, expectations: readonly Expectation[]): Promise<never> {
  const failure = await firstFailure(host, expectations);
  throw failure ?? new WrongExpectedRevisionError(stream, expectations[0].expected, await revisionOf(host, stream));
}

async function checkByReading(host: CheckedAppendHost, stream: string, expectations: readonly Expectation[]): Promise<AppendResult> {
  const failure = await firstFailure(host, expectations);
  if (failure) throw failure;
  const [last] = await host.readStream(stream, { direction: 'backwards', maxCount: 1 });
  return { nextRevision: last?.revision ?? -1, position: last?.position ?? (await host.headPosition()) };
}

async function firstFailure(host: CheckedAppendHost, expectations: readonly Expectation[]): Promise<WrongExpectedRevisionError | undefined> {
  const revisions = new Map<string, number>();
  for (const { stream, expected } of expectations) {
    if (!revisions.has(stream)) revisions.set(stream, await revisionOf(host, stream));
    const current = revisions.get(stream) ?? -1;
    if (!meetsExpectedRevision(expected, current)) return new WrongExpectedRevisionError(stream, expected, current);
  }
  return undefined;
}

async function revisionOf(host: CheckedAppendHost, stream: string): Promise<number> {
  const [last] = await host.readStream(stream, { direction: 'backwards', maxCount: 1 });
  return last?.revision ?? -1;
}

async function positionOf(host: CheckedAppendHost, stream: string, revision: number): Promise<number> {
  const [event] = await host.readStream(stream, { fromRevision: revision, maxCount: 1 });
  if (!event) throw new Error(`EventStoreDB acknowledged revision ${revision} of ${stream}, which cannot be read`);
  return event.position;
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}
