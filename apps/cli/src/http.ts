import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './options';

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
