import { TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { query } from '../api';
import { areaName } from '../format';
import { Box, Direction, boxOf, centroidOf, nearestInDirection, unionBox } from '../geo/geometry';
import { LiveState, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';
import { ArrangementSummary, BASIS_KINDS, BasisKind, Matrix, Municipality, Provision } from '../types';
import { ErrorBox, Link, Loading } from './common';
import { MAP_LABELS } from './map.labels';
import { BadParams, KnownAtBanner, TimeControls, viewTime } from './time-controls';

/** The committed map asset (apps/web/src/geo/sweden.json, made by scripts/build-map-geo.ts). */
interface SwedenMap {
  viewBox: string;
  width: number;
  height: number;
  municipalities: { code: string; name: string; county: string; d: string }[];
  counties: { code: string; name: string; d: string }[];
}

/** What a municipality is coloured by: its basis kind, or lapsed (back in-house after an arrangement ended). */
export type Shown = BasisKind | 'lapsed';
const SHOWN: readonly Shown[] = [...BASIS_KINDS, 'lapsed'];
const shownOf = (p: Provision): Shown => (p.lapsed ? 'lapsed' : p.basis.kind);

interface Place {
  code: string;
  county: string;
  d: string;
  x: number;
  y: number;
  box: Box;
}

/**
 * The shapes load as their own file (91 KB, 23 KB gzipped) when the map is first shown,
 * so that the other pages do not wait for them; once loaded they stay for the page's life.
 */
let geoOnce: Promise<SwedenMap> | undefined;
function loadGeo(): Promise<SwedenMap> {
  geoOnce ??= import('../geo/sweden.json').then((m) => m.default as SwedenMap);
  return geoOnce;
}

function useGeo(): { geo?: SwedenMap; error?: Error } {
  const [state, setState] = useState<{ geo?: SwedenMap; error?: Error }>({});
  useEffect(() => {
    let live = true;
    loadGeo().then(
      (geo) => live && setState({ geo }),
      (error: unknown) => {
        geoOnce = undefined;
        if (live) setState({ error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** The municipality's page, keeping the reader's date and "known at". */
function municipalityHref(route: Route, code: string): string {
  const params = new URLSearchParams();
  for (const name of ['on', 'knownAt']) {
    const value = route.params.get(name);
    if (value) params.set(name, value);
  }
  return withParams({ path: `/municipalities/${encodeURIComponent(code)}`, params }, {});
}

/**
 * The map (issue 17): Sweden's 290 municipalities coloured by the basis of one service area on
 * the chosen day (as known at the chosen time), county borders on top. One tab stop for the
 * whole map; the arrow keys move to the nearest municipality that way; hover and focus show who
 * provides the service; Enter or a click opens the municipality's page. A county can be zoomed
 * to. The same answer as a table for those who prefer one, and for the municipalities too small
 * to point at.
 */
export function MapView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const i18n = useI18n();
  const { lang, term } = i18n;
  const m = MAP_LABELS[lang];
  const { route } = props;
  const reference = useReference();
  const time = viewTime(route);
  const { on, knownAt } = time;

  // An unknown service area falls back to the first, and the page says so.
  const areaParam = route.params.get('area') ?? '';
  const area = reference.areaBySlug.has(areaParam) ? areaParam : (reference.serviceAreas[0]?.slug ?? '');
  const areaLabel = areaName(reference.areaBySlug.get(area), area, lang);

  // A county zooms the map to it (the Stockholm area's municipalities are a few pixels across on the whole country);
  // one the register does not know falls back to the whole country, and the page says so.
  const counties = useMemo(() => {
    const byCode = new Map<string, string>();
    for (const muni of reference.municipalities.values()) byCode.set(muni.countyCode, muni.countyName);
    return [...byCode.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [reference]);
  const countyParam = route.params.get('county') ?? '';
  const county = counties.some(([code]) => code === countyParam) ? countyParam : '';
  const invalid = countyParam && !county ? [...time.invalid, { name: 'county' as const, value: countyParam }] : time.invalid;
  const inCounty = (code: string) => !county || reference.municipalities.get(code)?.countyCode === county;

  const { geo, error: geoError } = useGeo();
  // Only the chosen service area's column: a date step then fetches about 80 KB of JSON instead of 1.8 MB
  // (measured by the bench's step web, bench/README.md: the whole answer took 80–120 ms to make and send, 15 ms to parse).
  const matrix = useApi<Matrix>(area ? `/v1/matrix${query({ on, knownAt, serviceArea: area })}` : null, props.authVersion);
  // The answer on screen may still be the previous area's while the new one is on its way: it is not shown as this one's.
  const answer = matrix.data?.serviceAreas.includes(area) ? matrix.data : undefined;
  // The arrangements' titles, to name the basis (an arrangement's id is not a name).
  const arrangements = useApi<ArrangementSummary[]>(`/v1/arrangements${query({ knownAt })}`, props.authVersion);
  const titles = useMemo(() => new Map((arrangements.data ?? []).map((a) => [a.id, a.title])), [arrangements.data]);

  // A past "known at" cannot change: nothing recorded from now on was known then.
  const feedPath = knownAt || !area ? null : `/v1/subscriptions/provisions${query({ serviceArea: area })}`;
  const live = useLiveRefresh(feedPath, matrix.refresh, ['provision-changed'], props.authVersion);
  useEffect(() => props.onLive(liveStateOf(feedPath, live)), [live, feedPath]);

  const provisions = useMemo(() => {
    const byCode = new Map<string, Provision>();
    for (const row of answer?.rows ?? []) {
      const p = row.cells[area];
      if (p) byCode.set(row.municipality.code, p);
    }
    return byCode;
  }, [answer, area]);

  const counts = useMemo(() => {
    const n = new Map<Shown, number>(SHOWN.map((k) => [k, 0]));
    for (const [code, p] of provisions) if (inCounty(code)) n.set(shownOf(p), (n.get(shownOf(p)) ?? 0) + 1);
    return n;
  }, [provisions, county]);

  const refreshing = matrix.loading && answer !== undefined;

  return (
    <div class="map-page">
      <div class="page-head">
        <h1>{m.title}</h1>
        <BadParams invalid={invalid} />
        {areaParam && areaParam !== area && (
          <div class="banner warning" role="alert" data-testid="bad-area">
            {m.badArea(areaParam, areaLabel)}
          </div>
        )}
        <p class="lead">{m.intro}</p>
        <TimeControls route={route} on={on} knownAt={knownAt} />
        <div class="filters">
          <div class="control">
            <label for="map-area">{m.area}</label>
            <select id="map-area" value={area} onChange={(e) => navigate(withParams(route, { area: e.currentTarget.value }), { replace: true })}>
              {reference.serviceAreas.map((a) => (
                <option key={a.slug} value={a.slug}>
                  {areaName(a, a.slug, lang)}
                </option>
              ))}
            </select>
          </div>
          <div class="control">
            <label for="map-county">{m.zoom}</label>
            <select id="map-county" value={county} onChange={(e) => navigate(withParams(route, { county: e.currentTarget.value || undefined }), { replace: true })}>
              <option value="">{m.zoomWhole}</option>
              {counties.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <KnownAtBanner knownAt={knownAt} />
      </div>
      <p class="busy-cue" role="status" data-testid="map-busy" data-busy={refreshing ? 'true' : 'false'}>
        {refreshing && (
          <>
            <span class="spinner" aria-hidden="true" /> {m.refreshing}
          </>
        )}
      </p>
      {matrix.error && <ErrorBox error={matrix.error} retry={matrix.refresh} />}
      {geoError && <ErrorBox error={new Error(`${m.noGeo} ${geoError.message}`)} />}
      {(!geo || !answer) && !matrix.error && !geoError && <Loading />}
      {geo && answer && (
        <MapBody
          geo={geo}
          route={route}
          on={answer.on}
          area={area}
          areaLabel={areaLabel}
          county={county}
          countyName={counties.find(([code]) => code === county)?.[1] ?? ''}
          provisions={provisions}
          counts={counts}
          titles={titles}
          busy={matrix.loading}
          describeBasis={(p) => `${term(`basis.${p.basis.kind}`)}${p.basis.id ? `: ${titles.get(p.basis.id) ?? p.basis.id}` : ''}`}
        />
      )}
    </div>
  );
}

interface BodyProps {
  geo: SwedenMap;
  route: Route;
  on: string;
  area: string;
  areaLabel: string;
  /** The county zoomed to ('' for the whole country). */
  county: string;
  countyName: string;
  provisions: Map<string, Provision>;
  counts: Map<Shown, number>;
  titles: Map<string, string>;
  busy: boolean;
  describeBasis: (p: Provision) => string;
}

/**
 * After a municipality is opened from the map, focus goes to the new page's main heading once
 * it is there (as the router does for HTML links; an SVG link is not one), so that keyboard and
 * screen-reader users start at the top of the new page. Focus moved elsewhere meanwhile stays.
 */
function focusNewHeading(old: Element | null): void {
  const main = document.getElementById('main');
  if (!main) return;
  const tryFocus = (): boolean => {
    const active = document.activeElement;
    if (active && active !== document.body && active !== main && active.isConnected && !active.closest('svg.map-svg')) return true;
    const heading = main.querySelector<HTMLElement>('h1');
    if (!heading || heading === old) return false;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    return true;
  };
  const observer = new MutationObserver(() => tryFocus() && stop());
  const timer = setTimeout(() => stop(), 10_000);
  const stop = () => (observer.disconnect(), clearTimeout(timer));
  if (!tryFocus()) observer.observe(main, { childList: true, subtree: true });
  else stop();
}

const DIRECTIONS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

function MapBody(props: BodyProps) {
  const { geo, route, provisions } = props;
  const { lang, l, term } = useI18n();
  const m = MAP_LABELS[lang];
  const reference = useReference();
  const places = useMemo<Place[]>(
    () =>
      geo.municipalities.map((s) => {
        const [x, y] = centroidOf(s.d);
        return { code: s.code, county: s.county, d: s.d, x, y, box: boxOf(s.d) };
      }),
    [geo],
  );
  const byCode = useMemo(() => new Map(places.map((p) => [p.code, p])), [places]);
  // With a county chosen, only its municipalities are links (the keyboard stays in it); the neighbours around it are drawn dimmed.
  const visible = useMemo(() => (props.county ? places.filter((p) => p.county === props.county) : places), [places, props.county]);
  const view = useMemo<Box>(() => (props.county && visible.length > 0 ? unionBox(visible.map((p) => p.box), 0.04) : { x: 0, y: 0, width: geo.width, height: geo.height }), [visible, props.county, geo]);
  // How much larger than the whole country a unit is drawn: the fill patterns shrink by as much, so their stripes keep their size.
  const zoom = geo.width / view.width;
  // List order (county, then name), for Page Up / Page Down, Home / End and the table.
  const order = useMemo(() => {
    const muni = (code: string) => reference.municipalities.get(code);
    return visible
      .map((p) => p.code)
      .sort((a, b) => (muni(a)?.countyCode ?? '').localeCompare(muni(b)?.countyCode ?? '') || (muni(a)?.name ?? a).localeCompare(muni(b)?.name ?? b, 'sv'));
  }, [visible, reference]);

  const [active, setActive] = useState<string | undefined>(undefined);
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  const [focused, setFocused] = useState(false);
  const focusCode = active && order.includes(active) ? active : order[0];
  const shownCode = hovered ?? (focused ? focusCode : undefined);
  const svg = useRef<SVGSVGElement>(null);

  const describe = (code: string): string => {
    const muni = reference.municipalities.get(code);
    const p = provisions.get(code);
    if (!p) return muni?.name ?? code;
    const since = p.since ?? m.fromStart;
    return `${muni?.name ?? code}: ${p.provider.name} · ${props.describeBasis(p)}${p.lapsed ? ` · ${m.lapsedNote}` : ''} · ${m.since.toLocaleLowerCase(lang)} ${since}`;
  };

  const focusPlace = (code: string) => {
    setActive(code);
    svg.current?.querySelector<SVGElement>(`a.map-link[data-code="${code}"]`)?.focus();
  };

  const onKeyDown = (event: TargetedKeyboardEvent<SVGSVGElement>) => {
    const link = (event.target as Element).closest<SVGElement>('a.map-link');
    const code = link?.dataset.code;
    if (!code) return;
    const here = byCode.get(code);
    const index = order.indexOf(code);
    let next: string | undefined;
    const direction = DIRECTIONS[event.key];
    if (direction && here) next = nearestInDirection(here, visible, direction)?.code ?? code;
    else if (event.key === 'PageDown') next = order[Math.min(order.length - 1, index + 1)];
    else if (event.key === 'PageUp') next = order[Math.max(0, index - 1)];
    else if (event.key === 'Home') next = order[0];
    else if (event.key === 'End') next = order[order.length - 1];
    else if (event.key === 'Enter') {
      event.preventDefault();
      open(code);
      return;
    }
    if (!next) return;
    event.preventDefault();
    setHovered(undefined);
    focusPlace(next);
  };

  const open = (code: string) => {
    const before = document.querySelector('main h1');
    navigate(municipalityHref(route, code));
    window.scrollTo(0, 0);
    focusNewHeading(before);
  };

  const onClick = (event: TargetedMouseEvent<SVGSVGElement>) => {
    const code = (event.target as Element).closest<SVGElement>('a.map-link')?.dataset.code;
    // A new tab or window (modifiers, middle button) is the browser's, with the link's href.
    if (!code || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setActive(code);
    open(code);
  };

  const onPointer = (event: TargetedMouseEvent<SVGSVGElement>) => {
    const code = (event.target as Element).closest<SVGElement>('a.map-link')?.dataset.code;
    setHovered(code);
  };

  // The 290 shapes are rebuilt when what they show or the tab stop changes, not on hover.
  const shapes = useMemo(() => {
    const inside = new Set(visible.map((p) => p.code));
    const shape = (place: Place) => {
      const p = provisions.get(place.code);
      const shown = p ? shownOf(p) : undefined;
      return (
        <path
          key={place.code}
          class={`map-shape k-${shown ?? 'none'}`}
          d={place.d}
          data-code={place.code}
          data-county={place.county}
          data-basis={p?.basis.kind ?? ''}
          data-lapsed={p?.lapsed ? 'true' : 'false'}
          data-shown={shown ?? ''}
          data-provider={p?.provider.name ?? ''}
        />
      );
    };
    return {
      links: places
        .filter((place) => inside.has(place.code))
        .map((place) => (
          // `tabindex` in lower case: an SVG attribute's name is case-sensitive, and Preact sets it as written.
          <a key={place.code} class="map-link" href={municipalityHref(route, place.code)} data-code={place.code} tabindex={place.code === focusCode ? 0 : -1} aria-label={describe(place.code)}>
            {shape(place)}
          </a>
        )),
      around: places.filter((place) => !inside.has(place.code)).map(shape),
    };
  }, [places, visible, provisions, focusCode, lang, props.titles, route.params.get('on'), route.params.get('knownAt')]);

  const shownPlace = shownCode ? byCode.get(shownCode) : undefined;
  const shownProvision = shownCode ? provisions.get(shownCode) : undefined;
  const shownName = shownCode ? (reference.municipalities.get(shownCode)?.name ?? shownCode) : '';

  return (
    <>
      <div class="map-body">
        {/* Focus is followed here, not on the SVG: Chromium puts an SVG element with focus listeners in the tab order. */}
        <figure
          class="map-figure"
          aria-busy={props.busy ? 'true' : 'false'}
          onFocusIn={(e) => {
            // Focus that arrives by a click or a script, not the arrow keys, moves the tab stop too.
            const code = (e.target as Element).closest<SVGElement>('a.map-link')?.dataset.code;
            if (code) setActive(code);
            setFocused(true);
          }}
          onFocusOut={(e) => setFocused(svg.current?.contains(e.relatedTarget as Node | null) ?? false)}
        >
          <svg
            ref={svg}
            class="map-svg"
            viewBox={`${view.x} ${view.y} ${view.width} ${view.height}`}
            role="group"
            aria-label={m.mapLabel(props.countyName || m.sweden, visible.length, props.areaLabel, props.on)}
            aria-describedby="map-help"
            data-testid="map"
            data-on={props.on}
            data-area={props.area}
            data-count={String(visible.length)}
            data-county={props.county}
            onKeyDown={onKeyDown}
            onClick={onClick}
            onMouseOver={onPointer}
            onMouseLeave={() => setHovered(undefined)}
          >
            <MapPatterns prefix="map-fill" scale={1 / zoom} />
            {shapes.around.length > 0 && (
              <g class="map-shapes map-around" aria-hidden="true">
                {shapes.around}
              </g>
            )}
            <g class="map-shapes">{shapes.links}</g>
            <g class="map-counties" aria-hidden="true">
              {geo.counties.map((c) => (
                <path key={c.code} d={c.d} data-county={c.code} />
              ))}
            </g>
            {shownPlace && (
              <g class="map-highlight" aria-hidden="true">
                <path class="halo" d={shownPlace.d} />
                <path class="line" d={shownPlace.d} />
              </g>
            )}
          </svg>
          {shownPlace && shownProvision && (
            <div
              class={`map-tooltip${shownPlace.x - view.x > view.width / 2 ? ' left' : ''}${shownPlace.y - view.y < view.height * 0.15 ? ' below' : ''}`}
              style={{ left: `${((shownPlace.x - view.x) / view.width) * 100}%`, top: `${((shownPlace.y - view.y) / view.height) * 100}%` }}
              aria-hidden="true"
              data-testid="map-tooltip"
            >
              <strong>{shownName}</strong>
              <span>{shownProvision.provider.name}</span>
              <span>
                {term(`basis.${shownProvision.basis.kind}`)}
                {shownProvision.lapsed ? ` · ${m.lapsedNote}` : ''}
              </span>
              <span>
                {m.since} {shownProvision.since ?? m.fromStart}
              </span>
            </div>
          )}
          <figcaption id="map-help" class="help">
            {m.mapHelp}
          </figcaption>
        </figure>
        <aside class="map-side">
          <section class="map-info" data-testid="map-info" data-code={shownCode ?? ''} aria-labelledby="map-info-heading">
            <h2 id="map-info-heading">{shownCode ? shownName : m.infoHeading}</h2>
            {shownCode && shownProvision ? (
              <dl>
                <dt>{m.county}</dt>
                <dd>{reference.municipalities.get(shownCode)?.countyName ?? ''}</dd>
                <dt>{m.provider}</dt>
                <dd data-testid="map-info-provider">{shownProvision.provider.name}</dd>
                <dt>{m.basis}</dt>
                <dd data-testid="map-info-basis" data-basis={shownProvision.basis.kind}>
                  {props.describeBasis(shownProvision)}
                  {shownProvision.lapsed && <> ({m.lapsedNote})</>}
                </dd>
                <dt>{m.since}</dt>
                <dd data-testid="map-info-since">{shownProvision.since ?? m.fromStart}</dd>
                <dt>{m.until}</dt>
                <dd>{shownProvision.until ?? m.openEnded}</dd>
              </dl>
            ) : (
              <p class="help">{m.infoPrompt}</p>
            )}
            {shownCode && <p class="help">{m.open}</p>}
          </section>
          <section class="map-legend" aria-labelledby="map-legend-heading" data-testid="map-legend">
            <h2 id="map-legend-heading">{m.legendHeading}</h2>
            {/* The swatches' own patterns, at the whole country's scale whatever the zoom. */}
            <svg class="map-defs" width="0" height="0" aria-hidden="true">
              <MapPatterns prefix="legend-fill" scale={1} />
            </svg>
            <ul>
              {SHOWN.map((kind) => (
                <li key={kind} data-shown={kind} data-count={String(props.counts.get(kind) ?? 0)}>
                  <svg class="map-swatch" viewBox="0 0 12 12" aria-hidden="true">
                    <rect class={`map-shape k-${kind}`} x="0.5" y="0.5" width="11" height="11" />
                  </svg>
                  <span class="legend-name">{kind === 'lapsed' ? m.lapsed : term(`basis.${kind}`)}</span>
                  <span class="legend-count">{m.legendCount(props.counts.get(kind) ?? 0)}</span>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
      <MapTable order={order} provisions={provisions} route={route} caption={m.tableCaption(props.areaLabel, props.on, props.countyName || m.wholeCountry)} describeBasis={props.describeBasis} municipalities={reference.municipalities} lapsedLabel={l.lapsed} />
    </>
  );
}

/**
 * The fills: a colour per basis kind (the matrix's colours, styles.css) and, so that the map
 * does not rest on colour alone, a pattern on all but in-house and federation: stripes for a
 * joint committee, dots for an agreement, red stripes for a lapse. The legend has its own copy
 * (`legend-fill-…`): the map's shrink with the zoom, so that their stripes keep their size on screen.
 */
function MapPatterns(props: { prefix: string; scale: number }) {
  const scaled = (rotate: number) => `scale(${props.scale}) rotate(${rotate})`;
  return (
    <defs>
      <pattern id={`${props.prefix}-joint-committee`} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform={scaled(45)}>
        <rect class="pat-ground k-joint-committee" width="4" height="4" />
        <rect class="pat-mark light" width="1.3" height="4" />
      </pattern>
      <pattern id={`${props.prefix}-agreement`} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform={scaled(0)}>
        <rect class="pat-ground k-agreement" width="4" height="4" />
        <circle class="pat-mark dark" cx="2" cy="2" r="0.9" />
      </pattern>
      <pattern id={`${props.prefix}-lapsed`} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform={scaled(135)}>
        <rect class="pat-ground k-lapsed" width="4" height="4" />
        <rect class="pat-mark red" width="1.5" height="4" />
      </pattern>
    </defs>
  );
}

function MapTable(props: {
  order: string[];
  provisions: Map<string, Provision>;
  route: Route;
  caption: string;
  municipalities: Map<string, Municipality>;
  lapsedLabel: string;
  describeBasis: (p: Provision) => string;
}) {
  const { lang } = useI18n();
  const m = MAP_LABELS[lang];
  // The 290 rows are built only once the reader opens the table.
  const [open, setOpen] = useState(false);
  return (
    <details class="map-table" data-testid="map-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{m.asTable}</summary>
      {open && (
        <div class="table-scroll">
          <table class="list">
            <caption>{props.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.municipality}</th>
                <th scope="col">{m.county}</th>
                <th scope="col">{m.provider}</th>
                <th scope="col">{m.basis}</th>
                <th scope="col">{m.since}</th>
              </tr>
            </thead>
            <tbody>
              {props.order.map((code) => {
                const muni = props.municipalities.get(code);
                const p = props.provisions.get(code);
                return (
                  <tr key={code} data-code={code} data-basis={p?.basis.kind ?? ''} data-lapsed={p?.lapsed ? 'true' : 'false'}>
                    <th scope="row">
                      <Link href={municipalityHref(props.route, code)}>{muni?.name ?? code}</Link>
                    </th>
                    <td>{muni?.countyName ?? ''}</td>
                    <td>{p?.provider.name ?? ''}</td>
                    <td>
                      {p ? props.describeBasis(p) : ''}
                      {p?.lapsed ? ` (${props.lapsedLabel})` : ''}
                    </td>
                    <td>{p ? (p.since ?? m.fromStart) : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
