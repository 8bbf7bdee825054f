import { Observable } from 'rxjs';

/**
 * The event-store port. Two adapters implement it (embedded SQLite and EventStoreDB)
 * and both must pass the shared contract suite in `./testing/event-store.contract.ts`.
 *
 * Numbers:
 * - `revision` is the 0-based index of an event in its stream.
 * - `position` is the event's place in the global log. It is strictly increasing in
 *   commit order but NOT contiguous (EventStoreDB uses commit positions), so no code may
 *   assume `position === index`. Positions are plain numbers: both stores stay far below
 *   2^53, and the EventStoreDB adapter checks this when it converts.
 */

/** Expected revision for an append: like EventStoreDB's `ANY`, `NO_STREAM`, `STREAM_EXISTS` or an exact revision. */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

/**
 * A condition on another stream (or on the appended one) that must hold at the moment of the
 * append, checked atomically with it: a decision that depends on several streams checks the
 * revision of each one it read.
 */
export interface ConsistencyCheck {
  stream: string;
  /** The stream's exact current revision (the revision of its last event), or `'no-stream'`: it must not exist. */
  expectedRevision: number | 'no-stream';
}

export interface AppendOptions {
  /** The appended stream's expected revision. Default `'any'`. */
  expectedRevision?: ExpectedRevision;
  /** Checked in the same atomic step as the append; see `EventStore.appendToStream`. */
  checks?: readonly ConsistencyCheck[];
}

export interface EventMetadata {
  /** The command that caused this event (idempotency and tracing). */
  commandId: string;
  /** The first command of the chain (a successor transfer carries the dissolution's command id). */
  correlationId: string;
  /** The command id, or for process-manager events the id of the event that caused it. */
  causationId: string;
  /** Who sent the command (an API key's name; `anonymous` while the service runs open). */
  actor: string;
  /** The sending system, from `X-Source-System`. */
  source: string;
  /** When the register learned the fact (ISO 8601 instant, UTC). */
  recordedAt: string;
  /** The schema version of `data` for this event type. */
  schemaVersion: number;
  /** Present when the command carried an `Idempotency-Key`. */
  idempotencyKey?: string;
  /** SHA-256 of the request (method, path, canonical body), to detect a reused key. */
  requestHash?: string;
  [extra: string]: unknown;
}

export interface EventToAppend {
  /** A UUID. Appending an event id that is already in the stream is a no-op (idempotent). */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** When the store committed it (ISO 8601). */
  created: string;
}

export interface AppendResult {
  /** The stream's revision after the append (the last event's revision). */
  nextRevision: number;
  /** The global position of the last appended event (or of the existing one, for an idempotent re-append). */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface AllFilter {
  /** Keep only events whose type is one of these. */
  eventTypes?: string[];
  /** Keep only events whose stream name starts with one of these (e.g. `municipality-`). */
  streamPrefixes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the start. */
  after?: number;
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events strictly after this position. Omitted: from the start. */
  after?: number;
  filter?: AllFilter;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** Sent once, when the subscription has delivered everything that existed when it reached the head. */
  | { kind: 'caught-up'; position: number }
  /** The subscription examined the log up to `position` (filtered subscriptions); safe to checkpoint. */
  | { kind: 'checkpoint'; position: number };

/** The port's errors. Adapters translate their native errors into these. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** `-1` when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Wrong expected revision on ${stream}: expected ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class EventStoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

export interface EventStore {
  readonly kind: 'embedded' | 'eventstoredb';

  /**
   * Appends atomically to one stream. Throws WrongExpectedRevisionError on a mismatch.
   * Events whose ids are already in the stream at the same place are not stored twice:
   * re-appending the same batch with the same expected revision succeeds and returns the
   * original result.
   *
   * `checks` (consistency checks): conditions on any streams, the appended one included,
   * evaluated in the same atomic step as the append and its expected revision, so that no
   * other writer (in this process or another, on any instance) can commit between the
   * checks and the append. All or nothing: if the expected revision or any check fails,
   * nothing is appended and the call throws WrongExpectedRevisionError naming the failing
   * stream, the revision that was expected of it and its actual revision (-1 when it does
   * not exist); when several fail, the expected revision is reported first, then the
   * checks in the order given. An empty append with checks writes nothing and only checks.
   *
   * The idempotency rule comes first: a batch whose event ids are already in the stream at
   * the same place is a re-send and returns the original result even when the checks (or
   * the expected revision) no longer hold: they held when the batch was stored.
   */
  appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;

  /** Reads one stream. A stream that does not exist reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads the global log in commit order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Catches up from `after`, emits `caught-up`, then goes live, with no gap and no duplicate.
   * Unsubscribing stops it. The observable errors with EventStoreUnavailableError if the store goes away.
   */
  subscribeToAll(options?: SubscribeOptions): Observable<SubscriptionMessage>;

  /** The position of the last event in the log, or 0 when it is empty. */
  headPosition(): Promise<number>;

  /** Whether the store answers (for /health). */
  ping(): Promise<boolean>;

  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
