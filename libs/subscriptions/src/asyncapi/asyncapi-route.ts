import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import asyncApiDocument from '../../../../docs/asyncapi.json';

/** The AsyncAPI 3 document of both feeds; docs/asyncapi.json is the source, checked against real payloads in CI. */
export const ASYNCAPI_DOCUMENT: Readonly<Record<string, unknown>> = asyncApiDocument;

interface RouteHost {
  get(path: string, handler: (request: unknown, reply: { header(k: string, v: string): unknown; send(body: string): unknown }) => unknown): unknown;
}

/**
 * Serves the AsyncAPI document at /asyncapi.json, open like /docs: it is registered on Fastify
 * directly, outside the Nest router and so outside the API-key guard.
 */
@Injectable()
export class AsyncApiRoute implements OnModuleInit {
  private readonly body = JSON.stringify(ASYNCAPI_DOCUMENT);

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost?.httpAdapter?.getInstance?.<RouteHost>();
    if (!instance || typeof instance.get !== 'function') return;
    instance.get('/asyncapi.json', (_request, reply) => {
      reply.header('content-type', 'application/json; charset=utf-8');
      reply.header('cache-control', 'public, max-age=300');
      return reply.send(this.body);
    });
  }
}
