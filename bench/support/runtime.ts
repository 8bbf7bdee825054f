import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, so that RSS figures are about live data. The bench runs under
 * ts-node (no node flags), so `--expose-gc` is set at run time and `gc` fetched from a fresh context.
 */
export const fullGc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => {
    if (!gc) return;
    // Two passes: the first may only schedule finalisers (better-sqlite3 statements, buffers).
    gc();
    gc();
  };
})();

export function rssBytes(): number {
  return process.memoryUsage.rss();
}

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/** Temp dirs made by this run, removed by `cleanUp` unless BENCH_KEEP=1. */
const dirs: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(os.tmpdir(), `samverkan-bench-${label}-`));
  dirs.push(dir);
  return dir;
}

export function cleanUp(keep: boolean): string[] {
  if (keep) return [...dirs];
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  return [];
}

export function seconds(fromNs: bigint, toNs: bigint = process.hrtime.bigint()): number {
  return Number(toNs - fromNs) / 1e9;
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
