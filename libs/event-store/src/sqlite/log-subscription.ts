import { Observable } from 'rxjs';
import { SubscribeOptions, SubscriptionMessage } from '../event-store.port';
import { ReadAllQueries } from './read-all-query';
import { closedError, translate } from './sqlite-errors';
import { toRecordedEvent } from './sqlite-schema';

/** A live subscription as the store sees it: woken after each commit through the store, ended by close(). */
export interface LiveSubscription {
  wake(): void;
  end(): void;
}

/** What a subscription needs of the store it reads. */
export interface SubscriptionSource {
  isOpen(): boolean;
  queries: ReadAllQueries;
  headPosition(): number;
  /** Rows per read, and positions per filtered read. */
  batchSize: number;
  pollIntervalMs: number;
  /** The store's live subscriptions: this one is in it while it runs. */
  live: Set<LiveSubscription>;
}

/**
 * Reads from the database after the last position it examined, one batch per turn of the
 * event loop, until the head; then emits `caught-up` and reads again whenever an append
 * through the store wakes it or the poll timer fires (appends by other processes).
 * Because every read starts from the subscription's own cursor, a wake-up that races
 * with catch-up can neither skip nor repeat an event.
 */
export function subscribeToLog(source: SubscriptionSource, options: SubscribeOptions): Observable<SubscriptionMessage> {
  return new Observable<SubscriptionMessage>((subscriber) => {
    if (!source.isOpen()) {
      subscriber.error(closedError());
      return;
    }
    const query = source.queries.for(options.filter);
    const batchSize = source.batchSize;
    /** Everything up to here has been delivered or filtered out. */
    let cursor = options.after ?? 0;
    /** The last position the consumer was told about, to space out checkpoints. */
    let reported = cursor;
    let caughtUp = false;
    let scheduled: NodeJS.Immediate | undefined;

    const step = (): void => {
      scheduled = undefined;
      try {
        const head = source.headPosition();
        if (cursor < head) {
          // Filtered reads look at a window of positions, so a batch with no match still
          // ends (and can be checkpointed) after `batchSize` rows instead of scanning on.
          const upper = query.filtered ? Math.min(head, cursor + batchSize) : head;
          const rows = query.statement.all(cursor, upper, ...query.params, batchSize);
          for (const row of rows) {
            if (subscriber.closed) return;
            subscriber.next({ kind: 'event', event: toRecordedEvent(row) });
          }
          cursor = rows.length === batchSize ? rows[rows.length - 1][0] : upper;
          if (rows.length > 0) {
            reported = rows[rows.length - 1][0];
          } else if (cursor - reported >= batchSize) {
            // At most one checkpoint per `batchSize` positions without a match, so a live
            // subscription to rare events does not checkpoint on every append.
            reported = cursor;
            subscriber.next({ kind: 'checkpoint', position: cursor });
          }
          if (cursor < head) {
            schedule();
            return;
          }
        }
        if (!caughtUp && !subscriber.closed) {
          caughtUp = true;
          subscriber.next({ kind: 'caught-up', position: cursor });
        }
      } catch (error) {
        subscriber.error(translate(error));
      }
    };
    const schedule = (): void => {
      if (scheduled === undefined && !subscriber.closed) scheduled = setImmediate(step);
    };

    const live: LiveSubscription = { wake: schedule, end: () => subscriber.complete() };
    source.live.add(live);
    const poll = setInterval(schedule, source.pollIntervalMs);
    schedule();
    return () => {
      source.live.delete(live);
      clearInterval(poll);
      if (scheduled !== undefined) clearImmediate(scheduled);
    };
  });
}
