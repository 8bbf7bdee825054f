import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { KEY_RING, KeyRing, sha256Hex } from '@samverkan/access';
import { Clock } from '@samverkan/commands';
import { EventStore } from '@samverkan/event-store';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ServiceConfig } from './config';
import { ProblemDetailsFilter } from './problem-details.filter';
import { requestValidationPipe } from './validation';

/** The largest request body accepted (413 beyond it). */
export const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  /** A store to use instead of the configured one (tests). */
  store?: EventStore;
  clock?: Clock;
  /** Buffer logs until the pino logger is ready (default true). */
  bufferLogs?: boolean;
}

/** Builds the whole service (used by main.ts and by the tests, so both run the same app). */
export async function createApp(config: ServiceConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, trustProxy: false, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, { bufferLogs: options.bufferLogs ?? true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(requestValidationPipe());
  // Not SIGHUP (Nest's default list has it): SIGHUP reloads the API keys (key-rotation.ts) and must not stop the service.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await harden(app, config);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Samverkan')
      .setDescription('An event-sourced register of inter-municipal cooperation: who provides which service to whom, on any date, on what basis, and what was known when.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  // JSON in (contract: Conventions): any other body is 415, including the plain-text and form bodies Fastify and Nest parse by default.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  return app;
}

/**
 * Security headers (Swagger UI needs its own scripts and inline styles only), CORS only
 * for configured origins, and a per-key rate limit with 429 and Retry-After. The limit is
 * off when the service runs open on loopback (development).
 */
async function harden(app: NestFastifyApplication, config: ServiceConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"] },
    },
  });
  if (config.corsOrigins.length > 0) await app.register(cors, { origin: config.corsOrigins, methods: ['GET', 'POST'], exposedHeaders: ['ETag', 'Retry-After'] });
  if (!config.open && config.rateLimitPerMinute > 0) {
    const keys = app.get<KeyRing>(KEY_RING);
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      allowList: (request) => request.routeOptions.url === '/health',
      // Per key, by its hash (no key is kept in clear). Anything that does not authenticate (no key, a guessed
      // one) counts against the sender's address: a fresh made-up key must not bring a fresh bucket.
      keyGenerator: (request) => {
        const presented = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        return presented && keys.authenticate(presented) ? `key:${sha256Hex(presented)}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new HttpException({ code: 'rate-limited', message: `More than ${context.max} requests a minute with this key; retry after ${Math.ceil(context.ttl / 1000)} s.` }, 429),
    });
  }
}
