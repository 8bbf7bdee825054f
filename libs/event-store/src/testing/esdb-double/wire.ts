/**
 * Conversions between the double's log and EventStoreDB's protobuf messages, as the
 * Node client generates them (`@eventstore/db-client/generated`).
 *
 * Every 64-bit field (revisions, positions, counts) is generated with `jstype = JS_STRING`,
 * so it is set and read as a decimal string; the double keeps them as bigint.
 */
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, BatchAppendReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { LoggedEvent, ProposedEvent } from './in-memory-log';

/** A position in `$all` as the server compares them: commit position first, then prepare position. */
export interface TfPosition {
  commit: bigint;
  prepare: bigint;
}

export function compareTfPositions(a: TfPosition, b: TfPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export const positionOf = (event: LoggedEvent): TfPosition => ({ commit: event.position, prepare: event.position });

export const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export const streamIdentifier = (name: string): StreamIdentifier =>
  new StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));

export const stringUuid = (id: string): UUID => new UUID().setString(id);

/**
 * A gRPC error the way EventStoreDB raises it (RpcExceptions): a status code plus
 * trailing metadata whose `exception` key names the kind, which the client's
 * `convertToCommandError` switches on, and kind-specific keys.
 */
function rpcException(code: status, details: string, exception: string, extra: Record<string, string> = {}): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

/** The server's answer to a read that starts inside a record (RpcExceptions.InvalidPositionException). */
export const invalidPosition = (): ServerErrorResponse =>
  Object.assign(new Error('Trying to read from an invalid position.'), { code: status.INVALID_ARGUMENT, details: 'Trying to read from an invalid position.' });

/** A request the double cannot make sense of. */
export const invalidArgument = (details: string): ServerErrorResponse => Object.assign(new Error(details), { code: status.INVALID_ARGUMENT, details });

/**
 * `type` and `content-type` are required proposed-message metadata: the server answers
 * INVALID_ARGUMENT with `exception: missing-required-metadata-property` otherwise.
 */
export function toProposedEvents(messages: Array<AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage>): ProposedEvent[] {
  const missing = new Set<string>();
  const events = messages.map((message) => {
    const metadata = message.getMetadataMap();
    const type = metadata.get('type');
    const contentType = metadata.get('content-type');
    if (type === undefined) missing.add('type');
    if (contentType === undefined) missing.add('content-type');
    return {
      id: message.getId()?.getString() ?? '',
      type: type ?? '',
      contentType: contentType ?? '',
      data: message.getData_asU8(),
      customMetadata: message.getCustomMetadata_asU8(),
    };
  });
  if (missing.size > 0) {
    // Like the server, name the first missing property and list all required ones.
    throw rpcException(status.INVALID_ARGUMENT, `Required Metadata Property '${[...missing][0]}' is missing`, 'missing-required-metadata-property', {
      'required-metadata-properties': 'type,content-type',
    });
  }
  return events;
}

/**
 * A recorded event. `created` is .NET ticks since the Unix epoch, sent as a string in the
 * metadata map next to `type` and `content-type`; the client divides it by 10 000 (BigInt).
 */
export function toReadResp(event: LoggedEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(stringUuid(event.id))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString()));
}

export const checkpointResp = (position: TfPosition): ReadResp =>
  new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()),
  );
