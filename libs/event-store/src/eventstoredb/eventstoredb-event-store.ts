import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  jsonEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import { Observable } from 'rxjs';
import {
  WrongExpectedRevisionError,
  type AppendOptions,
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
import { meetsExpectedRevision } from '../expected-revision';
import { appendWithChecks, type CheckedAppendHost } from './checked-append';
import { closedError, isSystemEventType, keeps, toClientExpectedRevision, toClientPosition, toPortError, toPortPosition, toRecordedEvent } from './esdb-mapping';
import { SubscriptionHost, catchUpSubscription } from './esdb-subscription';
import { KurrentDbClient } from './kurrentdb-client';

/** Events per `$all` read call while paging through the log. */
const READ_ALL_PAGE = 256;
/** Events per backwards `$all` read while looking for the last non-system event. */
const HEAD_PAGE = 32;
const PING_TIMEOUT_MS = 2_000;

/**
 * The EventStore port on EventStoreDB through `@eventstore/db-client` 6.x over gRPC. It
 * needs a server that sends `caught_up` on subscriptions (23.10 or later).
 *
 * Appends with consistency checks go through KurrentDB's v2 `StreamsService.AppendRecords`,
 * which needs KurrentDB 26.1 or later (see `appendWithChecks`); every other call, and every
 * append without checks, uses the v1 protocol as before.
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
  private readonly client: KurrentDbClient;
  private closed = false;
  /** Completes the subscriptions still open when the store is closed. */
  private readonly openSubscriptions = new Set<() => void>();
  private readonly subscriptionHost: SubscriptionHost;
  private readonly checkedAppendHost: CheckedAppendHost;

  /** `connectionString` e.g. `esdb://localhost:2113?tls=false`; nothing is contacted before the first call. */
  constructor(connectionString: string) {
    this.client = KurrentDbClient.fromConnectionString(connectionString);
    this.subscriptionHost = { client: this.client, isClosed: () => this.closed, openSubscriptions: this.openSubscriptions };
    this.checkedAppendHost = { client: this.client, readStream: (stream, options) => this.readStream(stream, options), headPosition: () => this.headPosition() };
  }

  async appendToStream(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    if (options.checks?.length) {
      const checks = options.checks.map((check) => ({ stream: check.stream, expected: check.expectedRevision }));
      return appendWithChecks(this.checkedAppendHost, stream, events, [{ stream, expected }, ...checks]);
    }
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

  /** A catch-up subscription to `$all`, filtered on the server (see `catchUpSubscription`). */
  subscribeToAll(options: SubscribeOptions = {}): Observable<SubscriptionMessage> {
    return catchUpSubscription(this.subscriptionHost, options);
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
    if (!meetsExpectedRevision(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);
    return { nextRevision: current, position: last?.position ?? (await this.headPosition()) };
  }

  private async positionOf(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`EventStoreDB acknowledged revision ${revision} of ${stream}, which cannot be read`);
    return event.position;
  }
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
