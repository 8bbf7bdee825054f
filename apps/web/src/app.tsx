import { useEffect, useMemo, useState } from 'preact/hooks';
import { auth } from './api';
import { LiveState, Reference, ReferenceContext, useApi, useAuthVersion } from './hooks';
import { I18nContext, Lang, i18nFor, initialLang, rememberLang } from './i18n';
import { Route, useRoute, withParams } from './router';
import { Municipality, ServiceArea } from './types';
import { ArrangementView } from './views/arrangement';
import { ArrangementsView } from './views/arrangements';
import { AttentionView } from './views/attention';
import { ErrorBox, Link, Loading } from './views/common';
import { KeyForm } from './views/key-form';
import { MatrixView } from './views/matrix';

type Page = { name: 'matrix' } | { name: 'attention' } | { name: 'arrangements' } | { name: 'arrangement'; id: string } | { name: 'not-found' };

function pageOf(route: Route): Page {
  if (route.path === '/' || route.path === '/matrix') return { name: 'matrix' };
  if (route.path === '/attention') return { name: 'attention' };
  if (route.path === '/arrangements') return { name: 'arrangements' };
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
    const titles: Record<Page['name'], string> = { matrix: l.navMatrix, attention: l.navAttention, arrangements: l.navArrangements, arrangement: l.arrangements, 'not-found': l.pageNotFound };
    document.title = `${titles[page.name]} · Samverkan`;
  }, [page.name, lang]);

  // The date and "known at" follow the reader from page to page.
  const keep = (path: string) => withParams({ path, params: new URLSearchParams(pick(route.params, ['on', 'knownAt'])) }, {});
  const nav = [
    { href: keep('/'), label: l.navMatrix, current: page.name === 'matrix' },
    { href: keep('/arrangements'), label: l.navArrangements, current: page.name === 'arrangements' || page.name === 'arrangement' },
    { href: keep('/attention'), label: l.navAttention, current: page.name === 'attention' },
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
  else if (page.name === 'attention') body = <AttentionView route={route} authVersion={version} onLive={setLive} />;
  else if (page.name === 'arrangements') body = <ArrangementsView authVersion={version} onLive={setLive} />;
  else if (page.name === 'arrangement') body = <ArrangementView id={page.id} authVersion={version} onLive={setLive} />;
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
