import { HttpException, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { SUBSCRIPTION_SETTINGS, SubscriptionSettings, stallTimeoutMs } from '../subscription-settings';
import { SseConnection } from './sse-connection';

/** The part of Fastify's reply that a stream needs (Nest hands the Fastify reply to `@Res()`). */
export interface SseReply {
  raw: ServerResponse;
  hijack(): unknown;
  header(name: string, value: string): unknown;
  getHeaders(): Record<string, string | number | string[] | undefined>;
}

export type FeedName = 'provisions' | 'events';

/**
 * Every open stream, over both feeds: admits a subscriber only under the cap (503 with
 * Retry-After past it), and on shutdown ends every stream with a final `error` event naming
 * where to resume, so the HTTP server can close.
 */
@Injectable()
export class SubscriberRegistry implements OnModuleDestroy {
  private readonly logger = new Logger('Subscriptions');
  private readonly open = new Map<SseConnection, FeedName>();
  private closing = false;

  constructor(@Inject(SUBSCRIPTION_SETTINGS) private readonly settings: SubscriptionSettings) {}

  get size(): number {
    return this.open.size;
  }

  /** The open streams (for tests and diagnostics). */
  connections(feed?: FeedName): SseConnection[] {
    return [...this.open.entries()].filter(([, f]) => !feed || f === feed).map(([c]) => c);
  }

  /** Takes the reply over and starts the event stream. Throws 503 past the cap or while shutting down. */
  start(reply: SseReply, feed: FeedName, initialId: string | null): SseConnection {
    if (this.closing || this.open.size >= this.settings.sseMaxSubscribers) {
      reply.header('Retry-After', '5');
      throw new HttpException(
        this.closing
          ? { code: 'shutting-down', message: 'The service is shutting down; subscribe again in a moment.' }
          : { code: 'too-many-subscribers', message: `This instance serves at most ${this.settings.sseMaxSubscribers} subscribers at a time; try again shortly.` },
        503,
      );
    }
    reply.hijack();
    const res = reply.raw;
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && name.toLowerCase() !== 'content-length') headers[name] = value;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    // Ask EventSource clients to reconnect after 2 s; nothing else is written until there is something to say.
    res.write('retry: 2000\n\n');
    res.socket?.setNoDelay(true);
    const connection = new SseConnection(res, { buffer: Math.max(1, this.settings.sseBuffer), heartbeatMs: this.settings.sseHeartbeatMs, stallMs: stallTimeoutMs(this.settings) }, initialId);
    this.open.set(connection, feed);
    connection.onClose(() => {
      this.open.delete(connection);
      if (connection.endedWith === 'slow-consumer') this.logger.warn(`A ${feed} subscriber was disconnected: too slow (last id ${connection.lastEventId ?? 'none'})`);
    });
    return connection;
  }

  onModuleDestroy(): void {
    this.closing = true;
    for (const connection of [...this.open.keys()]) connection.end('shutting-down', 'The service is shutting down. Reconnect with Last-Event-ID.');
  }
}
