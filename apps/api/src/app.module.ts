import { BeforeApplicationShutdown, DynamicModule, HttpException, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessGuard, KEY_RING, KeyRing } from '@samverkan/access';
import { AuditModule } from '@samverkan/audit';
import { Catalog, CommandsModule, IDEMPOTENCY_CAUGHT_UP, IdempotencyIndex, ReferenceSeeder, STATE_CACHE_EVENTS, SuccessorTransfers } from '@samverkan/commands';
import { Clock, SystemClock } from '@samverkan/shared';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { ProjectionRunner, ProjectionsModule, ReadModelSnapshots, SnapshotLoad, SnapshotSchedule } from '@samverkan/projections';
import { QueriesModule } from '@samverkan/queries';
import { SubscriptionsModule } from '@samverkan/subscriptions';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { join } from 'node:path';
import { ServiceConfig } from './config';
import { eventStoreProvider } from './event-store.provider';
import { HealthController } from './health.controller';
import { pinoHttpOptions } from './logging';
import { KeyRotation } from './key-rotation';
import { SERVICE_CONFIG } from './tokens';

/** How long a command waits for this instance's read models to reach the log another instance wrote. */
const CATCH_UP_MS = 5000;

/** Resolves once the read models (and the idempotency index, fed with them) have applied every register event in the log. */
async function caughtUp(runner: ProjectionRunner): Promise<void> {
  if (!(await runner.settle(CATCH_UP_MS))) {
    throw new HttpException({ code: 'read-model-timeout', message: `The read models are at position ${runner.position} and did not reach the end of the log within ${CATCH_UP_MS / 1000} s.` }, 504);
  }
}

/** The catalog of known municipalities and service areas is the read model's; a name it does not know yet is looked up again once it has caught up. */
@Injectable()
export class ReadModelCatalog extends Catalog {
  constructor(private readonly runner: ProjectionRunner) {
    super();
  }
  protected override catchUp(): Promise<void> {
    return caughtUp(this.runner);
  }
  hasMunicipality(code: string): boolean {
    return this.runner.model.hasMunicipality(code);
  }
  hasServiceArea(slug: string): boolean {
    return this.runner.model.hasServiceArea(slug);
  }
}

/** Where read-model snapshots are kept and how often they are written; null: no snapshots. */
export const SNAPSHOT_SETTINGS = Symbol('SNAPSHOT_SETTINGS');
export interface SnapshotSettings {
  file: string;
  every: number;
}

/** How long a graceful shutdown waits for its last snapshot. */
const SHUTDOWN_SNAPSHOT_MS = 10_000;

/**
 * Start-up order: restore the read models (with the idempotency index and the successor process
 * manager's checkpoint) from the snapshot if it is sound, catch up with the log from its position
 * (from the start without one), register the reference data if this is the first start, start the
 * successor process manager from its checkpoint, wait until the read models have it all, and only
 * then accept requests. Snapshots are written later, in the background (docs/snapshots.md).
 */
@Injectable()
export class Startup implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Startup');
  private readonly snapshots?: ReadModelSnapshots;
  private readonly schedule?: SnapshotSchedule;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly idempotency: IdempotencyIndex,
    private readonly seeder: ReferenceSeeder,
    private readonly successors: SuccessorTransfers,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SNAPSHOT_SETTINGS) settings: SnapshotSettings | null,
  ) {
    if (settings) {
      this.snapshots = new ReadModelSnapshots(runner, store, settings.file);
      this.schedule = new SnapshotSchedule(this.snapshots, runner, { every: settings.every, idleMs: 1000 });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    this.runner.addObserver((event) => this.idempotency.observe(event));
    this.runner.addParticipant({ name: 'idempotency-index', version: 2, exportState: () => this.idempotency.exportState(), importState: (state) => this.idempotency.importState(state) });
    this.runner.addParticipant({ name: 'successor-transfers', version: 1, exportState: () => this.successors.checkpoint ?? null, importState: (state) => this.successors.resumeAfter(state as number | null) });
    const loaded: SnapshotLoad = this.snapshots ? await this.snapshots.load() : { kind: 'none' };
    await this.runner.start();
    const { appended } = await this.seeder.seed();
    // Finishes, from its checkpoint, any successor transfers a crash (here or at another instance) interrupted.
    this.successors.start();
    if (!(await this.runner.settle(60_000))) this.logger.warn('The read models did not catch up with the log within 60 s; continuing');
    const source =
      loaded.kind === 'loaded'
        ? `snapshot at ${loaded.position} loaded in ${loaded.ms} ms, tail of ${this.runner.appliedCount} events applied`
        : `${this.runner.appliedCount} applied from the log${loaded.kind === 'none' ? '' : ', snapshot not used'}`;
    this.logger.log(`Read models at position ${this.runner.position} (${this.runner.model.eventCount} events, ${appended} registered now; ${source}) in ${Date.now() - started} ms`);
    this.schedule?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule?.stop(SHUTDOWN_SNAPSHOT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, options: { store?: EventStore; clock?: Clock; keyRing?: KeyRing } = {}): DynamicModule {
    const storeProvider = eventStoreProvider(config, options.store);
    // A store handed in (tests) is often in memory or elsewhere than dataDir: no snapshots unless asked for.
    const snapshots: SnapshotSettings | null =
      (config.snapshots ?? options.store === undefined) ? { file: join(config.dataDir, 'snapshots', 'read-models.snap'), every: config.snapshotEvery } : null;
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config) }),
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        ProjectionsModule,
        CommandsModule,
        QueriesModule,
        AuditModule.forRoot(config),
        SubscriptionsModule.forRoot(config),
      ],
      controllers: [HealthController],
      providers: [
        storeProvider,
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SNAPSHOT_SETTINGS, useValue: snapshots },
        { provide: STATE_CACHE_EVENTS, useValue: config.stateCacheEvents },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        { provide: Catalog, useClass: ReadModelCatalog },
        { provide: IDEMPOTENCY_CAUGHT_UP, useFactory: (runner: ProjectionRunner) => () => caughtUp(runner), inject: [ProjectionRunner] },
        { provide: KEY_RING, useFactory: () => options.keyRing ?? new KeyRing(config.apiKeysFile, config.adminKey) },
        { provide: APP_GUARD, useClass: AccessGuard },
        KeyRotation,
        Startup,
      ],
      exports: [storeProvider, Clock, Catalog, IDEMPOTENCY_CAUGHT_UP, SERVICE_CONFIG, STATE_CACHE_EVENTS],
    };
  }
}
