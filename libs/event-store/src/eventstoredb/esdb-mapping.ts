/**
 * Translations between the EventStore port and `@eventstore/db-client` 6.x.
 */
import {
  ANY,
  ErrorType,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  isCommandError,
  streamNameFilter,
  type AppendExpectedRevision,
  type Filter,
  type FilterBase,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AllFilter,
  type EventMetadata,
  type ExpectedRevision,
  type RecordedEvent,
} from '../event-store.port';

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** Commit positions are unsigned 64-bit; the port's numbers are exact up to 2^53 - 1. */
export function toPortPosition(commit: bigint): number {
  if (commit < 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`EventStoreDB position ${commit} does not fit in a JavaScript number`);
  }
  return Number(commit);
}

/**
 * A port position as a position in `$all`. The server places every event written through
 * gRPC (an implicit transaction) at commit = prepare = the record's log position (AllReader:
 * `new TFPos(LogPosition, LogPosition)`), so the event's commit position names it exactly.
 */
export const toClientPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/** `$`-prefixed types are the server's own events ($metadata, $statsCollected, $>, …). */
export const isSystemEventType = (type: string): boolean => type.startsWith('$');

/**
 * Whether the port's filter keeps an event. An empty list does not constrain (as in the
 * embedded store); system events are never kept.
 */
export function keeps(filter: AllFilter | undefined, event: { type: string; streamId: string }): boolean {
  if (isSystemEventType(event.type)) return false;
  const types = filter?.eventTypes ?? [];
  const prefixes = filter?.streamPrefixes ?? [];
  return (types.length === 0 || types.includes(event.type)) && (prefixes.length === 0 || prefixes.some((prefix) => event.streamId.startsWith(prefix)));
}

/**
 * The filter the server applies to a subscription. It takes one expression, on the event
 * type or on the stream name: exact types become an anchored regex, prefixes a prefix
 * list, and without either the client's `excludeSystemEvents()` regex drops `$` types. When
 * both types and prefixes are given the server filters on types and `keeps` does the rest.
 */
export function toServerFilter(filter: AllFilter | undefined, checkpointReached: FilterBase['checkpointReached']): Filter {
  const types = filter?.eventTypes ?? [];
  const prefixes = filter?.streamPrefixes ?? [];
  if (types.length > 0) return eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$`, checkpointReached });
  if (prefixes.length > 0) return streamNameFilter({ prefixes, checkpointReached });
  return eventTypeFilter({ regex: '^[^$].*', checkpointReached });
}

/** Escapes what is special in both JavaScript and .NET regular expressions. */
const escapeRegex = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * The one string property that carries an event's metadata through v2 `AppendRecords`
 * (whose properties are string keys with string values): the metadata as JSON. A v1 read
 * shows the properties as the keys of the event's metadata JSON, next to the server's own
 * `$schema.*` keys, so reads take the metadata from it when it is there.
 */
export const METADATA_PROPERTY = 'samverkan-metadata';

/** The port's metadata from a v1 read: plain (written through v1 appends) or inside METADATA_PROPERTY (written through AppendRecords). */
function portMetadata(metadata: unknown): EventMetadata {
  if (typeof metadata === 'object' && metadata !== null) {
    const wrapped = (metadata as Record<string, unknown>)[METADATA_PROPERTY];
    if (typeof wrapped === 'string') return JSON.parse(wrapped) as EventMetadata;
  }
  return (metadata ?? {}) as EventMetadata;
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.isJson) throw new TypeError(`Event ${event.id} in ${event.streamId} is not JSON; the register writes JSON only`);
  if (event.position === undefined) throw new TypeError(`EventStoreDB sent event ${event.id} without its position`);
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPortPosition(event.position.commit),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: portMetadata(event.metadata),
    created: event.created.toISOString(),
  };
}

/**
 * Failures that say nothing about the request, only that the server could not be reached
 * or did not answer in time, all become EventStoreUnavailableError:
 * - UNAVAILABLE: no connection (refused, dropped, DNS);
 * - CANCELLED by the server: how a node that shuts down ends open calls (client 6.0+);
 * - DEADLINE_EXCEEDED: the client's deadline passed;
 * - ABORTED ("timeout"): the server's own commit timeout; the append may or may not have
 *   happened, and the caller's retry with the same event ids is idempotent;
 * - not-leader: a cluster node that cannot take writes right now.
 * Raw gRPC errors (the client rethrows some unconverted, e.g. from the server-features
 * lookup before the first append) are converted first.
 */
const UNAVAILABLE_TYPES: ReadonlySet<ErrorType> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.CANCELLED,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
]);

export function toPortError(error: unknown, append?: { stream: string; expected: ExpectedRevision }): unknown {
  if (!(error instanceof Error)) return error;
  const converted = convertToCommandError(error);
  if (append && converted instanceof WrongExpectedVersionError) {
    const actual = converted.actualVersion === 'no_stream' ? -1 : Number(converted.actualVersion);
    return new WrongExpectedRevisionError(append.stream, append.expected, actual);
  }
  if (isCommandError(converted) && UNAVAILABLE_TYPES.has(converted.type)) {
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${converted.message}`, error);
  }
  return converted;
}

export const closedError = (): EventStoreUnavailableError => new EventStoreUnavailableError('The EventStoreDB event store is closed');
