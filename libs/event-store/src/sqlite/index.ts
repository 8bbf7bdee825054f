export { DuplicateEventIdError, SqliteEventStore } from './sqlite-event-store';
export type { SqliteAppendStats, SqliteEventStoreFileOptions, SqliteEventStoreOptions, SqliteStorageSettings } from './sqlite-event-store';
