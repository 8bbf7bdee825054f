import Database from 'better-sqlite3';
import { AppendResult, ConsistencyCheck, EventToAppend, ExpectedRevision, WrongExpectedRevisionError } from '../event-store.port';
import { failedCheck, meetsExpectedRevision } from '../expected-revision';
import { DuplicateEventIdError, isDuplicateId, isStoreFailure, translate } from './sqlite-errors';
import { Statements } from './sqlite-schema';

/**
 * The most appends one transaction carries. Bounds how long one flush holds the event loop
 * and the file's write lock (other processes wait for it): one single-event append costs
 * tens of microseconds inside the transaction, so a full group is a few milliseconds, about
 * one fsync. Whatever is left waits for the next turn of the event loop.
 */
const MAX_GROUP = 256;

/** An append waiting for its group's transaction. */
interface PendingAppend {
  stream: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
  checks: readonly ConsistencyCheck[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** What one append of a group came to inside the transaction; told to its caller only after COMMIT. */
type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** Counters since the store was opened, for tests and the bench. */
export interface SqliteAppendStats {
  /** Appends acknowledged (their promise resolved after their group's COMMIT). */
  appends: number;
  /** Group transactions committed: at most one fsync each. */
  commits: number;
}

/**
 * Group commit. With `synchronous = FULL` every COMMIT waits for an fsync, on the event
 * loop, whatever the transaction holds; so appends are queued, and the first append of a
 * turn of the event loop schedules one flush with `setImmediate`. The flush runs after the
 * turn's I/O callbacks, so appends made by every request that turn handled (and by whatever
 * arrived while the previous flush waited for its fsync) share one `BEGIN IMMEDIATE … COMMIT`
 * (at most MAX_GROUP of them; the rest go in the next turn). Flushing at once when the queue
 * is empty would never group: the flush is synchronous, so the queue is always empty when
 * the next request's append arrives (measured, 16 appenders: 1.1k appends/s, as with one
 * transaction per append, against 7.1k/s). A lone sequential appender pays one turn of the
 * event loop and a savepoint per append: 10–20 µs, 2–4 % of a file-backed append.
 * - Each append runs in a savepoint, in call order, so it sees the appends before it as if
 *   they had been committed one by one (expected revisions, consistency checks, idempotent
 *   re-sends, event ids). Its expected revision and checks are read inside the transaction,
 *   which holds the file's write lock from BEGIN IMMEDIATE on: no other connection, in this
 *   process or another, can commit between those reads and the inserts.
 *   A refusal (WrongExpectedRevisionError, DuplicateEventIdError, a constraint on the
 *   caller's data) rolls back its savepoint alone and fails that append alone.
 * - A failure of SQLite itself (busy past the timeout, I/O, a full disk), at BEGIN, inside
 *   the group or at COMMIT, rolls the whole transaction back and rejects every append of
 *   the group with it: none of them is stored.
 * - Promises settle only after COMMIT has returned: an acknowledged append is on disk.
 *   `committed` (the subscriptions' wake-up) is called after the commit.
 * - The flush is synchronous, so no other JavaScript (no read) runs while its transaction is open.
 */
export class GroupCommit {
  /** One append; called inside the group's transaction, better-sqlite3 runs it in a savepoint. */
  private readonly appendTransaction: Database.Transaction<(append: PendingAppend) => AppendResult>;
  private readonly groupTransaction: Database.Transaction<(group: PendingAppend[]) => Outcome[]>;
  /** Appends not yet flushed, in call order. */
  private readonly queue: PendingAppend[] = [];
  private scheduledFlush: NodeJS.Immediate | undefined;
  private readonly counters: SqliteAppendStats = { appends: 0, commits: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly statements: Statements,
    /** Called after a commit that stored at least one event. */
    private readonly committed: () => void,
  ) {
    this.appendTransaction = db.transaction((append: PendingAppend) => this.appendWithinTransaction(append));
    this.groupTransaction = db.transaction((group: PendingAppend[]) => group.map((append) => this.appendInGroup(append)));
  }

  /** Queued; settles once the group that carries it has been committed. */
  append(stream: string, events: EventToAppend[], expected: ExpectedRevision, checks: readonly ConsistencyCheck[] = []): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected, checks, resolve, reject });
      this.scheduledFlush ??= setImmediate(this.flush);
    });
  }

  stats(): SqliteAppendStats {
    return { ...this.counters };
  }

  /** Commits everything queued now, in groups, instead of in later turns (before the file is closed). */
  drain(): void {
    if (this.scheduledFlush !== undefined) clearImmediate(this.scheduledFlush);
    this.scheduledFlush = undefined;
    while (this.queue.length > 0) this.commitGroup(this.queue.splice(0, MAX_GROUP));
  }

  /** The scheduled flush: one group now, the rest (beyond MAX_GROUP) in the next turn. */
  private readonly flush = (): void => {
    this.scheduledFlush = undefined;
    const group = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0) this.scheduledFlush = setImmediate(this.flush);
    this.commitGroup(group);
  };

  /** Runs a group in one transaction, then settles its appends: only once COMMIT has returned. */
  private commitGroup(group: PendingAppend[]): void {
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock before any stream's head is read, so another
      // process cannot commit between those reads and the inserts.
      outcomes = this.groupTransaction.immediate(group);
    } catch (error) {
      // BEGIN, COMMIT or SQLite itself failed: better-sqlite3 has rolled the group back.
      const failure = translate(error);
      for (const append of group) append.reject(failure);
      return;
    }
    this.counters.commits++;
    let appended = false;
    for (let i = 0; i < group.length; i++) {
      const outcome = outcomes[i];
      if (outcome.ok) {
        this.counters.appends++;
        appended ||= group[i].events.length > 0;
        group[i].resolve(outcome.result);
      } else {
        group[i].reject(outcome.error);
      }
    }
    if (appended) this.committed();
  }

  /**
   * One append of a group, in its own savepoint. A refusal is this append's outcome; a
   * failure of SQLite itself is rethrown to fail the group: SQLite may already have rolled
   * the whole transaction back (a full disk, an I/O error), and continuing outside it would
   * commit the later appends one by one and the earlier ones not at all.
   */
  private appendInGroup(append: PendingAppend): Outcome {
    try {
      return { ok: true, result: this.appendTransaction(append) };
    } catch (error) {
      if (isStoreFailure(error) || !this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  private appendWithinTransaction({ stream, events, expected, checks }: PendingAppend): AppendResult {
    const current = this.statements.streamRevision.get(stream) ?? -1;

    if (events.length === 0) {
      this.assertExpectations(stream, expected, current, checks);
      // The stream as it is. A stream that does not exist has no position of its own; the
      // log's head is the position a reader must reach to have seen the same state.
      const last = current === -1 ? undefined : this.statements.streamLast.get(stream);
      return last ? { nextRevision: last[0], position: last[1] } : { nextRevision: -1, position: this.statements.headPosition.get() ?? 0 };
    }

    // Idempotency is decided before the expected revision: re-sending a batch that was
    // stored must succeed even though the batch itself has moved the stream on.
    const existing = this.statements.eventById.get(events[0].id);
    if (existing) return this.alreadyAppended(stream, events, expected, current, existing);

    this.assertExpectations(stream, expected, current, checks);

    const created = new Date().toISOString();
    const insert = this.statements.insert;
    let position = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      try {
        position = Number(insert.run(event.id, stream, current + 1 + i, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), created).lastInsertRowid);
      } catch (error) {
        // The batch's first id was new, so a later one is repeated in the batch or stored elsewhere.
        if (isDuplicateId(error)) throw new DuplicateEventIdError(event.id, this.statements.eventById.get(event.id)?.[0] ?? stream, stream);
        throw error;
      }
    }
    return { nextRevision: current + events.length, position };
  }

  /** The expected revision, then the checks in order, against the state inside this transaction. */
  private assertExpectations(stream: string, expected: ExpectedRevision, current: number, checks: readonly ConsistencyCheck[]): void {
    if (!meetsExpectedRevision(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);
    if (checks.length === 0) return;
    const failure = failedCheck(checks, (checked) => (checked === stream ? current : (this.statements.streamRevision.get(checked) ?? -1)));
    if (failure) throw failure;
  }

  /**
   * The batch's first id is stored already. If the whole batch is stored, in order, from
   * that event on, this is a re-send: answer as the original append did. A partial match
   * is reported as a WrongExpectedRevisionError, as EventStoreDB does (its "corrupted
   * idempotency" surfaces as a wrong expected version): the caller's idea of the stream is
   * stale either way, and the remedy is the same, read the stream again and re-decide.
   */
  private alreadyAppended(
    stream: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    current: number,
    [existingStream, existingRevision]: [stream: string, revision: number],
  ): AppendResult {
    if (existingStream !== stream) throw new DuplicateEventIdError(events[0].id, existingStream, stream);
    const stored = this.statements.streamIdsFrom.all(stream, existingRevision, events.length);
    const replay = stored.length === events.length && stored.every(([id], i) => id === events[i].id);
    if (!replay) throw new WrongExpectedRevisionError(stream, expected, current);
    const [, revision, position] = stored[stored.length - 1];
    return { nextRevision: revision, position };
  }
}
