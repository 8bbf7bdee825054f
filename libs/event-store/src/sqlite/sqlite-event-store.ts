import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Observable } from 'rxjs';
import {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreUnavailableError,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port';
import { GroupCommit, SqliteAppendStats } from './group-commit';
import { LiveSubscription, SubscriptionSource, subscribeToLog } from './log-subscription';
import { ReadAllQueries } from './read-all-query';
import { closedError, translate } from './sqlite-errors';
import { NO_LIMIT, Statements, migrate, prepareStatements, toRecordedEvent } from './sqlite-schema';

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

const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/**
 * The embedded event store: one SQLite file in WAL mode, written by one process at a time
 * (other processes may read it, and may write: SQLite serialises them with its file lock).
 *
 * Positions are the rowids of an AUTOINCREMENT table: assigned under the write lock, so
 * they increase in commit order, and never reused. They happen to be contiguous here, but
 * nothing in this class relies on that.
 *
 * Appends are group-committed: those of one turn of the event loop share one transaction
 * and one fsync, and each settles only after its group's COMMIT (see `GroupCommit`).
 * - Reads (readStream, readAll, headPosition, subscriptions) never run inside a group's
 *   transaction: the flush is synchronous, so no other JavaScript can run while it is open,
 *   and on this single connection they see committed rows only.
 * - Subscriptions are woken after each commit that stored events (see `subscribeToLog`).
 * - close() commits what is queued before it closes the file, so every append called
 *   before close() settles as it would have.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'embedded' as const;

  private readonly statements: Statements;
  private readonly queries: ReadAllQueries;
  private readonly groups: GroupCommit;
  /** Live subscriptions: woken after each commit through this instance, ended by close(). */
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly subscriptionSource: SubscriptionSource;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.statements = prepareStatements(db);
    this.queries = new ReadAllQueries(db);
    this.groups = new GroupCommit(db, this.statements, () => {
      for (const subscription of this.subscriptions) subscription.wake();
    });
    this.subscriptionSource = {
      isOpen: () => this.db.open,
      queries: this.queries,
      headPosition: () => this.statements.headPosition.get() ?? 0,
      batchSize: options.subscriptionBatchSize ?? 500,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      live: this.subscriptions,
    };
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

  /**
   * Queued, and committed with the other appends of this turn of the event loop (see
   * `GroupCommit`); its expected revision and checks are evaluated in its own savepoint of
   * the group's write transaction, against the committed state and the group's earlier appends.
   */
  async appendToStream(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    return this.groups.append(stream, events, options.expectedRevision ?? 'any', options.checks);
  }

  /** Appends acknowledged and commits made through this instance since it was opened. */
  stats(): SqliteAppendStats {
    return this.groups.stats();
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
      const query = this.queries.for(options.filter);
      return query.statement.all(options.after ?? 0, Number.MAX_SAFE_INTEGER, ...query.params, options.maxCount ?? NO_LIMIT).map(toRecordedEvent);
    } catch (error) {
      throw translate(error);
    }
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    try {
      return this.statements.headPosition.get() ?? 0;
    } catch (error) {
      throw translate(error);
    }
  }

  /** Catches up, then follows appends through this instance and, by polling, those of other processes (see `subscribeToLog`). */
  subscribeToAll(options: SubscribeOptions = {}): Observable<SubscriptionMessage> {
    return subscribeToLog(this.subscriptionSource, options);
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
    this.groups.drain();
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

  private assertOpen(): void {
    if (!this.db.open) throw closedError();
  }
}
