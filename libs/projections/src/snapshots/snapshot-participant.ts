/**
 * Something that folds the log into memory and can be saved in a read-model snapshot.
 *
 * Every in-memory state built from the log must be a participant, or a service started from a
 * snapshot would answer differently from one rebuilt from the log.
 */
export interface SnapshotParticipant {
  /** Unique among participants; names the participant's state in the file. */
  readonly name: string;
  /** Bumped whenever the shape of the exported state changes: a snapshot of another version is refused. */
  readonly version: number;
  /**
   * The whole state, as data `v8.serialize` writes faithfully (plain objects, arrays, Maps, Sets;
   * no class instances, functions or symbols). Taken synchronously with the other participants',
   * so they all cover the same events; it may share objects with the live state, because it is
   * serialised before the next event is applied.
   */
  exportState(): unknown;
  /** Replaces the whole state with one `exportState()` gave; called before any event is applied. */
  importState(state: unknown): void;
}

/** Identifies an event of the log: a snapshot covers the log up to it, and is refused for a log without it there. */
export interface EventFingerprint {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  /** When the store committed it: a log rebuilt with the same ids still differs here. */
  created: string;
}

/** What a snapshot holds: every participant's state after the register events up to `position`. */
export interface ReadModelState {
  /** The position of the last register event folded in (`last.position`). */
  position: number;
  last: EventFingerprint;
  /** How many register events were folded in. */
  events: number;
  /** By participant name. */
  states: Record<string, unknown>;
}
