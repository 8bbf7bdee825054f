import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { ArrangementLoader } from './arrangements/arrangement-loader';
import { CommandPath } from './command-path/command-path';
import { IdempotencyIndex } from './command-path/idempotency-index';
import { DEFAULT_STATE_CACHE_EVENTS, STATE_CACHE_EVENTS, StreamStateCache } from './command-path/stream-state-cache';
import { ReferenceSeeder } from './reference-seeding/reference-seeder';
import { SuccessorTransfers } from './successor-transfers/successor-transfers';
import { UseCaseTools } from './use-case';
import { USE_CASE_CONTROLLERS, USE_CASE_HANDLERS } from './use-cases';

/**
 * Every command the register takes, one folder per use case. Needs from the app:
 * the EVENT_STORE, a Clock and a Catalog; optionally STATE_CACHE_EVENTS (the state cache's budget)
 * and IDEMPOTENCY_CAUGHT_UP (how to wait until the idempotency index has seen the whole log).
 */
@Module({
  imports: [CqrsModule],
  controllers: [...USE_CASE_CONTROLLERS],
  providers: [
    {
      provide: StreamStateCache,
      inject: [EVENT_STORE, { token: STATE_CACHE_EVENTS, optional: true }],
      useFactory: (store: EventStore, budget?: number) => new StreamStateCache(store, budget ?? DEFAULT_STATE_CACHE_EVENTS),
    },
    CommandPath,
    IdempotencyIndex,
    ArrangementLoader,
    UseCaseTools,
    SuccessorTransfers,
    ReferenceSeeder,
    ...USE_CASE_HANDLERS,
  ],
  exports: [IdempotencyIndex, ReferenceSeeder, SuccessorTransfers],
})
export class CommandsModule {}
