import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, Options } from './options';

/**
 * The API key for `--url`, the first of: `--key-file` (a file holding the key), `--key` (kept for
 * scripts; a key on a command line is seen by ps and kept in the shell history, so the docs never
 * show it), SAMVERKAN_KEY_FILE, SAMVERKAN_KEY. None: the service runs open.
 */
export function apiKey(options: Pick<Options, 'key' | 'keyFile'>, env: NodeJS.ProcessEnv): string | undefined {
  if (options.keyFile) return readKeyFile(options.keyFile);
  if (options.key) return options.key;
  if (env.SAMVERKAN_KEY_FILE) return readKeyFile(env.SAMVERKAN_KEY_FILE);
  return env.SAMVERKAN_KEY || undefined;
}

function readKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`, 2);
  }
  const key = text.trim();
  if (!/^[\x21-\x7e]+$/.test(key)) throw new CliError(`The key file ${file} must hold one key on one line.`, 2);
  return key;
}

/** A running service, for the commands that ask one. */
export class ServiceClient {
  constructor(
    readonly url: string,
    private readonly key: string | undefined,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...extra };
  }

  private async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, { ...init, headers: this.headers(init.headers as Record<string, string>) });
    } catch (error) {
      throw new CliError(`Cannot reach the service at ${this.url}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
    }
    return response;
  }

  /** GET a JSON answer; `allow404` answers undefined for a 404. */
  async get<T>(path: string, options: { allow404?: boolean } = {}): Promise<T> {
    const response = await this.fetch(path, { headers: { accept: 'application/json' } });
    if (options.allow404 && response.status === 404) return undefined as T;
    const text = await response.text();
    if (!response.ok) throw new CliError(`GET ${path} answered ${response.status}: ${problemDetail(text)}`, response.status === 404 ? 1 : 3);
    return JSON.parse(text) as T;
  }

  /** Streams a GET to a file. */
  async download(path: string, file: string): Promise<void> {
    const response = await this.fetch(path);
    if (!response.ok || !response.body) throw new CliError(`GET ${path} answered ${response.status}: ${problemDetail(await response.text())}`);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
  }

  /** Streams a GET to a writable (stdout). */
  async pipeTo(path: string, out: NodeJS.WritableStream): Promise<void> {
    const response = await this.fetch(path);
    if (!response.ok || !response.body) throw new CliError(`GET ${path} answered ${response.status}: ${problemDetail(await response.text())}`);
    await pipeline(Readable.fromWeb(response.body as never), out, { end: false });
  }
}

function problemDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string };
    return body.detail ?? body.title ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
