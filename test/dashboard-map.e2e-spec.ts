import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RECORD_CSP_VIOLATIONS, chromiumPath, cspViolations, ensureWebBuilt, launchChromium, seriousAxeViolations } from './support/browser';
import { RunningApp, client, startApp } from './support/start-app';

/**
 * Issue 17, the dashboard's map of Sweden's 290 municipalities (/map), in a real browser:
 * Debian's chromium, headless, driven by playwright-core, against the whole service with API
 * keys configured and the seed stories S1–S5 loaded. Every colour is checked against what the
 * API answers for the same question, never against a copy of it. Screenshots go to
 * test/artifacts/dashboard/map-1440.png and map-390.png (git-ignored).
 */

// The functions given to page.evaluate and waitForFunction run in the browser; this program has no DOM library,
// so the little of the browser they use is declared here.
interface PageElement {
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
declare const window: { innerWidth: number; getComputedStyle(element: PageElement): { fill: string } };
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  elementFromPoint(x: number, y: number): PageElement | null;
};

const CHROMIUM = chromiumPath();
const ARTIFACTS = resolve(__dirname, 'artifacts/dashboard');
const ADMIN_KEY = 'dashboard-map-e2e-admin-key-3b8e1f';
/** Linköping, whose payroll the seed stories move from the federation to Norrköping's agreement and back in-house. */
const LINKOPING = '0580';

interface Cell {
  basis: { kind: string; id?: string };
  provider: { name: string };
  lapsed: boolean;
  since: string | null;
}
interface MatrixAnswer {
  on: string;
  rows: { municipality: { code: string }; cells: Record<string, Cell> }[];
}

/** What a path on the map shows: its code and data attributes, and the fill the browser painted. */
interface Drawn {
  code: string;
  basis: string;
  lapsed: string;
  shown: string;
  provider: string;
  fill: string;
}

if (!CHROMIUM) {
  // A missing browser is a failure, never a skip: `npm test` and .ci/run install chromium first (scripts/ensure-chromium.sh).
  describe('the dashboard’s map in a real browser', () => {
    it('needs chromium', () => {
      throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (apt-get install -y chromium); scripts/ensure-chromium.sh does it as root.");
    });
  });
} else {
  describe('the dashboard’s map in a real browser', () => {
    let running: RunningApp;
    let api: ReturnType<typeof client>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let payrollSlug: string;
    /** Script errors and console errors. */
    const pageErrors: string[] = [];

    const shoot = (target: Page, name: string) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const mapOn = (target: Page, date: string, area: string) => target.waitForSelector(`svg.map-svg[data-on="${date}"][data-area="${area}"]`);

    /** The map's 290 paths as drawn. */
    const drawn = (target: Page): Promise<Drawn[]> =>
      target.evaluate(() =>
        Array.from(document.querySelectorAll('svg.map-svg path.map-shape')).map((p) => ({
          code: p.getAttribute('data-code') ?? '',
          basis: p.getAttribute('data-basis') ?? '',
          lapsed: p.getAttribute('data-lapsed') ?? '',
          shown: p.getAttribute('data-shown') ?? '',
          provider: p.getAttribute('data-provider') ?? '',
          fill: window.getComputedStyle(p).fill,
        })),
      );

    /** The API's answer for the same question, as the map should show it. */
    const expected = async (on: string, area: string): Promise<Map<string, Cell>> => {
      const answer = await api.get(`/v1/matrix?on=${on}`);
      expect(answer.status).toBe(200);
      const matrix = answer.body as MatrixAnswer;
      expect(matrix.on).toBe(on);
      return new Map(matrix.rows.map((r) => [r.municipality.code, r.cells[area]]));
    };

    /** Every path against the API: basis, lapse, provider, and a fill of the kind's own (a colour, or the kind's pattern). */
    const expectDrawnAsAnswered = async (on: string, area: string) => {
      const cells = await expected(on, area);
      const paths = await drawn(page);
      expect(paths.length).toBe(290);
      expect(new Set(paths.map((p) => p.code))).toEqual(new Set(cells.keys()));
      for (const p of paths) {
        const cell = cells.get(p.code);
        expect({ code: p.code, basis: p.basis, lapsed: p.lapsed, provider: p.provider }).toEqual({ code: p.code, basis: cell?.basis.kind, lapsed: String(cell?.lapsed), provider: cell?.provider.name });
        expect(p.shown).toBe(cell?.lapsed ? 'lapsed' : cell?.basis.kind);
      }
      // One fill per shown kind, and different kinds never share one.
      const fillOf = new Map<string, Set<string>>();
      for (const p of paths) fillOf.set(p.shown, (fillOf.get(p.shown) ?? new Set()).add(p.fill));
      for (const [kind, fills] of fillOf) expect([kind, fills.size]).toEqual([kind, 1]);
      const fills = [...fillOf.values()].map((f) => [...f][0]);
      expect(new Set(fills).size).toBe(fills.length);
      return { cells, paths };
    };

    beforeAll(async () => {
      ensureWebBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: ADMIN_KEY } });
      api = client(running.url, { authorization: `Bearer ${ADMIN_KEY}` });
      for (const id of scenarioIds()) await runScenario(running.url, loadScenario(id), { headersFor: () => ({ authorization: `Bearer ${ADMIN_KEY}` }) });
      // The payroll service area, found by its Swedish name in the register's reference data.
      const areas = (await api.get('/v1/service-areas')).body as { slug: string; nameSv: string }[];
      payrollSlug = areas.find((a) => a.nameSv === 'Löneadministration')?.slug ?? '';
      expect(payrollSlug).not.toBe('');
      browser = await launchChromium(CHROMIUM);
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      await context.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)});`);
      page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
      });
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
    });

    it('is in the main navigation, which keeps the date and "known at"', async () => {
      await page.goto(`${running.url}/?on=2020-06-01`);
      await page.waitForSelector('table.matrix[data-on="2020-06-01"]');
      await page.getByRole('navigation', { name: 'Huvudmeny', exact: true }).getByRole('link', { name: 'Karta', exact: true }).click();
      await page.waitForSelector('svg.map-svg[data-on="2020-06-01"]');
      const url = new URL(page.url());
      expect(url.pathname).toBe('/map');
      expect(url.searchParams.get('on')).toBe('2020-06-01');
      await expect(page.title()).resolves.toBe('Karta · Samverkan');
      await expect(page.getByRole('navigation', { name: 'Huvudmeny', exact: true }).getByRole('link', { name: 'Karta', exact: true }).getAttribute('aria-current')).resolves.toBe('page');
    });

    it("draws the 290 municipalities, each coloured by payroll's basis on 2020-06-01 as the API answers it, Linköping by Norrköping's agreement", async () => {
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01`);
      await mapOn(page, '2020-06-01', payrollSlug);
      await expect(page.locator('#map-area').inputValue()).resolves.toBe(payrollSlug);
      const { cells, paths } = await expectDrawnAsAnswered('2020-06-01', payrollSlug);
      const linkoping = paths.find((p) => p.code === LINKOPING);
      expect(cells.get(LINKOPING)?.basis.kind).toBe('agreement');
      expect(linkoping).toEqual(expect.objectContaining({ basis: 'agreement', shown: 'agreement', provider: 'Norrköping', lapsed: 'false' }));
      expect(linkoping?.fill).toContain('map-fill-agreement');
      // The seed stories put more than one kind on the map that day, so the colours say something.
      expect(new Set(paths.map((p) => p.shown)).size).toBeGreaterThan(1);
      // The legend counts each kind, so that it does not rest on colour alone.
      const legend = await page
        .getByTestId('map-legend')
        .locator('li')
        .evaluateAll((items) => items.map((li) => [li.getAttribute('data-shown'), Number(li.getAttribute('data-count')), li.textContent]));
      for (const [kind, count, text] of legend) {
        expect(count).toBe(paths.filter((p) => p.shown === kind).length);
        expect(text).toContain(`${count} kommun`);
      }
      expect(legend.map(([kind]) => kind)).toEqual(['in-house', 'federation', 'joint-committee', 'agreement', 'lapsed']);
      // The county borders are drawn on top.
      await expect(page.locator('svg.map-svg .map-counties path').count()).resolves.toBe(21);
    });

    it('changing the date changes the colours as the API answers, fetching only the chosen service area', async () => {
      const fetched: string[] = [];
      const record = (request: { url(): string }) => {
        if (request.url().includes('/v1/matrix')) fetched.push(new URL(request.url()).search);
      };
      page.on('request', record);
      await page.fill('#on-date', '2019-12-31');
      await mapOn(page, '2019-12-31', payrollSlug);
      const before = await expectDrawnAsAnswered('2019-12-31', payrollSlug);
      expect(before.paths.find((p) => p.code === LINKOPING)).toEqual(expect.objectContaining({ basis: 'federation', provider: 'Kommunalförbundet 4:e storstadsregionen' }));
      await page.fill('#on-date', '2023-01-01');
      await mapOn(page, '2023-01-01', payrollSlug);
      const after = await expectDrawnAsAnswered('2023-01-01', payrollSlug);
      expect(after.paths.find((p) => p.code === LINKOPING)).toEqual(expect.objectContaining({ basis: 'in-house', lapsed: 'true', shown: 'lapsed' }));
      expect(after.paths.find((p) => p.code === LINKOPING)?.fill).toContain('map-fill-lapsed');
      expect(new URL(page.url()).searchParams.get('on')).toBe('2023-01-01');
      page.off('request', record);
      expect(fetched).toEqual([`?on=2019-12-31&serviceArea=${payrollSlug}`, `?on=2023-01-01&serviceArea=${payrollSlug}`]);
    });

    it('choosing another service area colours the map by that one', async () => {
      const areas = (await api.get('/v1/service-areas')).body as { slug: string; nameSv: string }[];
      const other = areas.find((a) => a.nameSv === 'Personaladministration') ?? areas[1];
      await page.selectOption('#map-area', other.slug);
      await mapOn(page, '2023-01-01', other.slug);
      expect(new URL(page.url()).searchParams.get('area')).toBe(other.slug);
      await expectDrawnAsAnswered('2023-01-01', other.slug);
      await page.selectOption('#map-area', payrollSlug);
      await mapOn(page, '2023-01-01', payrollSlug);
    });

    it('a transfer sent through the API recolours the open map without a reload', async () => {
      await page.waitForSelector('[data-live="true"]');
      await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
      const ydre = page.locator('path.map-shape[data-code="0513"]');
      await expect(ydre.getAttribute('data-basis')).resolves.toBe('in-house');
      const formed = await api.post('/v1/federations', { id: 'map-payroll-federation', name: 'Löneförbundet Ydre–Kinda', form: 'federation', members: ['0512', '0513'], serviceAreas: [payrollSlug], decidedOn: '2019-06-10', effectiveFrom: '2020-01-01' });
      expect(formed.status).toBe(201);
      const transferred = await api.post('/v1/municipalities/0513/transfers', { serviceArea: payrollSlug, basis: { kind: 'federation', id: 'map-payroll-federation' }, decidedOn: '2019-06-10', effectiveFrom: '2020-01-01' });
      expect(transferred.status).toBe(201);
      await page.waitForFunction(() => document.querySelector('path.map-shape[data-code="0513"]')?.getAttribute('data-basis') === 'federation', undefined, { timeout: 10_000 });
      await expect(ydre.getAttribute('data-provider')).resolves.toBe('Löneförbundet Ydre–Kinda');
      await expectDrawnAsAnswered('2023-01-01', payrollSlug);
      await expect(page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).resolves.toBe(true);
    });

    it('hovering a municipality shows its name, provider, basis and since', async () => {
      await page.fill('#on-date', '2020-06-01');
      await mapOn(page, '2020-06-01', payrollSlug);
      const shape = page.locator(`path.map-shape[data-code="${LINKOPING}"]`);
      await shape.scrollIntoViewIfNeeded();
      const box = await shape.boundingBox();
      expect(box).not.toBeNull();
      // A point of Linköping itself (not a neighbour in its bounding box): the one the browser finds under the pointer.
      const point = await page.evaluate(
        ([code, b]) => {
          for (let fy = 0.5; fy < 1; fy += 0.1)
            for (let fx = 0.5; fx < 1; fx += 0.1)
              for (const [x, y] of [
                [b.x + b.width * fx, b.y + b.height * fy],
                [b.x + b.width * (1 - fx), b.y + b.height * (1 - fy)],
              ]) {
                const hit = document.elementFromPoint(x, y);
                if (hit?.getAttribute('data-code') === code) return { x, y };
              }
          return null;
        },
        [LINKOPING, box ?? { x: 0, y: 0, width: 0, height: 0 }] as const,
      );
      expect(point).not.toBeNull();
      await page.mouse.move(point?.x ?? 0, point?.y ?? 0);
      const tooltip = page.getByTestId('map-tooltip');
      await tooltip.waitFor();
      const text = await tooltip.textContent();
      expect(text).toContain('Linköping');
      expect(text).toContain('Norrköping');
      expect(text).toContain('Avtalssamverkan');
      expect(text).toContain('2020-01-01');
      const info = page.getByTestId('map-info');
      await expect(info.getAttribute('data-code')).resolves.toBe(LINKOPING);
      await expect(page.getByTestId('map-info-provider').textContent()).resolves.toBe('Norrköping');
      // The basis by the arrangement's title, not its id.
      await expect(page.getByTestId('map-info-basis').textContent()).resolves.toContain('Linköping köper löne- och personaladministration av Norrköping');
      await expect(page.getByTestId('map-info-since').textContent()).resolves.toBe('2020-01-01');
      await shoot(page, 'map-1440');
      await page.mouse.move(2, 2);
      await tooltip.waitFor({ state: 'detached' });
    });

    it('is one tab stop; the arrow keys move to a neighbour that way, and Enter opens the municipality’s page', async () => {
      await page.locator('#map-county').focus();
      await page.keyboard.press('Tab');
      const focused = () => page.evaluate(() => document.activeElement?.closest('a.map-link')?.getAttribute('data-code') ?? null);
      const first = await focused();
      if (first === null) throw new Error(`focus is on ${await page.evaluate(() => (document.activeElement as unknown as { outerHTML: string } | null)?.outerHTML.slice(0, 200))}`);
      expect(first).toMatch(/^\d{4}$/);
      await expect(page.locator('svg.map-svg a.map-link[tabindex="0"]').count()).resolves.toBe(1);
      await expect(page.getByTestId('map-info').getAttribute('data-code')).resolves.toBe(first);
      const centre = async (code: string | null) => {
        const b = await page.locator(`path.map-shape[data-code="${code}"]`).boundingBox();
        return { x: (b?.x ?? 0) + (b?.width ?? 0) / 2, y: (b?.y ?? 0) + (b?.height ?? 0) / 2 };
      };
      // Down moves south, and the tab stop moves with the focus.
      await page.keyboard.press('ArrowDown');
      const south = await focused();
      expect(south).not.toBe(first);
      expect((await centre(south)).y).toBeGreaterThan((await centre(first)).y);
      await expect(page.locator(`svg.map-svg a.map-link[data-code="${south}"]`).getAttribute('tabindex')).resolves.toBe('0');
      await page.keyboard.press('ArrowLeft');
      const west = await focused();
      expect(west).not.toBe(south);
      expect((await centre(west)).x).toBeLessThan((await centre(south)).x);
      // Page Down: the next in list order; Tab leaves the map in one step.
      await page.keyboard.press('PageDown');
      const next = await focused();
      expect(next).not.toBe(west);
      await page.keyboard.press('Tab');
      await expect(focused()).resolves.toBeNull();
      await page.keyboard.press('Shift+Tab');
      await expect(focused()).resolves.toBe(next);
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === `/municipalities/${next}`);
      expect(new URL(page.url()).searchParams.get('on')).toBe('2020-06-01');
    });

    it('offers the map as a table, with the same answers and links to each municipality', async () => {
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01`);
      await mapOn(page, '2020-06-01', payrollSlug);
      const table = page.getByTestId('map-table');
      await table.locator('summary').click();
      await table.locator('tbody tr').nth(289).waitFor();
      const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-code'), tr.getAttribute('data-basis'), tr.getAttribute('data-lapsed')]));
      const cells = await expected('2020-06-01', payrollSlug);
      expect(rows.length).toBe(290);
      for (const [code, basis, lapsed] of rows) expect([code, basis, lapsed]).toEqual([code, cells.get(code ?? '')?.basis.kind, String(cells.get(code ?? '')?.lapsed)]);
      const link = table.locator(`tr[data-code="${LINKOPING}"] a`);
      await expect(link.textContent()).resolves.toBe('Linköping');
      await expect(link.getAttribute('href')).resolves.toBe(`/municipalities/${LINKOPING}?on=2020-06-01`);
      await expect(table.locator(`tr[data-code="${LINKOPING}"]`).textContent()).resolves.toContain('Norrköping');
      const violations = await seriousAxeViolations(page);
      expect(violations).toEqual([]);
    });

    it('zooms to a county: its municipalities fill the map and are the only links, the legend counts them', async () => {
      const inCounty = ((await api.get('/v1/municipalities?county=01')).body as { code: string }[]).map((m) => m.code);
      expect(inCounty.length).toBeGreaterThan(20);
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01&county=01`);
      await mapOn(page, '2020-06-01', payrollSlug);
      const svg = page.locator('svg.map-svg');
      await expect(svg.getAttribute('data-county')).resolves.toBe('01');
      await expect(svg.getAttribute('aria-label')).resolves.toBe(`Karta över Stockholms län, ${inCounty.length} kommuner: Löneadministration den 2020-06-01`);
      await expect(page.locator('#map-county').inputValue()).resolves.toBe('01');
      // All 290 still drawn (the neighbours dimmed, for context), the county's as links.
      await expect(page.locator('svg.map-svg path.map-shape').count()).resolves.toBe(290);
      const links = await page.locator('svg.map-svg a.map-link').evaluateAll((as) => as.map((a) => a.getAttribute('data-code')));
      expect(links.sort()).toEqual([...inCounty].sort());
      // The whole country is 430 units wide; Stockholms län a fraction of it, so Sundbyberg (0183, 9 km²) can be pointed at.
      const [, , width] = ((await svg.getAttribute('viewBox')) ?? '').split(' ').map(Number);
      expect(width).toBeLessThan(430 / 4);
      const sundbyberg = await page.locator('path.map-shape[data-code="0183"]').boundingBox();
      expect(sundbyberg?.width ?? 0).toBeGreaterThan(8);
      const legend = await page.getByTestId('map-legend').locator('li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-count'))));
      expect(legend.reduce((a, b) => a + b, 0)).toBe(inCounty.length);
      // The keyboard stays in the county.
      await page.locator('#map-county').focus();
      await page.keyboard.press('Tab');
      for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowLeft', 'End', 'PageDown']) {
        await page.keyboard.press(key);
        const code = await page.evaluate(() => document.activeElement?.closest('a.map-link')?.getAttribute('data-code') ?? null);
        expect(inCounty).toContain(code);
      }
      await page.locator('#map-county').focus();
      await shoot(page, 'map-county-1440');
      // Back to the whole country.
      await page.selectOption('#map-county', '');
      await page.waitForFunction(() => document.querySelector('svg.map-svg')?.getAttribute('data-county') === '');
      await expect(page.locator('svg.map-svg a.map-link').count()).resolves.toBe(290);
      expect(new URL(page.url()).searchParams.has('county')).toBe(false);
    });

    it('falls back to the whole country for an unknown county, and says so', async () => {
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01&county=99`);
      await mapOn(page, '2020-06-01', payrollSlug);
      await expect(page.getByTestId('bad-params').locator('[data-param="county"]').getAttribute('data-value')).resolves.toBe('99');
      await expect(page.locator('svg.map-svg a.map-link').count()).resolves.toBe(290);
    });

    it('falls back to the first service area for an unknown one, and says so', async () => {
      const areas = (await api.get('/v1/service-areas')).body as { slug: string }[];
      await page.goto(`${running.url}/map?area=no-such-area&on=2020-06-01`);
      await mapOn(page, '2020-06-01', areas[0].slug);
      await expect(page.getByTestId('bad-area').textContent()).resolves.toContain('no-such-area');
    });

    it('speaks English too, with the register’s names untranslated', async () => {
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01`);
      await mapOn(page, '2020-06-01', payrollSlug);
      await page.getByTestId('language').click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Map: who provides the service to each municipality');
      await expect(page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Map', exact: true }).getAttribute('aria-current')).resolves.toBe('page');
      await expect(page.getByTestId('map-legend').textContent()).resolves.toContain('Agreement');
      await expect(page.locator('svg.map-svg').getAttribute('aria-label')).resolves.toBe('Map of Sweden, 290 municipalities: Payroll administration on 2020-06-01');
      await expect(page.locator(`a.map-link[data-code="${LINKOPING}"]`).getAttribute('aria-label')).resolves.toMatch(/^Linköping: Norrköping · Agreement: Linköping köper löne- och personaladministration av Norrköping · since 2020-01-01$/);
      await page.getByTestId('language').click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Karta: vem utför tjänsten åt varje kommun');
    });

    it('has no serious or critical axe violations at 1440 px, with a municipality focused', async () => {
      await page.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01`);
      await mapOn(page, '2020-06-01', payrollSlug);
      await page.locator('#map-county').focus();
      await page.keyboard.press('Tab');
      await page.getByTestId('map-tooltip').waitFor();
      const violations = await seriousAxeViolations(page);
      expect(violations).toEqual([]);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
      // The map's shapes come as their own script chunk: loaded under the page's CSP (script-src 'self') like the rest.
      await expect(cspViolations(page)).resolves.toEqual([]);
    });

    it('fits a 390 px wide phone: no sideways scrolling, the map scaled to the screen, axe and the CSP clean', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await phone.addInitScript(RECORD_CSP_VIOLATIONS);
      await phone.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)});`);
      const small = await phone.newPage();
      const errors: string[] = [];
      small.on('pageerror', (error) => errors.push(error.message));
      try {
        await small.goto(`${running.url}/map?area=${payrollSlug}&on=2020-06-01`);
        await mapOn(small, '2020-06-01', payrollSlug);
        await expect(small.locator('svg.map-svg path.map-shape').count()).resolves.toBe(290);
        const svgBox = await small.locator('svg.map-svg').boundingBox();
        expect(svgBox).not.toBeNull();
        expect((svgBox?.x ?? -1) >= 0 && (svgBox?.x ?? 0) + (svgBox?.width ?? 0) <= 390).toBe(true);
        expect(svgBox?.width ?? 0).toBeGreaterThan(300);
        const widths = () => small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
        let w = await widths();
        expect(w.scroll).toBeLessThanOrEqual(w.viewport);
        // With the tooltip of a municipality near the middle (Linköping's width): still no sideways scroll.
        await small.locator(`a.map-link[data-code="${LINKOPING}"]`).focus();
        await small.getByTestId('map-tooltip').waitFor();
        await expect(small.getByTestId('map-tooltip').textContent()).resolves.toContain('Linköping');
        await expect(small.locator(`a.map-link[data-code="${LINKOPING}"]`).getAttribute('tabindex')).resolves.toBe('0');
        w = await widths();
        expect(w.scroll).toBeLessThanOrEqual(w.viewport);
        await small.screenshot({ path: join(ARTIFACTS, 'map-390.png'), fullPage: false });
        const violations = await seriousAxeViolations(small);
        expect(violations).toEqual([]);
        await expect(cspViolations(small)).resolves.toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await phone.close();
      }
    });

    it('runs under the Content-Security-Policy with no violation and no script error', async () => {
      await expect(cspViolations(page)).resolves.toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
}
