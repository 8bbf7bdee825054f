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
declare const window: { noReload?: boolean; innerWidth: number };
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  activeElement: PageElement | null;
  documentElement: { lang: string; scrollWidth: number };
};
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
        // The 404 of /v1/audit/checkpoint is the API's "no checkpoint yet", which the arrangement page shows as such.
        const noCheckpointYet = /status of 404/.test(message.text()) && message.location().url.endsWith('/v1/audit/checkpoint');
        if (message.type() === 'error' && !/status of 401/.test(message.text()) && !noCheckpointYet) pageErrors.push(`console: ${message.text()}`);
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
      // Bases are named by their arrangements' titles, never by their ids (slugs).
      await detail.getByTestId('current-provision').filter({ hasText: 'Linköping köper löne- och personaladministration av Norrköping' }).waitFor();
      const detailText = (await detail.textContent()) ?? '';
      for (const id of ['lkp-buys-payroll-2020', 'fjarde-storstadsregionen']) expect(detailText).not.toContain(id);
      await expect(cell('0580', 'payroll').getAttribute('aria-label')).resolves.toContain('Linköping köper löne- och personaladministration av Norrköping');
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

    it("verifies each of an arrangement's events against the latest checkpoint in the browser, and shows a later one as not yet covered", async () => {
      // An arrangement of its own, so that the command sent to it below is surely accepted.
      const id = 'dashboard-verified-federation';
      const formed = await api.post('/v1/federations', { id, name: 'Kontrollförbundet Ydre–Boxholm', form: 'federation', members: ['0512', '0560'], serviceAreas: ['it-support'], decidedOn: '2019-06-10', effectiveFrom: '2020-01-01' });
      expect(formed.status).toBe(201);
      const verification = page.getByTestId('verification');
      const summary = page.getByTestId('verification-summary');
      const verdicts = () => page.locator('[data-testid=arrangement] table.list tbody td.verdict').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verification')));

      // Nothing in this file has recorded a checkpoint yet (the service's timer is 10 minutes): the page says so, and nothing breaks.
      expect((await api.get('/v1/audit/checkpoint')).status).toBe(404);
      await page.goto(`${running.url}/arrangements/${id}`);
      await page.waitForSelector('[data-testid=verification][data-state=done]');
      await expect(verification.getAttribute('data-checkpoint')).resolves.toBe('none');
      await expect(summary.textContent()).resolves.toMatch(/^(Ingen kontrollpunkt ännu|No checkpoint yet)/);
      await expect(verdicts()).resolves.toEqual(['not-covered']);

      const recorded = await api.post('/v1/audit/checkpoints');
      expect(recorded.status).toBe(201);
      const note = await api.get('/v1/audit/checkpoint');
      expect(note.status).toBe(200);
      const treeSize = Number(note.text.split('\n')[1]);
      const origin = note.text.split('\n')[0];
      /** The summary's text in the page's language, either one. */
      const expectedSummary = async (verified: number, total: number, notCovered: number) => {
        const lang = await page.evaluate(() => document.documentElement.lang);
        return lang === 'sv'
          ? `${verified} av ${total} händelser verifierade mot kontrollpunkt med trädstorlek ${treeSize}${notCovered ? ` (${notCovered} inte täckta av en kontrollpunkt ännu)` : ''}.`
          : `${verified} of ${total} events verified against the checkpoint of tree size ${treeSize}${notCovered ? ` (${notCovered} not yet covered by a checkpoint)` : ''}.`;
      };

      await page.goto(`${running.url}/arrangements/${id}`);
      await page.waitForSelector('[data-testid=verification][data-state=done]');
      const timeline = (await api.get(`/v1/arrangements/${id}/timeline`)).body as unknown[];
      expect(timeline.length).toBeGreaterThan(0);
      await expect(verdicts()).resolves.toEqual(timeline.map(() => 'verified'));
      await expect(verification.getAttribute('data-checkpoint')).resolves.toBe('ok');
      await expect(verification.getAttribute('data-tree-size')).resolves.toBe(String(treeSize));
      await expect(summary.textContent()).resolves.toBe(await expectedSummary(timeline.length, timeline.length, 0));
      await expect(verification.textContent()).resolves.toContain(origin);
      // Chromium has had Ed25519 in WebCrypto since 137; the library is for browsers without it.
      const via = await verification.getAttribute('data-ed25519');
      expect(via).toBe(Number(browser.version().split('.')[0]) >= 137 ? 'webcrypto' : 'noble');
      await shoot('arrangement-verified');

      // A new event on the arrangement, with no checkpoint after it: the live page shows it as not yet covered.
      await page.evaluate(() => (window.noReload = true));
      const reviewed = await api.post(`/v1/arrangements/${id}/reviews`, { reviewedOn: '2020-05-20', outcome: 'continue', note: 'Fortsätter som förut.' });
      expect(reviewed.status).toBe(201);
      const total = timeline.length + 1;
      await page.waitForFunction(
        (n) => {
          const cells = Array.from(document.querySelectorAll('[data-testid=arrangement] table.list tbody td.verdict'));
          return cells.length === n && cells[n - 1].getAttribute('data-verification') === 'not-covered' && document.querySelector('[data-testid=verification]')?.getAttribute('data-state') === 'done';
        },
        total,
        { timeout: 10_000 },
      );
      await expect(verdicts()).resolves.toEqual([...timeline.map(() => 'verified'), 'not-covered']);
      await expect(summary.textContent()).resolves.toBe(await expectedSummary(timeline.length, total, 1));
      await expect(page.evaluate(() => window.noReload)).resolves.toBe(true);
      // And in the other language.
      const langBefore = await page.evaluate(() => document.documentElement.lang);
      await page.getByTestId('language').click();
      await page.waitForFunction((before) => document.documentElement.lang !== before, langBefore);
      await expect(summary.textContent()).resolves.toBe(await expectedSummary(timeline.length, total, 1));
      const notCovered = page.locator('[data-testid=arrangement] table.list tbody td.verdict[data-verification=not-covered]');
      await expect(notCovered.textContent()).resolves.toMatch(/Inte täckt av en kontrollpunkt ännu|Not yet covered by a checkpoint/);
      await page.getByTestId('language').click();

      // A browser whose WebCrypto has no Ed25519: @noble/ed25519 is loaded (a chunk of the build, under the same CSP) and checks the signature.
      const older = await browser.newContext({ locale: 'sv-SE', timezoneId: 'UTC' });
      await older.addInitScript(RECORD_CSP_VIOLATIONS);
      await older.addInitScript(`
        const importKey = SubtleCrypto.prototype.importKey;
        SubtleCrypto.prototype.importKey = function (format, key, algorithm, ...rest) {
          const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name;
          if (String(name).toLowerCase() === 'ed25519') return Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
          return importKey.call(this, format, key, algorithm, ...rest);
        };
        sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)});
      `);
      const olderPage = await older.newPage();
      const olderErrors: string[] = [];
      olderPage.on('pageerror', (error) => olderErrors.push(`pageerror: ${error.message}`));
      olderPage.on('console', (message) => {
        if (message.type() === 'error') olderErrors.push(`console: ${message.text()}`);
      });
      await olderPage.goto(`${running.url}/arrangements/${id}`);
      await olderPage.waitForSelector('[data-testid=verification][data-state=done]');
      await expect(olderPage.getByTestId('verification').getAttribute('data-ed25519')).resolves.toBe('noble');
      await expect(olderPage.locator('td.verdict').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verification')))).resolves.toEqual([...timeline.map(() => 'verified'), 'not-covered']);
      await expect(cspViolations(olderPage)).resolves.toEqual([]);
      expect(olderErrors).toEqual([]);
      await older.close();
    });

    /** Opens a path in Swedish (an earlier test leaves the page in English). */
    const openInSwedish = async (path: string) => {
      await page.evaluate(() => (localStorage['samverkan.lang'] = 'sv'));
      await page.goto(`${running.url}${path}`);
    };

    it('says "not live" where nothing is followed (a past "known at", an unknown arrangement) instead of connecting for good', async () => {
      const liveState = page.locator('header .live-state');
      await openInSwedish(`/?county=05&on=2020-06-01&knownAt=${encodeURIComponent(runs.s1.marks['after-proposal'])}`);
      await matrixOn('2020-06-01');
      await page.waitForSelector('header .live-state[data-state="off"]');
      await expect(liveState.textContent()).resolves.toBe('Inte direkt');
      await expect(liveState.getAttribute('data-live')).resolves.toBe('false');
      // Back to now: the feed is followed again.
      await page.getByRole('button', { name: 'Nu', exact: true }).click();
      await page.waitForSelector('header .live-state[data-state="live"]');
      // An unknown arrangement: a clear "not found", and the header does not say "Ansluter…".
      await page.goto(`${running.url}/arrangements/no-such-arrangement`);
      await page.getByTestId('arrangement-not-found').waitFor();
      await expect(page.locator('main h1').textContent()).resolves.toBe('Samverkansformen hittades inte');
      await expect(page.locator('main [role=alert]').textContent()).resolves.toContain('no-such-arrangement');
      await page.waitForSelector('header .live-state[data-state="off"]');
      await expect(liveState.textContent()).resolves.not.toContain('Ansluter');
      // And an unknown path.
      await page.goto(`${running.url}/no/such/page`);
      await expect(page.locator('main h1').textContent()).resolves.toBe('Sidan hittades inte');
      await page.waitForSelector('header .live-state[data-state="off"]');
    });

    it('tells the reader about URL parameters it cannot use, and shows what it falls back to', async () => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      await openInSwedish('/?county=99&on=2020-02-30');
      const bad = page.getByTestId('bad-params');
      await bad.waitFor();
      await expect(bad.getAttribute('role')).resolves.toBe('alert');
      await expect(bad.locator('li[data-param=on]').textContent()).resolves.toBe(`Adressens datum ”2020-02-30” finns inte. Visar i dag, ${today}.`);
      await expect(bad.locator('li[data-param=county]').textContent()).resolves.toBe('Det finns inget län med koden ”99” (adressens län). Visar alla län.');
      // The fallbacks, visibly: today's matrix of every county, the county box on "all counties".
      await matrixOn(today);
      await expect(page.getByTestId('on-output').textContent()).resolves.toBe(today);
      await expect(page.locator('#county').inputValue()).resolves.toBe('');
      await expect(page.locator('tr.county-row').count()).resolves.toBeGreaterThan(1);
      await expect(page.locator('.empty').count()).resolves.toBe(0);
      // The attention list: an unknown kind and a "known at" that is not a time.
      await page.goto(`${running.url}/attention?on=2020-06-01&knownAt=yesterday&kind=nope`);
      await page.getByTestId('attention-list').waitFor();
      await expect(bad.locator('li').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-param')))).resolves.toEqual(['knownAt', 'kind']);
      await expect(bad.textContent()).resolves.toContain('”yesterday”');
      await expect(page.getByTestId('known-at-banner').count()).resolves.toBe(0);
      // A good address has no such message.
      await page.goto(`${running.url}/?county=05&on=2020-06-01`);
      await matrixOn('2020-06-01');
      await expect(bad.count()).resolves.toBe(0);
    });

    it('shows "known at" and the recorded times to the millisecond, so the two sides of a mark differ', async () => {
      await openInSwedish('/?county=05&on=2020-06-01&knownAt=2030-01-01T00:00:00.250Z');
      const banner = page.getByTestId('known-at-banner');
      await banner.waitFor();
      await expect(banner.locator('time').textContent()).resolves.toBe('2030-01-01 00:00:00,250');
      // The events of the log: to the millisecond where they have one.
      await page.goto(`${running.url}/arrangements/lkp-buys-payroll-2020`);
      await page.waitForSelector('[data-testid=arrangement] table.list tbody time');
      const times = await page.locator('[data-testid=arrangement] table.list tbody time').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('dateTime'), n.textContent]));
      expect(times.length).toBeGreaterThan(1);
      for (const [iso, text] of times) {
        const ms = new Date(iso as string).toISOString().slice(20, 23);
        expect(text).toBe(`${(iso as string).slice(0, 10)} ${new Date(iso as string).toISOString().slice(11, 19)}${ms === '000' ? '' : `,${ms}`}`);
      }
      // The mark after the proposal lies between two events; shown, the mark and both events differ.
      const mark = runs.s1.marks['after-proposal'];
      await page.goto(`${running.url}/?county=05&on=2020-06-01&knownAt=${encodeURIComponent(mark)}`);
      const shown = await banner.locator('time').textContent();
      const ms = new Date(mark).toISOString().slice(20, 23);
      expect(shown).toBe(`${mark.slice(0, 10)} ${mark.slice(11, 19)}${ms === '000' ? '' : `,${ms}`}`);
    });

    it('Esc closes the history, an in-app link moves focus to the new heading, and a date before 2000 is told at the slider', async () => {
      await openInSwedish('/?county=05&on=2020-06-01&cell=0580:payroll');
      await page.getByTestId('cell-detail').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'detail-heading');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=cell-detail]', { state: 'detached' });
      expect(new URL(page.url()).searchParams.get('cell')).toBeNull();
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-code') === '0580' && document.activeElement?.getAttribute('data-area') === 'payroll');

      // An in-app link: focus on the new view's main heading, not on the body (nor left on the link).
      await page.getByRole('link', { name: 'Bevakningslista', exact: true }).click();
      await page.getByTestId('attention-list').waitFor();
      await page.waitForFunction(() => document.activeElement !== null && document.activeElement === document.querySelector('main h1'));
      // Also when the view loads first.
      await page.getByRole('link', { name: 'Samverkansformer', exact: true }).click();
      await page.waitForSelector('table.list');
      await page.waitForFunction(() => document.activeElement !== null && document.activeElement === document.querySelector('main h1'));

      // Before 2000: the slider rests at 2000-01-01 and says so.
      await page.goto(`${running.url}/?county=05&on=1995-06-01`);
      await matrixOn('1995-06-01');
      const outside = page.getByTestId('slider-outside');
      await expect(outside.textContent()).resolves.toBe('1995-06-01 ligger utanför skjutreglaget (2000–2030): reglaget står vid 2000-01-01. Matrisen visar 1995-06-01.');
      await expect(page.locator('#on-slider').inputValue()).resolves.toBe('0');
      await expect(page.locator('#on-slider').getAttribute('aria-valuetext')).resolves.toBe('1995-06-01 (utanför reglaget, som står vid 2000-01-01)');
      await expect(page.locator('#on-slider').getAttribute('aria-describedby')).resolves.toContain('on-slider-outside');
      await page.fill('#on-date', '2020-06-01');
      await matrixOn('2020-06-01');
      await expect(outside.count()).resolves.toBe(0);
    }, 60_000); // A dozen browser steps: under the whole suite on two cores, 30 s was once not enough (CI, 2026-12-08).

    it("keeps each county's name in view when the matrix scrolls sideways, also with the history open", async () => {
      // A laptop's width: with the history open the matrix is wider than its box.
      await page.setViewportSize({ width: 1024, height: 768 });
      try {
      await page.goto(`${running.url}/?on=2020-06-01`);
      await matrixOn('2020-06-01');
      await cell('0580', 'payroll').click();
      await page.getByTestId('cell-detail').waitFor();
      const scroller = page.getByTestId('matrix-scroll');
      await scroller.evaluate((node) => (node.scrollLeft = node.scrollWidth));
      await expect(scroller.evaluate((node) => node.scrollLeft)).resolves.toBeGreaterThan(200);
      const box = await scroller.boundingBox();
      expect(box).not.toBeNull();
      const labels = page.locator('tr.county-row .county-label');
      const inView: { text: string | null; inside: boolean }[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await labels.nth(i).boundingBox();
        inView.push({
          text: await labels.nth(i).textContent(),
          inside: r !== null && box !== null && r.width > 0 && r.x >= box.x - 1 && r.x + r.width <= box.x + box.width + 1,
        });
      }
      expect(inView.length).toBe(3);
      for (const label of inView) expect(label).toEqual({ text: expect.stringContaining('län'), inside: true });
      } finally {
        await page.setViewportSize({ width: 1440, height: 900 });
      }
    });

    it('shows that the matrix is being fetched again while the old one is still on screen', async () => {
      await openInSwedish('/?on=2020-06-01');
      await matrixOn('2020-06-01');
      const busy = page.getByTestId('matrix-busy');
      await expect(busy.getAttribute('data-busy')).resolves.toBe('false');
      // The whole-country answer takes 0.5–1 s; here it is held back for 1.5 s so the cue can be seen.
      await page.route('**/v1/matrix?*', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      try {
        await page.fill('#on-date', '2020-06-02');
        await page.waitForSelector('[data-testid=matrix-busy][data-busy=true]');
        await expect(busy.textContent()).resolves.toContain('Uppdaterar matrisen…');
        await expect(busy.getAttribute('role')).resolves.toBe('status');
        await expect(page.getByTestId('matrix-scroll').getAttribute('aria-busy')).resolves.toBe('true');
        await expect(busy.isVisible()).resolves.toBe(true);
        await matrixOn('2020-06-02');
        await page.waitForSelector('[data-testid=matrix-busy][data-busy=false]');
        await expect(page.getByTestId('matrix-scroll').getAttribute('aria-busy')).resolves.toBe('false');
      } finally {
        await page.unrouteAll({ behavior: 'wait' });
      }
    });

    it('fits a 390 px wide phone: no sideways scrolling of the page, and the event log scrolls by keyboard', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await phone.addInitScript(RECORD_CSP_VIOLATIONS);
      await phone.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)});`);
      const small = await phone.newPage();
      try {
        await small.goto(`${running.url}/?on=2026-12-02`);
        await small.waitForSelector('table.matrix[data-on="2026-12-02"]');
        await small.screenshot({ path: join(ARTIFACTS, 'matrix-390.png'), fullPage: false });
        const widths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
        expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
        for (const control of [small.getByRole('link', { name: 'Bevakningslista', exact: true }), small.getByRole('button', { name: 'Nu', exact: true }), small.locator('#on-date'), small.getByTestId('on-output')]) {
          const box = await control.boundingBox();
          expect(box).not.toBeNull();
          expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390).toBe(true);
        }
        // The date on one line (an inline element has a box per line).
        await expect(small.getByTestId('on-output').evaluate((n) => n.getClientRects().length)).resolves.toBe(1);
        // The arrangement's log: wider than the screen, so its scroll box is a named tab stop.
        await small.goto(`${running.url}/arrangements/lkp-buys-payroll-2020`);
        const log = small.getByTestId('log-scroll');
        await log.waitFor();
        await small.screenshot({ path: join(ARTIFACTS, 'arrangement-390.png'), fullPage: true });
        await expect(log.getAttribute('tabindex')).resolves.toBe('0');
        await expect(log.getAttribute('aria-labelledby')).resolves.toBe('log-heading');
        const violations = await seriousAxeViolations(small);
        expect(violations).toEqual([]);
        const arrangementWidths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
        expect(arrangementWidths.scroll).toBeLessThanOrEqual(arrangementWidths.viewport);
        await expect(cspViolations(small)).resolves.toEqual([]);
      } finally {
        await phone.close();
      }
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
