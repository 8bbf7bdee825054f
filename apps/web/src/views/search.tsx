import { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { LiveState, useDebounced, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate } from '../router';
import { ArrangementSummary, Municipality } from '../types';
import { Badge, Link, Loading } from './common';
import { usePageLabels } from './pages.labels';
import { Recipient, arrangementPath, municipalityPath, providerPath, timeLink, useArrangementTitles } from './provider';
import { viewTime } from './time-controls';

/**
 * One search over the register (`/search?q=`): municipalities by name or code, arrangements
 * by title or id, providers (federations, joint committees, and the municipalities found
 * that provide a service to someone on the chosen date) and service areas by their Swedish
 * or English name or slug, grouped by kind, each linking to its page. The header's search
 * form (on every page) leads here.
 */

/**
 * Text as it is compared: lower case, accents taken off (Unicode NFD without the combining
 * marks), so that "linkoping" finds Linköping and "ALVSBYN" finds Älvsbyn.
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('sv');
}

const SHOWN_PER_GROUP = 50;
/** How many of the municipalities found are asked whether they provide anything (one request each). */
const PROVIDER_CHECKS = 12;

/** The header's search form: on every page, it leads to the search page with the words typed. */
export function HeaderSearch(props: { route: Route }) {
  const p = usePageLabels();
  const current = props.route.path === '/search' ? (props.route.params.get('q') ?? '') : '';
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  return (
    <form
      class="header-search"
      role="search"
      aria-label={p.searchLabel}
      action="/search"
      method="get"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(timeLink(props.route, '/search', { q: text.trim() || undefined }));
        requestAnimationFrame(() => document.getElementById('search-q')?.focus());
      }}
    >
      <label for="header-search-q" class="visually-hidden">
        {p.searchLabel}
      </label>
      <input id="header-search-q" name="q" type="search" value={text} placeholder={p.searchPlaceholder} onInput={(e) => setText(e.currentTarget.value)} data-testid="header-search" />
      <button type="submit" class="button subtle">
        {p.searchSubmit}
      </button>
    </form>
  );
}

/** Of the municipalities found, those that provide a service to someone on `on` (asked of the recipients endpoint). */
function useProviding(candidates: Municipality[], on: string, knownAt: string, version: number): { providing: Set<string> | undefined } {
  const [state, setState] = useState<{ key: string; providing: Set<string> } | undefined>(undefined);
  const key = `${candidates.map((m) => m.code).join(',')}|${on}|${knownAt}|${version}`;
  useEffect(() => {
    if (candidates.length === 0) {
      setState({ key, providing: new Set() });
      return;
    }
    const controller = new AbortController();
    // Every request's failure is answered above (it counts as "not providing"), so the whole never rejects.
    void Promise.all(
      candidates.map((m) =>
        getJson<Recipient[]>(`/v1/providers/municipality/${encodeURIComponent(m.code)}/recipients${query({ on, knownAt })}`, { signal: controller.signal }).then(
          (rows) => (rows.length > 0 ? m.code : undefined),
          () => undefined,
        ),
      ),
    ).then((codes) => {
      if (!controller.signal.aborted) setState({ key, providing: new Set(codes.filter((c): c is string => c !== undefined)) });
    });
    return () => controller.abort();
  }, [key]);
  return { providing: state?.key === key ? state.providing : undefined };
}

function Group(props: { id: string; title: string; count: number; note?: string; children: ComponentChildren }) {
  const p = usePageLabels();
  return (
    <section class="panel search-group" aria-labelledby={`group-${props.id}`} data-testid={`group-${props.id}`} data-count={props.count}>
      <h2 id={`group-${props.id}`}>
        {props.title} <span class="count">{p.groupCount(props.count)}</span>
      </h2>
      {props.note && <p class="muted">{props.note}</p>}
      <ul class="search-results">{props.children}</ul>
      {props.count > SHOWN_PER_GROUP && <p class="muted">{p.moreNotShown(props.count - SHOWN_PER_GROUP)}</p>}
    </section>
  );
}

export function SearchView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const { term, lang } = useI18n();
  const p = usePageLabels();
  const reference = useReference();
  const { route } = props;
  const { on, knownAt } = viewTime(route);
  const q = route.params.get('q') ?? '';
  const needle = fold(q.trim());
  const settled = useDebounced(needle, 250);
  const { list } = useArrangementTitles(knownAt, props.authVersion);
  // Search answers one question at one moment: there is no feed to follow.
  useEffect(() => props.onLive('off'), []);

  const municipalities = useMemo(() => {
    if (!needle) return [];
    const found = [...reference.municipalities.values()].filter((m) => fold(m.name).includes(needle) || m.code.startsWith(needle));
    // Names that begin with the words first, then the rest, each alphabetically.
    const starts = (m: Municipality) => (fold(m.name).startsWith(needle) || m.code.startsWith(needle) ? 0 : 1);
    return found.sort((a, b) => starts(a) - starts(b) || a.name.localeCompare(b.name, 'sv'));
  }, [needle, reference]);
  const arrangements = useMemo(() => (needle && list ? list.filter((a) => fold(a.title).includes(needle) || a.id.includes(needle)).sort((a, b) => a.title.localeCompare(b.title, 'sv')) : []), [needle, list]);
  const federations = useMemo(() => arrangements.filter((a): a is ArrangementSummary & { kind: 'federation' | 'joint-committee' } => a.kind === 'federation' || a.kind === 'joint-committee'), [arrangements]);
  const areas = useMemo(() => (needle ? reference.serviceAreas.filter((a) => fold(a.nameSv).includes(needle) || fold(a.nameEn).includes(needle) || a.slug.includes(needle)) : []), [needle, reference]);
  const candidates = useMemo(() => (settled === needle ? municipalities.slice(0, PROVIDER_CHECKS) : []), [settled, needle, municipalities]);
  const { providing } = useProviding(candidates, on, knownAt, props.authVersion);
  const providingMunicipalities = candidates.filter((m) => providing?.has(m.code));
  const providerCount = federations.length + providingMunicipalities.length;
  const total = municipalities.length + arrangements.length + providerCount + areas.length;
  const ready = list !== undefined && providing !== undefined && settled === needle;

  return (
    <div class="page search-page" data-testid="search" data-ready={ready ? 'true' : 'false'}>
      <h1>{p.searchTitle}</h1>
      <p class="lead">{p.searchIntro}</p>
      <div class="control search-control">
        <label for="search-q">{p.searchLabel}</label>
        <input id="search-q" type="search" value={q} placeholder={p.searchPlaceholder} onInput={(e) => navigate(timeLink(route, '/search', { q: e.currentTarget.value || undefined }), { replace: true })} />
      </div>
      <p role="status" class="search-summary" data-testid="search-summary">
        {!needle ? p.searchEmpty : !ready ? '' : total === 0 ? p.searchNothing(q.trim()) : p.searchTotal(total, q.trim())}
      </p>
      {needle && !ready && <Loading />}
      {needle && ready && (
        <div class="search-groups">
          {municipalities.length > 0 && (
            <Group id="municipalities" title={p.groupMunicipalities} count={municipalities.length}>
              {municipalities.slice(0, SHOWN_PER_GROUP).map((m) => (
                <li key={m.code} data-testid="search-result" data-kind="municipality" data-key={m.code}>
                  <Link href={timeLink(route, municipalityPath(m.code))}>{m.name}</Link> <span class="code">{m.code}</span> <span class="muted">· {m.countyName}</span>
                </li>
              ))}
            </Group>
          )}
          {arrangements.length > 0 && (
            <Group id="arrangements" title={p.groupArrangements} count={arrangements.length}>
              {arrangements.slice(0, SHOWN_PER_GROUP).map((a) => (
                <li key={a.id} data-testid="search-result" data-kind="arrangement" data-key={a.id}>
                  <Link href={timeLink(route, arrangementPath(a.id))}>{a.title}</Link> <Badge tone={a.kind}>{term(`kind.${a.kind}`)}</Badge> <Badge tone={`status-${a.status}`}>{term(`status.${a.status}`)}</Badge>
                </li>
              ))}
            </Group>
          )}
          {providerCount > 0 && (
            <Group id="providers" title={p.groupProviders} count={providerCount} note={p.providersNote(on)}>
              {federations.map((a) => (
                <li key={a.id} data-testid="search-result" data-kind="provider" data-key={`federation:${a.id}`}>
                  <Link href={timeLink(route, providerPath({ kind: 'federation', id: a.id }) ?? '/')}>{a.title}</Link> <Badge tone={a.kind}>{term(`kind.${a.kind}`)}</Badge>
                </li>
              ))}
              {providingMunicipalities.map((m) => (
                <li key={m.code} data-testid="search-result" data-kind="provider" data-key={`municipality:${m.code}`}>
                  <Link href={timeLink(route, providerPath({ kind: 'municipality', code: m.code }) ?? '/')}>{m.name}</Link> <span class="muted">· {p.providerKindMunicipality}</span>
                </li>
              ))}
            </Group>
          )}
          {areas.length > 0 && (
            <Group id="service-areas" title={p.groupServiceAreas} count={areas.length}>
              {areas.map((a) => (
                <li key={a.slug} data-testid="search-result" data-kind="service-area" data-key={a.slug}>
                  <Link href={timeLink(route, '/map', { area: a.slug })}>
                    {lang === 'sv' ? a.nameSv : a.nameEn} <span class="link-note">({p.onMap})</span>
                  </Link>{' '}
                  <span class="muted" lang={lang === 'sv' ? 'en' : 'sv'}>
                    ({lang === 'sv' ? a.nameEn : a.nameSv})
                  </span>{' '}
                  · <Link href={withArea(route, a.slug)}>{p.inArrangements}</Link>
                </li>
              ))}
            </Group>
          )}
        </div>
      )}
    </div>
  );
}

/** The arrangements list filtered to a service area (the list's own filter keeps it in the URL). */
function withArea(route: Route, slug: string): string {
  return timeLink(route, '/arrangements', { serviceArea: slug });
}
