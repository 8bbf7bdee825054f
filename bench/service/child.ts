import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuiltService } from '../../test/crash/service-process';

const ROOT = resolve(__dirname, '../..');
/** USER_HZ, the unit of /proc's CPU times (100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

/** What `/health` answers (apps/api/src/health.controller.ts). */
export interface Health {
  status: string;
  projection: { position: number; lagMs: number; head?: number };
}

export interface ServiceChildOptions {
  built: BuiltService;
  port: number;
  dataDir: string;
  /** `info` shows the start-up's own log lines (the snapshot used, the events applied); `warn` keeps request logging off under load. */
  logLevel: 'info' | 'warn';
  /** The log's head position before the start: caught up means the read models reached at least it. */
  head: number;
  timeoutMs: number;
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
export interface Memory {
  rssBytes: number;
  peakRssBytes: number;
}

/**
 * The compiled service (`built`, compiled once per run as the crash test does) as a child process
 * on a file-based embedded store in `dataDir`, open on loopback. `start` resolves once `/health`
 * says the service is up and its read models have caught up with the log as it was before the
 * start, and says how long that took from spawning the process.
 */
export class ServiceChild {
  readonly url: string;
  private readonly lines: string[] = [];
  private exited!: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: ServiceChildOptions,
  ) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  static async start(options: ServiceChildOptions): Promise<{ service: ServiceChild; ms: number; health: Health }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ...options.built.env,
      LOG_LEVEL: options.logLevel,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      SAMVERKAN_DATA_DIR: options.dataDir,
    };
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, options.built.nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const service = new ServiceChild(child, options);
    service.collect();
    const health = await service.waitCaughtUp();
    return { service, ms: Number(process.hrtime.bigint() - t0) / 1e6, health };
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The `msg` of every JSON log line (and any other output line as it is). */
  messages(): string[] {
    return this.lines.map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: string }).msg ?? line);
      } catch {
        return line;
      }
    });
  }

  /** CPU seconds the process has used so far (user + system, all its threads), from /proc. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12]) / CLOCK_TICKS;
  }

  memory(): Memory {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  }

  /** A graceful stop (SIGTERM: the service finishes what it does, e.g. its shutdown snapshot), SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((done) => (timer = setTimeout(() => done(false), graceMs)))]);
    clearTimeout(timer);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private collect(): void {
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (pending + chunk.toString('utf8')).split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) if (line.trim() !== '') this.lines.push(line);
        if (this.lines.length > 2_000) this.lines.splice(0, this.lines.length - 2_000);
      });
    }
    this.exited = new Promise((done) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        done(code);
      }),
    );
  }

  private async waitCaughtUp(): Promise<Health> {
    const deadline = Date.now() + this.options.timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) throw new Error(`the service exited (${this.exitCode}) while starting:\n${this.lines.slice(-30).join('\n')}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        const health = (await response.json()) as Health;
        // lagMs 0: no register event in the log is left to apply (events of other streams do not count).
        if (response.status === 200 && health.projection.position >= this.options.head && health.projection.lagMs === 0) return health;
      } catch {
        // Not listening yet.
      }
      await new Promise((done) => setTimeout(done, 20));
    }
    await this.stop(1_000);
    throw new Error(`the service did not catch up within ${this.options.timeoutMs} ms:\n${this.lines.slice(-30).join('\n')}`);
  }
}
