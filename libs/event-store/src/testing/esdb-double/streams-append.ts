import { type sendUnaryData, type ServerErrorResponse, type ServerDuplexStream, type ServerReadableStream } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AllStreamPosition, Empty, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, ExpectedState, InMemoryLog } from './in-memory-log';
import { invalidArgument, streamNameOf, toProposedEvents } from './wire';

/** `Streams/Append` (client streaming): the options, then the proposed messages, answered once the call ends. */
export function append(log: InMemoryLog, call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
  // The first message carries the options, every following one a proposed message.
  let options: AppendReq.Options | undefined;
  const messages: AppendReq.ProposedMessage[] = [];
  call.on('data', (request: AppendReq) => {
    const header = request.getOptions();
    const message = request.getProposedMessage();
    if (header) options = header;
    if (message) messages.push(message);
  });
  call.on('end', () => {
    if (options === undefined) return callback(invalidArgument('The first AppendReq must carry options'));
    try {
      const expected = expectedFromAppend(options);
      const outcome = log.append(streamNameOf(options.getStreamIdentifier()), expected, toProposedEvents(messages));
      callback(null, toAppendResp(outcome, expected));
    } catch (error) {
      callback(error as ServerErrorResponse);
    }
  });
}

const AppendCase = AppendReq.Options.ExpectedStreamRevisionCase;
const APPEND_EXPECTED: ExpectedCases<AppendReq.Options.ExpectedStreamRevisionCase> = {
  [AppendCase.REVISION]: 'revision',
  [AppendCase.NO_STREAM]: 'no-stream',
  [AppendCase.STREAM_EXISTS]: 'stream-exists',
};

const expectedFromAppend = (options: AppendReq.Options): ExpectedState => expectedState(APPEND_EXPECTED[options.getExpectedStreamRevisionCase()], options.getRevision());

/**
 * A wrong expected version is not a gRPC error on `Append`: it is the
 * `wrong_expected_version` branch of a successful response (since 20.6.1).
 */
function toAppendResp(outcome: AppendOutcome, expected: ExpectedState): AppendResp {
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(outcome.currentRevision.toString());
    onExpected(expected, {
      revision: (revision) => wrong.setExpectedRevision(revision),
      noStream: () => wrong.setExpectedNoStream(new Empty()),
      streamExists: () => wrong.setExpectedStreamExists(new Empty()),
      any: () => wrong.setExpectedAny(new Empty()),
    });
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (outcome.lastRevision < 0n) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.position === undefined) success.setNoPosition(new Empty());
  else success.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
  return new AppendResp().setSuccess(success);
}

/**
 * `BatchAppend` keeps one bidirectional call open per channel. Each append is a run of
 * requests sharing a `correlation_id`: the first carries the options, the one with
 * `is_final` completes it, and exactly one response with the same correlation id and the
 * `stream_identifier` (which the client reads to name the stream in its errors) answers it.
 */
export function batchAppend(log: InMemoryLog, call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
  const pending = new Map<string, { options: BatchAppendReq.Options; messages: BatchAppendReq.ProposedMessage[] }>();
  call.on('data', (request: BatchAppendReq) => {
    const correlationId = request.getCorrelationId()?.getString() ?? '';
    const options = request.getOptions();
    let batch = pending.get(correlationId);
    if (batch === undefined) {
      if (options === undefined) {
        call.emit('error', invalidArgument(`The first BatchAppendReq of ${correlationId} must carry options`));
        return;
      }
      batch = { options, messages: [] };
      pending.set(correlationId, batch);
    }
    batch.messages.push(...request.getProposedMessagesList());
    if (!request.getIsFinal()) return;
    pending.delete(correlationId);
    try {
      const expected = expectedFromBatch(batch.options);
      const outcome = log.append(streamNameOf(batch.options.getStreamIdentifier()), expected, toProposedEvents(batch.messages));
      call.write(toBatchAppendResp(request, batch.options, expected, outcome));
    } catch (error) {
      call.emit('error', error);
    }
  });
  call.on('end', () => call.end());
}

const BatchCase = BatchAppendReq.Options.ExpectedStreamPositionCase;
const BATCH_EXPECTED: ExpectedCases<BatchAppendReq.Options.ExpectedStreamPositionCase> = {
  [BatchCase.STREAM_POSITION]: 'revision',
  [BatchCase.NO_STREAM]: 'no-stream',
  [BatchCase.STREAM_EXISTS]: 'stream-exists',
};

const expectedFromBatch = (options: BatchAppendReq.Options): ExpectedState => expectedState(BATCH_EXPECTED[options.getExpectedStreamPositionCase()], options.getStreamPosition());

/**
 * On `BatchAppend` a wrong expected version is the `error` branch: a google.rpc.Status
 * whose `details` is an Any packing event_store.client.WrongExpectedVersion, which the
 * client unpacks by the type URL's last segment.
 */
function toBatchAppendResp(
  request: BatchAppendReq,
  options: BatchAppendReq.Options,
  expected: ExpectedState,
  outcome: AppendOutcome,
): BatchAppendResp {
  const response = new BatchAppendResp()
    .setCorrelationId(request.getCorrelationId())
    .setStreamIdentifier(options.getStreamIdentifier());
  onExpected(expected, {
    revision: (revision) => response.setStreamPosition(revision),
    noStream: () => response.setNoStream(new WellKnownEmpty()),
    streamExists: () => response.setStreamExists(new WellKnownEmpty()),
    any: () => response.setAny(new WellKnownEmpty()),
  });

  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new WrongExpectedVersion();
    if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new WellKnownEmpty());
    else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
    onExpected(expected, {
      revision: (revision) => wrong.setExpectedStreamPosition(revision),
      noStream: () => wrong.setExpectedNoStream(new WellKnownEmpty()),
      streamExists: () => wrong.setExpectedStreamExists(new WellKnownEmpty()),
      any: () => wrong.setExpectedAny(new WellKnownEmpty()),
    });
    const details = new Any();
    details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
    return response.setError(new Status().setCode(Code.FAILED_PRECONDITION).setMessage('WrongExpectedVersion').setDetails(details));
  }

  const success = new BatchAppendResp.Success();
  if (outcome.lastRevision < 0n) success.setNoStream(new WellKnownEmpty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.position === undefined) success.setNoPosition(new WellKnownEmpty());
  else success.setPosition(new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
  return response.setSuccess(success);
}

/** Each response message sets the expected state through setters of its own: one for each kind. */
interface ExpectedSetters {
  revision(revision: string): unknown;
  noStream(): unknown;
  streamExists(): unknown;
  any(): unknown;
}

function onExpected(expected: ExpectedState, set: ExpectedSetters): void {
  switch (expected.kind) {
    case 'revision':
      set.revision(expected.revision.toString());
      return;
    case 'no-stream':
      set.noStream();
      return;
    case 'stream-exists':
      set.streamExists();
      return;
    case 'any':
      set.any();
      return;
    default: {
      const unknown: never = expected;
      throw new TypeError(`Unknown expected state ${(unknown as ExpectedState).kind}`);
    }
  }
}

/** Which expected state each case of a request's `oneof` means; a case not listed (none set, or `any`) means any. */
type ExpectedCases<Case extends number> = Partial<Record<Case, ExpectedState['kind']>>;

/** `revision` is the request's revision field, read only when the case says a revision is expected. */
function expectedState(kind: ExpectedState['kind'] | undefined, revision: string): ExpectedState {
  if (kind === 'revision') return { kind, revision: BigInt(revision) };
  return { kind: kind ?? 'any' };
}
