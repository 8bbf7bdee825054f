export { EventStoreDbDouble, type EventStoreDbDoubleOptions } from './esdb-double';
export type { DoubleMethod } from './streams-service';
