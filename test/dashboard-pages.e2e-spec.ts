import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { ScenarioRun, loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RECORD_CSP_VIOLATIONS, chromiumPath, cspViolations, ensureWebBuilt, launchChromium, seriousAxeViolations } from './support/browser';
import { RunningApp, client, startApp } from './support/start-app';
import { SamverkanEvent } from '@samverkan/domain';
import { effectiveDateOf, factsOf, summarize } from '../libs/projections/src/summaries';
import type { ArrangementKind } from '../libs/projections/src/read-model/types';
import { Names, summarizeEntry } from '../apps/web/src/views/timeline-summary';

/**
 * Issue 17, the municipality pages, provider pages, the one search box and the filters of
 * the arrangements list, in a real browser (chromium through playwright-core) against the
 * whole service with API keys and the seed stories S1–S5 loaded. What the pages show is read
 * from the page and compared with the API's own answers. Screenshots go to
 * test/artifacts/dashboard/ (git-ignored).
 */

// The functions given to page.evaluate run in the browser; this program has no DOM library.
declare const window: { innerWidth: number; noReload?: boolean };
declare const document: { documentElement: { scrollWidth: number }; activeElement: unknown; querySelector(selector: string): unknown };

const CHROMIUM = chromiumPath();
const ARTIFACTS = resolve(__dirname, 'artifacts/dashboard');
const ADMIN_KEY = 'dashboard-pages-e2e-admin-key-4b81e0c2';

interface Area {
  slug: string;
  nameSv: string;
  nameEn: string;
}
interface ProvisionAnswer {
  serviceArea: string;
  provider: { kind: string; code?: string; id?: string; name: string };
  basis: { kind: string; id?: string };
}
interface RecipientAnswer {
  municipality: { code: string; name: string };
  serviceArea: string;
  basis: { kind: string; id?: string };
}
interface Summary {
  id: string;
  title: string;
  kind: string;
}

/**
 * The timeline's lines are said by the page from the facts the API gives next to each English
 * summary (apps/web/src/views/timeline-summary.ts). Here every event type's facts, as the
 * service's own code makes them, are said by the page's code: in Swedish and English, with
 * names, and with no code, id or slug left.
 */
describe("the pages' timeline lines are said from the service's facts", () => {
  const names: Names = {
    municipality: (code) => ({ '0580': 'Linköping', '0581': 'Norrköping', '0562': 'Finspång' })[code] ?? code,
    arrangement: (id) => ({ 'lkp-buys-payroll-2020': 'Linköpings löneavtal', 'fjarde-storstadsregionen': 'Kommunalförbundet 4:e storstadsregionen', raddning: 'Räddningsnämnden', 'pitea-studie': 'Förstudien' })[id] ?? id,
    area: (slug) => ({ payroll: 'löneadministration', procurement: 'upphandling' })[slug] ?? slug,
  };
  const kindOf = (id: string): ArrangementKind => (id === 'fjarde-storstadsregionen' ? 'federation' : id === 'raddning' ? 'joint-committee' : id === 'pitea-studie' ? 'study' : 'agreement');
  const basis = { kind: 'agreement', id: 'lkp-buys-payroll-2020' };
  const agreement = 'lkp-buys-payroll-2020';
  const events: { type: string; data: Record<string, unknown> }[] = [
    { type: 'MunicipalityRegistered', data: { code: '0580', name: 'Linköping', countyName: 'Östergötlands län' } },
    { type: 'ServiceAreaDefined', data: { slug: 'payroll', nameSv: 'Löneadministration', nameEn: 'Payroll administration' } },
    { type: 'ServiceTransferred', data: { municipality: '0580', serviceArea: 'payroll', basis, effectiveFrom: '2020-01-01' } },
    { type: 'ServiceTransferred', data: { municipality: '0580', serviceArea: 'procurement', basis: { kind: 'in-house' }, effectiveFrom: '2020-01-01', successorOf: { type: 'FederationDissolved' } } },
    { type: 'CorrectionRecorded', data: { municipality: '0580', corrects: { transferId: 't-1' }, replacement: { serviceArea: 'payroll', basis: { kind: 'federation', id: 'fjarde-storstadsregionen' }, effectiveFrom: '2008-01-01' }, reason: 'fel datum' } },
    { type: 'CorrectionRecorded', data: { municipality: '0580', corrects: { transferId: 't-1' }, reason: 'registrerad av misstag' } },
    { type: 'FederationFormed', data: { id: 'fjarde-storstadsregionen', form: 'federation', name: 'Kommunalförbundet 4:e storstadsregionen', members: ['0580', '0581'], effectiveFrom: '2008-01-01' } },
    { type: 'FederationFormed', data: { id: 'raddning', form: 'joint-committee', name: 'Räddningsnämnden', members: ['0580', '0581', '0562'], effectiveFrom: '2013-01-01' } },
    { type: 'MemberJoined', data: { municipality: '0562', id: 'fjarde-storstadsregionen', effectiveFrom: '2010-01-01' } },
    { type: 'MemberLeft', data: { municipality: '0562', id: 'fjarde-storstadsregionen', effectiveFrom: '2015-01-01' } },
    { type: 'FederationDissolved', data: { id: 'fjarde-storstadsregionen', effectiveFrom: '2020-01-01' } },
    { type: 'ReviewRecorded', data: { id: agreement, reviewedOn: '2021-10-15', outcome: 'revise' } },
    { type: 'AgreementProposed', data: { id: agreement, kind: 'service', title: 'Linköpings löneavtal', parties: ['0580', '0581'], otherParties: ['Region Östergötland'], validFrom: '2020-01-01' } },
    { type: 'AgreementSigned', data: { party: '0581', id: agreement, signedOn: '2019-11-26' } },
    { type: 'AgreementSigned', data: { party: 'fjarde-storstadsregionen', id: agreement, signedOn: '2019-11-26' } },
    { type: 'CouncilDecisionRecorded', data: { municipality: '0580', outcome: 'approved', id: agreement, decidedOn: '2019-12-16', reference: 'KF 2019-12-16 § 455' } },
    { type: 'CouncilDecisionRecorded', data: { municipality: '0581', outcome: 'rejected', id: agreement, decidedOn: '2019-12-16' } },
    { type: 'AgreementConcluded', data: { id: agreement, concludedOn: '2019-12-16' } },
    { type: 'AgreementRejected', data: { id: agreement, municipality: '0581', rejectedOn: '2019-12-16' } },
    { type: 'AgreementExtended', data: { id: agreement, validUntil: '2024-12-31', decidedOn: '2022-06-01' } },
    { type: 'AgreementTerminated', data: { id: agreement, effectiveFrom: '2022-01-01', reason: 'omorganisation' } },
    { type: 'StudyStarted', data: { id: 'pitea-studie', title: 'Förstudien', parties: ['0580', '0581'], startedOn: '2013-01-01', plannedEnd: '2013-12-31' } },
    { type: 'MilestoneScheduled', data: { id: 'pitea-studie', milestoneId: 'm1', title: 'Delrapport', due: '2013-06-01' } },
    { type: 'MilestoneReached', data: { id: 'pitea-studie', milestoneId: 'm1', reachedOn: '2013-06-02' } },
    { type: 'StudyConcluded', data: { id: 'pitea-studie', concludedOn: '2013-12-01', recommendation: 'partly', summary: 'Delvis.' } },
  ];
  const entryOf = (event: { type: string; data: Record<string, unknown> }) => {
    const e = event as unknown as SamverkanEvent;
    const milestoneTitle = (study: string, milestone: string) => (study === 'pitea-studie' && milestone === 'm1' ? 'Delrapport' : undefined);
    return { type: event.type, summary: summarize(e), effectiveFrom: effectiveDateOf(e), facts: factsOf(e, kindOf, undefined, milestoneTitle) };
  };
  const said = (i: number, lang: 'sv' | 'en') => summarizeEntry(entryOf(events[i]), lang, names).text;

  it('says every event type in Swedish and English, with names and no code, id or slug left', () => {
    const types = new Set(events.map((e) => e.type));
    for (const event of events) {
      for (const lang of ['sv', 'en'] as const) {
        const entry = entryOf(event);
        const line = summarizeEntry(entry, lang, names);
        expect({ type: event.type, summary: entry.summary, lang: line.lang }).toEqual({ type: event.type, summary: entry.summary, lang });
        expect(line.text).not.toMatch(/\b0580\b|\b0581\b|\b0562\b|lkp-buys-payroll-2020|fjarde-storstadsregionen|raddning\b|pitea-studie|\bpayroll\b|\bprocurement\b|t-1\b|\bm1\b/);
      }
    }
    expect(types.size).toBe(20);
    expect(said(2, 'sv')).toBe('Linköping får löneadministration genom avtalet Linköpings löneavtal från 2020-01-01');
    expect(said(2, 'en')).toBe('Linköping gets löneadministration through the agreement Linköpings löneavtal from 2020-01-01');
    expect(said(3, 'sv')).toBe('Linköping får upphandling i egen regi från 2020-01-01 (efterföljare enligt förbundets upplösning)');
    expect(said(4, 'sv')).toBe('En överföring rättas: löneadministration genom Kommunalförbundet 4:e storstadsregionen från 2008-01-01 (fel datum)');
    expect(said(6, 'sv')).toBe('Kommunalförbundet 4:e storstadsregionen bildas av Linköping och Norrköping från 2008-01-01');
    expect(said(7, 'sv')).toBe('Den gemensamma nämnden Räddningsnämnden bildas av Linköping, Norrköping och Finspång från 2013-01-01');
    expect(said(12, 'sv')).toBe('Avtal om tjänst Linköpings löneavtal föreslås mellan Linköping, Norrköping och Region Östergötland');
    expect(said(14, 'sv')).toBe('Kommunalförbundet 4:e storstadsregionen undertecknar Linköpings löneavtal 2019-11-26');
    expect(said(23, 'sv')).toBe('Milstolpen Delrapport i Förstudien nås 2013-06-02');
    expect(said(23, 'en')).toBe('The milestone Delrapport of Förstudien is reached on 2013-06-02');
    // Facts from a service that named the milestone by id only: "a milestone", never its id.
    const byIdOnly = { ...entryOf(events[23]), facts: factsOf(events[23] as unknown as SamverkanEvent, kindOf) };
    expect(summarizeEntry(byIdOnly, 'sv', names).text).toBe('En milstolpe i Förstudien nås 2013-06-02');
  });

  it("shows the API's English line, marked as such, when the facts are missing or name what the register does not know", () => {
    expect(summarizeEntry({ type: 'ServiceTransferred', summary: '0580 gets payroll on in-house from 2020-01-01' }, 'sv', names)).toEqual({ text: '0580 gets payroll on in-house from 2020-01-01', lang: 'en' });
    expect(summarizeEntry({ ...entryOf(events[2]), type: 'SomethingNew' }, 'sv', names)).toEqual({ text: entryOf(events[2]).summary, lang: 'en' });
    const unknown = entryOf({ type: 'MemberJoined', data: { municipality: '9999', id: 'fjarde-storstadsregionen', effectiveFrom: '2010-01-01' } });
    expect(summarizeEntry(unknown, 'sv', names)).toEqual({ text: '9999 joins fjarde-storstadsregionen from 2010-01-01', lang: 'en' });
  });
});

if (!CHROMIUM) {
  // A missing browser is a failure, never a skip, as in test/dashboard.e2e-spec.ts.
  describe('the dashboard pages in a real browser', () => {
    it('needs chromium', () => {
      throw new Error("No chromium: set CHROMIUM_PATH or install Debian's chromium (apt-get install -y chromium); scripts/ensure-chromium.sh does it as root.");
    });
  });
} else {
  describe('the dashboard pages in a real browser: municipalities, providers, search, arrangements filters', () => {
    let running: RunningApp;
    let api: ReturnType<typeof client>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let payroll: Area;
    const pageErrors: string[] = [];
    const runs: Record<string, ScenarioRun> = {};
    const shoot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const get = async <T>(path: string): Promise<T> => {
      const answer = await api.get(path);
      expect(answer.status).toBe(200);
      return answer.body as T;
    };
    /** Opens a path (in Swedish: every page load starts with the language set to Swedish). */
    const open = async (path: string) => {
      await page.goto(`${running.url}${path}`);
    };
    const provisionRow = (area: string) => page.locator(`[data-testid=provision][data-area="${area}"]`);
    /** No municipality code (four digits that are not part of a date), arrangement id or service-area slug of the register's in `texts`. */
    const expectNoCodesOrSlugs = async (texts: string[]) => {
      const ids = [...(await get<Summary[]>('/v1/arrangements')).map((a) => a.id), ...(await get<Area[]>('/v1/service-areas')).map((a) => a.slug)];
      for (const text of texts) {
        expect({ text, code: /(?<![\d-])\d{4}(?![\d-])/.exec(text)?.[0] }).toEqual({ text, code: undefined });
        expect({ text, id: ids.find((id) => new RegExp(`(?<![\\p{L}\\d-])${id}(?![\\p{L}\\d-])`, 'u').test(text)) }).toEqual({ text, id: undefined });
      }
    };

    beforeAll(async () => {
      ensureWebBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: ADMIN_KEY } });
      api = client(running.url, { authorization: `Bearer ${ADMIN_KEY}` });
      for (const id of scenarioIds()) runs[id] = await runScenario(running.url, loadScenario(id), { headersFor: () => ({ authorization: `Bearer ${ADMIN_KEY}` }) });
      // The payroll area, found by its Swedish name in the register's own vocabulary.
      const areas = await get<Area[]>('/v1/service-areas');
      const found = areas.find((a) => a.nameSv === 'Löneadministration');
      if (!found) throw new Error('the register has no service area named Löneadministration');
      payroll = found;
      browser = await launchChromium(CHROMIUM);
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      await context.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // The unknown municipality's 404 is the answer the not-found page is about.
        // The 404 of /v1/audit/checkpoint is the API's "no checkpoint yet", which the arrangement page shows as such.
        const expected404 = /status of 404/.test(message.text()) && (/\/v1\/(municipalities|providers)\/[^/]*\/?9999/.test(message.location().url) || message.location().url.endsWith('/v1/audit/checkpoint'));
        if (message.type() === 'error' && !expected404) pageErrors.push(`console: ${message.text()} (${message.location().url})`);
      });
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
    });

    it('serves the new paths as the page', async () => {
      const anonymous = client(running.url);
      const home = await anonymous.get('/');
      for (const path of ['/municipalities/0580', '/providers/municipality/0581', '/providers/federation/fjarde-storstadsregionen', '/search?q=linkoping']) {
        const answer = await anonymous.get(path, { accept: 'text/html' });
        expect(answer.status).toBe(200);
        expect(answer.text).toBe(home.text);
      }
    });

    it("the municipality page of Linköping (0580) shows Norrköping providing payroll on 2020-06-01, as the API answers", async () => {
      const expected = await get<{ provisions: ProvisionAnswer[] }>(`/v1/municipalities/0580/provisions?on=2020-06-01`);
      const fromApi = expected.provisions.find((p) => p.serviceArea === payroll.slug);
      expect(fromApi?.provider).toEqual({ kind: 'municipality', code: '0581', name: 'Norrköping' });

      await open('/municipalities/0580?on=2020-06-01');
      await page.waitForSelector('[data-testid=provisions][data-on="2020-06-01"]');
      await expect(page.locator('main h1').textContent()).resolves.toContain('Linköping');
      const row = provisionRow(payroll.slug);
      await expect(row.locator('th').textContent()).resolves.toBe(payroll.nameSv);
      const shownProvider = await row.locator('.provider-cell').textContent();
      expect(shownProvider).toBe(fromApi?.provider.name);
      expect(shownProvider).toBe('Norrköping');
      await expect(row.locator('.provider-cell a').getAttribute('href')).resolves.toBe('/providers/municipality/0581?on=2020-06-01');
      // The basis: the agreement by its title, linking to its page.
      const agreement = (await get<Summary[]>('/v1/arrangements')).find((a) => a.id === fromApi?.basis.id);
      await expect(row.getAttribute('data-basis')).resolves.toBe('agreement');
      await expect(row.locator('a.arrangement-link').textContent()).resolves.toBe(agreement?.title);
      await expect(row.locator('a.arrangement-link').getAttribute('href')).resolves.toBe(`/arrangements/${fromApi?.basis.id}?on=2020-06-01`);
      // One row per service area, as the API answers.
      await expect(page.locator('[data-testid=provision]').count()).resolves.toBe(expected.provisions.length);

      // Memberships and arrangements, by name.
      const detail = await get<{ memberships: { id: string; name: string }[]; arrangements: { id: string }[] }>('/v1/municipalities/0580');
      await expect(page.locator('[data-testid=memberships] li').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { id: string } }).dataset.id))).resolves.toEqual(detail.memberships.map((m) => m.id));
      await expect(page.getByTestId('memberships').textContent()).resolves.toContain('Kommunalförbundet 4:e storstadsregionen');
      await expect(page.locator('[data-testid=municipality-arrangements] li').count()).resolves.toBe(detail.arrangements.length);

      // The timeline: one row per entry of the API's, in Swedish with names, not codes, ids or slugs.
      const timeline = await get<{ summary: string }[]>('/v1/municipalities/0580/timeline');
      const summaries = await page.getByTestId('timeline-summary').allTextContents();
      expect(summaries).toHaveLength(timeline.length);
      expect(summaries.some((s) => s.startsWith('Linköping får löneadministration genom Kommunalförbundet 4:e storstadsregionen från 2008-01-01'))).toBe(true);
      expect(summaries.some((s) => s.includes('Linköping får löneadministration genom avtalet Linköping köper löne- och personaladministration av Norrköping'))).toBe(true);
      for (const s of summaries) {
        expect(s).not.toMatch(/\b0580\b|\b0581\b|fjarde-storstadsregionen|lkp-buys-payroll-2020|\bpayroll\b/);
      }
      // Said from the API's facts with the register's names: Norrköping and the area's Swedish name, no code, id or slug.
      const facts = await get<{ facts: { municipality?: string; serviceArea?: string } }[]>('/v1/municipalities/0580/timeline');
      expect(facts.some((e) => e.facts.serviceArea === payroll.slug)).toBe(true);
      expect(summaries.some((s) => s.includes('Norrköping'))).toBe(true);
      expect(summaries.some((s) => s.toLocaleLowerCase('sv').includes(payroll.nameSv.toLocaleLowerCase('sv')))).toBe(true);
      await expectNoCodesOrSlugs(summaries);
      // Every summary was understood: none is left in the API's English.
      await expect(page.locator('[data-testid=timeline-summary][lang]').count()).resolves.toBe(0);
      await page.waitForSelector('header .live-state[data-state="live"]');
      await shoot(page, 'municipality-1440');
      // In English: the headings and the summaries, the register's names untranslated.
      await page.getByTestId('language').click();
      await expect(page.locator('#receives-heading').textContent()).resolves.toBe("Who provides the municipality's services on 2020-06-01");
      await expect(provisionRow(payroll.slug).locator('th').textContent()).resolves.toBe(payroll.nameEn);
      const english = await page.getByTestId('timeline-summary').allTextContents();
      expect(english).toContain('Linköping gets payroll administration through the agreement Linköping köper löne- och personaladministration av Norrköping from 2020-01-01 (successor named by the federation\'s dissolution)');
      await page.getByTestId('language').click();
      await expect(page.locator('#receives-heading').textContent()).resolves.toBe('Vem utför kommunens tjänster den 2020-06-01');
    });

    it('on 2019-12-31 the page shows the federation by its title, linking to its provider page', async () => {
      const expected = await get<{ provisions: ProvisionAnswer[] }>(`/v1/municipalities/0580/provisions?on=2019-12-31`);
      const fromApi = expected.provisions.find((p) => p.serviceArea === payroll.slug);
      expect(fromApi?.provider.kind).toBe('federation');
      const federation = (await get<Summary[]>('/v1/arrangements')).find((a) => a.id === fromApi?.provider.id);
      expect(federation?.title).toBe('Kommunalförbundet 4:e storstadsregionen');

      await page.fill('#on-date', '2019-12-31');
      await page.waitForSelector('[data-testid=provisions][data-on="2019-12-31"]');
      const row = provisionRow(payroll.slug);
      const shown = await row.locator('.provider-cell').textContent();
      expect(shown).toBe(federation?.title);
      expect(shown).not.toContain(fromApi?.provider.id ?? '-');
      await expect(row.getAttribute('data-basis')).resolves.toBe('federation');
      await expect(row.locator('.provider-cell a').getAttribute('href')).resolves.toBe('/providers/federation/fjarde-storstadsregionen?on=2019-12-31');
    });

    it("the arrangement page's log says its summaries in Swedish with names too, and links its parties to their municipality pages", async () => {
      const timeline = await get<unknown[]>('/v1/arrangements/lkp-buys-payroll-2020/timeline');
      await open('/arrangements/lkp-buys-payroll-2020');
      await page.waitForSelector('[data-testid=log-scroll] [data-testid=timeline-summary]');
      const summaries = await page.locator('[data-testid=log-scroll] [data-testid=timeline-summary]').allTextContents();
      expect(summaries).toHaveLength(timeline.length);
      expect(summaries).toContain('Norrköping undertecknar Linköping köper löne- och personaladministration av Norrköping 2019-11-26');
      for (const text of summaries) expect(text).not.toMatch(/\b0580\b|\b0581\b|lkp-buys-payroll-2020/);
      await expectNoCodesOrSlugs(summaries);
      await expect(page.locator('[data-testid=log-scroll] [data-testid=timeline-summary][lang]').count()).resolves.toBe(0);
      await expect(page.locator('.facts a[href="/municipalities/0580"]').first().textContent()).resolves.toBe('Linköping');
    });

    it('"known at" shows the municipality as the register knew it then, and a past "known at" is not live', async () => {
      const mark = runs.s1.marks['after-proposal'];
      const expected = await get<{ provisions: ProvisionAnswer[] }>(`/v1/municipalities/0580/provisions?on=2020-06-01&knownAt=${encodeURIComponent(mark)}`);
      const fromApi = expected.provisions.find((p) => p.serviceArea === payroll.slug);
      expect(fromApi?.provider.kind).toBe('federation');
      await open(`/municipalities/0580?on=2020-06-01&knownAt=${encodeURIComponent(mark)}`);
      await page.getByTestId('known-at-banner').waitFor();
      await page.waitForSelector(`[data-testid=provision][data-area="${payroll.slug}"][data-provider-kind=federation]`);
      await expect(provisionRow(payroll.slug).locator('.provider-cell').textContent()).resolves.toBe(fromApi?.provider.name);
      await page.waitForSelector('header .live-state[data-state="off"]');
      // The timeline as known then: only what was recorded by the mark.
      const timeline = await get<unknown[]>(`/v1/municipalities/0580/timeline?knownAt=${encodeURIComponent(mark)}`);
      await expect(page.getByTestId('timeline-summary').count()).resolves.toBe(timeline.length);
      expect(timeline.length).toBeLessThan((await get<unknown[]>('/v1/municipalities/0580/timeline')).length);
    });

    it("Norrköping's provider page lists Linköping for payroll on 2020-06-01, as the API answers, and links to Linköping's page", async () => {
      const expected = await get<RecipientAnswer[]>('/v1/providers/municipality/0581/recipients?on=2020-06-01');
      expect(expected).toContainEqual(expect.objectContaining({ municipality: expect.objectContaining({ code: '0580', name: 'Linköping' }), serviceArea: payroll.slug }));

      // From Linköping's page, following the provider's link (in the page, no reload).
      await open('/municipalities/0580?on=2020-06-01');
      await page.waitForSelector('[data-testid=provisions][data-on="2020-06-01"]');
      await page.evaluate(() => (window.noReload = true));
      await provisionRow(payroll.slug).locator('.provider-cell a').click();
      await page.getByTestId('recipients').waitFor();
      expect(new URL(page.url()).pathname).toBe('/providers/municipality/0581');
      await expect(page.evaluate(() => window.noReload)).resolves.toBe(true);
      await expect(page.locator('main h1').textContent()).resolves.toBe('Norrköping');
      const shown = await page.locator('[data-testid=recipient]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-area')} ${n.getAttribute('data-code')}`));
      expect(shown.sort()).toEqual(expected.map((r) => `${r.serviceArea} ${r.municipality.code}`).sort());
      const linkoping = page.locator(`[data-testid=recipient][data-area="${payroll.slug}"][data-code="0580"]`);
      await expect(linkoping.locator('a').first().textContent()).resolves.toBe('Linköping');
      await expect(page.locator(`section[data-area="${payroll.slug}"] h3`).textContent()).resolves.toContain(payroll.nameSv);
      // Following the recipient lands on its municipality page, date kept.
      await linkoping.locator('a').first().click();
      await page.waitForSelector('[data-testid=municipality][data-code="0580"]');
      expect(new URL(page.url()).pathname).toBe('/municipalities/0580');
      expect(new URL(page.url()).searchParams.get('on')).toBe('2020-06-01');
      await open('/providers/municipality/0581?on=2020-06-01');
      await page.getByTestId('recipients').waitFor();
      await shoot(page, 'provider-municipality-1440');
    });

    it("the federation's provider page lists its recipients, members and status", async () => {
      const expected = await get<RecipientAnswer[]>('/v1/providers/federation/fjarde-storstadsregionen/recipients?on=2019-12-31');
      expect(expected.length).toBeGreaterThan(0);
      const state = await get<{ name: string; memberships: { municipality: string }[] }>('/v1/federations/fjarde-storstadsregionen');
      await open('/providers/federation/fjarde-storstadsregionen?on=2019-12-31');
      await page.getByTestId('recipients').waitFor();
      await expect(page.locator('main h1').textContent()).resolves.toBe(state.name);
      const shown = await page.locator('[data-testid=recipient]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-area')} ${n.getAttribute('data-code')}`));
      expect(shown.sort()).toEqual(expected.map((r) => `${r.serviceArea} ${r.municipality.code}`).sort());
      await expect(page.locator('[data-testid=members] li').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-code')))).resolves.toEqual(state.memberships.map((m) => m.municipality));
      await expect(page.getByTestId('members').textContent()).resolves.toContain('Linköping');
      await expect(page.getByTestId('provider-status').textContent()).resolves.toBe('Upplöst');
      await expect(page.locator('main a[href^="/arrangements/fjarde-storstadsregionen"]').count()).resolves.toBeGreaterThan(0);
      // After the dissolution it provides nothing, and says so.
      await page.fill('#on-date', '2020-06-01');
      await page.getByTestId('recipients-empty').waitFor();
      expect(await get<RecipientAnswer[]>('/v1/providers/federation/fjarde-storstadsregionen/recipients?on=2020-06-01')).toEqual([]);
      await page.fill('#on-date', '2019-12-31');
      await page.getByTestId('recipients').waitFor();
      await shoot(page, 'provider-federation-1440');
    });

    it("a joint committee's provider page lists whom its host provides for on the committee's basis", async () => {
      const committee = await get<{ host: string; name: string }>('/v1/federations/raddningstjansten-ostra-gotaland');
      const byHost = (await get<RecipientAnswer[]>(`/v1/providers/municipality/${committee.host}/recipients?on=2020-06-01`)).filter((r) => r.basis.id === 'raddningstjansten-ostra-gotaland');
      expect(byHost.length).toBeGreaterThan(0);
      await open('/providers/federation/raddningstjansten-ostra-gotaland?on=2020-06-01');
      await page.getByTestId('recipients').waitFor();
      await expect(page.locator('main h1').textContent()).resolves.toBe(committee.name);
      await expect(page.getByTestId('provided-by-host').locator('a').getAttribute('href')).resolves.toBe(`/municipalities/${committee.host}?on=2020-06-01`);
      const shown = await page.locator('[data-testid=recipient]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-area')} ${n.getAttribute('data-code')}`));
      expect(shown.sort()).toEqual(byHost.map((r) => `${r.serviceArea} ${r.municipality.code}`).sort());
    });

    it('the search box in the header finds Linköping for "linkoping", and following the result lands on its page', async () => {
      await open('/attention?on=2020-06-01');
      await page.getByTestId('header-search').waitFor();
      // By keyboard: focus the box, type, Enter.
      await page.getByTestId('header-search').focus();
      await page.keyboard.type('linkoping');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=search][data-ready=true]');
      expect(new URL(page.url()).pathname).toBe('/search');
      expect(new URL(page.url()).searchParams.get('q')).toBe('linkoping');
      const result = page.locator('[data-testid=search-result][data-kind=municipality][data-key="0580"]');
      await expect(result.locator('a').textContent()).resolves.toBe('Linköping');
      // The arrangements with Linköping in their titles are found too (accents aside).
      const titled = (await get<Summary[]>('/v1/arrangements')).filter((a) => a.title.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().includes('linkoping'));
      expect(titled.length).toBeGreaterThan(0);
      await expect(page.locator('[data-testid=search-result][data-kind=arrangement]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-key')))).resolves.toEqual(
        titled.sort((a, b) => a.title.localeCompare(b.title, 'sv')).map((a) => a.id),
      );
      await shoot(page, 'search-1440');
      await page.evaluate(() => (window.noReload = true));
      await result.locator('a').click();
      await page.waitForSelector('[data-testid=municipality][data-code="0580"]');
      await expect(page.locator('main h1').textContent()).resolves.toContain('Linköping');
      expect(new URL(page.url()).searchParams.get('on')).toBe('2020-06-01');
      await expect(page.evaluate(() => window.noReload)).resolves.toBe(true);
      // Focus went to the new page's heading.
      await page.waitForFunction(() => document.activeElement === document.querySelector('main h1'));
    });

    it('search finds an arrangement by its title, a service area by its Swedish or English name, and providers', async () => {
      await open('/search?q=' + encodeURIComponent('LÖNE- OCH PERSONAL'));
      await page.waitForSelector('[data-testid=search][data-ready=true]');
      const arrangement = page.locator('[data-testid=search-result][data-kind=arrangement][data-key="lkp-buys-payroll-2020"]');
      await expect(arrangement.locator('a').first().textContent()).resolves.toBe('Linköping köper löne- och personaladministration av Norrköping');
      await expect(arrangement.locator('a').first().getAttribute('href')).resolves.toBe('/arrangements/lkp-buys-payroll-2020');

      await page.fill('#search-q', 'loneadmin');
      await page.waitForSelector(`[data-testid=search][data-ready=true] [data-testid=search-result][data-kind=service-area][data-key="${payroll.slug}"]`);
      const area = page.locator(`[data-testid=search-result][data-kind=service-area][data-key="${payroll.slug}"]`);
      await expect(area.locator('a').first().textContent()).resolves.toContain(payroll.nameSv);
      await expect(area.locator('a').first().getAttribute('href')).resolves.toBe(`/map?area=${payroll.slug}`);
      await expect(area.locator('a').nth(1).getAttribute('href')).resolves.toBe(`/arrangements?serviceArea=${payroll.slug}`);
      await page.fill('#search-q', payroll.nameEn.toUpperCase());
      await page.waitForSelector(`[data-testid=search][data-ready=true] [data-testid=search-result][data-kind=service-area][data-key="${payroll.slug}"]`);

      // Providers: the federation by its name, and Norrköping, which provides to Linköping on 2020-06-01.
      await open('/search?on=2020-06-01&q=norrkoping');
      await page.waitForSelector('[data-testid=search][data-ready=true]');
      await expect(page.locator('[data-testid=search-result][data-kind=provider][data-key="municipality:0581"] a').getAttribute('href')).resolves.toBe('/providers/municipality/0581?on=2020-06-01');
      await open('/search?q=storstad');
      await page.waitForSelector('[data-testid=search][data-ready=true]');
      await expect(page.locator('[data-testid=search-result][data-kind=provider][data-key="federation:fjarde-storstadsregionen"] a').textContent()).resolves.toBe('Kommunalförbundet 4:e storstadsregionen');
      // Nothing found is said.
      await page.fill('#search-q', 'qqqxxzz');
      await page.waitForFunction(() => (document.querySelector('[data-testid=search-summary]') as { textContent: string } | null)?.textContent === 'Inget i registret matchar ”qqqxxzz”.');
      await expect(page.locator('[data-testid=search-result]').count()).resolves.toBe(0);
    });

    it("the arrangements list's filters narrow it to the API's filtered answer, kept in the URL, and an empty result says so", async () => {
      const ids = () => page.locator('[data-testid=arrangements-list] tbody tr').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
      const apiIds = async (q: string) => (await get<Summary[]>(`/v1/arrangements?${q}`)).map((a) => a.id).sort();
      const countIs = (n: number) => page.waitForSelector(`[data-testid=arrangements-count][data-count="${n}"]`);
      await open('/arrangements');
      const all = await get<Summary[]>('/v1/arrangements');
      await countIs(all.length);

      await page.selectOption('#filter-kind', 'agreement');
      const agreements = await apiIds('kind=agreement');
      await countIs(agreements.length);
      expect(new URL(page.url()).searchParams.get('kind')).toBe('agreement');
      await expect(ids().then((x) => x.sort())).resolves.toEqual(agreements);

      await page.selectOption('#filter-party', '0580');
      const withParty = await apiIds('kind=agreement&party=0580');
      expect(withParty.length).toBeLessThan(agreements.length);
      await countIs(withParty.length);
      await expect(ids().then((x) => x.sort())).resolves.toEqual(withParty);

      await page.selectOption('#filter-area', payroll.slug);
      const withArea = await apiIds(`kind=agreement&party=0580&serviceArea=${payroll.slug}`);
      expect(withArea).toEqual(['lkp-buys-payroll-2020']);
      await countIs(withArea.length);
      await expect(ids()).resolves.toEqual(withArea);
      await shoot(page, 'arrangements-filtered-1440');

      // Linked: the same address opens the same list.
      const address = new URL(page.url());
      expect(Object.fromEntries(address.searchParams)).toEqual({ kind: 'agreement', party: '0580', serviceArea: payroll.slug });
      await page.goto(address.toString());
      await countIs(1);
      await expect(ids()).resolves.toEqual(withArea);

      // A status with nothing in it: the page says so.
      await page.selectOption('#filter-status', 'rejected');
      await expect(apiIds(`kind=agreement&party=0580&serviceArea=${payroll.slug}&status=rejected`)).resolves.toEqual([]);
      await countIs(0);
      await expect(page.getByTestId('arrangements-count').textContent()).resolves.toBe('Ingen samverkansform matchar filtren.');
      await expect(page.getByTestId('arrangements-list').count()).resolves.toBe(0);

      // The party on a day: narrowed to the parties that day (the federation ended 2019-12-31).
      await page.getByRole('button', { name: 'Rensa filtren' }).click();
      await countIs(all.length);
      await page.selectOption('#filter-party', '0580');
      await countIs((await apiIds('party=0580')).length);
      await page.fill('#filter-party-on', '2021-01-01');
      const onDay = await apiIds('party=0580&on=2021-01-01');
      expect(onDay).not.toContain('fjarde-storstadsregionen');
      await countIs(onDay.length);
      await expect(ids().then((x) => x.sort())).resolves.toEqual(onDay);

      // A value the register does not know is named, and not used.
      await open('/arrangements?kind=nope&party=0580');
      await page.getByTestId('bad-filters').waitFor();
      await expect(page.locator('[data-testid=bad-filters] li').getAttribute('data-param')).resolves.toBe('kind');
      await countIs((await apiIds('party=0580')).length);
    });

    it('an unknown municipality shows a clear "not found", and the header says "not live"', async () => {
      await open('/municipalities/9999');
      await page.getByTestId('municipality-not-found').waitFor();
      await expect(page.locator('main h1').textContent()).resolves.toBe('Kommunen hittades inte');
      await expect(page.locator('main [role=alert]').textContent()).resolves.toContain('9999');
      await page.waitForSelector('header .live-state[data-state="off"]');
      await expect(page.locator('header .live-state').textContent()).resolves.toBe('Inte direkt');
      await open('/providers/municipality/9999');
      await page.getByTestId('provider-not-found').waitFor();
      await page.waitForSelector('header .live-state[data-state="off"]');
    });

    const NEW_PAGES: [string, string, string][] = [
      ['municipality', '/municipalities/0580?on=2020-06-01', '[data-testid=timeline-summary]'],
      ['provider-municipality', '/providers/municipality/0581?on=2020-06-01', '[data-testid=recipients]'],
      ['provider-federation', '/providers/federation/fjarde-storstadsregionen?on=2019-12-31', '[data-testid=recipients]'],
      ['search', '/search?q=link', '[data-testid=search][data-ready=true] [data-testid=search-result]'],
      ['arrangements-filtered', `/arrangements?kind=agreement&party=0580`, '[data-testid=arrangements-list]'],
      ['municipality-not-found', '/municipalities/9999', '[data-testid=municipality-not-found]'],
    ];

    it('axe-core finds no serious or critical violations on the new pages at 1440 px', async () => {
      const found: Record<string, unknown> = {};
      for (const [name, path, ready] of NEW_PAGES) {
        await open(path);
        await page.waitForSelector(ready);
        const violations = await seriousAxeViolations(page);
        if (violations.length > 0) found[name] = violations;
      }
      expect(found).toEqual({});
    });

    it('fits a 390 px phone: no sideways scroll, no axe violation, the search box in reach, on every new page', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'UTC' });
      await phone.addInitScript(RECORD_CSP_VIOLATIONS);
      await phone.addInitScript(`sessionStorage.setItem('samverkan.apiKey', ${JSON.stringify(ADMIN_KEY)}); localStorage.setItem('samverkan.lang', 'sv');`);
      const small = await phone.newPage();
      const phoneErrors: string[] = [];
      small.on('pageerror', (error) => phoneErrors.push(`pageerror: ${error.message}`));
      try {
        const found: Record<string, unknown> = {};
        for (const [name, path, ready] of NEW_PAGES) {
          await small.goto(`${running.url}${path}`);
          await small.waitForSelector(ready);
          const widths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
          expect({ name, ...widths, fits: widths.scroll <= widths.viewport }).toEqual({ name, ...widths, fits: true });
          const box = await small.getByTestId('header-search').boundingBox();
          expect(box !== null && box.x >= 0 && box.x + box.width <= 390).toBe(true);
          const violations = await seriousAxeViolations(small);
          if (violations.length > 0) found[name] = violations;
          if (name !== 'municipality-not-found') await shoot(small, `${name}-390`);
        }
        expect(found).toEqual({});
        await expect(cspViolations(small)).resolves.toEqual([]);
        expect(phoneErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    });

    it('runs under the Content-Security-Policy with no violation and no script or console error', async () => {
      await expect(cspViolations(page)).resolves.toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
}
