import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '@samverkan/shared';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { createApp } from '../../apps/api/src/app.factory';
import { ServiceConfig, loadConfig } from '../../apps/api/src/config';
import { client, Json } from './start-app';

/** A clock the test moves: recordedAt comes from it, so the register learns each fact when the story says. */
export class StoryClock extends Clock {
  private t: number;
  constructor(start: string) {
    super();
    this.t = Date.parse(start);
  }
  set(instant: string): void {
    this.t = Date.parse(instant);
  }
  now(): Date {
    return new Date(this.t);
  }
}

/** The service on an in-memory store and a story clock, with a client and `expectOk` for the story's commands. */
export async function startStoryApp(clock: StoryClock): Promise<{ app: NestFastifyApplication; api: ReturnType<typeof client>; expectOk: (reply: Promise<{ status: number; body: Json }>) => Promise<Json> }> {
  const config: ServiceConfig = { ...loadConfig({ LOG_LEVEL: 'warn' }), port: 0 };
  const app = await createApp(config, { store: SqliteEventStore.inMemory(), clock, bufferLogs: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const api = client(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
  const expectOk = async (reply: Promise<{ status: number; body: Json }>): Promise<Json> => {
    const answer = await reply;
    if (answer.status >= 300) throw new Error(`the story's command was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return { app, api, expectOk };
}
