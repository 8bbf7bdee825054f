import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { isCalendarDate, todayInStockholm } from '../dates';
import { areaName } from '../format';
import { LiveState, useApi, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';
import { ArrangementKind, ArrangementSummary, BASIS_KINDS, BasisKind, Matrix, Provision } from '../types';
import { useChartsLabels } from './charts.labels';
import { ErrorBox, Link, Loading } from './common';
import { TableCsvButton } from './export-button';

/**
 * Charts of the register, drawn from the public API only: (a) the cells of the matrix per
 * basis kind on 1 July of each year, for the country or a county; (b) the arrangements per
 * kind and status; (c) the cells whose provider or basis differ between two dates. Each is
 * inline SVG (no chart library, nothing the CSP forbids) with a title, a legend that names
 * and patterns each kind (not colour alone) and a table with the same numbers.
 */

export const FIRST_YEAR = 2000;
/** Matrices fetched at once: a whole-country answer is large, and the service has other readers. */
const CONCURRENCY = 3;

interface YearCounts {
  year: number;
  on: string;
  counts: Record<BasisKind, number>;
  total: number;
}

/**
 * Counts per county and year, kept for the page's lifetime: a year's matrix is fetched once,
 * and coming back to the page (or to a county) draws at once. "Fetch again" forgets them.
 */
const yearCache = new Map<string, YearCounts>();
const cacheKey = (county: string, year: number) => `${county || 'SE'}:${year}`;

function countMatrix(year: number, matrix: Matrix): YearCounts {
  const counts = Object.fromEntries(BASIS_KINDS.map((k) => [k, 0])) as Record<BasisKind, number>;
  let total = 0;
  for (const row of matrix.rows)
    for (const area of matrix.serviceAreas) {
      const cell = row.cells[area];
      if (!cell) continue;
      counts[cell.basis.kind] += 1;
      total += 1;
    }
  return { year, on: matrix.on, counts, total };
}

/** Fetches the years' matrices, a few at a time, answering what has come so far (drawn as it comes). */
function useYearCounts(county: string, years: number[], version: number) {
  const [reload, setReload] = useState(0);
  // The results carry the key they were fetched for: on a change of county the first render must not
  // pair the new county with the old county's bars (the effect below has not run yet).
  const key = `${county}|${years.join(',')}|${version}|${reload}`;
  const [state, setState] = useState<{ key: string; results: Map<number, YearCounts>; error?: Error }>({ key: '', results: new Map() });
  useEffect(() => {
    const controller = new AbortController();
    const results = new Map<number, YearCounts>();
    for (const year of years) {
      const cached = yearCache.get(cacheKey(county, year));
      if (cached) results.set(year, cached);
    }
    setState({ key, results: new Map(results) });
    const queue = years.filter((y) => !results.has(y));
    const worker = async () => {
      while (queue.length > 0 && !controller.signal.aborted) {
        const year = queue.shift() as number;
        try {
          const matrix = await getJson<Matrix>(`/v1/matrix${query({ on: `${year}-07-01`, county })}`, { signal: controller.signal });
          const counts = countMatrix(year, matrix);
          yearCache.set(cacheKey(county, year), counts);
          results.set(year, counts);
          if (!controller.signal.aborted) setState((s) => ({ ...s, results: new Map(results) }));
        } catch (error) {
          if (controller.signal.aborted) return;
          queue.length = 0;
          setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
        }
      }
    };
    void Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return () => controller.abort();
  }, [key]);
  const again = () => {
    for (const year of years) yearCache.delete(cacheKey(county, year));
    setReload((r) => r + 1);
  };
  return state.key === key ? { results: state.results, error: state.error, again } : { results: new Map<number, YearCounts>(), error: undefined, again };
}

/** The patterns that tell the kinds apart without colour (defined once per page, used by the charts and their legends). */
function Patterns() {
  return (
    <svg class="chart-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        <pattern id="pat-in-house" width="8" height="8" patternUnits="userSpaceOnUse">
          <rect width="8" height="8" class="pat-bg k-in-house" />
        </pattern>
        <pattern id="pat-federation" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" class="pat-bg k-federation" />
          <line x1="0" y1="0" x2="0" y2="6" class="pat-line" />
        </pattern>
        <pattern id="pat-joint-committee" width="6" height="6" patternUnits="userSpaceOnUse">
          <rect width="6" height="6" class="pat-bg k-joint-committee" />
          <circle cx="3" cy="3" r="1.2" class="pat-dot" />
        </pattern>
        <pattern id="pat-agreement" width="6" height="6" patternUnits="userSpaceOnUse">
          <rect width="6" height="6" class="pat-bg k-agreement" />
          <path d="M0 0L6 6M6 0L0 6" class="pat-cross" />
        </pattern>
      </defs>
    </svg>
  );
}

function KindLegend(props: { kinds: readonly BasisKind[]; heading: string }) {
  const { term } = useI18n();
  return (
    <div class="chart-legend">
      <h3 class="visually-hidden">{props.heading}</h3>
      <ol>
        {props.kinds.map((kind) => (
          <li key={kind}>
            <svg class="legend-swatch" width="18" height="18" aria-hidden="true" focusable="false">
              <rect x="0.5" y="0.5" width="17" height="17" class={`seg seg-${kind}`} />
            </svg>
            {term(`basis.${kind}`)}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A round upper end for the scale: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * The stacked bars: x in percentages (the chart is as wide as the page, at 390 px too), y in
 * pixels (text keeps its size). Bars occupy the left 88 %; the scale's numbers stand right.
 */
function StackedBars(props: { years: number[]; results: Map<number, YearCounts>; kinds: readonly BasisKind[]; labelledBy: string }) {
  const { term, locale } = useI18n();
  const c = useChartsLabels();
  const number = new Intl.NumberFormat(locale);
  const shownTotal = (r: YearCounts) => props.kinds.reduce((n, k) => n + r.counts[k], 0);
  const max = niceMax(Math.max(0, ...[...props.results.values()].map(shownTotal)));
  const top = 12;
  const bottom = 212;
  const height = 236;
  const plot = 88;
  const slot = plot / props.years.length;
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const ticks = [0, max / 2, max];
  return (
    <svg class="chart stacked" width="100%" height={height} role="img" aria-labelledby={props.labelledBy} data-testid="basis-chart" data-max={max}>
      {ticks.map((t) => (
        <g key={t} class="tick">
          <line x1="0" x2={`${plot}%`} y1={y(t)} y2={y(t)} class="grid" />
          <text x="100%" y={y(t) + 4} text-anchor="end" class="tick-label">
            {number.format(t)}
          </text>
        </g>
      ))}
      {props.years.map((year, i) => {
        const r = props.results.get(year);
        const x = i * slot + slot * 0.15;
        const width = slot * 0.7;
        // Every fifth year, and the last one unless a labelled year stands too close to it.
        const last = props.years[props.years.length - 1];
        const labelled = year % 5 === 0 ? last - year >= 3 || year === last : year === last;
        let base = 0;
        return (
          <g key={year} class="bar" data-year={year} data-total={r ? shownTotal(r) : ''} data-loaded={r ? 'true' : 'false'}>
            {r &&
              props.kinds.map((kind) => {
                const count = r.counts[kind];
                const from = base;
                base += count;
                if (count === 0) return null;
                return (
                  <rect key={kind} x={`${x}%`} width={`${width}%`} y={y(from + count)} height={Math.max(y(from) - y(from + count), 0.5)} class={`seg seg-${kind}`} data-kind={kind} data-count={count}>
                    <title>{c.yearBarTitle(year, `${term(`basis.${kind}`)} ${number.format(count)}`, shownTotal(r))}</title>
                  </rect>
                );
              })}
            {!r && <rect x={`${x}%`} width={`${width}%`} y={bottom - 2} height="2" class="pending" />}
            {labelled && (
              <text x={`${x + width / 2}%`} y={height - 6} text-anchor="middle" class="year-label">
                {year}
              </text>
            )}
          </g>
        );
      })}
      <line x1="0" x2={`${plot}%`} y1={bottom} y2={bottom} class="axis" />
    </svg>
  );
}

function BasisByYear(props: { route: Route; counties: [string, string][]; version: number }) {
  const { term, locale } = useI18n();
  const c = useChartsLabels();
  const { route } = props;
  const number = new Intl.NumberFormat(locale);
  const countyParam = route.params.get('county') ?? '';
  const county = props.counties.some(([code]) => code === countyParam) ? countyParam : '';
  const countyName = props.counties.find(([code]) => code === county)?.[1];
  const lastYear = Number(todayInStockholm().slice(0, 4));
  const years = useMemo(() => Array.from({ length: lastYear - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i), [lastYear]);
  const [inHouse, setInHouse] = useState(true);
  const kinds = inHouse ? BASIS_KINDS : BASIS_KINDS.filter((k) => k !== 'in-house');
  const { results, error, again } = useYearCounts(county, years, props.version);
  const done = results.size;
  const scope = countyName ?? c.wholeCountry;
  return (
    <section class="chart-card" aria-labelledby="basis-title" data-testid="basis-section" data-county={county} data-done={done} data-years={years.length}>
      <h2 id="basis-title">{c.byBasisTitle}</h2>
      <p id="basis-desc" class="lead">
        {c.byBasisIntro(FIRST_YEAR, lastYear)}
      </p>
      <div class="filters">
        <div class="control">
          <label for="chart-county">{c.county}</label>
          <select id="chart-county" value={county} onChange={(e) => navigate(withParams(route, { county: e.currentTarget.value || undefined }), { replace: true })}>
            <option value="">{c.wholeCountry}</option>
            {props.counties.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="control">
          <span class="checkbox">
            <input id="chart-in-house" type="checkbox" checked={inHouse} onChange={(e) => setInHouse(e.currentTarget.checked)} aria-describedby="chart-in-house-help" />
            <label for="chart-in-house">{c.includeInHouse}</label>
          </span>
          <small id="chart-in-house-help" class="help">
            {c.includeInHouseHelp}
          </small>
        </div>
        <div class="control chart-progress">
          <label for="basis-progress">{c.progressLabel}</label>
          <progress id="basis-progress" max={years.length} value={done} aria-valuetext={c.progress(done, years.length)} />
          <span role="status" class="help" data-testid="basis-progress">
            {done < years.length && !error ? c.progress(done, years.length) : c.allFetched(years.length)}
          </span>
        </div>
        <div class="control">
          <span class="label-spacer" aria-hidden="true" />
          <button type="button" class="button subtle" onClick={again} disabled={done < years.length && !error}>
            {c.fetchAgain}
          </button>
        </div>
      </div>
      {error && <ErrorBox error={error} retry={again} />}
      <p class="chart-title" id="basis-chart-title">
        {c.chartSummary(scope, FIRST_YEAR, lastYear)} {c.scaleNote(number.format(niceMax(Math.max(0, ...[...results.values()].map((r) => kinds.reduce((n, k) => n + r.counts[k], 0))))))}
      </p>
      <KindLegend kinds={kinds} heading={c.byBasisTitle} />
      <StackedBars years={years} results={results} kinds={kinds} labelledBy="basis-chart-title" />
      <details class="chart-table">
        <summary>{c.showTable}</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="basis-table-caption">
          <table class="list" data-testid="basis-table">
            <caption id="basis-table-caption">
              {c.byBasisTitle}, {scope}
            </caption>
            <thead>
              <tr>
                <th scope="col">{c.year}</th>
                {BASIS_KINDS.map((k) => (
                  <th key={k} scope="col" class="num">
                    {term(`basis.${k}`)}
                  </th>
                ))}
                <th scope="col" class="num">
                  {c.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {years.map((year) => {
                const r = results.get(year);
                return (
                  <tr key={year}>
                    <th scope="row">{c.cellsOn(`${year}-07-01`)}</th>
                    {BASIS_KINDS.map((k) => (
                      <td key={k} class="num">
                        {r ? number.format(r.counts[k]) : '…'}
                      </td>
                    ))}
                    <td class="num">{r ? number.format(r.total) : '…'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

const ARRANGEMENT_KINDS: readonly ArrangementKind[] = ['federation', 'joint-committee', 'agreement', 'study'];

function ArrangementsByKind(props: { list: ArrangementSummary[] }) {
  const { term, locale } = useI18n();
  const c = useChartsLabels();
  const number = new Intl.NumberFormat(locale);
  const byKind = ARRANGEMENT_KINDS.map((kind) => ({ kind, items: props.list.filter((a) => a.kind === kind) }));
  const statuses = [...new Set(props.list.map((a) => a.status))].sort();
  const max = Math.max(1, ...byKind.map((k) => k.items.length));
  const row = 44;
  return (
    <section class="chart-card" aria-labelledby="kinds-title" data-testid="kinds-section">
      <h2 id="kinds-title">{c.byKindTitle}</h2>
      <p class="lead">{c.byKindIntro}</p>
      <p class="chart-title" id="kinds-chart-title">
        {c.byKindSummary(props.list.length)}
      </p>
      <svg class="chart kinds" width="100%" height={byKind.length * row + 4} role="img" aria-labelledby="kinds-chart-title" data-testid="kinds-chart">
        {byKind.map(({ kind, items }, i) => {
          const width = (items.length / max) * 80;
          return (
            <g key={kind} class="kind-bar" data-kind={kind} data-count={items.length}>
              <text x="0" y={i * row + 14} class="bar-label">
                {term(`kind.${kind}`)}
              </text>
              <rect x="0" y={i * row + 20} width={`${Math.max(width, 0.3)}%`} height="16" class={`kind-${kind}`}>
                <title>{`${term(`kind.${kind}`)}: ${number.format(items.length)}`}</title>
              </rect>
              <text x={`${Math.max(width, 0.3) + 1}%`} y={i * row + 33} class="bar-value">
                {number.format(items.length)}
              </text>
            </g>
          );
        })}
      </svg>
      <p class="help">{c.byKindNoYears}</p>
      <details class="chart-table">
        <summary>{c.showTable}</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="kinds-table-caption">
          <table class="list" data-testid="kinds-table">
            <caption id="kinds-table-caption">{c.byKindTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{c.kind}</th>
                {statuses.map((s) => (
                  <th key={s} scope="col" class="num">
                    {term(`status.${s}`)}
                  </th>
                ))}
                <th scope="col" class="num">
                  {c.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {byKind.map(({ kind, items }) => (
                <tr key={kind}>
                  <th scope="row">{term(`kind.${kind}`)}</th>
                  {statuses.map((s) => (
                    <td key={s} class="num">
                      {number.format(items.filter((a) => a.status === s).length)}
                    </td>
                  ))}
                  <td class="num">{number.format(items.length)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

interface Change {
  code: string;
  name: string;
  county: string;
  area: string;
  before: Provision;
  after: Provision;
}

/** The cells whose provider or basis differ between two answers (a lapse alone, same provider and basis, is not a change of either). */
export function changesBetween(before: Matrix, after: Matrix): Change[] {
  const old = new Map(before.rows.map((r) => [r.municipality.code, r.cells]));
  const same = (p: Provision, q: Provision) =>
    p.provider.kind === q.provider.kind && p.provider.name === q.provider.name && (p.provider.code ?? p.provider.id) === (q.provider.code ?? q.provider.id) && p.basis.kind === q.basis.kind && p.basis.id === q.basis.id;
  const changes: Change[] = [];
  for (const row of after.rows) {
    const cells = old.get(row.municipality.code);
    if (!cells) continue;
    for (const area of after.serviceAreas) {
      const p = cells[area];
      const q = row.cells[area];
      if (p && q && !same(p, q)) changes.push({ code: row.municipality.code, name: row.municipality.name, county: row.municipality.countyName, area, before: p, after: q });
    }
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name, 'sv') || after.serviceAreas.indexOf(a.area) - after.serviceAreas.indexOf(b.area));
}

function WhatChanged(props: { route: Route; counties: [string, string][]; titles: Map<string, string>; version: number }) {
  const { term, lang } = useI18n();
  const c = useChartsLabels();
  const reference = useReference();
  const { route } = props;
  const today = todayInStockholm();
  const countyParam = route.params.get('cc') ?? '';
  const county = props.counties.some(([code]) => code === countyParam) ? countyParam : '';
  const fromParam = route.params.get('from') ?? `${today.slice(0, 4)}-01-01`;
  const toParam = route.params.get('to') ?? today;
  const fromOk = isCalendarDate(fromParam);
  const toOk = isCalendarDate(toParam);
  const before = useApi<Matrix>(fromOk ? `/v1/matrix${query({ on: fromParam, county })}` : null, props.version);
  const after = useApi<Matrix>(toOk ? `/v1/matrix${query({ on: toParam, county })}` : null, props.version);
  const ready = fromOk && toOk && before.data?.on === fromParam && after.data?.on === toParam;
  const changes = useMemo(() => (ready && before.data && after.data ? changesBetween(before.data, after.data) : []), [ready, before.data, after.data]);
  const describe = (p: Provision) => {
    // An arrangement's title, unless it is the provider's name already (a federation provides under its own name).
    const found = p.basis.id ? props.titles.get(p.basis.id) : undefined;
    const title = found && found !== p.provider.name ? found : undefined;
    return `${p.provider.name} · ${term(`basis.${p.basis.kind}`)}${title ? `: ${title}` : ''}${p.lapsed ? ` (${c.lapsedNote})` : ''}`;
  };
  const set = (name: string, value: string) => navigate(withParams(route, { [name]: value || undefined }), { replace: true });
  const error = before.error ?? after.error;
  return (
    <section class="chart-card" aria-labelledby="changes-title" data-testid="changes-section" data-ready={ready ? 'true' : 'false'}>
      <h2 id="changes-title">{c.changesTitle}</h2>
      <p class="lead">{c.changesIntro}</p>
      <div class="filters">
        <div class="control">
          <label for="changes-county">{c.changesCounty}</label>
          <select id="changes-county" value={county} onChange={(e) => set('cc', e.currentTarget.value)}>
            <option value="">{c.allCounties}</option>
            {props.counties.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="control">
          <label for="changes-from">{c.fromDate}</label>
          <input id="changes-from" class="date-input" type="date" value={fromOk ? fromParam : ''} onChange={(e) => set('from', e.currentTarget.value)} aria-describedby={fromOk ? undefined : 'changes-from-error'} />
          {!fromOk && (
            <span id="changes-from-error" class="error inline-error" role="alert">
              {c.badDate(fromParam)}
            </span>
          )}
        </div>
        <div class="control">
          <label for="changes-to">{c.toDate}</label>
          <input id="changes-to" class="date-input" type="date" value={toOk ? toParam : ''} onChange={(e) => set('to', e.currentTarget.value)} aria-describedby={toOk ? undefined : 'changes-to-error'} />
          {!toOk && (
            <span id="changes-to-error" class="error inline-error" role="alert">
              {c.badDate(toParam)}
            </span>
          )}
        </div>
      </div>
      {error && <ErrorBox error={error} retry={() => (before.refresh(), after.refresh())} />}
      {fromOk && toOk && !ready && !error && <Loading />}
      {ready && (
        <>
          <p role="status" data-testid="changes-count" data-count={changes.length}>
            {changes.length === 0 ? c.noChanges(fromParam, toParam) : c.changesCount(changes.length, fromParam, toParam)}
          </p>
          {changes.length > 0 && (
            <>
              <TableCsvButton selector="[data-testid=changes-table]" filename={`samverkan-changes-${fromParam}-${toParam}${county ? `-${county}` : ''}.csv`} name={c.changesTableName} testId="changes-csv" />
              <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="changes-title">
                <table class="list changes" data-testid="changes-table">
                  <thead>
                    <tr>
                      <th scope="col">{c.municipality}</th>
                      <th scope="col">{c.serviceArea}</th>
                      <th scope="col">
                        {c.before} ({fromParam})
                      </th>
                      <th scope="col">
                        {c.after} ({toParam})
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((ch) => (
                      <tr key={`${ch.code}:${ch.area}`} data-code={ch.code} data-area={ch.area}>
                        <td>
                          <Link href={`/?${new URLSearchParams({ on: toParam, county: ch.code.slice(0, 2), cell: `${ch.code}:${ch.area}` }).toString()}`}>{ch.name}</Link>
                        </td>
                        <td>{areaName(reference.areaBySlug.get(ch.area), ch.area, lang)}</td>
                        <td>{describe(ch.before)}</td>
                        <td>
                          <span aria-hidden="true">→ </span>
                          {describe(ch.after)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

export function ChartsView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const c = useChartsLabels();
  const reference = useReference();
  // The charts are snapshots fetched once, not followed live.
  useEffect(() => props.onLive('off'), []);
  const counties = useMemo(() => {
    const byCode = new Map<string, string>();
    for (const m of reference.municipalities.values()) byCode.set(m.countyCode, m.countyName);
    return [...byCode.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [reference]);
  const arrangements = useApi<ArrangementSummary[]>('/v1/arrangements', props.authVersion);
  const titles = useMemo(() => new Map((arrangements.data ?? []).map((a) => [a.id, a.title])), [arrangements.data]);
  return (
    <div class="page charts-page" data-testid="charts">
      <header class="page-head">
        <h1>{c.title}</h1>
        <p class="lead">{c.intro}</p>
      </header>
      <Patterns />
      <BasisByYear route={props.route} counties={counties} version={props.authVersion} />
      {arrangements.error && <ErrorBox error={arrangements.error} retry={arrangements.refresh} />}
      {!arrangements.data && !arrangements.error && <Loading />}
      {arrangements.data && <ArrangementsByKind list={arrangements.data} />}
      <WhatChanged route={props.route} counties={counties} titles={titles} version={props.authVersion} />
    </div>
  );
}
