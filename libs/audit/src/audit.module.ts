import { DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './http/audit.controller';
import { AUDIT_OPTIONS, AuditModuleOptions } from './service/audit-options';
import { AuditHistory } from './service/audit-history';
import { AuditKeys } from './service/audit-keys';
import { Checkpointer } from './service/checkpointer';
import { LogTree } from './tree/log-tree';
import { Witnesses } from './tree/witnesses';

/**
 * `/v1/audit/*`: the history, verification, signed checkpoints and the export. Needs from
 * the app: the EVENT_STORE and a Clock.
 */
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [{ provide: AUDIT_OPTIONS, useValue: options }, AuditKeys, AuditHistory, LogTree, Witnesses, Checkpointer],
      exports: [AuditKeys, Checkpointer, AuditHistory, LogTree],
    };
  }
}
