import { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { ServiceConfig } from './config';

/**
 * How the service logs (issue 15): one line per request with its method, path, status and time;
 * pretty when stdout is a terminal, JSON (one object a line, for a log collector) otherwise, or as
 * LOG_FORMAT says. Never credentials, bodies or the answer's headers.
 */

/** Nest's own start-up chatter (a line per module and per route): debug, not info. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

type Request = IncomingMessage & { id?: unknown; originalUrl?: string };

/** `GET /v1/attention?on=2020-01-01 200 3 ms`: what a person reading a terminal wants of a request. */
export function requestLine(req: Request, res: ServerResponse, responseTime: number): string {
  return `${req.method} ${req.originalUrl ?? req.url} ${res.statusCode} ${Math.round(responseTime)} ms`;
}

export function pinoHttpOptions(config: Pick<ServiceConfig, 'logLevel' | 'logFormat'>): Params['pinoHttp'] {
  return {
    level: config.logLevel,
    // Never log credentials or bodies: the request is reduced to what helps tracing.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({ id: req.id, method: req.method, url: req.url, source: req.headers['x-source-system'] }),
      // The status only: the security headers alone were about 1 KB a line.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/health' },
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res, responseTime) => requestLine(req, res, responseTime),
    customErrorMessage: (req, res, error) => `${req.method} ${(req as Request).originalUrl ?? req.url} ${res.statusCode} failed: ${error.message}`,
    ...(config.logFormat === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              singleLine: true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname,context,req,res,responseTime',
              messageFormat: '{if context}{context}: {end}{msg}',
            },
          },
        }
      : {}),
  };
}

/** The application's logger with Nest's framework lines moved to debug (`LOG_LEVEL=debug` shows them). */
export class ServiceLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(String(params[params.length - 1]))) this.inner.debug?.(message, ...params);
    else this.inner.log(message, ...params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...params);
  }
}
