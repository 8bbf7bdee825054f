import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config';
import type { MachineInfo } from './support/machine';

/** `info`: an informational row, with no target to pass or miss. */
export type Verdict = 'pass' | 'miss' | 'info' | 'not run';

/** One line of the table: a figure, its target, what was measured, its baseline and their ratio. */
export interface Row {
  id: string;
  figure: string;
  target: string;
  measured: string;
  baseline: string;
  /** measured ÷ baseline (for latency and RSS: how many times the baseline; lower is better). */
  ratio: number | null;
  result: Verdict;
  note?: string;
}

export interface BenchReport {
  date: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  config: Omit<BenchConfig, 'only'> & { only: string[] };
  rows: Row[];
  /** Everything each step measured, raw (rates, counts, status codes, percentiles, sizes). */
  details: Record<string, unknown>;
  /** Steps that failed outright (exception), with the message. */
  failures: { step: string; error: string }[];
  /** Share of the machine's CPU that other processes used during each step (Linux). */
  contention: { step: string; share: number }[];
}

export function verdict(pass: boolean): Verdict {
  return pass ? 'pass' : 'miss';
}

// ------------------------------------------------------------------ formatting

const en = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function rate(value: number, unit: string): string {
  return `${en(0).format(value)} ${unit}`;
}

export function ms(value: number): string {
  return `${en(value < 10 ? 2 : 1).format(value)} ms`;
}

export function mib(bytes: number): string {
  return `${en(0).format(bytes / 2 ** 20)} MiB`;
}

export function times(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${en(ratio < 10 ? 2 : 1).format(ratio)}×`;
}

// ------------------------------------------------------------------ output

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The short table (Markdown), printed and written next to the JSON. */
export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `# Samverkan bench, ${report.date}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores (${m.availableParallelism} usable), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3})` +
      (m.gitCommit ? `; tree ${m.gitCommit}${m.gitDirty ? ' + uncommitted changes' : ''}` : ''),
    `Run: ${report.durationSeconds.toFixed(0)} s; BENCH_EVENTS=${report.config.events}, BENCH_APPENDS=${report.config.appends}, BENCH_SECONDS=${report.config.seconds} (warm-up ${report.config.warmupSeconds} s), ${report.config.connections} connections, pages of ${report.config.pageSize}, ${report.config.rebuildTrials} rebuild trials` +
      (report.config.only.includes('esdb') ? `; BENCH_ESDB_EVENTS=${report.config.esdbEvents}, BENCH_ESDB_APPENDS=${report.config.esdbAppends} against ${report.config.esdbConnectionString ? 'a real EventStoreDB' : 'the gRPC double'}` : '') +
      (report.config.only.includes('service') ? `; BENCH_SERVICE_SIZES=${report.config.serviceSizes.join(',')}` : ''),
    '',
    '| # | Figure | Target | Measured | Baseline | Ratio | Result |',
    '|---|---|---|---|---|---|---|',
    ...report.rows.map((r) => `| ${r.id} | ${cell(r.figure)} | ${cell(r.target)} | ${cell(r.measured)} | ${cell(r.baseline)} | ${times(r.ratio)} | ${r.result === 'miss' ? '**miss**' : r.result} |`),
  ];
  if (report.contention.length > 0) {
    const busy = report.contention.map((c) => `${c.step} ${(c.share * 100).toFixed(0)} %`).join(', ');
    const noisy = report.contention.some((c) => c.share > 0.1);
    lines.push('', `Other processes' share of the machine's CPU during each step: ${busy}${noisy ? ' (above 10 %: the figures of that step are disturbed by other load)' : ''}.`);
  }
  const notes = report.rows.filter((r) => r.note);
  if (notes.length > 0) {
    lines.push('', 'Notes:');
    for (const r of notes) lines.push(`- ${r.id}: ${r.note}`);
  }
  for (const f of report.failures) lines.push(`- step ${f.step} failed: ${f.error}`);
  return `${lines.join('\n')}\n`;
}

export function writeReport(report: BenchReport, dir: string, allSteps: readonly string[]): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const name = reportName(report.date, report.config.only, allSteps);
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdown(report));
  return { json, md };
}

/**
 * The results' file name: the date for a whole run, the date and the steps for a part
 * (`2026-12-02-two-instances`), so a run of one step never overwrites the day's whole run.
 */
export function reportName(date: string, only: readonly string[], allSteps: readonly string[]): string {
  const whole = allSteps.every((step) => only.includes(step));
  return whole ? date : `${date}-${allSteps.filter((step) => only.includes(step)).join('+')}`;
}

/** YYYY-MM-DD in local time (the machine's date of the run). */
export function localDate(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
