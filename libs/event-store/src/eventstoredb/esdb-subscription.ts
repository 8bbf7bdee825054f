import { START, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { Observable } from 'rxjs';
import { EventStoreUnavailableError, type SubscribeOptions, type SubscriptionMessage } from '../event-store.port';
import { closedError, keeps, toClientPosition, toPortError, toPortPosition, toRecordedEvent, toServerFilter } from './esdb-mapping';

/**
 * Markers pushed into the client's subscription stream, in order with its events (see
 * `catchUpSubscription`).
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

/** What a subscription needs of the store it reads. */
export interface SubscriptionHost {
  client: EventStoreDBClient;
  isClosed(): boolean;
  /** Completes the subscriptions still open when the store is closed: this one is in it while it runs. */
  openSubscriptions: Set<() => void>;
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
export function catchUpSubscription(host: SubscriptionHost, options: SubscribeOptions): Observable<SubscriptionMessage> {
  return new Observable<SubscriptionMessage>((subscriber) => {
    if (host.isClosed()) {
      subscriber.error(closedError());
      return;
    }
    const resume = new ResumePosition(options.after);
    let caughtUp = false;

    const subscription: AllStreamSubscription = host.client.subscribeToAll({
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
    host.openSubscriptions.add(complete);
    return () => {
      host.openSubscriptions.delete(complete);
      // Cancels the gRPC call; a subscription that never got a call has nothing to cancel.
      subscription.unsubscribe().catch(() => undefined);
    };
  });
}
