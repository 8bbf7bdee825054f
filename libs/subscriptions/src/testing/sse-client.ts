import { IncomingMessage, request } from 'node:http';

export interface SseMessage {
  event: string;
  id?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the server sent; each test reads the fields it asserts on
  data: any;
}

/**
 * A small Server-Sent Events client for the tests, on node:http so that a test can stop
 * reading (a slow consumer), cut the connection at any point, and see comments (heartbeats).
 * It tracks the last `id:` like EventSource does.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  lastEventId?: string;
  /** For a refused subscription: the status and the problem document. */
  status = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the problem document as sent; each test reads the fields it asserts on
  body?: any;
  headers: Record<string, string | string[] | undefined> = {};
  private buffer = '';
  /** Cut the connection once this many characters have arrived, wherever that is in the stream (in the middle of a message, too). */
  private cutAfter?: number;
  private received = 0;
  private response?: IncomingMessage;
  private listeners: (() => void)[] = [];
  private endedFlag = false;
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;

  private constructor() {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Connects; resolves once the response headers are in (for a refusal, once its body is). */
  static open(url: string, headers: Record<string, string> = {}, options: { cutAfterChars?: number } = {}): Promise<SseClient> {
    const client = new SseClient();
    client.cutAfter = options.cutAfterChars;
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        client.response = res;
        res.setEncoding('utf8');
        if (client.status !== 200) {
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              client.body = JSON.parse(text) as unknown;
            } catch {
              client.body = text;
            }
            client.finish();
            resolve(client);
          });
          return;
        }
        res.on('data', (chunk: string) => client.receive(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        res.on('error', () => client.finish());
        resolve(client);
      });
      req.on('error', (error) => {
        if (client.status === 0) reject(error);
        else client.finish();
      });
      req.end();
    });
  }

  get isEnded(): boolean {
    return this.endedFlag;
  }

  /** Messages of these event types. */
  of(...events: string[]): SseMessage[] {
    return this.messages.filter((m) => events.includes(m.event));
  }

  /** Stops reading (the socket fills and the server sees a slow consumer). */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  /** Cuts the connection, as a crash or a network failure would. */
  kill(): void {
    this.response?.destroy();
    this.finish();
  }

  /** Waits until a message satisfies the predicate (or the stream ends: then rejects). Messages are looked at once each. */
  waitFor(predicate: (m: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
    let seen = 0;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let found: SseMessage | undefined;
        for (; seen < this.messages.length && !found; seen++) if (predicate(this.messages[seen])) found = this.messages[seen];
        if (found) {
          cleanup();
          resolve(found);
          return true;
        }
        if (this.endedFlag) {
          cleanup();
          reject(new Error(`The stream ended before the message waited for (${this.messages.length} messages, last ${JSON.stringify(this.messages.at(-1))})`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for a message (${this.messages.length} so far, last ${JSON.stringify(this.messages.at(-1))})`));
      }, timeoutMs);
      const listener = () => void check();
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      if (!check()) this.listeners.push(listener);
    });
  }

  /** Waits until there are at least `count` messages of `event`. */
  async waitForCount(event: string, count: number, timeoutMs = 10_000): Promise<void> {
    let counted = 0;
    await this.waitFor((m) => m.event === event && ++counted >= count, timeoutMs);
  }

  private receive(chunk: string): void {
    if (this.endedFlag) return;
    let cut = false;
    if (this.cutAfter !== undefined && this.received + chunk.length >= this.cutAfter) {
      chunk = chunk.slice(0, Math.max(0, this.cutAfter - this.received));
      cut = true;
    }
    this.received += chunk.length;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer[end] === '\r' ? 4 : 2));
      this.parse(block);
    }
    if (cut) this.kill();
    this.notify();
  }

  private parse(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
      else continue;
      fields++;
    }
    if (fields === 0) return;
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    this.messages.push({ event, ...(id !== undefined ? { id } : {}), data: parsed });
  }

  private finish(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    this.resolveEnded();
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
