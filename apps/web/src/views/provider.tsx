import { ComponentChildren } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { ApiError, query } from '../api';
import { areaName } from '../format';
import { LiveState, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { Lang, useI18n } from '../i18n';
import { Route, withParams } from '../router';
import { ArrangementSummary, Basis, FederationState, Municipality, Provider, TimelineEntry } from '../types';
import { Badge, ErrorBox, Link, Loading } from './common';
import { usePageLabels } from './pages.labels';
import { BadParams, KnownAtBanner, TimeControls, viewTime } from './time-controls';
import { Names, summarizeEntry } from './timeline-summary';

/**
 * The provider pages (`/providers/municipality/<code>`, `/providers/federation/<id>`): who
 * receives which service from a provider on the chosen date, grouped by service area, and
 * for a federation or joint committee its members and status. Also the small pieces the
 * municipality page shares with them: links that keep the reader's date, a provider and a
 * basis in words with links to their pages, and the arrangements' titles by id.
 */

/** `GET /v1/providers/{kind}/{id}/recipients`: one row per municipality and service area. */
export interface Recipient {
  municipality: Municipality;
  serviceArea: string;
  basis: Basis;
}

/** A path of the dashboard with the reader's date and "known at" kept, so they follow from page to page. */
export function timeLink(route: Route, path: string, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const name of ['on', 'knownAt']) {
    const value = route.params.get(name);
    if (value) params.set(name, value);
  }
  return withParams({ path, params }, extra);
}

export const municipalityPath = (code: string) => `/municipalities/${encodeURIComponent(code)}`;
export const arrangementPath = (id: string) => `/arrangements/${encodeURIComponent(id)}`;

/** The provider page of a provider, if it has one (a region has none in the dashboard). */
export function providerPath(provider: Pick<Provider, 'kind' | 'code' | 'id'>): string | undefined {
  if (provider.kind === 'municipality' && provider.code) return `/providers/municipality/${encodeURIComponent(provider.code)}`;
  if (provider.kind === 'federation' && provider.id) return `/providers/federation/${encodeURIComponent(provider.id)}`;
  return undefined;
}

/** The arrangements' titles by id, as known at `knownAt` (the bases name arrangements by id). */
export function useArrangementTitles(knownAt: string, version: number): { titles: Map<string, string>; list: ArrangementSummary[] | undefined } {
  const list = useApi<ArrangementSummary[]>(`/v1/arrangements${query({ knownAt })}`, version);
  const titles = useMemo(() => new Map((list.data ?? []).map((a) => [a.id, a.title])), [list.data]);
  return { titles, list: list.data };
}

/** The provider by name, linking to its page. */
export function ProviderLink(props: { route: Route; provider: Provider }) {
  const path = providerPath(props.provider);
  return path ? (
    <Link href={timeLink(props.route, path)} class="provider-link">
      {props.provider.name}
    </Link>
  ) : (
    <span>{props.provider.name}</span>
  );
}

/** A basis in words: its kind, and the arrangement behind it by title, linking to the arrangement's page. */
export function BasisText(props: { route: Route; basis: Basis; titles: Map<string, string> }) {
  const { term } = useI18n();
  const { basis } = props;
  return (
    <span class="basis-text" data-basis={basis.kind}>
      <span class={`swatch b-${basis.kind}`} aria-hidden="true" /> {term(`basis.${basis.kind}`)}
      {basis.kind !== 'in-house' && basis.id && (
        <>
          {': '}
          <Link href={timeLink(props.route, arrangementPath(basis.id))} class="arrangement-link">
            {props.titles.get(basis.id) ?? basis.id}
          </Link>
        </>
      )}
    </span>
  );
}

/** The recipients grouped by service area (in the register's order of areas), each recipient linking to its municipality page. */
export function RecipientGroups(props: { route: Route; recipients: Recipient[]; titles: Map<string, string>; empty: string; headingLevel?: 'h2' | 'h3' }) {
  const { lang } = useI18n();
  const p = usePageLabels();
  const reference = useReference();
  const groups = useMemo(() => {
    const order = new Map(reference.serviceAreas.map((a, i) => [a.slug, i]));
    const byArea = new Map<string, Recipient[]>();
    for (const r of props.recipients) byArea.set(r.serviceArea, [...(byArea.get(r.serviceArea) ?? []), r]);
    for (const rows of byArea.values()) rows.sort((a, b) => a.municipality.name.localeCompare(b.municipality.name, 'sv'));
    return [...byArea.entries()].sort((a, b) => (order.get(a[0]) ?? 999) - (order.get(b[0]) ?? 999));
  }, [props.recipients, reference]);
  if (groups.length === 0) return <p class="empty" data-testid="recipients-empty">{props.empty}</p>;
  const Heading = props.headingLevel ?? 'h3';
  return (
    <div class="recipient-groups" data-testid="recipients">
      {groups.map(([area, rows]) => (
        <section key={area} class="recipient-group" data-area={area} aria-labelledby={`recipients-${area}`}>
          <Heading id={`recipients-${area}`} class="recipient-area">
            {areaName(reference.areaBySlug.get(area), area, lang)} <span class="count">· {p.recipientsCount(rows.length)}</span>
          </Heading>
          <ul class="recipient-list">
            {rows.map((r) => (
              <li key={r.municipality.code} data-testid="recipient" data-code={r.municipality.code} data-area={area} data-basis={r.basis.kind}>
                <Link href={timeLink(props.route, municipalityPath(r.municipality.code))}>{r.municipality.name}</Link> <span class="muted">·</span> <BasisText route={props.route} basis={r.basis} titles={props.titles} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** The "not found" of a page whose subject the register does not know. */
export function NotFound(props: { title: string; detail: string; subject: string; testid: string; children?: ComponentChildren }) {
  return (
    <div class="page" data-testid={props.testid}>
      <h1>{props.title}</h1>
      <p class="error" role="alert">
        {props.detail} <code>{props.subject}</code>
      </p>
      {props.children}
    </div>
  );
}

/** Whether an answer says the subject does not exist (404), or that its code or id is not one (400). */
export function isUnknown(error: Error | undefined): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 400);
}

function isMemberOn(m: { from: string; until?: string }, on: string): boolean {
  return m.from <= on && (m.until === undefined || m.until >= on);
}

export function ProviderView(props: { route: Route; kind: 'municipality' | 'federation'; id: string; authVersion: number; onLive(state: LiveState): void }) {
  const { l, term } = useI18n();
  const p = usePageLabels();
  const { route, kind, id } = props;
  const { on, knownAt, invalid } = viewTime(route);
  const enc = encodeURIComponent(id);
  const subject = useApi<FederationState | Municipality>(kind === 'federation' ? `/v1/federations/${enc}${query({ knownAt })}` : `/v1/municipalities/${enc}${query({ knownAt })}`, props.authVersion);
  const recipients = useApi<Recipient[]>(`/v1/providers/${kind}/${enc}/recipients${query({ on, knownAt })}`, props.authVersion);
  // A joint committee provides through its host: the register names the host municipality as the provider, on the committee's basis.
  const state = subject.data && 'form' in subject.data ? subject.data : undefined;
  const host = state?.kind === 'joint-committee' && state.id === id ? state.host : undefined;
  const hostRecipients = useApi<Recipient[]>(host ? `/v1/providers/municipality/${encodeURIComponent(host)}/recipients${query({ on, knownAt })}` : null, props.authVersion);
  const { titles } = useArrangementTitles(knownAt, props.authVersion);
  const unknown = isUnknown(subject.error) || isUnknown(recipients.error);
  // A past "known at" cannot change, and an unknown provider has nothing to follow.
  const feed = knownAt || unknown ? null : '/v1/subscriptions/provisions';
  const live = useLiveRefresh(
    feed,
    () => {
      subject.refresh();
      recipients.refresh();
      if (host) hostRecipients.refresh();
    },
    ['provision-changed'],
    props.authVersion,
  );
  useEffect(() => props.onLive(unknown ? 'off' : liveStateOf(feed, live)), [live, feed, unknown]);

  if (unknown)
    return (
      <NotFound title={p.providerNotFoundTitle} detail={p.providerNotFound} subject={id} testid="provider-not-found">
        <Link href={timeLink(route, '/search')}>{p.searchTitle}</Link>
      </NotFound>
    );
  if (subject.error) return <ErrorBox error={subject.error} retry={subject.refresh} />;
  if (!subject.data) return <Loading />;
  const federation = kind === 'federation' ? (subject.data as FederationState) : undefined;
  const municipality = kind === 'municipality' ? (subject.data as Municipality) : undefined;
  const name = federation?.name ?? municipality?.name ?? id;
  // For a joint committee: the host's recipients on the committee's basis, together with any the register names the committee for.
  const shown = host ? hostRecipients : recipients;
  const shownRows = host ? (hostRecipients.data && recipients.data ? [...recipients.data, ...hostRecipients.data.filter((r) => r.basis.id === id)] : undefined) : recipients.data;

  return (
    <article class="page provider-page" data-testid="provider" data-kind={kind} data-id={id}>
      <p class="crumbs">
        <Link href={timeLink(route, '/search')}>{p.searchTitle}</Link> › {p.groupProviders}
      </p>
      <div class="page-head">
        <h1>{name}</h1>
        <p>
          {federation ? (
            <>
              <Badge tone={federation.kind}>{term(`kind.${federation.kind}`)}</Badge>{' '}
              <Badge tone={`status-${federation.status}`}>
                <span data-testid="provider-status">{term(`status.${federation.status}`)}</span>
              </Badge>{' '}
              <Link href={timeLink(route, arrangementPath(id))}>{p.arrangementPageLink}</Link>
            </>
          ) : (
            <>
              <span class="muted">{p.providerKindMunicipality}</span> · <Link href={timeLink(route, municipalityPath(id))}>{p.municipalityPageLink(name)}</Link>
            </>
          )}
        </p>
        <BadParams invalid={invalid} />
        <TimeControls route={route} on={on} knownAt={knownAt} />
        <KnownAtBanner knownAt={knownAt} />
      </div>
      {federation && (
        <section class="panel" aria-labelledby="members-heading">
          <h2 id="members-heading">{l.members}</h2>
          <ul class="member-list" data-testid="members">
            {federation.memberships.map((m, i) => (
              <li key={`${m.municipality}-${i}`} data-code={m.municipality} data-member-on={isMemberOn(m, on) ? 'true' : 'false'}>
                <MunicipalityName route={route} code={m.municipality} /> <span class="muted">
                  {m.from} – {m.until ?? p.membershipOngoing}
                </span>
                {m.municipality === federation.host && (
                  <>
                    {' '}
                    <Badge tone="neutral">{l.host}</Badge>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="panel" aria-labelledby="provided-heading">
        <h2 id="provided-heading">{p.providerHeading(on)}</h2>
        {host && (
          <p class="muted" data-testid="provided-by-host">
            {p.providedByHost} <MunicipalityName route={route} code={host} />
          </p>
        )}
        {shown.error && <ErrorBox error={shown.error} retry={shown.refresh} />}
        {!shownRows && !shown.error && <Loading />}
        {shownRows && <RecipientGroups route={route} recipients={shownRows} titles={titles} empty={p.providerNothing(on)} />}
      </section>
    </article>
  );
}

/** A municipality by name (its code beside it), linking to its page; a code the register does not know stays a code. */
export function MunicipalityName(props: { route: Route; code: string }) {
  const m = useReference().municipalities.get(props.code);
  if (!m) return <span>{props.code}</span>;
  return <Link href={timeLink(props.route, municipalityPath(props.code))}>{m.name}</Link>;
}

/** A timeline entry's summary as a table cell, said from its facts in the page's language with names (marked as English when the API's own line is shown). */
export function SummaryCell(props: { entry: Pick<TimelineEntry, 'type' | 'summary' | 'effectiveFrom' | 'facts'>; names: Names }) {
  const { lang } = useI18n();
  const said = summarizeEntry(props.entry, lang, props.names);
  return (
    // Keyed by its language: Preact would leave an empty lang="" behind when the attribute goes.
    <td key={said.lang} lang={said.lang === lang ? undefined : said.lang} data-testid="timeline-summary">
      {said.text}
    </td>
  );
}

/** A name in the middle of a sentence: "får löneadministration", but "får IT-stöd" (an abbreviation keeps its capitals). */
function inSentence(name: string, lang: Lang): string {
  if (name.length < 2 || name[1] !== name[1].toLocaleLowerCase(lang)) return name;
  return name[0].toLocaleLowerCase(lang) + name.slice(1);
}

/** Names for the summaries: municipalities, arrangements (from the list of arrangements given) and service areas as the register calls them. */
export function useNames(arrangements: ArrangementSummary[] | undefined): Names {
  const { lang } = useI18n();
  const reference = useReference();
  return useMemo(() => {
    const titles = new Map((arrangements ?? []).map((a) => [a.id, a.title]));
    return {
      municipality: (code: string) => reference.municipalities.get(code)?.name ?? code,
      arrangement: (id: string) => titles.get(id) ?? id,
      area: (slug: string) => inSentence(areaName(reference.areaBySlug.get(slug), slug, lang), lang),
    };
  }, [reference, arrangements, lang]);
}
