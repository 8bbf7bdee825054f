import { useEffect, useMemo, useState } from 'preact/hooks';
import { auth } from './api';
import { LiveState, Reference, ReferenceContext, useApi, useAuthVersion } from './hooks';
import { I18nContext, Lang, i18nFor, initialLang, rememberLang } from './i18n';
import { Route, useRoute, withParams } from './router';
import { Municipality, ServiceArea } from './types';
import { ArrangementView } from './views/arrangement';
import { ArrangementsView } from './views/arrangements';
import { AboutView } from './views/about';
import { ABOUT_LABELS } from './views/about.labels';
import { ChartsView } from './views/charts';
import { CHARTS_LABELS } from './views/charts.labels';
import { AttentionView } from './views/attention';
import { ErrorBox, Link, Loading } from './views/common';
import { KeyForm } from './views/key-form';
import { MapView } from './views/map';
import { MAP_LABELS } from './views/map.labels';
import { MatrixView } from './views/matrix';
import { MunicipalityView } from './views/municipality';
import { PAGE_LABELS } from './views/pages.labels';
import { ProviderView } from './views/provider';
import { HeaderSearch, SearchView } from './views/search';

type Page = { name: 'matrix' } | { name: 'map' } | { name: 'attention' } | { name: 'arrangements' } | { name: 'arrangement'; id: string } | { name: 'charts' } | { name: 'about' } | { name: 'municipality'; code: string } | { name: 'provider'; kind: 'municipality' | 'federation'; id: string } | { name: 'search' } | { name: 'not-found' };

function pageOf(route: Route): Page {
  if (route.path === '/' || route.path === '/matrix') return { name: 'matrix' };
  if (route.path === '/map') return { name: 'map' };
  if (route.path === '/attention') return { name: 'attention' };
  if (route.path === '/arrangements') return { name: 'arrangements' };
  if (route.path === '/charts') return { name: 'charts' };
  if (route.path === '/about') return { name: 'about' };
  if (route.path === '/search') return { name: 'search' };
  const municipality = /^\/municipalities\/([^/]+)$/.exec(route.path);
  if (municipality) return { name: 'municipality', code: decodeURIComponent(municipality[1]) };
  const provider = /^\/providers\/(municipality|federation)\/([^/]+)$/.exec(route.path);
  if (provider) return { name: 'provider', kind: provider[1] as 'municipality' | 'federation', id: decodeURIComponent(provider[2]) };
  const arrangement = /^\/arrangements\/([^/]+)$/.exec(route.path);
  if (arrangement) return { name: 'arrangement', id: decodeURIComponent(arrangement[1]) };
  return { name: 'not-found' };
}

/** The page: a header (brand, navigation, live state, language, key) and the chosen view. */
export function App() {
  const route = useRoute();
  const [lang, setLang] = useState<Lang>(initialLang);
  const i18n = useMemo(() => i18nFor(lang), [lang]);
  const { l } = i18n;
  const { needsKey, version } = useAuthVersion();
  const [liveState, setLive] = useState<LiveState>('connecting');
  const page = pageOf(route);
  // The page of an unknown path follows nothing.
  useEffect(() => {
    if (page.name === 'not-found') setLive('off');
  }, [page.name]);

  useEffect(() => {
    document.documentElement.lang = lang;
    rememberLang(lang);
  }, [lang]);

  const municipalities = useApi<Municipality[]>(needsKey ? null : '/v1/municipalities', version);
  const serviceAreas = useApi<ServiceArea[]>(needsKey ? null : '/v1/service-areas', version);
  const reference = useMemo<Reference>(
    () => ({
      municipalities: new Map((municipalities.data ?? []).map((m) => [m.code, m])),
      serviceAreas: serviceAreas.data ?? [],
      areaBySlug: new Map((serviceAreas.data ?? []).map((a) => [a.slug, a])),
    }),
    [municipalities.data, serviceAreas.data],
  );

  useEffect(() => {
    const titles: Record<Page['name'], string> = { matrix: l.navMatrix, map: MAP_LABELS[lang].nav, attention: l.navAttention, arrangements: l.navArrangements, arrangement: l.arrangements, charts: CHARTS_LABELS[lang].title, about: ABOUT_LABELS[lang].title, municipality: PAGE_LABELS[lang].municipalityTitle, provider: PAGE_LABELS[lang].providerTitle, search: PAGE_LABELS[lang].searchTitle, 'not-found': l.pageNotFound };
    document.title = `${titles[page.name]} · Samverkan`;
  }, [page.name, lang]);

  // The date and "known at" follow the reader from page to page.
  const keep = (path: string) => withParams({ path, params: new URLSearchParams(pick(route.params, ['on', 'knownAt'])) }, {});
  const nav = [
    { href: keep('/'), label: l.navMatrix, current: page.name === 'matrix' },
    { href: keep('/map'), label: MAP_LABELS[lang].nav, current: page.name === 'map' },
    { href: keep('/arrangements'), label: l.navArrangements, current: page.name === 'arrangements' || page.name === 'arrangement' },
    { href: keep('/attention'), label: l.navAttention, current: page.name === 'attention' },
    { href: '/charts', label: CHARTS_LABELS[lang].navCharts, current: page.name === 'charts' },
    { href: '/about', label: ABOUT_LABELS[lang].navAbout, current: page.name === 'about' },
  ];

  // Without a key nothing is fetched, so nothing is followed either.
  const shownLive: LiveState = needsKey ? 'off' : liveState;
  const liveLabel: Record<LiveState, string> = { live: l.live, connecting: l.connecting, off: l.notLive };
  const liveTitle: Record<LiveState, string> = { live: l.liveTitle, connecting: l.connectingTitle, off: l.notLiveTitle };

  const ready = municipalities.data && serviceAreas.data;
  const referenceError = municipalities.error ?? serviceAreas.error;
  let body;
  if (needsKey) body = <KeyForm />;
  else if (referenceError && !ready) body = <ErrorBox error={referenceError} retry={() => (municipalities.refresh(), serviceAreas.refresh())} />;
  else if (!ready) body = <Loading />;
  else if (page.name === 'matrix') body = <MatrixView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'map') body = <MapView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'attention') body = <AttentionView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'arrangements') body = <ArrangementsView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'arrangement') body = <ArrangementView id={page.id} authVersion={version} onLive={setLive} />;
  else if (page.name === 'municipality') body = <MunicipalityView key={page.code} route={route} code={page.code} authVersion={version} onLive={setLive} />;
  else if (page.name === 'provider') body = <ProviderView key={`${page.kind}/${page.id}`} route={route} kind={page.kind} id={page.id} authVersion={version} onLive={setLive} />;
  else if (page.name === 'search') body = <SearchView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'charts') body = <ChartsView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'about') body = <AboutView authVersion={version} onLive={setLive} />;
  else
    body = (
      <div class="page">
        <h1>{l.pageNotFound}</h1>
        <p class="error" role="alert">
          {l.pageNotFoundDetail} <code>{route.path}</code>
        </p>
        <Link href="/">{l.back}</Link>
      </div>
    );

  return (
    <I18nContext.Provider value={i18n}>
      <ReferenceContext.Provider value={reference}>
        <a class="skip-link" href="#main">
          {l.skipToContent}
        </a>
        <header class="topbar">
          <div class="brand">
            <span class="logo" aria-hidden="true" />
            <div>
              <span class="brand-name">{l.appTitle}</span>
              <span class="brand-sub">{l.appSubtitle}</span>
            </div>
          </div>
          <nav aria-label={l.mainNav}>
            <ul>
              {nav.map((item) => (
                <li key={item.label}>
                  <Link href={item.href} aria-current={item.current ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {!needsKey && <HeaderSearch route={route} />}
          <div class="tools">
            <span class={`live-state ${shownLive}`} role="status" data-live={shownLive === 'live' ? 'true' : 'false'} data-state={shownLive} title={liveTitle[shownLive]}>
              <span class="dot" aria-hidden="true" />
              {liveLabel[shownLive]}
            </span>
            <button type="button" class="button subtle" lang={lang === 'sv' ? 'en' : 'sv'} aria-label={l.switchToLabel} onClick={() => setLang(lang === 'sv' ? 'en' : 'sv')} data-testid="language">
              {l.switchTo}
            </button>
            {auth.key && !needsKey && (
              <button type="button" class="button subtle" onClick={() => (auth.forgetKey(), location.reload())}>
                {l.forgetKey}
              </button>
            )}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {body}
        </main>
      </ReferenceContext.Provider>
    </I18nContext.Provider>
  );
}

function pick(params: URLSearchParams, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value) out[name] = value;
  }
  return out;
}
