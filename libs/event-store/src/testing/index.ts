export * from './event-store.contract';
export * from './make-event';
export * from './esdb-double';
