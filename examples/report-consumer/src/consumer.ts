/** The consumer: one subscription at a time, every batch applied with its checkpoint in one transaction. */
import { ReportStore, ProvisionSpan } from './store';
import { SseMessage, SseParser } from './sse';

export interface Options {
  url: string;
  db: string;
  key?: string;
  query: URLSearchParams;
}

export function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const query = new URLSearchParams();
  for (const [flag, param] of [['municipality', 'municipality'], ['county', 'county'], ['service-area', 'serviceArea']]) {
    const v = value(flag);
    if (v) query.set(param, v);
  }
  return {
    url: (value('url') ?? process.env.SAMVERKAN_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    db: value('db') ?? process.env.REPORT_DB ?? 'reports.sqlite',
    key: value('key') ?? process.env.SAMVERKAN_KEY,
    query,
  };
}

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} report-consumer: ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stockholmToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());

export class Consumer {
  private readonly store: ReportStore;
  private readonly filter: string;
  private stopping = false;
  private controller?: AbortController;
  private applied = 0;
  private lastLog = 0;
  private today = stockholmToday();

  constructor(private readonly options: Options) {
    this.store = new ReportStore(options.db);
    this.filter = options.query.toString();
  }

  async run(): Promise<void> {
    if (this.store.provisionsOn() !== null && this.store.provisionsOn() !== this.today) log(`${this.store.refreshAll(this.today)} provisions refreshed for ${this.today}`);
    let delay = 250;
    while (!this.stopping) {
      try {
        const ended = await this.connectOnce();
        delay = ended === 'refused' ? Math.min(delay * 2, 10_000) : 250;
      } catch (error) {
        if (this.stopping) break;
        if ((error as { fatal?: boolean }).fatal) {
          this.store.close();
          throw error;
        }
        log(`connection lost (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`);
        delay = Math.min(delay * 2, 5_000);
      }
      if (!this.stopping) await sleep(delay);
    }
    this.store.close();
  }

  stop(): void {
    this.stopping = true;
    this.controller?.abort();
  }

  /** One connection: until the stream ends or fails. */
  private async connectOnce(): Promise<'ended' | 'refused'> {
    const last = this.store.checkpoint(this.filter);
    const query = new URLSearchParams(this.options.query);
    if (last === undefined) query.set('snapshot', 'true');
    const url = `${this.options.url}/v1/subscriptions/provisions${query.size ? `?${query}` : ''}`;
    log(last === undefined ? `no checkpoint in ${this.options.db}: subscribing with a snapshot` : `resuming after ${last}`);
    this.controller = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...(last !== undefined ? { 'last-event-id': last } : {}), ...(this.options.key ? { authorization: `Bearer ${this.options.key}` } : {}) },
      signal: this.controller.signal,
    });
    if (response.status !== 200 || !response.body) {
      const text = await response.text();
      if (response.status === 401 || response.status === 403) throw Object.assign(new Error(`refused: ${response.status} ${text}`), { fatal: true });
      log(`refused: ${response.status} ${text.slice(0, 200)}`);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (retryAfter > 0) await sleep(retryAfter * 1000);
      return 'refused';
    }
    const parser = new SseParser();
    const decoder = new TextDecoder();
    let snapshotStarted = false;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const messages = parser.push(decoder.decode(chunk, { stream: true }));
      if (messages.length === 0) {
        this.progress(); // heartbeats keep the day check going
        continue;
      }
      // One transaction per chunk: the data and the checkpoint move together.
      this.store.transaction(() => {
        for (const message of messages) snapshotStarted = this.apply(message, snapshotStarted);
      });
      this.progress();
    }
    return 'ended';
  }

  private apply(message: SseMessage, snapshotStarted: boolean): boolean {
    const data: unknown = JSON.parse(message.data);
    switch (message.event) {
      case 'provision-snapshot':
        if (!snapshotStarted) this.store.clear();
        this.store.write(data as ProvisionSpan, this.today);
        return true;
      case 'snapshot-complete': {
        if (!snapshotStarted) this.store.clear(); // an empty snapshot (a filter that matches nothing)
        this.store.setCheckpoint(message.id as string, this.filter);
        const complete = data as { position: number; spans: number };
        log(`snapshot at position ${complete.position}: ${complete.spans} spans`);
        break;
      }
      case 'provision-changed':
        this.store.write(data as ProvisionSpan, this.today);
        this.store.setCheckpoint(message.id as string, this.filter);
        this.applied++;
        break;
      case 'caught-up':
        this.store.setCheckpoint(message.id as string, this.filter);
        log(`caught up at ${message.id}: ${this.store.count()} provisions on ${this.today}, ${this.applied} changes applied since start`);
        break;
      case 'error': {
        const ended = data as { code: string; message: string; lastEventId?: string };
        log(`the service ended the stream: ${ended.code} (${ended.message}); resuming after ${ended.lastEventId ?? 'a new snapshot'}`);
        break;
      }
    }
    return snapshotStarted;
  }

  private progress(): void {
    const now = Date.now();
    const today = stockholmToday();
    if (today !== this.today) {
      this.today = today;
      log(`a new day (${today}): ${this.store.refreshAll(today)} provisions refreshed`);
    }
    if (now - this.lastLog > 1000 && this.applied > 0) {
      this.lastLog = now;
      log(`${this.applied} changes applied, at ${this.store.checkpoint(this.filter)}`);
    }
  }
}
