import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { ProjectionRunner } from '@samverkan/projections';
import { ServiceConfig } from './config';
import { SERVICE_CONFIG } from './tokens';

interface HealthReply {
  status(code: number): unknown;
}

/**
 * `/health` (open): the store, the projection's position and lag, and whether the service runs open.
 * Terminus runs the checks; the body keeps the contract's shape.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: store, projection position and lag' })
  @ApiOkResponse({ schema: { example: { status: 'ok', store: 'embedded', auth: 'open', projection: { position: 1234, lagMs: 0 } } } })
  async check(@Res({ passthrough: true }) reply: HealthReply) {
    let storeUp = false;
    let lag = { position: this.runner.position, head: this.runner.position, lagMs: 0 };
    try {
      await this.health.check([
        async () => {
          storeUp = await this.store.ping();
          if (!storeUp) throw new Error('store unavailable');
          lag = await this.runner.lag();
          return { store: { status: 'up' } };
        },
      ]);
    } catch {
      storeUp = false;
    }
    const status = storeUp && this.runner.isConnected ? 'ok' : 'degraded';
    reply.status(status === 'ok' ? 200 : 503);
    return {
      status,
      store: this.store.kind,
      auth: this.config.open ? 'open' : 'api-keys',
      projection: { position: lag.position, lagMs: lag.lagMs, ...(storeUp ? { head: lag.head } : {}) },
      ...(this.runner.observerFailures > 0 ? { projectionFailures: this.runner.observerFailures } : {}),
    };
  }
}
