import { ChainHead, EMPTY_CHAIN_HEAD, chainHeadOf } from '@samverkan/audit';
import { Decider, SamverkanEvent, StreamCategory, StreamEvents, StreamName, belongsTo, categoryOf } from '@samverkan/domain';
import { EventMetadata, EventStore, RecordedEvent } from '@samverkan/event-store';
import { readAsCurrent } from '@samverkan/shared';
import { AsyncLocalStorage } from 'node:async_hooks';

/** Where one command's events sit in a stream: its first and last revision and how many there are. */
export interface CommandSpan {
  first: number;
  last: number;
  count: number;
}

/** A stream's folded state as of `revision`, with what the next append needs. */
export interface FoldedStream<S> {
  state: S;
  /** -1 when the stream does not exist. */
  revision: number;
  /** The position of the stream's last event; undefined when the stream does not exist. */
  position: number | undefined;
  chainHead: ChainHead;
  /** Where `commandId` (if asked for) already is in the stream. */
  already?: CommandSpan;
}

/** The part of a decider a fold needs. */
export type Folding<C extends StreamCategory, S> = Pick<Decider<never, StreamEvents[C], S>, 'evolve' | 'initialState'>;

/**
 * One stream's cached fold. Streams of every category share the map, so the state is held as
 * `unknown` beside the evolve that knows its type; events reach that evolve only through
 * `eventOf`, which checks that they belong on the stream.
 */
interface Entry {
  /** The decider that folds the stream (one per stream). */
  decider: object;
  evolve: (state: unknown, event: SamverkanEvent) => unknown;
  state: unknown;
  revision: number;
  position: number | undefined;
  chainHead: ChainHead;
  commands: Map<string, CommandSpan>;
  /** The events this entry adds to the cache's count (entries are extended in place). */
  counted: number;
}

/** Events held by default (the service's SAMVERKAN_STATE_CACHE_EVENTS). */
export const DEFAULT_STATE_CACHE_EVENTS = 2_000_000;

/** The app may provide the budget (a number of events) under this token. */
export const STATE_CACHE_EVENTS = Symbol('STATE_CACHE_EVENTS');

/**
 * Which streams a command's attempt may take from the cache as they are, without reading the
 * store: the ones its append checks (its own stream by the expected revision, the others by
 * consistency checks). `trusted` records whether any load did.
 */
interface TrustScope {
  streams: ReadonlySet<string>;
  trusted: boolean;
  /** False once the work is done: async work it started (a timer, a subscription) does not inherit the trust. */
  open: boolean;
}

/**
 * Folded state per stream, so a command costs what its own events cost, not the stream's history.
 *
 * An entry is the fold of the stream's events up to its revision, as the store holds them: it is
 * made from what the store returns, and extended with the events this instance appended (see
 * `extend`). Another instance's writes are not in it until it is read again, so an entry is
 * used as it is only where that cannot go wrong unnoticed: inside `trusting`, for the streams
 * whose revisions the append checks atomically. A stale entry then only costs a conflict, after
 * which the command path decides again on what the store holds (loads outside `trusting` read
 * the stream's tail after the cached revision). Bounded: least recently used streams are dropped
 * once the events they cover pass the budget.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private readonly scope = new AsyncLocalStorage<TrustScope>();

  constructor(
    private readonly store: EventStore,
    readonly budget: number = DEFAULT_STATE_CACHE_EVENTS,
  ) {}

  /**
   * The stream's state: inside `trusting`, for a stream it names, the cached fold as it is (the
   * store is read only when the stream is not cached); otherwise the cached fold extended by the
   * tail the store has beyond it.
   */
  async load<C extends StreamCategory, S>(stream: StreamName<C>, decider: Folding<C, S>, commandId?: string): Promise<FoldedStream<S>> {
    const scope = this.openScope();
    if (scope?.streams.has(stream)) {
      const cached = this.entryFor(stream, decider);
      if (cached) {
        scope.trusted = true;
        this.keep(stream, cached);
        return folded<S>(cached, commandId);
      }
    }
    for (;;) {
      const from = this.entryFor(stream, decider)?.revision ?? -1;
      const tail = await this.store.readStream(stream, { fromRevision: from + 1 });
      // Read again after the await: a concurrent load may have extended or dropped the entry.
      const entry = this.entryFor(stream, decider) ?? newEntry(stream, decider);
      const fresh = tail.filter((e) => e.revision > entry.revision);
      if (fresh.length > 0 && fresh[0].revision !== entry.revision + 1) continue; // dropped meanwhile: read from where it now is
      for (const event of fresh) apply(entry, event.revision, event.position, readAsCurrent(event), event.metadata.commandId);
      if (fresh.length > 0) entry.chainHead = chainHeadOf(fresh);
      this.keep(stream, entry);
      return folded<S>(entry, commandId);
    }
  }

  /**
   * Runs `work` with the entries of `streams` taken as current by `load` and `revisionOf`.
   * Only for streams whose revisions the work's append checks atomically: a stale entry must
   * end in a conflict, never in an answer. Tells whether any entry was so taken: a refusal
   * decided on one may rest on another instance's writes not seen yet, and is decided again
   * outside.
   */
  async trusting<T>(streams: readonly string[], work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; trusted: boolean }> {
    const scope: TrustScope = { streams: new Set(streams), trusted: false, open: true };
    const outcome = await this.scope.run(scope, () =>
      work().then(
        (value): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
      ),
    );
    scope.open = false;
    return { outcome, trusted: scope.trusted };
  }

  /** Inside `trusting`, for a stream it names that is cached: the cached revision (-1: the stream does not exist). Otherwise undefined: ask the store. */
  revisionOf(stream: string): number | undefined {
    const scope = this.openScope();
    const entry = scope?.streams.has(stream) ? this.entries.get(stream) : undefined;
    if (!entry || !scope) return undefined;
    scope.trusted = true;
    return entry.revision;
  }

  /**
   * Extends a stream's entry with the events this instance has just appended to it, so the next
   * command on the stream reads nothing. `from` is the revision they were decided on (the
   * append's expected revision); `appended` is the store's answer. Only for an append that stored
   * these very events: the command path's event ids are unique to each attempt, so an append that
   * succeeds has stored this batch, never another writer's copy of the same command.
   * An entry that moved meanwhile is left as it is if it already covers the events (a load read
   * them back), and dropped otherwise.
   */
  extend<C extends StreamCategory, S>(stream: StreamName<C>, decider: Folding<C, S>, from: number, appended: readonly AppendedEvent[], result: { nextRevision: number; position: number }): void {
    if (appended.length === 0) return;
    const existing = this.entryFor(stream, decider);
    const entry = existing ?? (from === -1 ? newEntry(stream, decider) : undefined);
    if (!entry || entry.revision >= result.nextRevision) return;
    if (entry.revision !== from || result.nextRevision !== from + appended.length) {
      this.drop(stream);
      return;
    }
    appended.forEach(({ event, commandId }, index) => apply(entry, from + 1 + index, result.position, event, commandId));
    entry.chainHead = chainHeadOf([{ revision: result.nextRevision, metadata: appended[appended.length - 1].metadata }]);
    this.keep(stream, entry);
  }

  /** The recorded events of a command found by `load`, read by revision. */
  async commandEvents(stream: string, commandId: string, span: CommandSpan): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(stream, { fromRevision: span.first, maxCount: span.last - span.first + 1 });
    return events.filter((e) => e.metadata.commandId === commandId);
  }

  /** The number of events the cached states cover. */
  get size(): number {
    return this.held;
  }

  has(stream: string): boolean {
    return this.entries.has(stream);
  }

  private entryFor(stream: string, decider: object): Entry | undefined {
    const entry = this.entries.get(stream);
    // A stream is folded by exactly one decider; two would mean a wiring mistake.
    if (entry && entry.decider !== decider) throw new Error(`${stream} is folded by two different deciders`);
    return entry;
  }

  private openScope(): TrustScope | undefined {
    const scope = this.scope.getStore();
    return scope?.open ? scope : undefined;
  }

  private drop(stream: string): void {
    const entry = this.entries.get(stream);
    if (!entry) return;
    this.entries.delete(stream);
    this.held -= entry.counted;
  }

  /** Marks the entry most recently used, and drops the least recently used past the budget. */
  private keep(stream: string, entry: Entry): void {
    const previous = this.entries.get(stream);
    if (previous) {
      this.held -= previous.counted;
      this.entries.delete(stream);
    }
    entry.counted = entry.revision + 1;
    this.entries.set(stream, entry);
    this.held += entry.counted;
    for (const [oldest, old] of this.entries) {
      if (this.held <= this.budget) break;
      this.entries.delete(oldest);
      this.held -= old.counted;
    }
  }
}

/** An event this instance appended, as `extend` takes it: the decided event (current schema) and the metadata it was stored with. */
export interface AppendedEvent {
  event: SamverkanEvent;
  commandId: string;
  metadata: EventMetadata;
}

function folded<S>(entry: Entry, commandId: string | undefined): FoldedStream<S> {
  const already = commandId === undefined ? undefined : entry.commands.get(commandId);
  // The entry was made by this stream's one decider (entryFor checks), so its state is an S.
  return { state: entry.state as S, revision: entry.revision, position: entry.position, chainHead: entry.chainHead, ...(already ? { already: { ...already } } : {}) };
}

function newEntry<C extends StreamCategory, S>(stream: StreamName<C>, decider: Folding<C, S>): Entry {
  const category = categoryOf(stream);
  const evolve = (state: unknown, event: SamverkanEvent): unknown => {
    if (!belongsTo(category, event)) throw new Error(`Event '${event.type}' does not belong on stream '${stream}'`);
    // Every state this entry holds came from this decider: the initial state or an evolve.
    return decider.evolve(state as S, event);
  };
  return { decider, evolve, state: decider.initialState, revision: -1, position: undefined, chainHead: EMPTY_CHAIN_HEAD, commands: new Map(), counted: 0 };
}

function apply(entry: Entry, revision: number, position: number, event: SamverkanEvent, commandId: string): void {
  entry.state = entry.evolve(entry.state, event);
  entry.revision = revision;
  entry.position = position;
  const span = entry.commands.get(commandId);
  if (span) {
    span.last = revision;
    span.count += 1;
  } else entry.commands.set(commandId, { first: revision, last: revision, count: 1 });
}
