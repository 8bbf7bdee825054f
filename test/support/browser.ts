import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

/**
 * What the browser tests need: Debian's chromium (driven by playwright-core, which ships no
 * browser), the dashboard built from apps/web, and axe-core.
 */

const ROOT = resolve(__dirname, '../..');
export const WEB_SOURCES = join(ROOT, 'apps/web');
export const WEB_BUILD = join(ROOT, 'dist/web');

/** `CHROMIUM_PATH`, else Debian's /usr/bin/chromium; undefined when neither exists. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

/** The newest modification time of the files the build reads (unit specs are not part of it). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith('.spec.ts') ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds the dashboard unless dist/web holds a build newer than every file of apps/web
 * (`npm test` builds it first; running this file alone after an edit rebuilds it).
 */
export function ensureWebBuilt(): void {
  const index = join(WEB_BUILD, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB_SOURCES)) return;
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`Building the dashboard failed (npm run build:web):\n${run.stdout}\n${run.stderr}`);
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  // Chromium's sandbox cannot start as root (CI containers run as root).
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, headless: true, args });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let axeSource: string | undefined;

// The function given to page.evaluate runs in the browser; this program has no DOM library.
declare const window: { axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> } };
declare const document: unknown;

/**
 * Runs axe-core in the page and returns its serious and critical violations. axe is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern, so the page is checked under its real CSP.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate('typeof window.axe');
  if (loaded === 'undefined') await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Records Content-Security-Policy violations in the page (read them with `cspViolations`). */
export const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
  });
`;

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__cspViolations ?? []');
}

/**
 * An instant as Chromium writes the value of a `datetime-local` input in a UTC browser:
 * seconds and milliseconds only when they are not zero, milliseconds without trailing zeros.
 */
export function utcDatetimeLocal(iso: string): string {
  const [date, time] = new Date(iso).toISOString().slice(0, 23).split('T');
  const [hm, seconds] = [time.slice(0, 5), time.slice(6)];
  const [s, ms] = seconds.split('.');
  if (ms === '000') return s === '00' ? `${date}T${hm}` : `${date}T${hm}:${s}`;
  return `${date}T${hm}:${s}.${ms.replace(/0+$/, '')}`;
}
