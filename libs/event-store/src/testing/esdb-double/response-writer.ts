import { once } from 'node:events';
import type { ServerDuplexStream, ServerWritableStream } from '@grpc/grpc-js';

type ResponseStream<Response> = ServerWritableStream<unknown, Response> | ServerDuplexStream<unknown, Response>;

/**
 * Writes responses to a server-streaming or bidirectional call with backpressure, and
 * knows when to stop: the client cancelled the call (which is how the client unsubscribes
 * and how it ends a read early) or the double cancelled it on shutdown.
 */
export class ResponseWriter<Response> {
  private stopped = false;
  private readonly stop: Promise<void>;
  private resolveStop!: () => void;

  constructor(
    private readonly call: ResponseStream<Response>,
    private readonly onCancel: () => void = () => undefined,
  ) {
    this.stop = new Promise((resolve) => (this.resolveStop = resolve));
    call.on('cancelled', () => this.cancel());
  }

  get cancelled(): boolean {
    return this.stopped;
  }

  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.resolveStop();
    this.onCancel();
  }

  /** Resolves false instead of writing once the call is cancelled. */
  async write(response: Response): Promise<boolean> {
    if (this.stopped) return false;
    if (!this.call.write(response)) {
      await Promise.race([once(this.call, 'drain').catch(() => this.cancel()), this.stop]);
    }
    return !this.stopped;
  }
}
