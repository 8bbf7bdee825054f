import { useEffect } from 'preact/hooks';
import { query } from '../api';
import { formatRecorded } from '../dates';
import { areaName } from '../format';
import { LiveState, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route } from '../router';
import { ArrangementSummary, Municipality, Provision, TimelineEntry } from '../types';
import { Badge, ErrorBox, Link, Loading } from './common';
import { usePageLabels } from './pages.labels';
import { BasisText, NotFound, ProviderLink, Recipient, RecipientGroups, SummaryCell, arrangementPath, isUnknown, providerPath, timeLink, useArrangementTitles, useNames } from './provider';
import { BadParams, KnownAtBanner, TimeControls, viewTime } from './time-controls';

/** `GET /v1/municipalities/{code}`: the municipality, with its memberships and the arrangements it is a party to. */
interface MunicipalityDetail extends Municipality {
  memberships: { id: string; name: string; form: 'federation' | 'joint-committee'; from: string; until: string | null; status: string }[];
  arrangements: ArrangementSummary[];
}

/** `GET /v1/municipalities/{code}/provisions`: one provision per service area. */
interface Provisions {
  municipality: string;
  on: string;
  provisions: Provision[];
}

/**
 * A municipality's page (`/municipalities/<code>`): on the chosen date and as known at the
 * chosen time, who provides each of its services and on what basis, what it provides to
 * others, its memberships and arrangements, and its timeline in the log.
 */
export function MunicipalityView(props: { route: Route; code: string; authVersion: number; onLive(state: LiveState): void }) {
  const i18n = useI18n();
  const { l, term, lang, locale } = i18n;
  const p = usePageLabels();
  const reference = useReference();
  const { route, code } = props;
  const { on, knownAt, invalid } = viewTime(route);
  const base = `/v1/municipalities/${encodeURIComponent(code)}`;
  const detail = useApi<MunicipalityDetail>(`${base}${query({ knownAt })}`, props.authVersion);
  const provisions = useApi<Provisions>(`${base}/provisions${query({ on, knownAt })}`, props.authVersion);
  const recipients = useApi<Recipient[]>(`/v1/providers/municipality/${encodeURIComponent(code)}/recipients${query({ on, knownAt })}`, props.authVersion);
  const timeline = useApi<TimelineEntry[]>(`${base}/timeline${query({ knownAt })}`, props.authVersion);
  const { titles, list } = useArrangementTitles(knownAt, props.authVersion);
  const names = useNames(list);
  const unknown = isUnknown(detail.error);
  // A past "known at" cannot change, and an unknown municipality has nothing to follow.
  const feed = knownAt || unknown ? null : '/v1/subscriptions/provisions';
  const live = useLiveRefresh(
    feed,
    () => {
      detail.refresh();
      provisions.refresh();
      recipients.refresh();
      timeline.refresh();
    },
    ['provision-changed'],
    props.authVersion,
  );
  useEffect(() => props.onLive(unknown ? 'off' : liveStateOf(feed, live)), [live, feed, unknown]);

  if (unknown)
    return (
      <NotFound title={p.municipalityNotFoundTitle} detail={p.municipalityNotFound} subject={code} testid="municipality-not-found">
        <Link href={timeLink(route, '/')}>{l.back}</Link>
      </NotFound>
    );
  if (detail.error) return <ErrorBox error={detail.error} retry={detail.refresh} />;
  if (!detail.data || detail.data.code !== code) return <Loading />;
  const m = detail.data;
  const order = new Map(reference.serviceAreas.map((a, i) => [a.slug, i]));
  const rows = provisions.data?.provisions.slice().sort((a, b) => (order.get(a.serviceArea) ?? 999) - (order.get(b.serviceArea) ?? 999));

  return (
    <article class="page municipality-page" data-testid="municipality" data-code={m.code}>
      <p class="crumbs">
        <Link href={timeLink(route, '/', { county: m.countyCode })}>{l.navMatrix}</Link> › {m.countyName}
      </p>
      <div class="page-head">
        <h1>
          {m.name} <span class="code">{m.code}</span>
        </h1>
        <p class="muted">{p.countyOf(m.countyName)}</p>
        <BadParams invalid={invalid} />
        <TimeControls route={route} on={on} knownAt={knownAt} />
        <KnownAtBanner knownAt={knownAt} />
      </div>

      <section class="panel" aria-labelledby="receives-heading">
        <h2 id="receives-heading">{p.receivesHeading(on)}</h2>
        <p class="lead">{p.receivesIntro}</p>
        {provisions.error && <ErrorBox error={provisions.error} retry={provisions.refresh} />}
        {!rows && !provisions.error && <Loading />}
        {rows && (
          // Wider than a phone: the table scrolls in its own box, a tab stop named by the heading.
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="receives-heading">
            <table class="list provisions" data-testid="provisions" data-on={provisions.data?.on}>
              <thead>
                <tr>
                  <th scope="col">{l.serviceAreas}</th>
                  <th scope="col">{l.provider}</th>
                  <th scope="col">{l.basis}</th>
                  <th scope="col">{p.from}</th>
                  <th scope="col">{p.untilDay}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.serviceArea} data-testid="provision" data-area={r.serviceArea} data-basis={r.basis.kind} data-provider-kind={r.provider.kind} data-lapsed={r.lapsed ? 'true' : 'false'}>
                    <th scope="row">{areaName(reference.areaBySlug.get(r.serviceArea), r.serviceArea, lang)}</th>
                    <td class="provider-cell">
                      <ProviderLink route={route} provider={r.provider} />
                    </td>
                    <td>
                      <BasisText route={route} basis={r.basis} titles={titles} />
                      {r.lapsed && (
                        <>
                          {' '}
                          <Badge tone="lapsed">{p.lapsedBadge}</Badge>
                        </>
                      )}
                    </td>
                    <td class="nowrap">{r.since ?? l.fromStart}</td>
                    <td class="nowrap">{r.until ?? l.openEnded}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="panel" aria-labelledby="provides-heading">
        <h2 id="provides-heading">{p.providesHeading(on)}</h2>
        <p>
          <Link href={timeLink(route, providerPath({ kind: 'municipality', code: m.code }) ?? '/')}>{p.providerPageLink(m.name)}</Link>
        </p>
        {recipients.error && <ErrorBox error={recipients.error} retry={recipients.refresh} />}
        {!recipients.data && !recipients.error && <Loading />}
        {recipients.data && <RecipientGroups route={route} recipients={recipients.data} titles={titles} empty={p.providesNothing(on)} />}
      </section>

      <section class="panel" aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">{p.membershipsHeading}</h2>
        {m.memberships.length === 0 ? (
          <p class="empty">{p.noMemberships}</p>
        ) : (
          <ul class="member-list" data-testid="memberships">
            {m.memberships.map((ms, i) => (
              <li key={`${ms.id}-${i}`} data-id={ms.id}>
                <Link href={timeLink(route, arrangementPath(ms.id))}>{ms.name}</Link> <Badge tone={ms.form}>{term(`kind.${ms.form}`)}</Badge> <Badge tone={`status-${ms.status}`}>{term(`status.${ms.status}`)}</Badge>{' '}
                <span class="muted">
                  {ms.from} – {ms.until ?? p.membershipOngoing}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="arrangements-heading">
        <h2 id="arrangements-heading">{p.arrangementsHeading}</h2>
        {m.arrangements.length === 0 ? (
          <p class="empty">{p.noArrangements}</p>
        ) : (
          <ul class="member-list" data-testid="municipality-arrangements">
            {[...m.arrangements]
              .sort((a, b) => a.title.localeCompare(b.title, 'sv'))
              .map((a) => (
                <li key={a.id} data-id={a.id}>
                  <Link href={timeLink(route, arrangementPath(a.id))}>{a.title}</Link> <Badge tone={a.kind}>{term(`kind.${a.kind}`)}</Badge> <Badge tone={`status-${a.status}`}>{term(`status.${a.status}`)}</Badge>
                </li>
              ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{p.timelineHeading}</h2>
        {timeline.error && <ErrorBox error={timeline.error} retry={timeline.refresh} />}
        {!timeline.data && !timeline.error && <Loading />}
        {timeline.data && (
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="timeline-heading">
            <table class="list" data-testid="municipality-timeline">
              <thead>
                <tr>
                  <th scope="col">{p.effective}</th>
                  <th scope="col">{l.summary}</th>
                  <th scope="col">{l.recordedAt}</th>
                </tr>
              </thead>
              <tbody>
                {timeline.data.map((e) => (
                  <tr key={e.position} data-type={e.type}>
                    <td class="nowrap">{e.effectiveFrom ?? '–'}</td>
                    <SummaryCell entry={e} names={names} />
                    <td class="nowrap">
                      <time dateTime={e.recordedAt}>{formatRecorded(e.recordedAt, locale)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
