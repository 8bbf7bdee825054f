export * from './event-store.port';
export { DuplicateEventIdError, SqliteEventStore } from './sqlite/sqlite-event-store';
export type { SqliteAppendStats, SqliteEventStoreFileOptions, SqliteEventStoreOptions, SqliteStorageSettings } from './sqlite/sqlite-event-store';
export { EventStoreDbEventStore } from './eventstoredb';
