import { status, type ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { InMemoryLog, LoggedEvent } from './in-memory-log';
import { AllSubscription, subscriptionStart } from './all-subscription';
import { ResponseWriter } from './response-writer';
import { toServerFilter } from './server-filter';
import { compareTfPositions, invalidArgument, invalidPosition, positionOf, streamIdentifier, streamNameOf, toReadResp, type TfPosition } from './wire';

/**
 * `Streams/Read`: a subscription to `$all` (running until the call ends, in `subscriptions`
 * meanwhile), or a finite read of one stream or of `$all`.
 */
export async function read(log: InMemoryLog, subscriptions: Set<AllSubscription>, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const options = call.request.getOptions();
  if (options === undefined) {
    call.emit('error', invalidArgument('ReadReq.options is required'));
    return;
  }

  const start = options.getAll()?.getPosition();
  if (start !== undefined && !log.isReadablePosition(BigInt(start.getCommitPosition()))) {
    call.emit('error', invalidPosition());
    return;
  }

  if (options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION) {
    const all = options.getAll();
    if (all === undefined) {
      call.emit('error', Object.assign(new Error('The double supports subscriptions to $all only'), { code: status.UNIMPLEMENTED }));
      return;
    }
    const subscription = new AllSubscription(log, call, subscriptionStart(all), toServerFilter(options));
    subscriptions.add(subscription);
    try {
      await subscription.run();
    } finally {
      subscriptions.delete(subscription);
    }
    return;
  }

  const writer = new ResponseWriter(call);
  const stream = options.getStream();
  if (stream !== undefined) {
    const name = streamNameOf(stream.getStreamIdentifier());
    const events = log.stream(name);
    if (events === undefined) {
      // A missing stream is a normal response message, not a gRPC error; the client turns it into StreamNotFoundError.
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
      if (await writer.write(new ReadResp().setStreamNotFound(notFound))) call.end();
      return;
    }
    await writeRead(writer, call, streamSlice(events, options), options);
    return;
  }
  await writeRead(writer, call, allSlice(log, options), options);
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
