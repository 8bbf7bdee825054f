import Fastify, { FastifyInstance } from 'fastify';

/**
 * The HTTP baseline: a bare Fastify (the version @nestjs/platform-fastify brings), in the
 * same process as the service, with the same routes. Command routes parse the JSON body and
 * answer 201 with a body shaped like the service's CommandResult; the provision route
 * answers with a Provision-shaped body. No validation, no store, no read model: what is
 * left is the HTTP stack itself, which is what the ratio divides out.
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
  app.post<{ Params: { code: string } }>('/v1/municipalities/:code/transfers', async (request, reply) => {
    reply.code(201);
    return answer(request.params.code, `municipality-${request.params.code}`, request.body);
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
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
