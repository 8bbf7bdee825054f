import Fastify, { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

/**
 * The HTTP baseline: a bare Fastify (the version @nestjs/platform-fastify brings), in the
 * same process as the service, with the same routes. Command routes parse the JSON body and
 * answer 201 with a body shaped like the service's CommandResult; the provision route
 * answers with a Provision-shaped body. No validation, no store, no read model: what is
 * left is the HTTP stack itself, which is what the ratio divides out.
 *
 * For the fan-out step it also has the provisions feed: `GET /v1/subscriptions/provisions`
 * holds the response open, and every transfer writes one `provision-changed` frame, shaped and
 * sized like the service's, to every open stream just after it answers. No feed, no buffer, no
 * filter: only the cost of writing to many sockets.
 */
export interface BareServer {
  url: string;
  close(): Promise<void>;
}

export async function startBareServer(): Promise<BareServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let position = 0;
  const answer = (id: string, stream: string, body: unknown) => {
    position++;
    return { id, stream, revision: position, position, events: [{ type: typeof body === 'object' && body !== null && 'party' in body ? 'AgreementSigned' : 'ServiceTransferred', id: '00000000-0000-5000-8000-000000000000' }] };
  };
  app.post<{ Params: { id: string } }>('/v1/agreements/:id/signatures', async (request, reply) => {
    reply.code(201);
    return answer(request.params.id, `agreement-${request.params.id}`, request.body);
  });
  const streams = new Set<ServerResponse>();
  app.get('/v1/subscriptions/provisions', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
  app.post<{ Params: { code: string }; Body: { serviceArea?: string; basis?: unknown; effectiveFrom?: string } }>('/v1/municipalities/:code/transfers', async (request, reply) => {
    reply.code(201);
    const result = answer(request.params.code, `municipality-${request.params.code}`, request.body);
    if (streams.size > 0) {
      const body = request.body ?? {};
      const payload = {
        municipality: request.params.code,
        serviceArea: body.serviceArea,
        provider: { kind: 'federation', id: 'bench-forbund', name: 'Kommunalförbundet Bench' },
        basis: body.basis,
        effectiveFrom: body.effectiveFrom,
        position: result.position,
        until: null,
        lapsed: false,
        recordedAt: new Date().toISOString(),
        cause: { type: 'ServiceTransferred', stream: result.stream },
      };
      const frame = `id: ${result.position}\nevent: provision-changed\ndata: ${JSON.stringify(payload)}\n\n`;
      // After the answer, as the service's feed does (it publishes once the read model has applied the event).
      setImmediate(() => {
        for (const res of streams) res.write(frame);
      });
    }
    return result;
  });
  app.get<{ Params: { code: string; area: string }; Querystring: { on?: string } }>('/v1/municipalities/:code/provisions/:area', async (request) => ({
    serviceArea: request.params.area,
    provider: { kind: 'federation', id: 'bench-forbund', name: 'Kommunalförbundet Bench' },
    basis: { kind: 'federation', id: 'bench-forbund' },
    since: request.query.on ?? null,
    until: null,
    lapsed: false,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      for (const res of streams) res.destroy();
      return app.close();
    },
  };
}
