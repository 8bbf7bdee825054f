import type { ServerResponse } from 'node:http';
import { HEARTBEAT_FRAME, sseFrame } from './sse-frame';

/** Why the service ends a stream; sent in the final `error` event. */
export type EndReason = 'slow-consumer' | 'shutting-down' | 'store-unavailable' | 'internal-error';

export interface SseConnectionOptions {
  /** Messages queued while the client is not reading; past it the client is disconnected. */
  buffer: number;
  /** 0: no heartbeats. */
  heartbeatMs: number;
  /** Written data left unread this long disconnects the client, however short its queue. */
  stallMs: number;
  /** After the final event, how long the client has to read it before the socket is destroyed. */
  graceMs?: number;
}

/**
 * The sending side of one subscriber. Two ways in:
 * - `send` (catch-up: the snapshot and the past) waits for the socket to drain before writing
 *   more, so a slow reader only slows its own catch-up and nothing piles up in memory;
 * - `push` (live) never waits: it writes while the socket takes data and queues otherwise. A
 *   queue longer than `buffer` ends the stream with an `error` event that names the last id
 *   written, so the client knows where to resume and the service does not grow.
 * Heartbeats are comment lines, written only when nothing is waiting.
 */
export class SseConnection {
  private readonly queue: { frame: string; id?: string }[] = [];
  private readonly cleanups: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private blocked = false;
  private isClosed = false;
  private lastId: string | null;
  private heartbeat?: NodeJS.Timeout;
  private stall?: NodeJS.Timeout;
  private peakQueue = 0;
  private frames = 0;
  /** Set when the service ended the stream (not the client). */
  endedWith?: EndReason;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseConnectionOptions,
    initialId: string | null = null,
  ) {
    this.lastId = initialId;
    res.on('drain', () => this.onDrain());
    res.on('close', () => this.dispose());
    res.on('error', () => this.dispose());
    if (options.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The id of the last message written to the socket (what the client resumes from). */
  get lastEventId(): string | null {
    return this.lastId;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The longest the queue has been. */
  get peakQueued(): number {
    return this.peakQueue;
  }

  get framesWritten(): number {
    return this.frames;
  }

  /** Runs once when the stream ends, whoever ends it. */
  onClose(cleanup: () => void): void {
    if (this.isClosed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Catch-up: writes once the socket has room. Resolves false once the stream is closed. */
  async send(frame: string, id?: string): Promise<boolean> {
    if (this.blocked) await this.drained();
    if (this.isClosed) return false;
    this.write(frame, id);
    return !this.isClosed;
  }

  /** Live: writes now, or queues; a queue past the buffer disconnects the client. */
  push(frame: string, id?: string): void {
    if (this.isClosed) return;
    if (!this.blocked && this.queue.length === 0) {
      this.write(frame, id);
      return;
    }
    this.queue.push(id === undefined ? { frame } : { frame, id });
    this.peakQueue = Math.max(this.peakQueue, this.queue.length);
    if (this.queue.length > this.options.buffer) {
      this.end('slow-consumer', `More than ${this.options.buffer} messages were waiting for this subscriber. Reconnect with Last-Event-ID and read faster.`);
    }
  }

  /** Ends the stream with a final `error` event naming the last id written (where to resume). */
  end(reason: EndReason, message: string): void {
    if (this.isClosed) return;
    this.endedWith = reason;
    this.queue.length = 0;
    try {
      this.res.write(sseFrame('error', { code: reason, message, lastEventId: this.lastId }));
      this.res.end();
    } catch {
      // the socket is already gone
    }
    this.dispose();
    // A client that does not read would keep the socket (and the server's close) waiting.
    const grace = setTimeout(() => {
      if (!this.res.writableFinished) this.res.destroy();
    }, this.options.graceMs ?? 2_000);
    grace.unref();
  }

  private write(frame: string, id?: string): void {
    let accepted: boolean;
    try {
      accepted = this.res.write(frame);
    } catch {
      this.dispose();
      return;
    }
    this.frames++;
    if (id !== undefined) this.lastId = id;
    if (!accepted) this.block();
  }

  private block(): void {
    this.blocked = true;
    this.stall ??= setTimeout(() => this.end('slow-consumer', `Nothing was read for ${this.options.stallMs} ms. Reconnect with Last-Event-ID.`), this.options.stallMs);
    this.stall.unref();
  }

  private onDrain(): void {
    this.blocked = false;
    if (this.stall) clearTimeout(this.stall);
    this.stall = undefined;
    while (!this.blocked && this.queue.length > 0 && !this.isClosed) {
      const next = this.queue.shift() as { frame: string; id?: string };
      this.write(next.frame, next.id);
    }
    if (!this.blocked) this.wake();
  }

  private drained(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private beat(): void {
    if (!this.isClosed && !this.blocked && this.queue.length === 0) this.write(HEARTBEAT_FRAME);
  }

  private dispose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.stall) clearTimeout(this.stall);
    this.queue.length = 0;
    this.wake();
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // a cleanup never stops the others
      }
    }
  }
}
