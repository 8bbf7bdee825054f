export { EventStoreDbDouble, type EventStoreDbDoubleOptions } from './esdb-double';
export type { DoubleMethod } from './streams-service';
export type { AppendRecordsRefusals } from './streams-v2';
