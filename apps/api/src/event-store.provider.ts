import { Logger, Provider } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ServiceConfig } from './config';

/** The embedded store by default; EventStoreDB when EVENTSTORE_CONNECTION_STRING is set. */
export function eventStoreProvider(config: ServiceConfig, override?: EventStore): Provider {
  return {
    provide: EVENT_STORE,
    useFactory: async (): Promise<EventStore> => {
      if (override) return override;
      const logger = new Logger('EventStore');
      if (config.eventStoreConnectionString) {
        logger.log('Using EventStoreDB');
        return new EventStoreDbEventStore(config.eventStoreConnectionString);
      }
      logger.log(`Using the embedded store in ${config.dataDir}`);
      return SqliteEventStore.open({ dataDir: config.dataDir });
    },
  };
}
