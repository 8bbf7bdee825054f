import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Observable } from 'rxjs';
import {
  AllFilter,
  AppendResult,
  EventStore,
  EventStoreUnavailableError,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { prefixEnd } from './prefix-range';

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for appends made by another process on the same file. Default 500 ms. */
  pollIntervalMs?: number;
  /**
   * Rows per catch-up read; a filtered subscription also examines at most this many
   * positions per read, so a selective filter never turns one read into a full scan. Default 500.
   */
  subscriptionBatchSize?: number;
  /** How long a write waits for another process's write lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface SqliteEventStoreFileOptions extends SqliteEventStoreOptions {
  /** Created (with its parents) if missing. */
  dataDir: string;
  /** Default `events.sqlite`. */
  fileName?: string;
}

/** The connection settings that matter for durability, as SQLite reports them (for start-up logs and tests). */
export interface SqliteStorageSettings {
  file: string;
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  foreignKeys: boolean;
  busyTimeoutMs: number;
}

/**
 * An event id that is already stored in another stream. SQLite keeps ids unique across the
 * whole log, so this can never be an idempotent re-append: the caller reused an id.
 */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly eventId: string,
    /** The stream that already holds the id. */
    readonly existingStream: string,
    readonly stream: string,
  ) {
    super(`Event id ${eventId} cannot be appended to ${stream}: it is already stored in ${existingStream}`);
    this.name = 'DuplicateEventIdError';
  }
}

const SCHEMA_VERSION = 1;

// The UNIQUE(stream, revision) constraint's index is the stream index: it serves stream
// reads and the stream's head (MAX(revision) is one seek). A separate index on stream
// alone would only slow appends down. `events_by_type` holds (type, position) because
// SQLite appends the rowid to every index entry.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT    NOT NULL UNIQUE,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    UNIQUE (stream, revision)
  );
  CREATE INDEX IF NOT EXISTS events_by_type ON events (type);
`;

const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';

/** A row as `.raw()` returns it, in COLUMNS order (arrays are cheaper than keyed objects). */
type EventRow = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, created: string];

const NO_LIMIT = -1;
const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

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
 * The embedded event store: one SQLite file in WAL mode, written by one process at a time
 * (other processes may read it, and may write: SQLite serialises them with its file lock).
 *
 * Positions are the rowids of an AUTOINCREMENT table: assigned under the write lock, so
 * they increase in commit order, and never reused. They happen to be contiguous here, but
 * nothing in this class relies on that.
 *
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
 *   they had been committed one by one (expected revisions, idempotent re-sends, event ids).
 *   A refusal (WrongExpectedRevisionError, DuplicateEventIdError, a constraint on the
 *   caller's data) rolls back its savepoint alone and fails that append alone.
 * - A failure of SQLite itself (busy past the timeout, I/O, a full disk), at BEGIN, inside
 *   the group or at COMMIT, rolls the whole transaction back and rejects every append of
 *   the group with it: none of them is stored.
 * - Promises settle only after COMMIT has returned: an acknowledged append is on disk.
 *   Subscriptions are woken after the commit.
 * - Reads (readStream, readAll, headPosition, subscriptions) never run inside a group's
 *   transaction: the flush is synchronous, so no other JavaScript can run while it is open,
 *   and on this single connection they see committed rows only.
 * - close() commits what is queued before it closes the file, so every append called
 *   before close() settles as it would have.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'embedded' as const;

  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly readAllStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  /** One append; called inside the group's transaction, better-sqlite3 runs it in a savepoint. */
  private readonly appendTransaction: Database.Transaction<(stream: string, events: EventToAppend[], expected: ExpectedRevision) => AppendResult>;
  private readonly groupTransaction: Database.Transaction<(group: PendingAppend[]) => Outcome[]>;
  /** Appends not yet flushed, in call order. */
  private readonly queue: PendingAppend[] = [];
  private scheduledFlush: NodeJS.Immediate | undefined;
  private readonly counters: SqliteAppendStats = { appends: 0, commits: 0 };
  /** Live subscriptions: woken after each commit through this instance, ended by close(). */
  private readonly subscriptions = new Set<{ wake(): void; end(): void }>();

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.statements = prepareStatements(db);
    this.appendTransaction = db.transaction((stream: string, events: EventToAppend[], expected: ExpectedRevision) =>
      this.appendWithinTransaction(stream, events, expected),
    );
    this.groupTransaction = db.transaction((group: PendingAppend[]) => group.map((append) => this.appendInGroup(append)));
  }

  /** Opens (or creates) `<dataDir>/<fileName>`. */
  static open(options: SqliteEventStoreFileOptions): SqliteEventStore {
    return SqliteEventStore.create(join(options.dataDir, options.fileName ?? 'events.sqlite'), options);
  }

  /** A private in-memory database, gone when closed. For tests. */
  static inMemory(options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return SqliteEventStore.create(':memory:', options);
  }

  private static create(file: string, options: SqliteEventStoreOptions): SqliteEventStore {
    let db: Database.Database | undefined;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      const journalMode = db.pragma('journal_mode = WAL', { simple: true });
      if (!db.memory && journalMode !== 'wal') throw new Error(`${file} cannot use WAL mode (journal_mode is ${String(journalMode)})`);
      // In WAL mode NORMAL only syncs the WAL at checkpoints: a committed transaction
      // survives the process being killed (it is in the OS page cache) but not a power
      // loss or kernel crash. FULL syncs the WAL at every commit, so an acknowledged
      // append is on disk before appendToStream resolves.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db?.close();
      throw new EventStoreUnavailableError(`Cannot open the SQLite event store at ${file}: ${(error as Error).message}`, error);
    }
  }

  /** Queued, and committed with the other appends of this turn of the event loop (see the class comment). */
  async appendToStream(stream: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    this.assertOpen();
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected: options.expectedRevision ?? 'any', resolve, reject });
      this.scheduledFlush ??= setImmediate(this.flush);
    });
  }

  /** Appends acknowledged and commits made through this instance since it was opened. */
  stats(): SqliteAppendStats {
    return { ...this.counters };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.maxCount ?? NO_LIMIT;
    try {
      const rows =
        options.direction === 'backwards'
          ? this.statements.readStreamBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
          : this.statements.readStreamForwards.all(stream, options.fromRevision ?? 0, limit);
      return rows.map(toRecordedEvent);
    } catch (error) {
      throw translate(error);
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      const query = this.readAllQuery(options.filter);
      return query.statement.all(options.after ?? 0, Number.MAX_SAFE_INTEGER, ...query.params, options.maxCount ?? NO_LIMIT).map(toRecordedEvent);
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * Reads from the database after the last position it examined, one batch per turn of the
   * event loop, until the head; then emits `caught-up` and reads again whenever an append
   * through this instance wakes it or the poll timer fires (appends by other processes).
   * Because every read starts from the subscription's own cursor, a wake-up that races
   * with catch-up can neither skip nor repeat an event.
   */
  subscribeToAll(options: SubscribeOptions = {}): Observable<SubscriptionMessage> {
    return new Observable<SubscriptionMessage>((subscriber) => {
      if (!this.db.open) {
        subscriber.error(closedError());
        return;
      }
      const query = this.readAllQuery(options.filter);
      const batchSize = this.batchSize;
      /** Everything up to here has been delivered or filtered out. */
      let cursor = options.after ?? 0;
      /** The last position the consumer was told about, to space out checkpoints. */
      let reported = cursor;
      let caughtUp = false;
      let scheduled: NodeJS.Immediate | undefined;

      const step = (): void => {
        scheduled = undefined;
        try {
          const head = this.statements.headPosition.get() ?? 0;
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

      const live = { wake: schedule, end: () => subscriber.complete() };
      this.subscriptions.add(live);
      const poll = setInterval(schedule, this.pollIntervalMs);
      schedule();
      return () => {
        this.subscriptions.delete(live);
        clearInterval(poll);
        if (scheduled !== undefined) clearImmediate(scheduled);
      };
    });
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    try {
      return this.statements.headPosition.get() ?? 0;
    } catch (error) {
      throw translate(error);
    }
  }

  /** False once closed (rather than throwing), so a health check can report it. */
  async ping(): Promise<boolean> {
    if (!this.db.open) return false;
    try {
      return this.statements.ping.get() === 1;
    } catch {
      return false;
    }
  }

  /** Commits the queued appends, completes the live subscriptions, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.scheduledFlush !== undefined) clearImmediate(this.scheduledFlush);
    this.scheduledFlush = undefined;
    while (this.queue.length > 0) this.commitGroup(this.queue.splice(0, MAX_GROUP));
    for (const subscription of [...this.subscriptions]) subscription.end();
    this.db.close();
  }

  settings(): SqliteStorageSettings {
    this.assertOpen();
    return {
      file: this.db.name,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: SYNCHRONOUS_NAMES[Number(this.db.pragma('synchronous', { simple: true }))],
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
    };
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
    if (appended) for (const subscription of this.subscriptions) subscription.wake();
  }

  /**
   * One append of a group, in its own savepoint. A refusal is this append's outcome; a
   * failure of SQLite itself is rethrown to fail the group: SQLite may already have rolled
   * the whole transaction back (a full disk, an I/O error), and continuing outside it would
   * commit the later appends one by one and the earlier ones not at all.
   */
  private appendInGroup(append: PendingAppend): Outcome {
    try {
      return { ok: true, result: this.appendTransaction(append.stream, append.events, append.expected) };
    } catch (error) {
      if (isStoreFailure(error) || !this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  private appendWithinTransaction(stream: string, events: EventToAppend[], expected: ExpectedRevision): AppendResult {
    const current = this.statements.streamRevision.get(stream) ?? -1;

    if (events.length === 0) {
      if (!satisfies(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);
      // The stream as it is. A stream that does not exist has no position of its own; the
      // log's head is the position a reader must reach to have seen the same state.
      const last = current === -1 ? undefined : this.statements.streamLast.get(stream);
      return last ? { nextRevision: last[0], position: last[1] } : { nextRevision: -1, position: this.statements.headPosition.get() ?? 0 };
    }

    // Idempotency is decided before the expected revision: re-sending a batch that was
    // stored must succeed even though the batch itself has moved the stream on.
    const existing = this.statements.eventById.get(events[0].id);
    if (existing) return this.alreadyAppended(stream, events, expected, current, existing);

    if (!satisfies(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);

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

  /**
   * The statement for a filter's shape. Types and prefixes are tested on rows read in
   * position order, except for a single event type, whose index is itself in position order.
   * The unary `+` keeps the planner off the stream index and, for several types, off the
   * type index: both would make it collect every match after `after` and sort them for each
   * page, which is quadratic over a full read (measured on 1M events: a prefix covering
   * half the log took 1.5 s for 20 pages through the stream index, 0.7 s for all 114 pages
   * in position order; a rare prefix costs one pass over the log instead of an index seek).
   * Prefixes are half-open ranges, not LIKE, which would treat `_` and `%` as wildcards.
   */
  private readAllQuery(filter: AllFilter | undefined): { statement: Database.Statement<unknown[], EventRow>; params: string[]; filtered: boolean } {
    const types = filter?.eventTypes ?? [];
    // An empty prefix matches every stream, so it lifts the prefix filter altogether.
    const prefixes = filter?.streamPrefixes?.includes('') ? [] : (filter?.streamPrefixes ?? []);
    const params: string[] = [...types];
    const conditions: string[] = [];
    let key = `${types.length}:`;

    if (types.length === 1) conditions.push('type = ?');
    else if (types.length > 1) conditions.push(`+type IN (${types.map(() => '?').join(', ')})`);

    if (prefixes.length > 0) {
      const ranges = prefixes.map((prefix) => {
        const end = prefixEnd(prefix);
        params.push(prefix);
        key += end === undefined ? 'o' : 'b';
        if (end === undefined) return '+stream >= ?';
        params.push(end);
        return '(+stream >= ? AND +stream < ?)';
      });
      conditions.push(`(${ranges.join(' OR ')})`);
    }

    let statement = this.readAllStatements.get(key);
    if (!statement) {
      const where = ['position > ?', 'position <= ?', ...conditions].join(' AND ');
      statement = this.db.prepare<unknown[], EventRow>(`SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY position LIMIT ?`).raw();
      this.readAllStatements.set(key, statement);
    }
    return { statement, params, filtered: conditions.length > 0 };
  }

  private assertOpen(): void {
    if (!this.db.open) throw closedError();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, number, string, string, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    // Measured against a `streams(stream, revision)` table kept by an upsert: MAX over the
    // (stream, revision) index is one seek and saves a write, and was ~8% faster per append.
    streamRevision: db.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck(),
    streamLast: db.prepare<[string], [revision: number, position: number]>('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').raw(),
    streamIdsFrom: db
      .prepare<[string, number, number], [id: string, revision: number, position: number]>(
        'SELECT id, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      )
      .raw(),
    eventById: db.prepare<[string], [stream: string, revision: number]>('SELECT stream, revision FROM events WHERE id = ?').raw(),
    readStreamForwards: db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(),
    readStreamBackwards: db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .raw(),
    headPosition: db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
}

/** Creates the schema, refusing a file written by a newer schema than this code knows. */
function migrate(db: Database.Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) throw new Error(`schema version ${version} is newer than the supported ${SCHEMA_VERSION}`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

function satisfies(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === -1;
    case 'stream-exists':
      return current !== -1;
    default:
      return expected === current;
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row[1],
    stream: row[2],
    revision: row[3],
    position: row[0],
    type: row[4],
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    created: row[7],
  };
}

/**
 * SQLite's error code, if `error` is one of better-sqlite3's errors. Matched by shape, not
 * `instanceof`: the native addon keeps the SqliteError class (and realm) of the first module
 * instance that loaded it, so under a fresh module registry or VM context (Jest runs each
 * test file in one) its errors are instances of neither the SqliteError nor the Error this
 * module sees.
 */
function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}

function isDuplicateId(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as { message?: unknown }).message).includes('events.id');
}

function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('The SQLite event store is closed');
}

/** SQLite's own failures (busy past the timeout, I/O, a full disk, corruption), as opposed to a refused write. */
function isStoreFailure(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && !code.startsWith('SQLITE_CONSTRAINT');
}

/** SQLite's own failures mean the store is unavailable; the port's errors and programming errors pass through. */
function translate(error: unknown): unknown {
  if (isStoreFailure(error)) return new EventStoreUnavailableError(`SQLite event store failed: ${String((error as { message?: unknown }).message)}`, error);
  return error;
}
