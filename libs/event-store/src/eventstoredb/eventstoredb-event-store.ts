import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import { Observable } from 'rxjs';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type SubscriptionMessage,
} from '../event-store.port';
import {
  isSystemEventType,
  keeps,
  toClientExpectedRevision,
  toClientPosition,
  toPortError,
  toPortPosition,
  toRecordedEvent,
  toServerFilter,
} from './esdb-mapping';

/** Events per `$all` read call while paging through the log. */
const READ_ALL_PAGE = 256;
/** Events per backwards `$all` read while looking for the last non-system event. */
const HEAD_PAGE = 32;
const PING_TIMEOUT_MS = 2_000;

/**
 * Markers pushed into the client's subscription stream, in order with its events (see
 * `subscribeToAll`).
 */
class CheckpointMarker {
  constructor(readonly position: Position) {}
}
const CAUGHT_UP = Symbol('caught-up');

/**
 * The highest position a subscription knows it can be resumed after without missing an
 * event, which is what its `checkpoint` and `caught-up` messages promise.
 */
class ResumePosition {
  private promised: number | undefined;

  constructor(private known: number | undefined) {}

  passed(position: number): void {
    this.known = Math.max(this.known ?? position, position);
  }

  /** The position to promise now (0, the start, if nothing is known). */
  promise(): number {
    this.promised = Math.max(this.promised ?? 0, this.known ?? 0);
    return this.promised;
  }

  /** The position to promise, if it is further than the last promise. */
  news(): number | undefined {
    if (this.known === undefined || (this.promised !== undefined && this.known <= this.promised)) return undefined;
    return this.promise();
  }
}

/**
 * The EventStore port on EventStoreDB through `@eventstore/db-client` 6.x over gRPC. It
 * needs a server that sends `caught_up` on subscriptions (23.10 or later).
 *
 * Positions are commit positions. Events keep the ids the caller gives them, so that a
 * retried append (same ids, same expected revision) is recognised by the server's
 * idempotency check instead of being stored twice.
 *
 * `$all` also holds the server's own events (`$`-prefixed types: stream metadata, stats,
 * projections' links); reads and subscriptions never return them.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private closed = false;
  /** Completes the subscriptions still open when the store is closed. */
  private readonly openSubscriptions = new Set<() => void>();

  /** `connectionString` e.g. `esdb://localhost:2113?tls=false`; nothing is contacted before the first call. */
  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(stream: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.checkExpectation(stream, expected);
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data, metadata })),
        { expectedRevision: toClientExpectedRevision(expected) },
      );
      const nextRevision = Number(result.nextExpectedRevision);
      // Older servers answer an idempotent re-append (nothing written) with `no_position`; the events are there, so look it up.
      const position = result.position ? toPortPosition(result.position.commit) : await this.positionOf(stream, nextRevision);
      return { nextRevision, position };
    } catch (error) {
      throw toPortError(error, { stream, expected });
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      const events: RecordedEvent[] = [];
      for await (const resolved of read) if (resolved.event) events.push(toRecordedEvent(resolved.event));
      return events;
    } catch (error) {
      // The server answers a read of a missing stream with a `stream_not_found` message, which the client raises.
      if (error instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
  }

  /**
   * Pages through `$all` with the client's readAll, which sends no filter (6.x has no
   * option for one), so the filter and the exclusion of system events apply here. Reads
   * start inclusive (the event at the start position comes back), the port's `after` is
   * exclusive: each page starts at the last position seen and drops events up to it.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: RecordedEvent[] = [];
    let after = options.after;
    try {
      while (found.length < maxCount) {
        const page = await collect(this.client.readAll({ fromPosition: after === undefined ? START : toClientPosition(after), maxCount: READ_ALL_PAGE }));
        for (const { event } of page) {
          if (!event) continue;
          const position = toPortPosition(event.position.commit);
          if (after !== undefined && position <= after) continue;
          after = position;
          if (keeps(options.filter, event)) found.push(toRecordedEvent(event));
          if (found.length === maxCount) break;
        }
        if (page.length < READ_ALL_PAGE) break;
      }
      return found;
    } catch (error) {
      throw toPortError(error);
    }
  }

  /**
   * A catch-up subscription to `$all`, filtered on the server (see `toServerFilter`), from
   * an exclusive position. The client delivers events as stream data, but reports
   * checkpoints through a callback and caught-up as an event, so the three could reach us
   * out of order. Both are turned into markers pushed into the same stream while the
   * client processes that server message, which keeps them in wire order with the events.
   *
   * Checkpoints and `caught-up` carry the highest position known to be safe to resume
   * after: the start, every event received (kept or not) and every server checkpoint that
   * names an event (commit = prepare). The server also sends checkpoints "between
   * records" (commit = the next record's position, prepare = 0), e.g. at the end of
   * catch-up; a port position cannot express "before the record at p", and resuming after
   * p would skip an event later written at p, so those do not advance the position.
   *
   * `caught-up` comes from the server's `caught_up` message (23.10+), which client 6.1+
   * raises as `caughtUp`; it is emitted once even if the server sends it again after
   * falling behind.
   */
  subscribeToAll(options: SubscribeOptions = {}): Observable<SubscriptionMessage> {
    return new Observable<SubscriptionMessage>((subscriber) => {
      if (this.closed) {
        subscriber.error(closedError());
        return;
      }
      const resume = new ResumePosition(options.after);
      let caughtUp = false;

      const subscription: AllStreamSubscription = this.client.subscribeToAll({
        fromPosition: options.after === undefined ? START : toClientPosition(options.after),
        filter: toServerFilter(options.filter, (stream, position) => {
          stream.push(new CheckpointMarker(position));
        }),
      });
      subscription.on('caughtUp', () => subscription.push(CAUGHT_UP));
      subscription.on('data', (item: AllStreamResolvedEvent | CheckpointMarker | typeof CAUGHT_UP) => {
        try {
          if (item === CAUGHT_UP) {
            if (!caughtUp) subscriber.next({ kind: 'caught-up', position: resume.promise() });
            caughtUp = true;
          } else if (item instanceof CheckpointMarker) {
            if (item.position.commit === item.position.prepare) resume.passed(toPortPosition(item.position.commit));
            const position = resume.news();
            if (position !== undefined) subscriber.next({ kind: 'checkpoint', position });
          } else if (item.event) {
            resume.passed(toPortPosition(item.event.position.commit));
            if (keeps(options.filter, item.event)) subscriber.next({ kind: 'event', event: toRecordedEvent(item.event) });
          }
        } catch (error) {
          subscriber.error(error);
        }
      });
      subscription.on('error', (error: Error) => subscriber.error(toPortError(error)));
      // A subscription never ends on its own; the server closing the call is a failure too.
      subscription.on('end', () => subscriber.error(new EventStoreUnavailableError('EventStoreDB ended the subscription')));

      const complete = (): void => subscriber.complete();
      this.openSubscriptions.add(complete);
      return () => {
        this.openSubscriptions.delete(complete);
        // Cancels the gRPC call; a subscription that never got a call has nothing to cancel.
        subscription.unsubscribe().catch(() => undefined);
      };
    });
  }

  /** The last non-system event's position: `$all` read backwards, past any system events at the end. */
  async headPosition(): Promise<number> {
    this.assertOpen();
    let from: ReadPosition = END;
    try {
      for (;;) {
        const page = await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE }));
        for (const { event } of page) {
          if (event && !isSystemEventType(event.type)) return toPortPosition(event.position.commit);
        }
        const last = page.at(-1)?.event;
        if (page.length < HEAD_PAGE || !last) return 0;
        // Backwards reads exclude their start position.
        from = toClientPosition(toPortPosition(last.position.commit));
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  /** Reads one event of `$all`; false when that fails or takes longer than two seconds. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        read.cancel().catch(() => undefined);
        resolve(false);
      }, PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([collect(read).then(() => true, () => false), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Completes open subscriptions and cancels the client's calls; later calls fail as unavailable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const complete of [...this.openSubscriptions]) complete();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  /** An empty append writes nothing, so it is checked against the stream's last event here. */
  private async checkExpectation(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStream(stream, { direction: 'backwards', maxCount: 1 });
    const current = last?.revision ?? -1;
    const met =
      expected === 'any' ||
      (expected === 'no-stream' && current === -1) ||
      (expected === 'stream-exists' && current !== -1) ||
      expected === current;
    if (!met) throw new WrongExpectedRevisionError(stream, expected, current);
    return { nextRevision: current, position: last?.position ?? (await this.headPosition()) };
  }

  private async positionOf(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`EventStoreDB acknowledged revision ${revision} of ${stream}, which cannot be read`);
    return event.position;
  }
}

const closedError = (): EventStoreUnavailableError => new EventStoreUnavailableError('The EventStoreDB event store is closed');

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
