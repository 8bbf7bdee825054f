import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RECORD_CSP_VIOLATIONS, chromiumPath, cspViolations, ensureWebBuilt, launchChromium, seriousAxeViolations } from './support/browser';
import { RunningApp, client, startApp } from './support/start-app';

/**
 * Issue 17, in a real browser: the downloads (the matrix's CSV byte for byte as the API's, the
 * tables as shown), printing the whole matrix on A4 landscape, the charts page and the about
 * page, against the service with the five seed stories. Artifacts go to test/artifacts/dashboard/.
 */

// The functions given to page.evaluate run in the browser; this program has no DOM library, so the little they use is declared here.
interface PageElement {
  tagName: string;
  parentElement: PageElement | null;
  scrollWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const window: { innerWidth: number; getComputedStyle(element: PageElement): { display: string; visibility: string; overflowX: string; overflowY: string; position: string } };
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  documentElement: { scrollWidth: number };
};

const CHROMIUM = chromiumPath();
const ARTIFACTS = resolve(__dirname, 'artifacts/dashboard');
const ADMIN_KEY = 'dashboard-exports-admin-key-5b81e0c2d4';
const READER_KEY = 'dashboard-exports-reader-key-9d27f6a3c1';
/** A4 landscape, 297 mm, less the print stylesheet's 8 mm margins either side, in CSS pixels (96 per inch). */
const PRINTABLE_WIDTH_PX = Math.floor(((297 - 16) / 25.4) * 96);

interface MatrixAnswer {
  on: string;
  serviceAreas: string[];
  rows: { municipality: { code: string; name: string }; cells: Record<string, { provider: { kind: string; name: string; code?: string; id?: string }; basis: { kind: string; id?: string } }> }[];
}

if (!CHROMIUM) {
  // A missing browser is a failure, never a skip (as in test/dashboard.e2e-spec.ts).
  describe('the dashboard’s exports, printing, charts and about page in a real browser', () => {
    it('needs chromium', () => {
      throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (apt-get install -y chromium); scripts/ensure-chromium.sh does it as root.");
    });
  });
} else {
  describe('the dashboard’s exports, printing, charts and about page in a real browser', () => {
    let running: RunningApp;
    let api: ReturnType<typeof client>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let keysDir: string;
    const pageErrors: string[] = [];

    const shoot = (target: Page, name: string) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    /** The API's answer as bytes, with the admin key. */
    const apiBytes = async (path: string, accept: string) => {
      const response = await fetch(`${running.url}${path}`, { headers: { accept, authorization: `Bearer ${ADMIN_KEY}` } });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    const downloadOf = async (target: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> => {
      const [download] = await Promise.all([target.waitForEvent('download'), click()]);
      const path = await download.path();
      return { download, bytes: readFileSync(path) };
    };
    /** A downloaded table: the byte order mark checked and taken off, the CRLF lines. */
    const csvLines = (bytes: Buffer) => {
      expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      // No bare LF outside quotes in these tables: every line ends with CRLF.
      expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
      return text.slice(0, -2).split('\r\n');
    };

    beforeAll(async () => {
      ensureWebBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      // A reader's key too: the about page must say what it may not read rather than break.
      keysDir = mkdtempSync(join(tmpdir(), 'samverkan-exports-keys-'));
      const keysFile = join(keysDir, 'keys.json');
      writeFileSync(keysFile, JSON.stringify([{ name: 'exports-reader', sha256: createHash('sha256').update(READER_KEY).digest('hex'), roles: ['reader'] }]));
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: ADMIN_KEY, SAMVERKAN_API_KEYS_FILE: keysFile } });
      api = client(running.url, { authorization: `Bearer ${ADMIN_KEY}` });
      for (const id of scenarioIds()) await runScenario(running.url, loadScenario(id), { headersFor: () => ({ authorization: `Bearer ${ADMIN_KEY}` }) });
      browser = await launchChromium(CHROMIUM);
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC', acceptDownloads: true });
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      await context.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // The 404 of /v1/audit/checkpoint is the API's "no checkpoint yet", which the event log shows as such.
        const noCheckpointYet = /status of 404/.test(message.text()) && message.location().url.endsWith('/v1/audit/checkpoint');
        if (message.type() === 'error' && !noCheckpointYet) pageErrors.push(`console: ${message.text()} (${message.location().url})`);
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
      if (keysDir) rmSync(keysDir, { recursive: true, force: true });
    });

    it("downloads the matrix's CSV byte for byte as the API answers it, for a county and for the whole country", async () => {
      await page.goto(`${running.url}/?county=05&on=2020-06-01`);
      await page.waitForSelector('table.matrix[data-on="2020-06-01"]');
      const county = await downloadOf(page, () => page.getByTestId('matrix-csv').click());
      expect(county.download.suggestedFilename()).toBe('samverkan-matrix-2020-06-01-05.csv');
      const expected = await apiBytes('/v1/matrix?on=2020-06-01&county=05', 'text/csv');
      expect(county.bytes.equals(expected)).toBe(true);
      // The file is the API's CSV, so Linköping's payroll from Norrköping is in it.
      expect(county.bytes.toString('utf8')).toMatch(/2020-06-01,0580,Linköping,05,payroll,municipality,0581,Norrköping,agreement,/);

      await page.goto(`${running.url}/?on=2020-06-01`);
      await page.waitForSelector('table.matrix[data-on="2020-06-01"]');
      const country = await downloadOf(page, () => page.getByTestId('matrix-csv').click());
      expect(country.download.suggestedFilename()).toBe('samverkan-matrix-2020-06-01.csv');
      const whole = await apiBytes('/v1/matrix?on=2020-06-01', 'text/csv');
      expect(country.bytes.equals(whole)).toBe(true);
      const matrix = (await api.get('/v1/matrix?on=2020-06-01')).body as MatrixAnswer;
      expect(whole.toString('utf8').trimEnd().split('\r\n')).toHaveLength(matrix.rows.length * matrix.serviceAreas.length + 1);
    });

    it('downloads the arrangements, the attention list and an event log as shown: a header and one line per row, BOM and CRLF', async () => {
      await page.goto(`${running.url}/arrangements`);
      await page.waitForSelector('[data-testid=arrangements-list] tbody tr');
      const rows = await page.locator('[data-testid=arrangements-list] tbody tr').count();
      expect(rows).toBe(((await api.get('/v1/arrangements')).body as unknown[]).length);
      const all = await downloadOf(page, () => page.getByTestId('arrangements-csv').click());
      expect(all.download.suggestedFilename()).toBe('samverkan-arrangements.csv');
      const lines = csvLines(all.bytes);
      expect(lines).toHaveLength(rows + 1);
      expect(lines[0]).toBe((await page.locator('[data-testid=arrangements-list] thead th').allTextContents()).join(','));
      const firstTitle = (await page.locator('[data-testid=arrangements-list] tbody tr').first().locator('td').first().textContent()) ?? '';
      expect(lines[1].startsWith(firstTitle.includes(',') ? `"${firstTitle}` : firstTitle)).toBe(true);
      expect(lines.join('\n')).toContain('Linköping köper löne- och personaladministration av Norrköping');

      // Filtered (the list's own filter, in the URL): the file has the rows shown, no more.
      await page.goto(`${running.url}/arrangements?kind=agreement`);
      await page.waitForFunction(() => {
        const rows = Array.from(document.querySelectorAll('[data-testid=arrangements-list] tbody tr'));
        return rows.length > 0 && rows.every((r) => r.getAttribute('data-kind') === 'agreement');
      });
      const shown = await page.locator('[data-testid=arrangements-list] tbody tr').count();
      expect(shown).toBeLessThan(rows);
      const agreements = await downloadOf(page, () => page.getByTestId('arrangements-csv').click());
      expect(csvLines(agreements.bytes)).toHaveLength(shown + 1);

      await page.goto(`${running.url}/attention?on=2020-06-01`);
      await page.getByTestId('attention-list').waitFor();
      const attentionRows = await page.locator('[data-testid=attention-list] tbody tr').count();
      expect(attentionRows).toBeGreaterThan(0);
      const attention = await downloadOf(page, () => page.getByTestId('attention-csv').click());
      expect(attention.download.suggestedFilename()).toBe('samverkan-attention-2020-06-01.csv');
      expect(csvLines(attention.bytes)).toHaveLength(attentionRows + 1);

      await page.goto(`${running.url}/arrangements/lkp-buys-payroll-2020`);
      await page.waitForSelector('[data-testid=log-scroll] table tbody tr');
      const logRows = await page.locator('[data-testid=log-scroll] table tbody tr').count();
      const log = await downloadOf(page, () => page.getByTestId('log-csv').click());
      expect(log.download.suggestedFilename()).toBe('samverkan-lkp-buys-payroll-2020-log.csv');
      const logLines = csvLines(log.bytes);
      expect(logLines).toHaveLength(logRows + 1);
      const timeline = (await api.get('/v1/arrangements/lkp-buys-payroll-2020/timeline')).body as { position: number }[];
      expect(logLines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(timeline.map((e) => e.position));
    });

    it('prints the whole matrix: all 290 rows and every service area on A4 landscape pages, the header repeated, nothing clipped, no controls', async () => {
      const matrix = (await api.get('/v1/matrix?on=2020-06-01')).body as MatrixAnswer;
      expect(matrix.rows).toHaveLength(290);
      // The layout width of the paper: the table must fit it in print.
      await page.setViewportSize({ width: PRINTABLE_WIDTH_PX, height: 900 });
      await page.goto(`${running.url}/?on=2020-06-01`);
      await page.waitForSelector('table.matrix[data-on="2020-06-01"]');
      await expect(page.getByTestId('matrix-print').getAttribute('aria-label')).resolves.toBe('Skriv ut hela matrisen (A4 liggande)');
      await page.emulateMedia({ media: 'print' });
      try {
        const print = await page.evaluate(() => {
          const table = document.querySelector('table.matrix') as PageElement;
          const rows = Array.from(table.querySelectorAll('tbody tr:not(.county-row)'));
          const visible = (e: PageElement) => {
            const box = e.getBoundingClientRect();
            const style = window.getComputedStyle(e);
            return box.width > 0 && box.height > 0 && style.display !== 'none' && style.visibility !== 'hidden';
          };
          const clipping: string[] = [];
          for (let e = table.parentElement; e; e = e.parentElement) {
            const style = window.getComputedStyle(e);
            if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clipping.push(`${e.tagName}.${e.getAttribute('class') ?? ''} ${style.overflowX}/${style.overflowY}`);
          }
          const sticky = Array.from(table.querySelectorAll('th')).filter((th) => window.getComputedStyle(th).position === 'sticky').length;
          const hidden = ['.topbar', '.export-tools', '.time-controls', '#county', '#filter'].filter((s) => {
            const e = document.querySelector(s);
            return e !== null && visible(e);
          });
          const caption = document.querySelector('[data-testid=print-caption]');
          return {
            rows: rows.length,
            visibleRows: rows.filter(visible).length,
            columns: table.querySelectorAll('thead th.area').length,
            cellsInRow: rows.length ? rows[0].querySelectorAll('button.cell').length : 0,
            visibleCells: Array.from(table.querySelectorAll('button.cell')).filter(visible).length,
            theadDisplay: window.getComputedStyle(table.querySelectorAll('thead')[0]).display,
            tableWidth: table.scrollWidth,
            pageWidth: document.documentElement.scrollWidth,
            clipping,
            sticky,
            hidden,
            caption: caption && visible(caption) ? (caption as unknown as { textContent: string }).textContent : null,
          };
        });
        expect(print.rows).toBe(290);
        expect(print.visibleRows).toBe(290);
        expect(print.columns).toBe(matrix.serviceAreas.length);
        expect(print.cellsInRow).toBe(matrix.serviceAreas.length);
        expect(print.visibleCells).toBe(290 * matrix.serviceAreas.length);
        expect(print.theadDisplay).toBe('table-header-group');
        expect(print.clipping).toEqual([]);
        expect(print.sticky).toBe(0);
        expect(print.tableWidth).toBeLessThanOrEqual(PRINTABLE_WIDTH_PX);
        expect(print.pageWidth).toBeLessThanOrEqual(PRINTABLE_WIDTH_PX);
        expect(print.hidden).toEqual([]);
        expect(print.caption).toMatch(/^Alla län\. Registret den 2020-06-01, som det är känt nu\. Utskrivet \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(,\d{1,3})?\.$/);

        // What the first printed page looks like (the PDF itself is matrix-print.pdf).
        await page.screenshot({ path: join(ARTIFACTS, 'matrix-print-preview.png') });
        const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, path: join(ARTIFACTS, 'matrix-print.pdf') });
        const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
        expect(pages.length).toBeGreaterThan(1);
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      } finally {
        await page.emulateMedia({ media: 'screen' });
        await page.setViewportSize({ width: 1440, height: 900 });
      }
    }, 60_000);

    it('charts the cells per basis and year: the bars add up to the matrix of each year, for the country and for a county', async () => {
      await page.goto(`${running.url}/charts`);
      const section = page.getByTestId('basis-section');
      await section.waitFor();
      const years = Number(await section.getAttribute('data-years'));
      const thisYear = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric' }).format(new Date()));
      expect(years).toBe(thisYear - 2000 + 1);
      await page.waitForSelector(`[data-testid=basis-section][data-done="${years}"]`, { timeout: 90_000 });
      await expect(page.getByTestId('basis-progress').textContent()).resolves.toBe(`Alla ${years} år hämtade.`);
      const bars = () =>
        page.locator('[data-testid=basis-chart] g.bar').evaluateAll((groups) =>
          groups.map((g) => ({
            year: Number(g.getAttribute('data-year')),
            total: Number(g.getAttribute('data-total')),
            parts: Object.fromEntries(Array.from(g.querySelectorAll('rect[data-kind]')).map((r) => [r.getAttribute('data-kind'), Number(r.getAttribute('data-count'))])),
          })),
        );
      const country = await bars();
      expect(country).toHaveLength(years);
      const counts = (m: MatrixAnswer) => {
        const out: Record<string, number> = {};
        for (const row of m.rows) for (const area of m.serviceAreas) out[row.cells[area].basis.kind] = (out[row.cells[area].basis.kind] ?? 0) + 1;
        return out;
      };
      for (const year of [2000, 2008, 2020, thisYear]) {
        const m = (await api.get(`/v1/matrix?on=${year}-07-01`)).body as MatrixAnswer;
        const bar = country.find((b) => b.year === year);
        expect(bar?.total).toBe(m.rows.length * m.serviceAreas.length);
        expect(Object.values(bar?.parts ?? {}).reduce((a: number, b) => a + Number(b), 0)).toBe(290 * m.serviceAreas.length);
        expect(bar?.parts).toEqual(counts(m));
      }
      // The table alternative holds the same numbers.
      await page.locator('[data-testid=basis-section] details summary').click();
      const row2020 = await page.locator('[data-testid=basis-table] tbody tr').nth(2020 - 2000).locator('td').allTextContents();
      expect(Number(row2020[row2020.length - 1].replace(/\s/g, ''))).toBe(290 * (await api.get('/v1/service-areas')).body.length);

      // A county: Östergötland.
      await page.selectOption('#chart-county', '05');
      await page.waitForSelector(`[data-testid=basis-section][data-county="05"][data-done="${years}"]`, { timeout: 60_000 });
      const ostergotland = await bars();
      const m2020 = (await api.get('/v1/matrix?on=2020-07-01&county=05')).body as MatrixAnswer;
      expect(ostergotland.find((b) => b.year === 2020)?.total).toBe(m2020.rows.length * m2020.serviceAreas.length);
      expect(ostergotland.find((b) => b.year === 2020)?.parts).toEqual(counts(m2020));
      // Back to the country: drawn from the cache at once, with no new request for the matrix.
      let refetched = 0;
      page.on('request', (request) => {
        if (request.url().includes('/v1/matrix?on=') && request.url().includes('-07-01')) refetched += 1;
      });
      await page.selectOption('#chart-county', '');
      await page.waitForSelector(`[data-testid=basis-section][data-county=""][data-done="${years}"]`);
      expect(refetched).toBe(0);

      // The arrangements per kind equal the API's list.
      const list = (await api.get('/v1/arrangements')).body as { kind: string }[];
      const kinds = await page.locator('[data-testid=kinds-chart] g.kind-bar').evaluateAll((groups) => Object.fromEntries(groups.map((g) => [g.getAttribute('data-kind'), Number(g.getAttribute('data-count'))])));
      for (const kind of ['federation', 'joint-committee', 'agreement', 'study']) expect(kinds[kind]).toBe(list.filter((a) => a.kind === kind).length);
    }, 150_000);

    it("lists what changed in Östergötland between 2019-12-31 and 2020-06-01, Linköping's payroll among it, as the API's matrices say", async () => {
      await page.goto(`${running.url}/charts?cc=05&from=2019-12-31&to=2020-06-01`);
      await page.waitForSelector('[data-testid=changes-section][data-ready=true]', { timeout: 60_000 });
      const [before, after] = await Promise.all(['2019-12-31', '2020-06-01'].map(async (on) => (await api.get(`/v1/matrix?on=${on}&county=05`)).body as MatrixAnswer));
      const expected: string[] = [];
      const old = new Map(before.rows.map((r) => [r.municipality.code, r.cells]));
      for (const row of after.rows)
        for (const area of after.serviceAreas) {
          const p = old.get(row.municipality.code)?.[area];
          const q = row.cells[area];
          if (p && (p.provider.name !== q.provider.name || p.provider.kind !== q.provider.kind || p.basis.kind !== q.basis.kind || p.basis.id !== q.basis.id)) expected.push(`${row.municipality.code}:${area}`);
        }
      expect(expected).toContain('0580:payroll');
      const shown = await page.locator('[data-testid=changes-table] tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-code')}:${r.getAttribute('data-area')}`));
      expect([...shown].sort()).toEqual([...expected].sort());
      const payroll = page.locator('[data-testid=changes-table] tbody tr[data-code="0580"][data-area="payroll"] td');
      const texts = await payroll.allTextContents();
      expect(texts[0]).toBe('Linköping');
      expect(texts[1]).toBe('Löneadministration');
      expect(texts[2]).toContain('Kommunalförbundet 4:e storstadsregionen');
      expect(texts[3]).toContain('Norrköping');
      expect(texts[3]).toContain('Avtalssamverkan: Linköping köper löne- och personaladministration av Norrköping');
      await expect(page.getByTestId('changes-count').textContent()).resolves.toBe(`${expected.length} celler ändrades mellan 2019-12-31 och 2020-06-01.`);
      const file = await downloadOf(page, () => page.getByTestId('changes-csv').click());
      expect(file.download.suggestedFilename()).toBe('samverkan-changes-2019-12-31-2020-06-01-05.csv');
      const lines = csvLines(file.bytes);
      expect(lines).toHaveLength(expected.length + 1);
      expect(lines.find((l) => l.startsWith('Linköping,Löneadministration,'))).toContain('Norrköping');
      // Every table alternative open, so that axe checks them too.
      for (const details of await page.locator('details').all()) if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
      await expect(page.locator('details:not([open])').count()).resolves.toBe(0);
      await shoot(page, 'charts-1440');
      await expect(seriousAxeViolations(page)).resolves.toEqual([]);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    }, 90_000);

    it("shows the latest checkpoint's tree size as the API's, its signature checked, and the log's position as /health's", async () => {
      const recorded = await api.post('/v1/audit/checkpoints');
      expect(recorded.status).toBe(201);
      const note = await api.get('/v1/audit/checkpoint');
      const treeSize = Number(note.text.split('\n')[1]);
      expect(treeSize).toBeGreaterThan(0);
      await page.goto(`${running.url}/about`);
      await page.waitForSelector('[data-testid=checkpoint][data-state=ok]');
      await expect(page.getByTestId('tree-size').textContent()).resolves.toBe(String(treeSize));
      await expect(page.getByTestId('checkpoint').getAttribute('data-tree-size')).resolves.toBe(String(treeSize));
      await expect(page.getByTestId('root-hash').textContent()).resolves.toBe(note.text.split('\n')[2]);
      await expect(page.getByTestId('signature').getAttribute('data-verified')).resolves.toBe('true');
      const health = await client(running.url).get('/health');
      await expect(page.getByTestId('log-position').textContent()).resolves.toBe(String(health.body.projection.position));
      const latest = (await api.get(`/v1/audit/events?after=${health.body.projection.position - 1}&limit=1`)).body as { type: string; stream: string; recordedAt: string }[];
      await expect(page.getByTestId('latest-event').textContent()).resolves.toBe(`${latest[0].type} i ${latest[0].stream}`);
      await expect(page.getByTestId('latest-recorded').getAttribute('dateTime')).resolves.toBe(latest[0].recordedAt);
      const statement = page.getByTestId('accessibility-statement');
      await expect(statement.locator('h2').textContent()).resolves.toBe('Tillgänglighetsredogörelse');
      await expect(statement.textContent()).resolves.toContain('Myndigheten för digital förvaltning (DIGG)');
      await expect(statement.textContent()).resolves.toContain('lagen (2018:1937)');
      await expect(statement.textContent()).resolves.toContain('WCAG 2.1 på nivå AA');
      await expect(page.getByTestId('statement-date').textContent()).resolves.toContain('2026-12-04');
      await expect(page.locator('main').textContent()).resolves.toContain('okfse/sweden-geojson');
      await expect(page.locator('main').textContent()).resolves.toContain('Valmyndighetens');
      await expect(page.locator('main').textContent()).resolves.toContain('290 kommunerna');
      await page.locator('[data-testid=checkpoint] details summary').click();
      await shoot(page, 'about-1440');
      await expect(seriousAxeViolations(page)).resolves.toEqual([]);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
      // In English too.
      await page.getByTestId('language').click();
      await expect(page.locator('main h1').textContent()).resolves.toBe('About the data and accessibility');
      await expect(page.getByTestId('accessibility-statement').locator('h2').textContent()).resolves.toBe('Accessibility statement');
      await page.getByTestId('language').click();
    });

    it("tells a reader's key what it may not read on the about page, instead of breaking", async () => {
      const readerContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await readerContext.addInitScript(RECORD_CSP_VIOLATIONS);
      await readerContext.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(READER_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      const reader = await readerContext.newPage();
      const errors: string[] = [];
      reader.on('pageerror', (error) => errors.push(error.message));
      try {
        await reader.goto(`${running.url}/about`);
        await reader.waitForSelector('[data-testid=checkpoint][data-state=forbidden]');
        await expect(reader.getByTestId('audit-forbidden').textContent()).resolves.toContain('Din nyckel får inte läsa granskningsloggen');
        const health = await client(running.url).get('/health');
        await expect(reader.getByTestId('log-position').textContent()).resolves.toBe(String(health.body.projection.position));
        await expect(reader.getByTestId('latest-event').count()).resolves.toBe(0);
        await expect(cspViolations(reader)).resolves.toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await readerContext.close();
      }
    });

    it('fits a 390 px wide phone on the charts and about pages: no sideways scroll, axe clean', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await phone.addInitScript(RECORD_CSP_VIOLATIONS);
      await phone.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      const small = await phone.newPage();
      const errors: string[] = [];
      small.on('pageerror', (error) => errors.push(error.message));
      try {
        await small.goto(`${running.url}/charts?county=05&cc=05&from=2019-12-31&to=2020-06-01`);
        const years = Number(await small.getByTestId('basis-section').getAttribute('data-years'));
        await small.waitForSelector(`[data-testid=basis-section][data-done="${years}"]`, { timeout: 60_000 });
        await small.waitForSelector('[data-testid=changes-section][data-ready=true]');
        for (const summary of await small.locator('details summary').all()) await summary.click();
        const chartWidths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth, chart: (document.querySelector('[data-testid=basis-chart]') as PageElement).getBoundingClientRect().width }));
        expect(chartWidths.scroll).toBeLessThanOrEqual(chartWidths.viewport);
        expect(chartWidths.chart).toBeLessThanOrEqual(390);
        expect(chartWidths.chart).toBeGreaterThan(250);
        await expect(seriousAxeViolations(small)).resolves.toEqual([]);
        await shoot(small, 'charts-390');

        await small.goto(`${running.url}/about`);
        await small.waitForSelector('[data-testid=checkpoint][data-state=ok]');
        await small.locator('[data-testid=checkpoint] details summary').click();
        const aboutWidths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
        expect(aboutWidths.scroll).toBeLessThanOrEqual(aboutWidths.viewport);
        await expect(seriousAxeViolations(small)).resolves.toEqual([]);
        await shoot(small, 'about-390');
        await expect(cspViolations(small)).resolves.toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await phone.close();
      }
    }, 120_000);

    it('runs under the Content-Security-Policy with no violation and no script error, downloads included', async () => {
      await expect(cspViolations(page)).resolves.toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
}
