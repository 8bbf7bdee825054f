import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RECORD_CSP_VIOLATIONS, chromiumPath, cspViolations, ensureWebBuilt, launchChromium, seriousAxeViolations } from './support/browser';
import { RunningApp, client, startApp } from './support/start-app';

/**
 * Issue 17, the attention list's descriptions: said by the page from the facts the API gives
 * next to each item's English `detail`, in Swedish (and English) with the register's names,
 * never its codes, ids or slugs. In a real browser (chromium through playwright-core) against
 * the whole service with the seed stories S1–S5 loaded; what the page shows is compared with
 * GET /v1/attention's facts. Screenshots go to test/artifacts/dashboard/ (git-ignored).
 */

// The functions given to page.evaluate run in the browser; this program has no DOM library.
declare const window: { innerWidth: number };
declare const document: { documentElement: { scrollWidth: number } };

const CHROMIUM = chromiumPath();
const ARTIFACTS = resolve(__dirname, 'artifacts/dashboard');
const ADMIN_KEY = 'dashboard-attention-e2e-admin-key-7c21d9a4';

/** Days on which the seed stories need attention, between them every kind the stories give. */
const DAYS = ['2013-12-01', '2014-09-01', '2015-03-01', '2019-06-01', '2019-12-01', '2020-06-01', '2023-06-01'];

interface Facts {
  arrangement?: { kind: string; id: string };
  parties?: { kind: string; code?: string; id?: string; name?: string }[];
  municipalities?: string[];
  municipality?: string;
  serviceArea?: string;
  basis?: { kind: string; id?: string };
  provider?: { kind: string; id: string };
  milestone?: { id: string; title: string };
}
interface Item {
  kind: string;
  subject: string;
  detail: string;
  due?: string;
  facts: Facts;
}
interface Area {
  slug: string;
  nameSv: string;
  nameEn: string;
}

if (!CHROMIUM) {
  // A missing browser is a failure, never a skip, as in test/dashboard.e2e-spec.ts.
  describe('the attention list in a real browser', () => {
    it('needs chromium', () => {
      throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (apt-get install -y chromium); scripts/ensure-chromium.sh does it as root.");
    });
  });
} else {
  describe('the attention list says its items from their facts, with names (seed stories S1–S5)', () => {
    let running: RunningApp;
    let api: ReturnType<typeof client>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const pageErrors: string[] = [];
    const municipalities = new Map<string, string>();
    const titles = new Map<string, string>();
    const areas = new Map<string, Area>();
    const shoot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const get = async <T>(path: string): Promise<T> => {
      const answer = await api.get(path);
      expect(answer.status).toBe(200);
      return answer.body as T;
    };
    const rows = (p: Page) => p.locator('[data-testid=attention-list] tbody tr');

    beforeAll(async () => {
      ensureWebBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: ADMIN_KEY } });
      api = client(running.url, { authorization: `Bearer ${ADMIN_KEY}` });
      for (const id of scenarioIds()) await runScenario(running.url, loadScenario(id), { headersFor: () => ({ authorization: `Bearer ${ADMIN_KEY}` }) });
      for (const m of await get<{ code: string; name: string }[]>('/v1/municipalities')) municipalities.set(m.code, m.name);
      for (const a of await get<{ id: string; title: string }[]>('/v1/arrangements')) titles.set(a.id, a.title);
      for (const a of await get<Area[]>('/v1/service-areas')) areas.set(a.slug, a);
      browser = await launchChromium(CHROMIUM);
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      await context.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
      });
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
    });

    /** The names a description must use for an item's facts, in `lang`: municipalities, arrangement titles, the service area. */
    function namesOf(item: Item, lang: 'sv' | 'en'): string[] {
      const f = item.facts;
      const codes = [...(f.municipalities ?? []), ...(f.municipality ? [f.municipality] : []), ...(f.parties ?? []).flatMap((p) => (p.kind === 'municipality' && p.code ? [p.code] : []))];
      const ids = [f.arrangement?.id, f.basis?.id, f.provider?.id, ...(f.parties ?? []).map((p) => (p.kind === 'federation' ? p.id : undefined))].filter((id): id is string => id !== undefined);
      const names = [...codes.map((c) => municipalities.get(c) ?? `?${c}`), ...ids.map((id) => titles.get(id) ?? `?${id}`), ...(f.parties ?? []).flatMap((p) => (p.name ? [p.name] : [])), ...(f.milestone ? [f.milestone.title] : [])];
      if (f.serviceArea) {
        const area = areas.get(f.serviceArea);
        names.push(area ? (lang === 'sv' ? area.nameSv : area.nameEn).toLocaleLowerCase(lang) : `?${f.serviceArea}`);
      }
      return names;
    }

    /**
     * No municipality code (four digits not part of a date), arrangement id or service-area slug
     * of the register's in `text`, once the names it should use are taken out ("purchasing and
     * procurement" is a name, though `procurement` is a slug).
     */
    function expectNoCodesOrSlugs(shown: string, names: string[]): void {
      const text = names.reduce((rest, name) => rest.split(name.toLocaleLowerCase('sv')).join(' '), shown.toLocaleLowerCase('sv'));
      expect({ text, code: /(?<![\d-])\d{4}(?![\d-])/.exec(text)?.[0] }).toEqual({ text, code: undefined });
      const id = [...titles.keys(), ...areas.keys()].find((value) => new RegExp(`(?<![\\p{L}\\d-])${value}(?![\\p{L}\\d-])`, 'u').test(text));
      expect({ text, id }).toEqual({ text, id: undefined });
    }

    /** The page's rows as shown: kind, subject's link, description and whether it is marked as another language. */
    const shown = (p: Page) =>
      rows(p).evaluateAll((nodes) =>
        nodes.map((n) => {
          const cell = (n as unknown as { querySelector(s: string): { textContent: string; getAttribute(a: string): string | null } }).querySelector('[data-testid=attention-detail]');
          const subject = (n as unknown as { querySelectorAll(s: string): { textContent: string }[] }).querySelectorAll('td')[1];
          return { kind: (n as unknown as { getAttribute(a: string): string }).getAttribute('data-kind'), subject: subject.textContent, text: cell.textContent, lang: cell.getAttribute('lang') };
        }),
      );

    it('the API gives facts for every item of the stories, and the stories need every kind of attention on some day', async () => {
      const kinds = new Set<string>();
      for (const on of DAYS) {
        for (const item of await get<Item[]>(`/v1/attention?on=${on}`)) {
          kinds.add(item.kind);
          expect({ kind: item.kind, named: namesOf(item, 'sv').filter((n) => n.startsWith('?')) }).toEqual({ kind: item.kind, named: [] });
          if (item.kind !== 'provision-lapsed') expect(item.facts.arrangement).toEqual({ kind: expect.any(String), id: expect.any(String) });
        }
      }
      expect([...kinds].sort()).toEqual(['agreement-ending', 'awaiting-council-decision', 'awaiting-signature', 'milestone-overdue', 'provision-lapsed', 'review-overdue', 'study-overdue']);
    });

    it.each(DAYS)('on %s the Swedish list says each item with the names of its facts, and no code, id or slug', async (on) => {
      const expected = (await get<Item[]>(`/v1/attention?on=${on}`)).sort((a, b) => (a.due ?? '').localeCompare(b.due ?? ''));
      await page.goto(`${running.url}/attention?on=${on}`);
      if (expected.length === 0) return void (await page.locator('.page.attention .empty').waitFor());
      await page.getByTestId('attention-list').waitFor();
      // The titles come with the arrangements' list: wait until the descriptions are said from facts.
      await page.waitForFunction(() => (document as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('[data-testid=attention-detail][lang]').length === 0);
      const got = await shown(page);
      expect(got.map((r) => r.kind)).toEqual(expected.map((i) => i.kind));
      got.forEach((row, i) => {
        expect({ kind: row.kind, lang: row.lang }).toEqual({ kind: expected[i].kind, lang: null });
        // Not the API's English line, but a sentence with every name its facts call for.
        expect(row.text).not.toBe(expected[i].detail);
        for (const name of namesOf(expected[i], 'sv')) expect({ text: row.text, name, has: row.text.includes(name) }).toEqual({ text: row.text, name, has: true });
        expectNoCodesOrSlugs(row.text, namesOf(expected[i], 'sv'));
        // The subject too: the municipality and area, or the arrangement (and milestone) by title.
        expectNoCodesOrSlugs(row.subject, namesOf(expected[i], 'sv'));
      });
    });

    it('in English too, with the register’s names untranslated', async () => {
      const on = '2020-06-01';
      const expected = (await get<Item[]>(`/v1/attention?on=${on}`)).sort((a, b) => (a.due ?? '').localeCompare(b.due ?? ''));
      expect(expected.length).toBeGreaterThan(0);
      await page.goto(`${running.url}/attention?on=${on}`);
      await page.getByTestId('attention-list').waitFor();
      await page.getByTestId('language').click();
      await page.waitForFunction(() => (document as unknown as { documentElement: { lang: string } }).documentElement.lang === 'en');
      const got = await shown(page);
      expect(got).toHaveLength(expected.length);
      got.forEach((row, i) => {
        expect(row.lang).toBeNull();
        for (const name of namesOf(expected[i], 'en')) expect({ text: row.text, name, has: row.text.includes(name) }).toEqual({ text: row.text, name, has: true });
        expectNoCodesOrSlugs(row.text, namesOf(expected[i], 'en'));
        expectNoCodesOrSlugs(row.subject, namesOf(expected[i], 'en'));
      });
      await page.getByTestId('language').click();
    });

    it('fits 1440 and 390 px: no sideways scroll, no axe violation, no CSP violation or console error', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await phone.addInitScript(RECORD_CSP_VIOLATIONS);
      await phone.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      const small = await phone.newPage();
      small.on('pageerror', (error) => pageErrors.push(`pageerror (390): ${error.message}`));
      try {
        for (const [p, width] of [
          [page, 1440],
          [small, 390],
        ] as const) {
          await p.goto(`${running.url}/attention?on=2020-06-01`);
          await p.getByTestId('attention-list').waitFor();
          await p.waitForFunction(() => (document as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('[data-testid=attention-detail][lang]').length === 0);
          const widths = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
          expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
          await expect(seriousAxeViolations(p)).resolves.toEqual([]);
          await expect(cspViolations(p)).resolves.toEqual([]);
          await shoot(p, `attention-detail-${width}`);
        }
      } finally {
        await phone.close();
      }
      expect(pageErrors).toEqual([]);
    });
  });
}
