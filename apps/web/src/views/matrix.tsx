import { TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { query } from '../api';
import { areaName, describeProvision } from '../format';
import { LiveState, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { I18n, useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';
import { Matrix, MatrixRow, ServiceArea } from '../types';
import { CellDetail } from './cell-detail';
import { ErrorBox, Legend, Loading } from './common';
import { MatrixExportTools, PrintCaption } from './export-button';
import { useArrangementTitles } from './provider';
import { BadParams, KnownAtBanner, TimeControls, viewTime } from './time-controls';

interface CountyGroup {
  code: string;
  name: string;
  rows: MatrixRow[];
}

function groupByCounty(rows: MatrixRow[], filter: string): CountyGroup[] {
  const needle = filter.trim().toLocaleLowerCase('sv');
  const groups = new Map<string, CountyGroup>();
  for (const row of rows) {
    const m = row.municipality;
    if (needle && !m.name.toLocaleLowerCase('sv').includes(needle) && !m.code.startsWith(needle)) continue;
    let group = groups.get(m.countyCode);
    if (!group) groups.set(m.countyCode, (group = { code: m.countyCode, name: m.countyName, rows: [] }));
    group.rows.push(row);
  }
  const sorted = [...groups.values()].sort((a, b) => a.code.localeCompare(b.code));
  for (const g of sorted) g.rows.sort((a, b) => a.municipality.name.localeCompare(b.municipality.name, 'sv'));
  return sorted;
}

const cellKey = (code: string, area: string) => `${code}:${area}`;

/** Cells whose provider, basis or lapse differ between two answers for the same question: they flash after a live update. */
function changedCells(before: Matrix | undefined, after: Matrix): Set<string> {
  const changed = new Set<string>();
  if (!before || before.on !== after.on) return changed;
  const old = new Map(before.rows.map((r) => [r.municipality.code, r.cells]));
  for (const row of after.rows) {
    const cells = old.get(row.municipality.code);
    if (!cells) continue;
    for (const [area, p] of Object.entries(row.cells)) {
      const q = cells[area];
      if (!q || q.provider.name !== p.provider.name || q.basis.kind !== p.basis.kind || q.basis.id !== p.basis.id || q.lapsed !== p.lapsed) changed.add(cellKey(row.municipality.code, area));
    }
  }
  return changed;
}

export function MatrixView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const i18n = useI18n();
  const { l, lang } = i18n;
  const { route } = props;
  const reference = useReference();
  const time = viewTime(route);
  const { on, knownAt } = time;
  const counties = useMemo(() => {
    const byCode = new Map<string, string>();
    for (const m of reference.municipalities.values()) byCode.set(m.countyCode, m.countyName);
    return [...byCode.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [reference]);
  // A county the register does not know falls back to all counties, and the page says so.
  const countyParam = route.params.get('county') ?? '';
  const county = counties.some(([code]) => code === countyParam) ? countyParam : '';
  const invalid = countyParam && !county ? [...time.invalid, { name: 'county' as const, value: countyParam }] : time.invalid;
  const filter = route.params.get('q') ?? '';
  const selected = route.params.get('cell') ?? '';

  const matrixPath = `/v1/matrix${query({ on, knownAt, county })}`;
  const matrix = useApi<Matrix>(matrixPath, props.authVersion);
  // The arrangements' titles name each cell's basis in its hover text and accessible name.
  const { titles } = useArrangementTitles(knownAt, props.authVersion);
  const [liveTick, setLiveTick] = useState(0);
  // A past "known at" cannot change: nothing recorded from now on was known then.
  const feedPath = knownAt ? null : `/v1/subscriptions/provisions${query({ county })}`;
  const live = useLiveRefresh(
    feedPath,
    () => {
      matrix.refresh();
      setLiveTick((t) => t + 1);
    },
    ['provision-changed'],
    props.authVersion,
  );
  useEffect(() => props.onLive(liveStateOf(feedPath, live)), [live, feedPath]);

  const previous = useRef<Matrix | undefined>(undefined);
  const [flash, setFlash] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (!matrix.data) return;
    const changed = changedCells(previous.current, matrix.data);
    previous.current = matrix.data;
    if (changed.size === 0) return;
    setFlash(changed);
    const timer = setTimeout(() => setFlash(new Set()), 4000);
    return () => clearTimeout(timer);
  }, [matrix.data]);

  const groups = useMemo(() => (matrix.data ? groupByCounty(matrix.data.rows, filter) : []), [matrix.data, filter]);
  const shown = groups.reduce((n, g) => n + g.rows.length, 0);

  // A new answer is on its way while the old one is still shown (a whole-country refetch takes up to a second).
  const refreshing = matrix.loading && matrix.data !== undefined;

  const select = (code: string, area: string) => navigate(withParams(route, { cell: cellKey(code, area) }));
  const [selCode, selArea] = selected.split(':');

  return (
    <div class={`matrix-page${selected ? ' with-detail' : ''}`}>
      <div class="page-head">
        <h1>{l.matrixCaption}</h1>
        {/* Before the date and filters (not after them), so that Tab from the name filter goes straight into the matrix. */}
        <MatrixExportTools on={on} knownAt={knownAt} county={county} />
        <BadParams invalid={invalid} />
        <TimeControls route={route} on={on} knownAt={knownAt} />
        <div class="filters">
          <div class="control">
            <label for="county">{l.county}</label>
            <select id="county" value={county} onChange={(e) => navigate(withParams(route, { county: e.currentTarget.value || undefined }), { replace: true })}>
              <option value="">{l.allCounties}</option>
              {counties.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div class="control">
            <label for="filter">{l.filter}</label>
            <input id="filter" type="search" placeholder={l.filterPlaceholder} value={filter} onInput={(e) => navigate(withParams(route, { q: e.currentTarget.value || undefined }), { replace: true })} />
          </div>
          <Legend />
        </div>
        <KnownAtBanner knownAt={knownAt} />
        <PrintCaption on={on} knownAt={knownAt} countyName={counties.find(([code]) => code === county)?.[1]} />
      </div>
      <div class="matrix-body">
        <section class={`matrix-wrap${refreshing ? ' refreshing' : ''}`} aria-labelledby="matrix-caption">
          {/* Kept on the page, so that a screen reader hears the cue when it appears; outside the busy table, so that it is not held back. */}
          <p class="busy-cue" role="status" data-testid="matrix-busy" data-busy={refreshing ? 'true' : 'false'}>
            {refreshing && (
              <>
                <span class="spinner" aria-hidden="true" /> {l.refreshing}
              </>
            )}
          </p>
          {matrix.error && <ErrorBox error={matrix.error} retry={matrix.refresh} />}
          {!matrix.data && !matrix.error && <Loading />}
          {matrix.data && (
            <MatrixTable
              matrix={matrix.data}
              groups={groups}
              shown={shown}
              areas={reference.areaBySlug}
              selected={selected}
              flash={flash}
              busy={matrix.loading}
              i18n={i18n}
              lang={lang}
              titles={titles}
              onSelect={select}
            />
          )}
        </section>
        {selected && selCode && selArea && (
          <CellDetail
            code={selCode}
            area={selArea}
            on={on}
            knownAt={knownAt}
            version={props.authVersion + liveTick}
            onClose={() => {
              navigate(withParams(route, { cell: undefined }));
              requestAnimationFrame(() => document.querySelector<HTMLElement>(`button.cell[data-code="${selCode}"][data-area="${selArea}"]`)?.focus());
            }}
          />
        )}
      </div>
    </div>
  );
}

interface TableProps {
  matrix: Matrix;
  groups: CountyGroup[];
  shown: number;
  areas: Map<string, ServiceArea>;
  selected: string;
  flash: Set<string>;
  busy: boolean;
  i18n: I18n;
  lang: string;
  titles: ReadonlyMap<string, string>;
  onSelect(code: string, area: string): void;
}

/**
 * The matrix as a table: one row per municipality, grouped by county (a row group each),
 * one column per service area. One cell at a time is in the tab order (the roving tab stop);
 * the arrow keys, Home, End, Page Up and Page Down move it, Enter or a click opens the cell's history.
 */
function MatrixTable(props: TableProps) {
  const { matrix, groups, i18n } = props;
  const { l } = i18n;
  const areas = matrix.serviceAreas;
  const order = useMemo(() => groups.flatMap((g) => g.rows.map((r) => r.municipality.code)), [groups]);
  const [active, setActive] = useState<{ code: string; area: string } | undefined>(undefined);
  const focusCode = active && order.includes(active.code) ? active.code : order[0];
  const focusArea = active && areas.includes(active.area) ? active.area : areas[0];

  const move = (event: TargetedKeyboardEvent<HTMLTableElement>) => {
    const target = event.target as HTMLElement;
    if (!target.matches('button.cell')) return;
    const row = order.indexOf(target.dataset.code ?? '');
    const col = areas.indexOf(target.dataset.area ?? '');
    if (row < 0 || col < 0) return;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [row - 1, col],
      ArrowDown: [row + 1, col],
      ArrowLeft: [row, col - 1],
      ArrowRight: [row, col + 1],
      Home: event.ctrlKey ? [0, 0] : [row, 0],
      End: event.ctrlKey ? [order.length - 1, areas.length - 1] : [row, areas.length - 1],
      PageUp: [row - 10, col],
      PageDown: [row + 10, col],
    };
    const next = moves[event.key];
    if (!next) return;
    event.preventDefault();
    const r = Math.min(order.length - 1, Math.max(0, next[0]));
    const c = Math.min(areas.length - 1, Math.max(0, next[1]));
    setActive({ code: order[r], area: areas[c] });
    const button = document.querySelector<HTMLElement>(`button.cell[data-code="${order[r]}"][data-area="${areas[c]}"]`);
    button?.focus();
  };

  const onClick = (event: TargetedMouseEvent<HTMLTableElement>) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('button.cell');
    if (!button?.dataset.code || !button.dataset.area) return;
    setActive({ code: button.dataset.code, area: button.dataset.area });
    props.onSelect(button.dataset.code, button.dataset.area);
  };

  // The body is the expensive part (up to 290 × 33 cells): it is rebuilt only when what it shows changes.
  const body = useMemo(
    () =>
      groups.map((group) => (
        <tbody key={group.code} class="county-group">
          <tr class="county-row">
            <th scope="rowgroup" colSpan={areas.length + 1} id={`county-${group.code}`}>
              <span class="county-label">
                {group.name} <span class="count">({group.rows.length})</span>
              </span>
            </th>
          </tr>
          {group.rows.map((row) => {
            const m = row.municipality;
            return (
              <tr key={m.code}>
                <th scope="row" class="muni">
                  <span class="muni-name">{m.name}</span> <span class="code">{m.code}</span>
                </th>
                {areas.map((area) => {
                  const p = row.cells[area];
                  const key = cellKey(m.code, area);
                  const text = describeProvision(p, i18n, props.titles);
                  const name = areaName(props.areas.get(area), area, props.lang);
                  return (
                    <td key={area}>
                      <button
                        type="button"
                        class={`cell b-${p.basis.kind}${p.lapsed ? ' lapsed' : ''}${props.selected === key ? ' selected' : ''}${props.flash.has(key) ? ' flash' : ''}`}
                        data-code={m.code}
                        data-area={area}
                        data-basis={p.basis.kind}
                        data-lapsed={p.lapsed ? 'true' : 'false'}
                        data-provider={p.provider.name}
                        title={`${name}: ${text}`}
                        aria-label={`${m.name}, ${name}: ${text}`}
                        aria-current={props.selected === key ? 'true' : undefined}
                        tabIndex={m.code === focusCode && area === focusArea ? 0 : -1}
                      />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      )),
    [groups, areas, props.selected, props.flash, props.lang, props.titles, focusCode, focusArea],
  );

  return (
    <>
      <p class="matrix-meta">
        <span id="matrix-caption">{l.municipalitiesShown(props.shown)}</span> · <span id="matrix-help">{l.matrixHelp}</span>
      </p>
      {props.shown === 0 ? (
        <p class="empty">{l.noMunicipalities}</p>
      ) : (
        <div class="matrix-scroll" aria-busy={props.busy ? 'true' : 'false'} data-testid="matrix-scroll">
          <table class="matrix" aria-labelledby="matrix-caption" aria-describedby="matrix-help" onKeyDown={move} onClick={onClick} data-on={matrix.on}>
            <thead>
              <tr>
                <th scope="col" class="corner">
                  {l.municipality}
                </th>
                {areas.map((area) => (
                  <th key={area} scope="col" class="area" title={areaName(props.areas.get(area), area, props.lang)}>
                    <span>{areaName(props.areas.get(area), area, props.lang)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            {body}
          </table>
        </div>
      )}
    </>
  );
}
