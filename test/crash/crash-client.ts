import { Random, sleep } from './random';
import { ServiceProcess } from './service-process';
import { Answer, CommandRequest, LedgerEntry, Pool, Step, StoryContext, isAcknowledged, nextStory } from './workload';

/** How long one attempt may take before it is given up and retried (the service may be stuck). */
const ATTEMPT_TIMEOUT_MS = 30_000;

/**
 * A lever the run uses to hold the clients between requests (to compare the read models on
 * a quiet log) and to stop them. A request already sent is always finished: retried with the
 * same key until it has an answer.
 */
export class Gate {
  private paused?: { promise: Promise<void>; resolve: () => void };
  stopped = false;
  /** How many clients are between requests, waiting at the gate. */
  waiting = 0;

  pause(): void {
    if (this.paused) return;
    let resolve!: () => void;
    this.paused = { promise: new Promise((r) => (resolve = r)), resolve };
  }

  resume(): void {
    this.paused?.resolve();
    this.paused = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.resume();
  }

  /** Called by a client before each request; false once the run is stopping. */
  async pass(): Promise<boolean> {
    while (this.paused && !this.stopped) {
      this.waiting++;
      try {
        await this.paused.promise;
      } finally {
        this.waiting--;
      }
    }
    return !this.stopped;
  }
}

/**
 * One of the concurrent clients. It plays stories one request at a time; a request that gets
 * no answer (the service was killed under it, or the connection was stale) is sent again with
 * the same Idempotency-Key and body once the service is back, until it is answered.
 *
 * With several instances of the service on one store, each client has a home instance (client 1
 * the first, client 2 the second, …); a request that got no answer is sent again to the OTHER
 * instance (whichever is healthy first if that one is down too), and a resend of an acknowledged
 * command goes to an instance other than the one that answered it.
 */
export class CrashClient {
  private seq = 0;
  private definedAreas = 0;
  private readonly acknowledged: LedgerEntry[] = [];
  private readonly services: readonly ServiceProcess[];
  private readonly home: number;

  constructor(
    readonly id: number,
    private readonly runId: string,
    services: ServiceProcess | readonly ServiceProcess[],
    private readonly random: Random,
    private readonly pool: Pool,
    private readonly gate: Gate,
    /** Every command this client sends is recorded here, before it is sent. */
    private readonly ledger: LedgerEntry[],
  ) {
    this.services = Array.isArray(services) ? services : [services as ServiceProcess];
    this.home = (id - 1) % this.services.length;
  }

  /** The instance after `instance` (the same one when there is only one). */
  private other(instance: number): number {
    return (instance + 1) % this.services.length;
  }

  /** `preferred` if it is healthy, else a healthy one, else `preferred` all the same (the attempt then fails and is retried). */
  private pick(preferred: number): number {
    if (this.services[preferred].isHealthy) return preferred;
    const healthy = this.services.findIndex((s) => s.isHealthy);
    return healthy >= 0 ? healthy : preferred;
  }

  /** Waits until `preferred` or any other instance is healthy; the one to send to. */
  private async reach(preferred: number): Promise<number> {
    for (;;) {
      if (this.services[preferred].isHealthy) return preferred;
      const healthy = this.services.findIndex((s) => s.isHealthy);
      if (healthy >= 0) return healthy;
      await Promise.race(this.services.map((s) => s.up()));
    }
  }

  async run(): Promise<void> {
    let arrangements = 0;
    const ctx: StoryContext = {
      random: this.random,
      pool: this.pool,
      newId: (what) => `${this.runId}-c${this.id}-${what}-${++arrangements}`,
      acknowledged: this.acknowledged,
    };
    await this.reach(this.home);
    for (let stories = 0; await this.gate.pass(); stories++) {
      const story = nextStory(ctx, this.definedAreas, this.id, stories);
      let next = await story.next();
      while (!next.done) {
        if (!(await this.gate.pass())) {
          await story.return();
          return;
        }
        const answer = await this.perform(next.value);
        next = await story.next(answer);
      }
    }
  }

  private async perform(step: Step): Promise<Answer> {
    if (step.type === 'query') return this.query(step.path);
    return this.command(step);
  }

  private async command(request: CommandRequest): Promise<Answer> {
    const entry: LedgerEntry = {
      client: this.id,
      seq: ++this.seq,
      kind: request.kind,
      purpose: request.purpose,
      key: request.key ?? `${this.runId}-c${this.id}-${this.seq}`,
      path: request.path,
      body: request.body,
      ...(request.ifMatch !== undefined ? { ifMatch: request.ifMatch } : {}),
      ...(request.original ? { original: request.original } : {}),
      attempts: 0,
      lost: 0,
      timeouts: 0,
      serverErrors: [],
      sentAt: Date.now(),
      sentTo: [],
    };
    this.ledger.push(entry);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': entry.key,
      'x-source-system': `crash-client-${this.id}`,
      ...(entry.ifMatch !== undefined ? { 'if-match': `"${entry.ifMatch}"` } : {}),
    };
    const body = JSON.stringify(entry.body);
    // A resend goes to another instance than the one that answered first; a command to this client's own.
    let target = this.pick(entry.original?.answeredBy !== undefined ? this.other(entry.original.answeredBy) : this.home);
    for (;;) {
      entry.attempts++;
      entry.sentTo.push(target);
      try {
        const response = await fetch(`${this.services[target].url}${entry.path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
        const text = await response.text();
        if (response.status >= 500) {
          entry.serverErrors.push({ status: response.status, body: text.slice(0, 500) });
          await sleep(this.random.int(20, 100));
          continue;
        }
        entry.answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parse(text) };
        entry.answeredAt = Date.now();
        entry.answeredBy = target;
        if (entry.purpose === 'command' && isAcknowledged(entry)) this.acknowledged.push(entry);
        if (entry.kind === 'define-service-area' && isAcknowledged(entry)) this.definedAreas++;
        return entry.answer;
      } catch (error) {
        entry.lost++;
        entry.firstLostAt ??= Date.now();
        if (error instanceof Error && error.name === 'TimeoutError') entry.timeouts++;
        // No answer: the same key and body to the other instance.
        target = await this.reach(this.other(target));
        await sleep(this.random.int(0, 20));
      }
    }
  }

  /** A query, retried until it answers 200 or has been refused 20 times (it only serves later steps of a story). */
  private async query(path: string): Promise<Answer> {
    let target = this.home;
    for (let answered = 0; ; ) {
      target = this.pick(target);
      try {
        const response = await fetch(`${this.services[target].url}${path}`, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
        const text = await response.text();
        const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parse(text) };
        if (response.status === 200 || ++answered >= 20) return answer;
      } catch {
        // Killed under us: the other instance, or wait for the restart.
        target = await this.reach(this.other(target));
      }
      await sleep(this.random.int(0, 20));
    }
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
