import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { ScenarioRun, loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RECORD_CSP_VIOLATIONS, chromiumPath, cspViolations, ensureWebBuilt, launchChromium, seriousAxeViolations, utcDatetimeLocal } from './support/browser';
import { RunningApp, client, startApp } from './support/start-app';

/**
 * Issue 8, the dashboard, in a real browser: Debian's chromium, headless, driven by
 * playwright-core, against the whole service with API keys configured and the seed stories
 * S1–S5 loaded. Screenshots of the main views go to test/artifacts/dashboard/ (git-ignored).
 */

// The functions given to page.evaluate and waitForFunction run in the browser; this program has no DOM library,
// so the little of the browser they use is declared here.
interface PageElement {
  id: string;
  getAttribute(name: string): string | null;
}
declare const window: { noReload?: boolean };
declare const document: { querySelector(selector: string): PageElement | null; activeElement: PageElement | null; documentElement: { lang: string } };
declare const sessionStorage: { getItem(key: string): string | null };
declare const localStorage: Record<string, string>;

const CHROMIUM = chromiumPath();
const ARTIFACTS = resolve(__dirname, 'artifacts/dashboard');
const ADMIN_KEY = 'dashboard-e2e-admin-key-7f3c9a1d5e';

if (!CHROMIUM) {
  // A missing browser is a failure, never a skip: `npm test` and .ci/run install chromium first (scripts/ensure-chromium.sh).
  describe('the dashboard in a real browser', () => {
    it('needs chromium', () => {
      throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (apt-get install -y chromium); scripts/ensure-chromium.sh does it as root.");
    });
  });
} else {
  describe('the dashboard in a real browser', () => {
    let running: RunningApp;
    let api: ReturnType<typeof client>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const runs: Record<string, ScenarioRun> = {};
    /** Script errors and console errors, except the 401 answers the key form is about. */
    const pageErrors: string[] = [];

    const cell = (code: string, area: string) => page.locator(`button.cell[data-code="${code}"][data-area="${area}"]`);
    const matrixOn = (date: string) => page.waitForSelector(`table.matrix[data-on="${date}"]`);
    const shoot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

    beforeAll(async () => {
      ensureWebBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: ADMIN_KEY } });
      api = client(running.url, { authorization: `Bearer ${ADMIN_KEY}` });
      for (const id of scenarioIds()) runs[id] = await runScenario(running.url, loadScenario(id), { headersFor: () => ({ authorization: `Bearer ${ADMIN_KEY}` }) });
      browser = await launchChromium(CHROMIUM);
      // Swedish first (the language switch is tested below); UTC, so "known at" is typed as UTC.
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 401/.test(message.text())) pageErrors.push(`console: ${message.text()}`);
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
    });

    it('serves the page at / and its paths without a key, while the API still needs one', async () => {
      const open = client(running.url);
      const home = await open.get('/');
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      expect(home.text).toContain('<div id="app">');
      expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
      const deep = await open.get('/arrangements/lkp-buys-payroll-2020', { accept: 'text/html' });
      expect(deep.status).toBe(200);
      expect(deep.text).toBe(home.text);
      // API paths never fall back to the page: an unknown one is still the API's problem+json 404.
      const unknown = await open.get('/v1/no-such-thing', { accept: 'text/html' });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await open.get('/no-such-file.js')).status).toBe(404);
      const matrix = await open.get('/v1/matrix?on=2020-06-01');
      expect(matrix.status).toBe(401);
      expect(matrix.body.code).toBe('unauthenticated');
    });

    it('asks for a key when the API answers 401, and keeps it in session storage only', async () => {
      await page.goto(`${running.url}/?county=05&on=2019-12-31`);
      const form = page.getByTestId('key-form');
      await form.waitFor();
      await shoot('key-form');
      await page.fill('#api-key', 'not-the-right-key-000000');
      await form.locator('button[type=submit]').click();
      await expect(page.locator('#api-key-error').textContent()).resolves.toContain('Nyckeln godtogs inte');
      await page.fill('#api-key', ADMIN_KEY);
      await form.locator('button[type=submit]').click();
      await matrixOn('2019-12-31');
      const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('samverkan.apiKey'), local: JSON.stringify({ ...localStorage }) }));
      expect(storage.session).toBe(ADMIN_KEY);
      expect(storage.local).not.toContain(ADMIN_KEY);
    });

    it("shows Linköping's payroll (0580) from the federation on 2019-12-31 and from Norrköping on 2020-06-01", async () => {
      const county = await api.get('/v1/municipalities');
      const inCounty = (county.body as { code: string; countyCode: string }[]).filter((m) => m.countyCode === '05');
      await expect(page.locator('table.matrix th.muni').count()).resolves.toBe(inCounty.length);
      await expect(page.locator('tr.county-row th').textContent()).resolves.toContain('Östergötlands län');

      const payroll = cell('0580', 'payroll');
      await expect(payroll.getAttribute('data-basis')).resolves.toBe('federation');
      await expect(payroll.getAttribute('title')).resolves.toContain('Kommunalförbundet 4:e storstadsregionen');

      await page.fill('#on-date', '2020-06-01');
      await matrixOn('2020-06-01');
      await expect(payroll.getAttribute('data-basis')).resolves.toBe('agreement');
      await expect(payroll.getAttribute('data-provider')).resolves.toBe('Norrköping');
      await expect(payroll.getAttribute('title')).resolves.toContain('Norrköping');
      await expect(page.getByTestId('on-output').textContent()).resolves.toBe('2020-06-01');
    });

    it('moving the date slider moves the matrix through time', async () => {
      await page.fill('#on-date', '2019-12-31');
      await matrixOn('2019-12-31');
      const slider = page.locator('#on-slider');
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      await matrixOn('2020-01-01');
      await expect(page.getByTestId('on-output').textContent()).resolves.toBe('2020-01-01');
      await expect(cell('0580', 'payroll').getAttribute('data-basis')).resolves.toBe('agreement');
      await expect(slider.getAttribute('aria-valuetext')).resolves.toBe('2020-01-01');
      // Page Down: a year back.
      await page.keyboard.press('PageDown');
      await matrixOn('2019-01-01');
      await expect(cell('0580', 'payroll').getAttribute('data-basis')).resolves.toBe('federation');
      // And three years on from 2020: the agreement has ended and payroll has lapsed to in-house.
      await page.fill('#on-date', '2023-01-01');
      await matrixOn('2023-01-01');
      await expect(cell('0580', 'payroll').getAttribute('data-basis')).resolves.toBe('in-house');
      await expect(cell('0580', 'payroll').getAttribute('data-lapsed')).resolves.toBe('true');
    });

    it('"known at" shows the register as it was known after the proposal, before the dissolution was recorded', async () => {
      await page.fill('#on-date', '2020-06-01');
      await matrixOn('2020-06-01');
      await page.fill('#known-at', utcDatetimeLocal(runs.s1.marks['after-proposal']));
      await page.getByTestId('known-at-banner').waitFor();
      await page.waitForFunction(() => document.querySelector('button.cell[data-code="0580"][data-area="payroll"]')?.getAttribute('data-basis') === 'federation');
      expect(new URL(page.url()).searchParams.get('knownAt')).toBe(runs.s1.marks['after-proposal']);
      await page.getByRole('button', { name: 'Nu', exact: true }).click();
      await page.waitForFunction(() => document.querySelector('button.cell[data-code="0580"][data-area="payroll"]')?.getAttribute('data-basis') === 'agreement');
    });

    it("clicking a cell shows the provision's history as a timeline, linking to the arrangements behind it", async () => {
      await cell('0580', 'payroll').click();
      const detail = page.getByTestId('cell-detail');
      await detail.waitFor();
      await detail.locator('[data-testid=interval]').nth(3).waitFor();
      const intervals = await detail.locator('[data-testid=interval]').evaluateAll((nodes) =>
        nodes.map((n) => ({ basis: n.getAttribute('data-basis'), from: n.getAttribute('data-from'), to: n.getAttribute('data-to'), lapsed: n.getAttribute('data-lapsed'), text: n.textContent })),
      );
      expect(intervals).toEqual([
        expect.objectContaining({ basis: 'in-house', from: '', to: '2007-12-31', lapsed: 'false' }),
        expect.objectContaining({ basis: 'federation', from: '2008-01-01', to: '2019-12-31', lapsed: 'false', text: expect.stringContaining('Kommunalförbundet 4:e storstadsregionen') }),
        expect.objectContaining({ basis: 'agreement', from: '2020-01-01', to: '2022-12-31', lapsed: 'false', text: expect.stringContaining('Norrköping') }),
        expect.objectContaining({ basis: 'in-house', from: '2023-01-01', to: '', lapsed: 'true' }),
      ]);
      // The same intervals the API answers.
      const history = await api.get('/v1/municipalities/0580/provisions/payroll/history');
      expect(intervals.map((i) => [i.basis, i.from || null, i.to || null])).toEqual((history.body as { basis: { kind: string }; from: string | null; to: string | null }[]).map((h) => [h.basis.kind, h.from, h.to]));
      await expect(detail.locator('.gantt-bar').count()).resolves.toBe(4);
      await expect(detail.getByTestId('current-provision').textContent()).resolves.toContain('Norrköping');
      await shoot('cell-history');

      // Follow the link to the agreement, in the page (no reload).
      await page.evaluate(() => (window.noReload = true));
      await detail.locator('a[href="/arrangements/lkp-buys-payroll-2020"]').click();
      const arrangement = page.getByTestId('arrangement');
      await arrangement.waitFor();
      await expect(arrangement.getAttribute('data-status')).resolves.toBe('expired');
      await expect(arrangement.locator('h1').textContent()).resolves.toBe('Linköping köper löne- och personaladministration av Norrköping');
      const steps = await page.getByTestId('lifecycle').locator('[data-step]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-step')} ${n.querySelector('time')?.textContent}`));
      expect(steps).toEqual([
        'proposed 2019-10-07',
        'signed 2019-11-25',
        'signed 2019-11-26',
        'approved 2019-11-26',
        'approved 2019-12-16',
        'concluded 2019-12-16',
        'in-force 2020-01-01',
        'ends 2022-12-31',
      ]);
      await expect(arrangement.locator('.facts').textContent()).resolves.toMatch(/Linköping.*Norrköping/);
      await expect(page.evaluate(() => window.noReload)).resolves.toBe(true);
      await shoot('arrangement');

      // A federation: its members, dissolution and the successor steps.
      await page.goBack();
      await detail.locator('a[href="/arrangements/fjarde-storstadsregionen"]').click();
      await page.waitForSelector('[data-testid=arrangement][data-kind=federation]');
      const federationSteps = await page.getByTestId('lifecycle').locator('[data-step]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step')));
      expect(federationSteps).toEqual(['formed', 'in-force', 'dissolved']);
      await page.goBack();
      await detail.waitFor();
    });

    it('the matrix is keyboard navigable: one tab stop, arrow keys between cells, Enter opens the history', async () => {
      await page.goto(`${running.url}/?county=05&on=2020-06-01`);
      await matrixOn('2020-06-01');
      const codes = await page.locator('table.matrix th.muni .code').allTextContents();
      await page.focus('#filter');
      await page.keyboard.press('Tab');
      const focused = () => page.evaluate(() => ({ code: document.activeElement?.getAttribute('data-code'), area: document.activeElement?.getAttribute('data-area') }));
      await expect(focused()).resolves.toEqual({ code: codes[0], area: 'payroll' });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await expect(focused()).resolves.toEqual({ code: codes[2], area: 'hr-administration' });
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Enter');
      await page.getByTestId('cell-detail').waitFor();
      expect(new URL(page.url()).searchParams.get('cell')).toBe(`${codes[2]}:payroll`);
      await page.waitForFunction(() => document.activeElement?.id === 'detail-heading');
      // Tab from the matrix leaves it: the other cells are not tab stops.
      await expect(page.locator('button.cell[tabindex="0"]').count()).resolves.toBe(1);
    });

    it('a command sent through the API appears in the open page without a reload', async () => {
      await page.goto(`${running.url}/?county=05&on=2020-06-01`);
      await matrixOn('2020-06-01');
      await page.waitForSelector('[data-live="true"]');
      await page.evaluate(() => (window.noReload = true));
      await expect(cell('0513', 'it-support').getAttribute('data-basis')).resolves.toBe('in-house');

      const formed = await api.post('/v1/federations', { id: 'dashboard-it-federation', name: 'IT-förbundet Ydre–Kinda', form: 'federation', members: ['0512', '0513'], serviceAreas: ['it-support'], decidedOn: '2019-06-10', effectiveFrom: '2020-01-01' });
      expect(formed.status).toBe(201);
      const transferred = await api.post('/v1/municipalities/0513/transfers', { serviceArea: 'it-support', basis: { kind: 'federation', id: 'dashboard-it-federation' }, decidedOn: '2019-06-10', effectiveFrom: '2020-01-01' });
      expect(transferred.status).toBe(201);

      await page.waitForFunction(() => document.querySelector('button.cell[data-code="0513"][data-area="it-support"]')?.getAttribute('data-basis') === 'federation', undefined, { timeout: 10_000 });
      await expect(cell('0513', 'it-support').getAttribute('title')).resolves.toContain('IT-förbundet Ydre–Kinda');
      await expect(page.evaluate(() => window.noReload)).resolves.toBe(true);
    });

    it('the attention list counts each kind in its header', async () => {
      await page.getByRole('link', { name: 'Bevakningslista', exact: true }).click();
      await page.getByTestId('attention-list').waitFor();
      expect(new URL(page.url()).searchParams.get('on')).toBe('2020-06-01');
      const expected = (await api.get('/v1/attention?on=2020-06-01')).body as { kind: string }[];
      expect(expected.length).toBeGreaterThan(0);
      const counts = await page.locator('.count-chip').evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-kind'), Number(n.getAttribute('data-count'))])));
      for (const [kind, count] of Object.entries(counts)) expect(count).toBe(expected.filter((i) => i.kind === kind).length);
      await expect(page.locator('[data-testid=attention-list] tbody tr').count()).resolves.toBe(expected.length);
      // A count filters the list to its kind.
      await page.locator('.count-chip[data-kind="study-overdue"]').click();
      await page.waitForSelector('.count-chip[data-kind="study-overdue"][aria-pressed="true"]');
      await expect(page.locator('[data-testid=attention-list] tbody tr').count()).resolves.toBe(counts['study-overdue']);
      await expect(page.locator('[data-testid=attention-list] tbody tr:not([data-kind="study-overdue"])').count()).resolves.toBe(0);
      await page.locator('.count-chip[data-kind="study-overdue"]').click();
    });

    it('switches the labels between Swedish and English', async () => {
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('sv');
      await expect(page.getByRole('navigation').textContent()).resolves.toContain('Matris');
      await page.getByTestId('language').click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await expect(page.getByRole('navigation').textContent()).resolves.toContain('Matrix');
      await expect(page.locator('h1').textContent()).resolves.toContain('Attention list');
      await shoot('attention');
      // Remembered across a reload.
      await page.reload();
      await page.getByTestId('attention-list').waitFor();
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    });

    it('axe-core finds no serious or critical violations on any view', async () => {
      const found: Record<string, unknown> = {};
      const check = async (name: string) => {
        const violations = await seriousAxeViolations(page);
        if (violations.length > 0) found[name] = violations;
      };
      await page.goto(`${running.url}/?county=05&on=2020-06-01&cell=0580:payroll`);
      await page.getByTestId('cell-detail').locator('[data-testid=interval]').first().waitFor();
      await shoot('matrix');
      await check('matrix with a cell history');
      await page.goto(`${running.url}/arrangements/lkp-buys-payroll-2020`);
      await page.getByTestId('lifecycle').waitFor();
      await check('arrangement');
      await page.goto(`${running.url}/arrangements`);
      await page.waitForSelector('table.list');
      await check('arrangements');
      await page.goto(`${running.url}/attention?on=2020-06-01`);
      await page.getByTestId('attention-list').waitFor();
      await check('attention list');
      // The key form, in a fresh tab of a fresh context (no key yet), in Swedish.
      const fresh = await browser.newContext({ locale: 'sv-SE' });
      const keyPage = await fresh.newPage();
      await keyPage.goto(running.url);
      await keyPage.getByTestId('key-form').waitFor();
      const keyViolations = await seriousAxeViolations(keyPage);
      if (keyViolations.length > 0) found['key form'] = keyViolations;
      await fresh.close();
      expect(found).toEqual({});
    });

    it('runs under the Content-Security-Policy with no violation and no script error', async () => {
      await expect(cspViolations(page)).resolves.toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
}
