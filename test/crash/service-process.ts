import { ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { sleep } from './random';

const ROOT = resolve(__dirname, '../..');

/**
 * How the service child is run.
 *
 * - `compiled` (default): the service is compiled once with `tsc -p tsconfig.build.json --noCheck`
 *   into `node_modules/.cache/samverkan-crash/…` and each start is `node -r tsconfig-paths/register main.js`.
 *   Measured on 2 cores: compiling takes about 3.5 s, a start (to a healthy `/health`) about 1.1 s and
 *   0.9 s of CPU.
 * - `ts-node`: each start is `node -r ts-node/register/transpile-only -r tsconfig-paths/register main.ts`
 *   (transpileModule keeps the decorator metadata Nest needs). A start takes about 2 s and 2.6 s of CPU.
 *
 * Both run the same sources: tsconfig.build.json covers apps/api and libs.
 */
export type ServiceRunner = 'compiled' | 'ts-node';

export interface BuiltService {
  runner: ServiceRunner;
  /** The node arguments that start the service. */
  nodeArgs: string[];
  /** Extra environment the runner needs (the compiled tree's base URL for tsconfig-paths). */
  env: NodeJS.ProcessEnv;
  /** How long preparing took, in ms. */
  buildMs: number;
  dispose(): void;
}

/** Prepares the service for many starts (compiles it once, or nothing for ts-node). */
export async function buildService(runner: ServiceRunner = 'compiled'): Promise<BuiltService> {
  const started = Date.now();
  if (runner === 'ts-node') {
    return {
      runner,
      nodeArgs: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'apps/api/src/main.ts')],
      env: { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      buildMs: 0,
      dispose: () => undefined,
    };
  }
  // Inside node_modules, so that the compiled files find the project's dependencies by the usual lookup.
  const outDir = join(ROOT, 'node_modules/.cache/samverkan-crash', `build-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(outDir, { recursive: true });
  const tsc = require.resolve('typescript/bin/tsc');
  await new Promise<void>((done, fail) =>
    execFile(
      process.execPath,
      [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, '--noCheck', '--sourceMap', 'false', '--incremental', 'false'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? fail(new Error(`Compiling the service failed: ${stdout}${stderr}`)) : done()),
    ),
  );
  copyAssets(outDir);
  const main = join(outDir, 'apps/api/src/main.js');
  if (!existsSync(main)) throw new Error(`Compiling the service wrote no ${main}`);
  return {
    runner,
    nodeArgs: ['-r', 'tsconfig-paths/register', main],
    // tsconfig-paths reads the project's `paths` and resolves them under this base instead of the sources.
    env: { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), TS_NODE_BASEURL: outDir },
    buildMs: Date.now() - started,
    dispose: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

/** An asset nest-cli.json copies into the build: `include` relative to the app's source root, `outDir` relative to the repository. */
interface NestAsset {
  include: string;
  outDir: string;
}

/**
 * The files the service reads next to its compiled code (the reference data, the KurrentDB protocol
 * files), copied as `nest build` copies them: every asset nest-cli.json lists (`<dir>/*.<ext>`), with
 * its `dist/` replaced by the build's directory.
 */
function copyAssets(outDir: string): void {
  const nest = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as { sourceRoot: string; compilerOptions: { assets?: NestAsset[] } };
  for (const asset of nest.compilerOptions.assets ?? []) {
    const include = resolve(ROOT, nest.sourceRoot, asset.include);
    const from = dirname(include);
    const pattern = new RegExp(`^${basename(include).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const to = join(outDir, asset.outDir.replace(/^dist\//, ''));
    mkdirSync(to, { recursive: true });
    for (const file of readdirSync(from)) if (pattern.test(file)) copyFileSync(join(from, file), join(to, file));
  }
}

/** A free loopback port (the service keeps it across restarts, so the clients keep their URL). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ServiceProcessOptions {
  built: BuiltService;
  port: number;
  dataDir: string;
  /** When set, the service uses EventStoreDB at this address instead of the embedded store. */
  eventStoreConnectionString?: string;
  /** Extra environment for the service. */
  env?: NodeJS.ProcessEnv;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs?: number;
}

/** The whole environment a service child runs with (nothing else of this process's leaks into it). */
export function serviceEnvironment(options: ServiceProcessOptions): NodeJS.ProcessEnv {
  const { built, port, dataDir, eventStoreConnectionString } = options;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...built.env,
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SAMVERKAN_DATA_DIR: dataDir,
    ...(eventStoreConnectionString ? { EVENTSTORE_CONNECTION_STRING: eventStoreConnectionString } : {}),
  };
}

/** A log line the service wrote at level error or above (pino level ≥ 50), or a line that is not JSON on stderr. */
export interface ServiceLogLine {
  start: number;
  line: string;
}

/**
 * The service as a child process: started, SIGKILLed and restarted on the same port and
 * data. Clients wait on `up()` when a request fails, so they resume as soon as it answers.
 */
export class ServiceProcess {
  readonly url: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private waiting?: { promise: Promise<void>; resolve: () => void };
  private tail: string[] = [];
  /** Lines logged at error level (or unparseable stderr) since the first start. */
  readonly errors: ServiceLogLine[] = [];
  /** How many times the service has been started, and killed. */
  starts = 0;
  kills = 0;
  /** The time from spawn to a healthy `/health`, for every start that got there. */
  readonly startMs: number[] = [];
  private healthy = false;

  constructor(private readonly options: ServiceProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.resetWaiting();
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Spawns the service without waiting for it. */
  spawn(): void {
    if (this.child) throw new Error('The service is already running');
    this.starts++;
    const start = this.starts;
    const child = spawn(process.execPath, this.options.built.nodeArgs, { cwd: ROOT, env: serviceEnvironment(this.options), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.healthy = false;
    const collect = (stream: NodeJS.ReadableStream, isStderr: boolean) => {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.keep(start, line, isStderr);
      });
    };
    collect(child.stdout, false);
    collect(child.stderr, true);
    this.exited = new Promise((done) =>
      child.once('exit', () => {
        if (this.child === child) {
          this.child = undefined;
          this.healthy = false;
        }
        done();
      }),
    );
  }

  /** Spawns the service and waits until `/health` answers 200 (read models rebuilt, reference data registered). */
  async start(): Promise<number> {
    const spawned = Date.now();
    this.spawn();
    await this.waitHealthy(spawned);
    return Date.now() - spawned;
  }

  /** Waits for the child spawned last to answer `/health` with 200. */
  async waitHealthy(spawned = Date.now()): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    const child = this.child;
    while (Date.now() < deadline) {
      if (!this.child || this.child !== child) throw new Error(`The service exited while starting:\n${this.recentLog()}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          this.healthy = true;
          this.startMs.push(Date.now() - spawned);
          this.waiting?.resolve();
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(25);
    }
    throw new Error(`The service did not become healthy within ${this.options.startTimeoutMs ?? 60_000} ms:\n${this.recentLog()}`);
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.resetWaiting();
    this.healthy = false;
    this.kills++;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM), falling back to SIGKILL. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.resetWaiting();
    this.healthy = false;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([this.exited!.then(() => true), new Promise<boolean>((done) => (timer = setTimeout(() => done(false), 10_000)))]);
    clearTimeout(timer);
    if (!stopped) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Resolves when the service is (again) healthy. */
  up(): Promise<void> {
    return this.healthy ? Promise.resolve() : this.waiting!.promise;
  }

  recentLog(lines = 40): string {
    return this.tail.slice(-lines).join('\n');
  }

  private resetWaiting(): void {
    if (this.waiting && !this.healthy) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.waiting = { promise, resolve };
  }

  private keep(start: number, line: string, isStderr: boolean): void {
    if (line.trim() === '') return;
    this.tail.push(`[start ${start}] ${line}`);
    if (this.tail.length > 400) this.tail.splice(0, this.tail.length - 400);
    let level: number | undefined;
    try {
      level = (JSON.parse(line) as { level?: number }).level;
    } catch {
      level = undefined;
    }
    if ((level !== undefined && level >= 50) || (level === undefined && isStderr)) this.errors.push({ start, line });
  }
}
