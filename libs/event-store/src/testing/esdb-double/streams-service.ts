import {
  status,
  type sendUnaryData,
  type ServerErrorResponse,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AllStreamPosition, Empty, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, ExpectedState, InMemoryLog, LoggedEvent } from './in-memory-log';
import { AllSubscription, subscriptionStart } from './all-subscription';
import { ResponseWriter } from './response-writer';
import { toServerFilter } from './server-filter';
import { compareTfPositions, invalidPosition, positionOf, streamIdentifier, streamNameOf, toProposedEvents, toReadResp, type TfPosition } from './wire';

/** The gRPC method names the double counts calls of. */
export type DoubleMethod = 'GetSupportedMethods' | 'Read' | 'Append' | 'BatchAppend';

export interface StreamsServiceContext {
  log: InMemoryLog;
  /** Whether `Streams/BatchAppend` exists (EventStoreDB 21.10 and later). */
  batchAppend: boolean;
  /** Records a call to a method of the double, by its gRPC method name. */
  countCall(method: DoubleMethod): void;
  /** Subscriptions that are running, so the double can end them when it stops. */
  subscriptions: Set<AllSubscription>;
}

const invalidArgument = (details: string): ServerErrorResponse =>
  Object.assign(new Error(details), { code: status.INVALID_ARGUMENT, details });

/**
 * The `event_store.client.streams.Streams` service: `Read` (reads and subscriptions),
 * `Append` (client streaming) and, when enabled, `BatchAppend` (bidirectional). Methods
 * left out of the implementation answer UNIMPLEMENTED, as grpc-js does by default.
 */
export function streamsService(context: StreamsServiceContext): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {
    read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
      context.countCall('Read');
      void read(context, call);
    },
    append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
      context.countCall('Append');
      append(context.log, call, callback);
    },
  };
  if (context.batchAppend) {
    implementation.batchAppend = (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
      context.countCall('BatchAppend');
      batchAppend(context.log, call);
    };
  }
  return implementation;
}

async function read(context: StreamsServiceContext, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const options = call.request.getOptions();
  if (options === undefined) {
    call.emit('error', invalidArgument('ReadReq.options is required'));
    return;
  }

  const start = options.getAll()?.getPosition();
  if (start !== undefined && !context.log.isReadablePosition(BigInt(start.getCommitPosition()))) {
    call.emit('error', invalidPosition());
    return;
  }

  if (options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION) {
    const all = options.getAll();
    if (all === undefined) {
      call.emit('error', Object.assign(new Error('The double supports subscriptions to $all only'), { code: status.UNIMPLEMENTED }));
      return;
    }
    const subscription = new AllSubscription(context.log, call, subscriptionStart(all), toServerFilter(options));
    context.subscriptions.add(subscription);
    try {
      await subscription.run();
    } finally {
      context.subscriptions.delete(subscription);
    }
    return;
  }

  const writer = new ResponseWriter(call);
  const stream = options.getStream();
  if (stream !== undefined) {
    const name = streamNameOf(stream.getStreamIdentifier());
    const events = context.log.stream(name);
    if (events === undefined) {
      // A missing stream is a normal response message, not a gRPC error; the client turns it into StreamNotFoundError.
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
      if (await writer.write(new ReadResp().setStreamNotFound(notFound))) call.end();
      return;
    }
    await writeRead(writer, call, streamSlice(events, options), options);
    return;
  }
  await writeRead(writer, call, allSlice(context.log, options), options);
}

/** Writes a finite read: the filter (if any) and `count` apply to the events in read order. */
async function writeRead(
  writer: ResponseWriter<ReadResp>,
  call: ServerWritableStream<ReadReq, ReadResp>,
  events: Iterable<LoggedEvent>,
  options: ReadReq.Options,
): Promise<void> {
  const filter = toServerFilter(options);
  let remaining = BigInt(options.getCount());
  for (const event of events) {
    if (remaining <= 0n) break;
    if (filter && !filter.matches(event)) continue;
    if (!(await writer.write(toReadResp(event)))) return;
    remaining--;
  }
  call.end();
}

/** Stream reads are by revision, inclusive in both directions. */
function* streamSlice(events: readonly LoggedEvent[], options: ReadReq.Options): Generator<LoggedEvent> {
  const stream = options.getStream() ?? new ReadReq.Options.StreamOptions();
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const last = events.length - 1;
  let from: number;
  switch (stream.getRevisionOptionCase()) {
    case ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION:
      from = Number(BigInt(stream.getRevision()));
      break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.END:
      from = backwards ? last : events.length;
      break;
    default:
      from = 0;
  }
  if (backwards) for (let index = Math.min(from, last); index >= 0; index--) yield events[index];
  else for (let index = from; index <= last; index++) yield events[index];
}

/** `$all` reads are by position: forwards from it inclusive, backwards from it exclusive. */
function* allSlice(log: InMemoryLog, options: ReadReq.Options): Generator<LoggedEvent> {
  const all = options.getAll() ?? new ReadReq.Options.AllOptions();
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  let from: TfPosition | 'start' | 'end';
  switch (all.getAllOptionCase()) {
    case ReadReq.Options.AllOptions.AllOptionCase.POSITION: {
      const position = all.getPosition() ?? new ReadReq.Options.Position();
      from = { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
      break;
    }
    case ReadReq.Options.AllOptions.AllOptionCase.END:
      from = 'end';
      break;
    default:
      from = 'start';
  }

  if (backwards) {
    if (from === 'start') return;
    for (let index = log.length - 1; index >= 0; index--) {
      const event = log.at(index);
      if (from === 'end' || compareTfPositions(positionOf(event), from) < 0) yield event;
    }
    return;
  }
  if (from === 'end') return;
  for (let index = from === 'start' ? 0 : log.indexAtOrAfter(from.commit); index < log.length; index++) {
    const event = log.at(index);
    if (from === 'start' || compareTfPositions(positionOf(event), from) >= 0) yield event;
  }
}

function append(log: InMemoryLog, call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
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

function expectedFromAppend(options: AppendReq.Options): ExpectedState {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return { kind: 'no-stream' };
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return { kind: 'stream-exists' };
    default:
      return { kind: 'any' };
  }
}

/**
 * A wrong expected version is not a gRPC error on `Append`: it is the
 * `wrong_expected_version` branch of a successful response (since 20.6.1).
 */
function toAppendResp(outcome: AppendOutcome, expected: ExpectedState): AppendResp {
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(outcome.currentRevision.toString());
    switch (expected.kind) {
      case 'revision':
        wrong.setExpectedRevision(expected.revision.toString());
        break;
      case 'no-stream':
        wrong.setExpectedNoStream(new Empty());
        break;
      case 'stream-exists':
        wrong.setExpectedStreamExists(new Empty());
        break;
      case 'any':
        wrong.setExpectedAny(new Empty());
    }
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
function batchAppend(log: InMemoryLog, call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
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

function expectedFromBatch(options: BatchAppendReq.Options): ExpectedState {
  switch (options.getExpectedStreamPositionCase()) {
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_POSITION:
      return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.NO_STREAM:
      return { kind: 'no-stream' };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_EXISTS:
      return { kind: 'stream-exists' };
    default:
      return { kind: 'any' };
  }
}

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
  switch (expected.kind) {
    case 'revision':
      response.setStreamPosition(expected.revision.toString());
      break;
    case 'no-stream':
      response.setNoStream(new WellKnownEmpty());
      break;
    case 'stream-exists':
      response.setStreamExists(new WellKnownEmpty());
      break;
    case 'any':
      response.setAny(new WellKnownEmpty());
  }

  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new WrongExpectedVersion();
    if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new WellKnownEmpty());
    else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
    switch (expected.kind) {
      case 'revision':
        wrong.setExpectedStreamPosition(expected.revision.toString());
        break;
      case 'no-stream':
        wrong.setExpectedNoStream(new WellKnownEmpty());
        break;
      case 'stream-exists':
        wrong.setExpectedStreamExists(new WellKnownEmpty());
        break;
      case 'any':
        wrong.setExpectedAny(new WellKnownEmpty());
    }
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
