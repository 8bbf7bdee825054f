import { EventStoreUnavailableError } from '../event-store.port';

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

export function isDuplicateId(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as { message?: unknown }).message).includes('events.id');
}

export function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('The SQLite event store is closed');
}

/** SQLite's own failures (busy past the timeout, I/O, a full disk, corruption), as opposed to a refused write. */
export function isStoreFailure(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && !code.startsWith('SQLITE_CONSTRAINT');
}

/** SQLite's own failures mean the store is unavailable; the port's errors and programming errors pass through. */
export function translate(error: unknown): unknown {
  if (isStoreFailure(error)) return new EventStoreUnavailableError(`SQLite event store failed: ${String((error as { message?: unknown }).message)}`, error);
  return error;
}
