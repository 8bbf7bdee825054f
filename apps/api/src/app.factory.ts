import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { constants as zlib } from 'node:zlib';
import { KEY_RING, KeyRing, sha256Hex } from '@samverkan/access';
import { Clock, RequestValidationError } from '@samverkan/shared';
import { EventStore } from '@samverkan/event-store';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ServiceConfig } from './config';
import { ServiceLogger } from './logging';
import { openApiDocument } from './openapi';
import { ProblemDetailsFilter, problem, toProblem } from './problem-details.filter';
import { requestValidationPipe } from './validation';
import { serveWebApp } from './web-app';

/**
 * How long a client may take to send a whole request (headers and body); past it Node answers
 * 408 and closes the socket, so a client that declares more body than it sends cannot hold a
 * connection open. Responses are not limited: the SSE feeds stay open as long as they are read.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** The largest request body accepted (413 beyond it). */
export const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  /** A store to use instead of the configured one (tests). */
  store?: EventStore;
  clock?: Clock;
  /** Buffer logs until the pino logger is ready (default true). */
  bufferLogs?: boolean;
  /** The API keys, already read (main.ts reads them first, to refuse a bad keys file in one line); default: read from the config. */
  keyRing?: KeyRing;
  /** The built dashboard's folder (default: found next to the service, see web-app.ts); null: serve no dashboard. */
  webRoot?: string | null;
}

/** Builds the whole service (used by main.ts and by the tests, so both run the same app). */
export async function createApp(config: ServiceConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, trustProxy: false, return503OnClosing: true, requestTimeout: REQUEST_TIMEOUT_MS, frameworkErrors: replyWithProblem, clientErrorHandler: answerClientError });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, { bufferLogs: options.bufferLogs ?? true });
  app.useLogger(new ServiceLogger(app.get(Logger)));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(requestValidationPipe());
  // Not SIGHUP (Nest's default list has it): SIGHUP reloads the API keys (key-rotation.ts) and must not stop the service.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await harden(app, config);
  // Before any route is added: the plugin attaches its hook to each route as it is registered.
  await compressAnswers(app);

  // persistAuthorization: a key given to "Authorize" survives a reload of /docs.
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
  await serveWebApp(app, options.webRoot);
  await app.init();
  // JSON in (contract: Conventions): any other body is 415, including the plain-text and form bodies Fastify and Nest parse by default.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  // JSON is UTF-8 (RFC 8259 §8.1). Decoded as a string, invalid bytes would silently become U+FFFD and be
  // recorded so; they are refused instead. The rest is Fastify's own parser (which refuses __proto__ keys).
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) return done(new RequestValidationError([{ field: 'body', message: 'must be UTF-8' }]), undefined);
    // Fastify's own JSON parser answers through `done`; it returns nothing to wait for.
    void parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  return app;
}

/** Answers compressed below this size gain less than the negotiation and the framing cost. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * Brotli's quality. The whole-country matrix (1.8 MB of JSON) measured on 2 cores: quality 5
 * gives 40 KB in 12 ms, 4 gives 58 KB in 9 ms, gzip's default 47 KB in 15 ms, and brotli's
 * default (11) 29 KB in 13 s, which would hold a core for the length of a request.
 */
export const BROTLI_QUALITY = 5;

/**
 * JSON (problem+json included), CSV, the audit export's NDJSON and the dashboard's text assets.
 * Never an event stream: a compressor holds frames back until its buffer fills. (The SSE feeds
 * take the reply over, so no onSend hook sees them anyway; this keeps it so if that changes.)
 */
const COMPRESSIBLE = /^text\/(?!event-stream)|[/+](?:x-nd)?json(?:;|$)|^application\/(?:javascript|xml)(?:;|$)|^image\/svg\+xml(?:;|$)/;

/**
 * Answers in gzip or brotli when the client asks for it (Accept-Encoding), brotli first on a tie.
 * Request bodies are not decompressed: a command arrives as plain JSON, as before.
 */
async function compressAnswers(app: NestFastifyApplication): Promise<void> {
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD,
    customTypes: COMPRESSIBLE,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    globalDecompression: false,
  });
}

/** Errors the router raises before any route or filter runs (a path that is not valid percent-encoding, a parameter too long): problem+json too. */
function replyWithProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { problem: body, headers } = toProblem(error);
  void reply.code(body.status).headers({ ...headers, 'content-type': 'application/problem+json; charset=utf-8' }).send(JSON.stringify(body));
}

/**
 * Requests Node's HTTP parser cannot read (malformed framing, headers too large, too slow): answered
 * with problem+json like every other refusal, then the connection is closed, as Fastify's default does.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? problem(408, 'request-timeout', 'The request did not arrive in time.')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(431, 'headers-too-large', 'The request headers are larger than the server accepts.')
        : problem(400, 'validation-failed', 'The request is not valid HTTP.', [{ field: 'request', message: 'must be a well-formed HTTP/1.1 request' }]);
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(error);
}

/**
 * Security headers (Swagger UI needs its own scripts and inline styles only), CORS only
 * for configured origins, and a per-key rate limit with 429 and Retry-After. The limit is
 * off when the service runs open on loopback (development).
 */
async function harden(app: NestFastifyApplication, config: ServiceConfig): Promise<void> {
  // helmet's middleware is built once. (@fastify/helmet 13 builds it again for every request,
  // parsing the policy each time: 3.7 % of the service's time under a command load, profiled.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      // No upgrade-insecure-requests: the service speaks plain HTTP (TLS ends at a proxy in front of
      // it), and the directive would make browsers fetch the dashboard's own files over https.
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined)));
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
