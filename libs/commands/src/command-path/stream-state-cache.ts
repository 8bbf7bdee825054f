import { ChainHead, EMPTY_CHAIN_HEAD, chainHeadOf } from '@samverkan/audit';
import { Decider, SamverkanEvent, StreamCategory, StreamEvents, StreamName, belongsTo, categoryOf } from '@samverkan/domain';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { readAsCurrent } from '@samverkan/shared';

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
 * Folded state per stream, so a command costs what its own events cost, not the stream's history.
 * It is never trusted on its own: every load reads the stream's tail after the cached revision
 * (another instance's writes show up there), and an append still names the expected revision,
 * so a stale entry only costs a conflict and a re-read. Bounded: least recently used streams are
 * dropped once the events they cover pass the budget.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(
    private readonly store: EventStore,
    readonly budget: number = DEFAULT_STATE_CACHE_EVENTS,
  ) {}

  /** The stream's state now: the cached fold extended by the tail the store has beyond it. */
  async load<C extends StreamCategory, S>(stream: StreamName<C>, decider: Folding<C, S>, commandId?: string): Promise<FoldedStream<S>> {
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
      const already = commandId === undefined ? undefined : entry.commands.get(commandId);
      // The entry was made by this stream's one decider (entryFor checks), so its state is an S.
      return { state: entry.state as S, revision: entry.revision, position: entry.position, chainHead: entry.chainHead, ...(already ? { already: { ...already } } : {}) };
    }
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
