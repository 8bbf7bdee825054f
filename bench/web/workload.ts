import { addDays } from '@samverkan/domain';
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Browser } from 'playwright-core';
import { loadScenario, runScenario, scenarioIds } from '../../scenarios/scenario-runner';
import { buildService, freePort } from '../../test/crash/service-process';
import { WEB_BUILD, chromiumPath, ensureWebBuilt, launchChromium } from '../../test/support/browser';
import { BenchConfig } from '../config';
import { Row, ms, verdict } from '../report';
import { ServiceChild } from '../service/child';
import { log } from '../support/log';
import { percentile, tempDir } from '../support/runtime';
import { StepResult, Workload } from '../workloads/workload';
import { bareFetch, dateStep, firstPaintWatcher } from './browser-side';

/**
 * The dashboard in a browser (issue 17): what a reader waits for. The compiled service in a
 * child process (as step `service` runs it) with the built dashboard (dist/web) and the seed
 * stories S1–S5, open on loopback; Debian's chromium, headless, through playwright-core.
 *
 * - W1, W2: first paint of the whole-country matrix (`/`) and of the map (`/map`): navigation
 *   start → the 290 rows / the 290 coloured municipalities painted, each in a fresh browser
 *   context (an empty HTTP cache, as a first visit); against the same service's page of an
 *   unknown path (the same HTML, script and reference data, no matrix: the shell's own cost).
 * - W3, W4: a date step on an open matrix and map: a new date typed into the date field → the
 *   view showing it painted; against a bare fetch + JSON.parse of the same question's answer
 *   from the same page (network, compression and parsing, nothing drawn).
 * - W5 (informational): the whole-country answer as the browser gets it (bytes over the wire,
 *   decoded, JSON.parse time), against the map's one-column answer (`serviceArea=`).
 *
 * Every figure is the p50 and p99 of BENCH_WEB_RUNS runs (after two warm-up runs of each).
 */

const FIRST_PAINT_TARGET_MS = 1500;
const DATE_STEP_TARGET_MS = 300;
const WARMUP_RUNS = 2;
const ON = '2020-06-01';
/** The service area the map shows (the seed stories move Linköping's payroll). */
const AREA = 'payroll';

const MATRIX_PAINTED = 'table.matrix th.muni';
const MAP_PAINTED = 'svg.map-svg path.map-shape[data-basis]:not([data-basis=""])';
const SHELL_PAINTED = 'main h1';

interface Spread {
  p50: number;
  p99: number;
  min: number;
  max: number;
  runs: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

const pp = (s: Spread) => `p50 ${ms(s.p50)} · p99 ${ms(s.p99)}`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;

interface StepSample {
  ms: number;
  fetches: number;
  url: string | null;
  transferSize: number | null;
  encodedBodySize: number | null;
  decodedBodySize: number | null;
  responseMs: number | null;
}

interface BareSample {
  ms: number;
  parseMs: number;
  encoding: string | null;
  chars: number;
  transferSize: number | null;
  encodedBodySize: number | null;
}

/** Navigation start → `selector` matched `count` times and painted, in a fresh context (empty cache). */
async function firstPaint(browser: Browser, url: string, selector: string, count: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
  try {
    await context.addInitScript(firstPaintWatcher(selector, count));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url, { waitUntil: 'commit' });
    // The page's own CSP forbids eval, so no polling predicate: the watcher's promise, awaited through the DevTools protocol.
    return await Promise.race([
      page.evaluate<number>('window.__benchFirstPaint'),
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${url}: ${selector} not painted within 30 s; the page said: ${errors.join(' | ') || 'nothing'}`)), 30_000).unref()),
    ]);
  } finally {
    await context.close();
  }
}

/** Alternating first paints of the three pages, so that a slow moment of the machine falls on all of them. */
async function firstPaints(browser: Browser, url: string, runs: number): Promise<{ shell: number[]; matrix: number[]; map: number[] }> {
  const out = { shell: [] as number[], matrix: [] as number[], map: [] as number[] };
  for (let i = 0; i < WARMUP_RUNS + runs; i++) {
    const shell = await firstPaint(browser, `${url}/bench-page-without-data?on=${ON}`, SHELL_PAINTED, 1);
    const matrix = await firstPaint(browser, `${url}/?on=${ON}`, MATRIX_PAINTED, 290);
    const map = await firstPaint(browser, `${url}/map?area=${AREA}&on=${ON}`, MAP_PAINTED, 290);
    if (i < WARMUP_RUNS) continue;
    out.shell.push(shell);
    out.matrix.push(matrix);
    out.map.push(map);
  }
  return out;
}

/**
 * Date steps on an open page, each to a new date (no answer comes from a cache), alternating
 * with bare fetches of the answer to the same kind of question for the next date.
 */
async function dateSteps(
  browser: Browser,
  url: string,
  view: { path: string; painted: (date: string) => string; bare: (date: string) => string; ready: string },
  runs: number,
): Promise<{ steps: StepSample[]; bare: BareSample[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
  try {
    const page = await context.newPage();
    await page.goto(`${url}${view.path}`);
    await page.waitForSelector(view.ready, { timeout: 30_000 });
    const steps: StepSample[] = [];
    const bare: BareSample[] = [];
    let date = ON;
    for (let i = 0; i < WARMUP_RUNS + runs; i++) {
      // Back and forth across the seed stories' changes (2019–2020), never the same date twice; the bare fetch asks ten years on.
      date = addDays(date, i % 2 === 0 ? -400 + i : 400 - i);
      const step = await page.evaluate<StepSample>(dateStep(date, view.painted(date)));
      const fetched = await page.evaluate<BareSample>(bareFetch(view.bare(addDays(date, 3650))));
      if (i < WARMUP_RUNS) continue;
      if (step.fetches !== 1) throw new Error(`a date step fetched /v1/matrix ${step.fetches} times (expected once)`);
      steps.push(step);
      bare.push(fetched);
    }
    return { steps, bare };
  } finally {
    await context.close();
  }
}

export const webWorkload: Workload = {
  step: 'web',
  title: 'Web: the dashboard in a browser (first paint, date step)',
  rows: [
    { id: 'W1', figure: 'First paint, whole-country matrix (/?on=…): navigation start → 290 rows painted, fresh context, vs the page of an unknown path (shell + reference data)', target: `p99 ≤ ${FIRST_PAINT_TARGET_MS / 1000} s` },
    { id: 'W2', figure: 'First paint, map (/map?area=payroll&on=…): navigation start → 290 coloured municipalities painted, fresh context, vs the page of an unknown path', target: `p99 ≤ ${FIRST_PAINT_TARGET_MS / 1000} s` },
    { id: 'W3', figure: 'Date step, matrix: a date typed → the whole-country matrix for it painted, vs a bare fetch + JSON.parse of the same answer in the page', target: `p99 ≤ ${DATE_STEP_TARGET_MS} ms` },
    { id: 'W4', figure: 'Date step, map: a date typed → the map for it painted (GET /v1/matrix?serviceArea=payroll), vs a bare fetch + JSON.parse of the same answer in the page', target: `p99 ≤ ${DATE_STEP_TARGET_MS} ms` },
    { id: 'W5', figure: 'The whole-country /v1/matrix answer in the browser: bytes over the wire, decoded, JSON.parse p50, vs the one-column answer (serviceArea=payroll)', target: 'informational' },
  ],
  async run(config: BenchConfig): Promise<StepResult> {
    const executable = chromiumPath();
    if (!executable) throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (scripts/ensure-chromium.sh)");
    const runs = config.webRuns;
    log('web: building the dashboard (if its sources changed) and compiling the service');
    ensureWebBuilt();
    const built = await buildService('compiled');
    // The service serves its own copy of the built page (the first place it looks: next to its compiled code), so that
    // a rebuild of dist/web meanwhile (a test run elsewhere in the checkout) cannot change or remove files under a measurement.
    cpSync(WEB_BUILD, join(dirname(built.nodeArgs[built.nodeArgs.length - 1]), '../../../web'), { recursive: true });
    const port = await freePort();
    const { service, ms: startMs } = await ServiceChild.start({ built, port, dataDir: tempDir('web'), logLevel: 'warn', head: 0, timeoutMs: config.serviceStartTimeoutSeconds * 1000 });
    let browser: Browser | undefined;
    try {
      for (const id of scenarioIds()) await runScenario(service.url, loadScenario(id));
      browser = await launchChromium(executable);
      log(`web: first paints (${runs} runs of each page)`);
      const paints = await firstPaints(browser, service.url, runs);
      log(`web: date steps (${runs} on the matrix, ${runs} on the map)`);
      const matrix = await dateSteps(
        browser,
        service.url,
        { path: `/?on=${ON}`, ready: `table.matrix[data-on="${ON}"]`, painted: (d) => `table.matrix[data-on="${d}"]`, bare: (d) => `/v1/matrix?on=${d}` },
        runs,
      );
      const map = await dateSteps(
        browser,
        service.url,
        { path: `/map?area=${AREA}&on=${ON}`, ready: `svg.map-svg[data-on="${ON}"]`, painted: (d) => `svg.map-svg[data-on="${d}"]`, bare: (d) => `/v1/matrix?on=${d}&serviceArea=${AREA}` },
        runs,
      );

      const shell = spread(paints.shell);
      const w1 = spread(paints.matrix);
      const w2 = spread(paints.map);
      const w3 = spread(matrix.steps.map((s) => s.ms));
      const w3bare = spread(matrix.bare.map((s) => s.ms));
      const w4 = spread(map.steps.map((s) => s.ms));
      const w4bare = spread(map.bare.map((s) => s.ms));
      const whole = matrix.bare[matrix.bare.length - 1];
      const narrow = map.bare[map.bare.length - 1];
      const wholeParse = spread(matrix.bare.map((s) => s.parseMs));
      const narrowParse = spread(map.bare.map((s) => s.parseMs));
      const rows: Row[] = [
        { ...webWorkload.rows[0], measured: pp(w1), baseline: pp(shell), ratio: w1.p50 / shell.p50, result: verdict(w1.p99 <= FIRST_PAINT_TARGET_MS), note: `ratio: p50 ÷ p50; ${runs} runs` },
        { ...webWorkload.rows[1], measured: pp(w2), baseline: pp(shell), ratio: w2.p50 / shell.p50, result: verdict(w2.p99 <= FIRST_PAINT_TARGET_MS), note: `ratio: p50 ÷ p50; ${runs} runs` },
        { ...webWorkload.rows[2], measured: pp(w3), baseline: pp(w3bare), ratio: w3.p50 / w3bare.p50, result: verdict(w3.p99 <= DATE_STEP_TARGET_MS), note: `ratio: p50 ÷ p50; ${runs} runs` },
        { ...webWorkload.rows[3], measured: pp(w4), baseline: pp(w4bare), ratio: w4.p50 / w4bare.p50, result: verdict(w4.p99 <= DATE_STEP_TARGET_MS), note: `ratio: p50 ÷ p50; ${runs} runs` },
        {
          ...webWorkload.rows[4],
          measured: `${kib(whole.transferSize ?? Number.NaN)} over the wire (${whole.encoding ?? 'identity'}), ${kib(whole.chars)} decoded, parse ${ms(wholeParse.p50)}`,
          baseline: `${kib(narrow.transferSize ?? Number.NaN)} over the wire, ${kib(narrow.chars)} decoded, parse ${ms(narrowParse.p50)}`,
          ratio: whole.chars / narrow.chars,
          result: 'info',
          note: 'ratio: decoded size ÷ decoded size',
        },
      ];
      return {
        rows,
        details: {
          runs,
          warmupRuns: WARMUP_RUNS,
          browser: browser.version(),
          serviceStartMs: startMs,
          firstPaintMs: { shell, matrix: w1, map: w2, raw: paints },
          dateStepMs: { matrix: w3, matrixBare: w3bare, map: w4, mapBare: w4bare },
          answers: { whole, narrow, wholeParseMs: wholeParse, narrowParseMs: narrowParse, matrixStepSample: matrix.steps[matrix.steps.length - 1], mapStepSample: map.steps[map.steps.length - 1] },
          raw: { matrixSteps: matrix.steps.map((s) => s.ms), mapSteps: map.steps.map((s) => s.ms), matrixBare: matrix.bare.map((s) => s.ms), mapBare: map.bare.map((s) => s.ms) },
        },
      };
    } finally {
      await browser?.close();
      await service.stop();
      built.dispose();
    }
  },
};
