import { Options } from './options';
import { Progress, progressBar } from './progress';

/** Where a command writes, and what it was given. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  positionals: string[];
  options: Options;
  io: CliIo;
}

export function out(ctx: CliContext, text: string): void {
  ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function note(ctx: CliContext, text: string): void {
  if (!ctx.options.quiet) ctx.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function json(ctx: CliContext, value: unknown): void {
  out(ctx, JSON.stringify(value, null, 2));
}

export function progress(ctx: CliContext, label: string): Progress {
  const wanted = ctx.options.progress === true || (ctx.io.stderr.isTTY === true && !ctx.options.quiet && !ctx.options.json);
  return progressBar(label, wanted && !ctx.options.quiet, ctx.io.stderr as NodeJS.WriteStream);
}

export const count = (n: number): string => n.toLocaleString('en-US');

export function rate(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : events;
}
