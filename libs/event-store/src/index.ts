// The port only. Each adapter has its own entry, so that code written against the port
// loads neither SQLite nor the EventStoreDB client: `@samverkan/event-store/sqlite` and
// `@samverkan/event-store/eventstoredb`.
export * from './event-store.port';
