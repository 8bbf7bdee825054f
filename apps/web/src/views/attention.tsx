import { useEffect, useMemo } from 'preact/hooks';
import { query } from '../api';
import { fileNamePart } from '../export';
import { LiveState, Reference, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';
import { areaName } from '../format';
import { ATTENTION_KINDS, ArrangementSummary, AttentionItem, AttentionKind } from '../types';
import { describeAttention } from './attention-detail';
import { ErrorBox, Link, Loading } from './common';
import { TableCsvButton } from './export-button';
import { useNames } from './provider';
import { BadParams, KnownAtBanner, TimeControls, viewTime } from './time-controls';

const KIND_TONE: Record<AttentionKind, string> = {
  'awaiting-signature': 'agreement',
  'awaiting-council-decision': 'agreement',
  'agreement-ending': 'warn',
  'provision-lapsed': 'lapsed',
  'review-overdue': 'neutral',
  'study-overdue': 'bad',
  'milestone-overdue': 'bad',
};

/** Where an item's subject is shown: a matrix cell (`0580/payroll`) or an arrangement (`agreement:id`, `study:id/milestone`). */
export function subjectLink(subject: string, route: Route): string | undefined {
  const cell = /^(\d{4})\/([a-z0-9-]+)$/.exec(subject);
  if (cell) return withParams(route, { cell: `${cell[1]}:${cell[2]}`, county: cell[1].slice(0, 2) }, '/');
  const arrangement = /^[a-z-]+:([a-z0-9][a-z0-9-]*)/.exec(subject);
  if (arrangement) return `/arrangements/${arrangement[1]}`;
  return undefined;
}

/** A subject in words: the municipality and service area, or the arrangement's title (and a milestone's title, from the item's facts; its id from an older service). */
function subjectLabel(subject: string, reference: Reference, arrangements: ArrangementSummary[], lang: string, milestone?: string): string {
  const cell = /^(\d{4})\/([a-z0-9-]+)$/.exec(subject);
  if (cell) return `${reference.municipalities.get(cell[1])?.name ?? cell[1]} · ${areaName(reference.areaBySlug.get(cell[2]), cell[2], lang)}`;
  const arrangement = /^[a-z-]+:([a-z0-9][a-z0-9-]*)(\/.+)?$/.exec(subject);
  const title = arrangement && arrangements.find((a) => a.id === arrangement[1])?.title;
  return title ? `${title}${arrangement[2] ? ` (${milestone ?? arrangement[2].slice(1)})` : ''}` : subject;
}

/**
 * The attention list on the chosen date: awaiting signatures and council decisions, agreements
 * ending, lapsed provisions, overdue reviews, studies and milestones. The header counts each
 * kind (a count filters the list to its kind). Updates live through the domain-event feed.
 */
export function AttentionView(props: { route: Route; authVersion: number; onLive(state: LiveState): void }) {
  const { l, term, lang } = useI18n();
  const { route } = props;
  const reference = useReference();
  const time = viewTime(route);
  const { on, knownAt } = time;
  const kindParam = route.params.get('kind') ?? '';
  const only = (ATTENTION_KINDS as readonly string[]).includes(kindParam) ? (kindParam as AttentionKind) : undefined;
  const invalid = kindParam && !only ? [...time.invalid, { name: 'kind' as const, value: kindParam }] : time.invalid;
  const items = useApi<AttentionItem[]>(`/v1/attention${query({ on, knownAt })}`, props.authVersion);
  const arrangements = useApi<ArrangementSummary[]>('/v1/arrangements', props.authVersion);
  // The descriptions in the page's language, from the items' facts, with the register's names.
  const names = useNames(arrangements.data);
  const feedPath = knownAt ? null : '/v1/subscriptions/events';
  const live = useLiveRefresh(
    feedPath,
    () => {
      items.refresh();
      arrangements.refresh();
    },
    ['domain-event'],
    props.authVersion,
  );
  useEffect(() => props.onLive(liveStateOf(feedPath, live)), [live, feedPath]);

  const counts = useMemo(() => {
    const c = new Map<AttentionKind, number>(ATTENTION_KINDS.map((k) => [k, 0]));
    for (const item of items.data ?? []) c.set(item.kind, (c.get(item.kind) ?? 0) + 1);
    return c;
  }, [items.data]);
  const shown = (items.data ?? []).filter((i) => !only || i.kind === only).sort((a, b) => (a.due ?? '').localeCompare(b.due ?? ''));

  return (
    <div class="page attention">
      <header class="page-head">
        <h1>
          {l.attentionTitle} <span class="muted" data-testid="attention-total">{items.data ? l.attentionTotal(items.data.length) : ''}</span>
        </h1>
        <p class="lead">{l.attentionIntro}</p>
        <BadParams invalid={invalid} />
        <ul class="counts" aria-label={l.attentionTitle}>
          {ATTENTION_KINDS.map((kind) => {
            const count = counts.get(kind) ?? 0;
            const pressed = only === kind;
            return (
              <li key={kind}>
                <button
                  type="button"
                  class={`count-chip tone-${KIND_TONE[kind]}${count === 0 ? ' zero' : ''}`}
                  aria-pressed={pressed ? 'true' : 'false'}
                  data-kind={kind}
                  data-count={count}
                  onClick={() => navigate(withParams(route, { kind: pressed ? undefined : kind }), { replace: true })}
                >
                  <span class="count-number">{count}</span> {term(`attention.${kind}`)}
                </button>
              </li>
            );
          })}
        </ul>
        <TimeControls route={route} on={on} knownAt={knownAt} showSlider={false} />
        <KnownAtBanner knownAt={knownAt} />
      </header>
      {items.error && <ErrorBox error={items.error} retry={items.refresh} />}
      {!items.data && !items.error && <Loading />}
      {items.data && shown.length > 0 && (
        <TableCsvButton selector="[data-testid=attention-list]" filename={`samverkan-attention-${fileNamePart(on)}${only ? `-${only}` : ''}.csv`} name={l.attentionTitle} testId="attention-csv" />
      )}
      {items.data &&
        (shown.length === 0 ? (
          <p class="empty">{l.nothingNeedsAttention}</p>
        ) : (
          <div class="table-scroll">
            <table class="list" data-testid="attention-list">
              <thead>
                <tr>
                  <th scope="col">{l.kind}</th>
                  <th scope="col">{l.subject}</th>
                  <th scope="col">{l.detail}</th>
                  <th scope="col">{l.due}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((item, i) => {
                  const href = subjectLink(item.subject, route);
                  const label = subjectLabel(item.subject, reference, arrangements.data ?? [], lang, item.facts?.milestone?.title);
                  const said = describeAttention(item, lang, names);
                  return (
                    <tr key={`${item.kind}-${item.subject}-${i}`} data-kind={item.kind}>
                      <td>
                        <span class={`badge tone-${KIND_TONE[item.kind]}`}>{term(`attention.${item.kind}`)}</span>
                      </td>
                      <td>{href ? <Link href={href}>{label}</Link> : label}</td>
                      {/* Keyed by its language: Preact would leave an empty lang="" behind when the attribute goes. */}
                      <td key={said.lang} lang={said.lang === lang ? undefined : said.lang} data-testid="attention-detail">
                        {said.text}
                      </td>
                      <td class="nowrap">{item.due ?? '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
    </div>
  );
}
