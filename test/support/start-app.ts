import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStore } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { createApp } from '../../apps/api/src/app.factory';
import { ServiceConfig, loadConfig } from '../../apps/api/src/config';

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  store: EventStore;
  close(): Promise<void>;
}

/** Starts the whole service on a random loopback port, on an in-memory embedded store unless one is given. */
export async function startApp(options: { store?: EventStore; env?: NodeJS.ProcessEnv } = {}): Promise<RunningApp> {
  const store = options.store ?? SqliteEventStore.inMemory();
  const config: ServiceConfig = { ...loadConfig({ LOG_LEVEL: 'warn', ...options.env }), port: 0 };
  const app = await createApp(config, { store, bufferLogs: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    store,
    close: () => app.close(),
  };
}

/**
 * A JSON answer as the specs read it: parsed, not checked. The specs judge its shape with jest's
 * matchers (`toEqual`, `toMatchObject`), which is why eslint.config.mjs lets any flow in them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON whose shape the specs' matchers judge, not a type
export type Json = any;

/** What the test client answers: the status, the headers, the body parsed as JSON (undefined when it is not JSON) and as text. */
export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/** A small JSON client for the tests. */
export function client(url: string, defaults: Record<string, string> = {}) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...defaults, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the one place the parsed answer becomes `Json` (see above)
    return { status: response.status, headers: response.headers, body: json as Json, text };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    call,
  };
}
