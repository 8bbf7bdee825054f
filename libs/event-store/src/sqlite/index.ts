export { SqliteEventStore } from './sqlite-event-store';
export type { SqliteEventStoreFileOptions, SqliteEventStoreOptions, SqliteStorageSettings } from './sqlite-event-store';
export { DuplicateEventIdError } from './sqlite-errors';
export type { SqliteAppendStats } from './group-commit';
