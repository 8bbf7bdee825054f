import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ArrangementLoader } from './arrangements/arrangement-loader';
import { CommandPath } from './command-path/command-path';
import { IdempotencyIndex } from './command-path/idempotency-index';
import { ReferenceSeeder } from './reference-seeding/reference-seeder';
import { SuccessorTransfers } from './successor-transfers/successor-transfers';
import { USE_CASE_CONTROLLERS, USE_CASE_HANDLERS } from './use-cases';

/**
 * Every command the register takes, one folder per use case. Needs from the app:
 * the EVENT_STORE, a Clock and a Catalog.
 */
@Module({
  imports: [CqrsModule],
  controllers: [...USE_CASE_CONTROLLERS],
  providers: [CommandPath, IdempotencyIndex, ArrangementLoader, SuccessorTransfers, ReferenceSeeder, ...USE_CASE_HANDLERS],
  exports: [CommandPath, IdempotencyIndex, ArrangementLoader, SuccessorTransfers, ReferenceSeeder],
})
export class CommandsModule {}
