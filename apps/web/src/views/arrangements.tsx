import { useEffect, useMemo } from 'preact/hooks';
import { query } from '../api';
import { isCalendarDate } from '../dates';
import { areaName } from '../format';
import { LiveState, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';
import { ArrangementKind, ArrangementSummary } from '../types';
import { Badge, ErrorBox, Link, Loading } from './common';
import { TableCsvButton } from './export-button';
import { usePageLabels } from './pages.labels';
import { municipalityPath, timeLink } from './provider';

const KINDS: readonly ArrangementKind[] = ['federation', 'joint-committee', 'agreement', 'study'];
/** The statuses `GET /v1/arrangements?status=` takes (docs/contract.md). */
const STATUSES = ['active', 'dissolved', 'proposed', 'concluded', 'rejected', 'terminated', 'expired', 'running'] as const;
const FILTERS = ['kind', 'status', 'party', 'serviceArea'] as const;
type FilterName = (typeof FILTERS)[number];

/**
 * Every federation, joint committee, agreement and study, linking to their pages, filtered
 * by kind, status, party (a municipality: anyone who was ever a party, or a party on the day
 * `on` when given) and service area. The filters are the API's (`GET /v1/arrangements?…`),
 * kept in the URL so that a filtered list can be linked to; a value the register does not
 * know is named in an alert and not used.
 */
export function ArrangementsView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const { l, term, lang } = useI18n();
  const p = usePageLabels();
  const reference = useReference();
  const { route } = props;
  const municipalities = useMemo(() => [...reference.municipalities.values()].sort((a, b) => a.name.localeCompare(b.name, 'sv')), [reference]);
  const known: Record<FilterName, (value: string) => boolean> = {
    kind: (v) => (KINDS as readonly string[]).includes(v),
    status: (v) => (STATUSES as readonly string[]).includes(v),
    party: (v) => reference.municipalities.has(v),
    serviceArea: (v) => reference.areaBySlug.has(v),
  };
  const asked = Object.fromEntries(FILTERS.map((name) => [name, route.params.get(name) ?? ''])) as Record<FilterName, string>;
  const used = Object.fromEntries(FILTERS.map((name) => [name, asked[name] && known[name](asked[name]) ? asked[name] : ''])) as Record<FilterName, string>;
  const unknown = FILTERS.filter((name) => asked[name] && !used[name]);
  // `on` narrows the party to those who were parties that day; the API takes it only with a party.
  const onParam = route.params.get('on') ?? '';
  const partyOn = used.party && isCalendarDate(onParam) ? onParam : '';
  const knownAtParam = route.params.get('knownAt') ?? '';
  const knownAt = knownAtParam && !Number.isNaN(Date.parse(knownAtParam)) ? knownAtParam : '';
  const filtered = FILTERS.some((name) => used[name]);

  const list = useApi<ArrangementSummary[]>(`/v1/arrangements${query({ ...used, on: partyOn, knownAt })}`, props.authVersion);
  const live = useLiveRefresh('/v1/subscriptions/events?streams=federation,agreement,study', list.refresh, ['domain-event'], props.authVersion);
  useEffect(() => props.onLive(live ? 'live' : 'connecting'), [live]);
  const name = (code: string) => reference.municipalities.get(code)?.name ?? code;
  const set = (changes: Record<string, string | undefined>) => navigate(withParams(route, changes), { replace: true });
  const filterLabel: Record<FilterName, string> = { kind: l.kind, status: l.status, party: p.party, serviceArea: p.serviceArea };

  const rows = list.data ? [...list.data].sort((a, b) => a.title.localeCompare(b.title, 'sv')) : undefined;
  return (
    <div class="page">
      <h1>{l.arrangements}</h1>
      <p class="lead">{l.arrangementsIntro}</p>
      {unknown.length > 0 && (
        <div class="banner warning" role="alert" data-testid="bad-filters">
          <ul>
            {unknown.map((f) => (
              <li key={f} data-param={f}>
                {p.unknownFilter(filterLabel[f].toLocaleLowerCase(lang === 'sv' ? 'sv' : 'en'), asked[f])}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form class="page-head arrangement-filters" aria-labelledby="filters-heading" onSubmit={(e) => e.preventDefault()} data-testid="arrangement-filters">
        <h2 id="filters-heading" class="filters-heading">
          {p.filtersHeading}
        </h2>
        <div class="filters">
          <div class="control">
            <label for="filter-kind">{l.kind}</label>
            <select id="filter-kind" value={used.kind} onChange={(e) => set({ kind: e.currentTarget.value || undefined })}>
              <option value="">{p.anyKind}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {term(`kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="control">
            <label for="filter-status">{l.status}</label>
            <select id="filter-status" value={used.status} onChange={(e) => set({ status: e.currentTarget.value || undefined })}>
              <option value="">{p.anyStatus}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {term(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="control">
            <label for="filter-party">{p.party}</label>
            <select id="filter-party" value={used.party} onChange={(e) => set({ party: e.currentTarget.value || undefined })}>
              <option value="">{p.anyParty}</option>
              {municipalities.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name} ({m.code})
                </option>
              ))}
            </select>
          </div>
          <div class="control">
            <label for="filter-party-on">{p.partyOn}</label>
            <input
              id="filter-party-on"
              type="date"
              class="date-input"
              value={isCalendarDate(onParam) ? onParam : ''}
              disabled={!used.party}
              aria-describedby="filter-party-on-help"
              onChange={(e) => set({ on: isCalendarDate(e.currentTarget.value) ? e.currentTarget.value : undefined })}
            />
            <small id="filter-party-on-help" class="help">
              {p.partyOnHelp}
            </small>
          </div>
          <div class="control">
            <label for="filter-area">{p.serviceArea}</label>
            <select id="filter-area" value={used.serviceArea} onChange={(e) => set({ serviceArea: e.currentTarget.value || undefined })}>
              <option value="">{p.anyArea}</option>
              {reference.serviceAreas.map((a) => (
                <option key={a.slug} value={a.slug}>
                  {areaName(a, a.slug, lang)}
                </option>
              ))}
            </select>
          </div>
          {(filtered || unknown.length > 0) && (
            <div class="control filters-clear">
              <button type="button" class="button" onClick={() => set({ kind: undefined, status: undefined, party: undefined, serviceArea: undefined })}>
                {p.clearFilters}
              </button>
            </div>
          )}
        </div>
      </form>
      {list.error && <ErrorBox error={list.error} retry={list.refresh} />}
      {!rows && !list.error && <Loading />}
      {rows && (
        <p role="status" class="matrix-meta" id="arrangements-count" data-testid="arrangements-count" data-count={rows.length}>
          {rows.length === 0 ? p.noArrangementsMatch : p.arrangementsShown(rows.length)}
        </p>
      )}
      {rows && rows.length > 0 && <TableCsvButton selector="[data-testid=arrangements-list]" filename="samverkan-arrangements.csv" name={l.arrangements} testId="arrangements-csv" />}
      {rows && rows.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="arrangements-count">
          <table class="list" data-testid="arrangements-list">
            <thead>
              <tr>
                <th scope="col">{l.title}</th>
                <th scope="col">{l.kind}</th>
                <th scope="col">{l.status}</th>
                <th scope="col">{l.parties}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-id={a.id} data-kind={a.kind} data-status={a.status}>
                  <td>
                    <Link href={timeLink(route, `/arrangements/${encodeURIComponent(a.id)}`)}>{a.title}</Link>
                  </td>
                  <td>
                    <Badge tone={a.kind}>{term(`kind.${a.kind}`)}</Badge>
                  </td>
                  <td>
                    <Badge tone={`status-${a.status}`}>{term(`status.${a.status}`)}</Badge>
                  </td>
                  <td>
                    {a.parties.map((code, i) => (
                      <span key={code}>
                        {i > 0 && ', '}
                        {reference.municipalities.has(code) ? <Link href={timeLink(route, municipalityPath(code))}>{name(code)}</Link> : code}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
