import { Decider, StreamCategory, StreamEvents, StreamName, eventOf, fold } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { readAsCurrent } from './read-as-current';

/** Options that select a past state: up to a revision, or as known at an instant (recordedAt ≤ knownAt). */
export interface AsOf {
  atRevision?: number;
  knownAt?: string;
}

/** A stream's folded state and the revision it covers (-1 when nothing is selected). */
export interface Loaded<S> {
  state: S;
  revision: number;
}

/**
 * Folds a stream's recorded events as of a revision or a recording instant: the one fold that
 * the full-state queries, the command side's past states and the CLI share.
 */
export function foldAsOf<C extends StreamCategory, S>(stream: StreamName<C>, decider: Pick<Decider<unknown, StreamEvents[C], S>, 'evolve' | 'initialState'>, recorded: readonly RecordedEvent[], asOf: AsOf = {}): Loaded<S> {
  let events = recorded;
  if (asOf.atRevision !== undefined) {
    const last = asOf.atRevision;
    events = events.filter((e) => e.revision <= last);
  }
  if (asOf.knownAt !== undefined) {
    const knownAt = Date.parse(asOf.knownAt);
    events = events.filter((e) => Date.parse(e.metadata.recordedAt) <= knownAt);
  }
  const state = fold(decider, events.map((e) => eventOf(stream, readAsCurrent(e))));
  return { state, revision: events.length > 0 ? events[events.length - 1].revision : -1 };
}
