import { ComponentChildren, Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { axisFor, formatRecorded } from '../dates';
import { fileNamePart } from '../export';
import { areaName } from '../format';
import { LiveState, liveStateOf, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { Lifecycle, LifecycleStep, agreementLifecycle, federationLifecycle, lastDayOfFederation, studyLifecycle } from '../lifecycle';
import { AgreementState, ArrangementKind, ArrangementSummary, FederationState, StudyState, TimelineEntry } from '../types';
import { EventVerdict, Verification, httpAuditSource, tally, verifyEntries } from '../verify';
import { Badge, ErrorBox, Gantt, Link, Loading } from './common';
import { TableCsvButton } from './export-button';
import { SummaryCell, useNames } from './provider';

type State = FederationState | AgreementState | StudyState;

const STATE_PATH: Record<ArrangementKind, string> = {
  federation: 'federations',
  'joint-committee': 'federations',
  agreement: 'agreements',
  study: 'studies',
};

/** The log's stream category of an arrangement kind (for the live feed). */
const STREAM: Record<ArrangementKind, string> = {
  federation: 'federation',
  'joint-committee': 'federation',
  agreement: 'agreement',
  study: 'study',
};

/** A municipality by name and code, or the party as given (a region, a company). */
function Party(props: { code: string }) {
  const reference = useReference();
  const m = reference.municipalities.get(props.code);
  return m ? (
    <span>
      <Link href={`/municipalities/${encodeURIComponent(props.code)}`}>{m.name}</Link> <span class="code">{props.code}</span>
    </span>
  ) : (
    <span>{props.code}</span>
  );
}

function PartyList(props: { codes: string[] }) {
  if (props.codes.length === 0) return <span class="muted">–</span>;
  return (
    <ul class="inline-list">
      {props.codes.map((c) => (
        <li key={c}>
          <Party code={c} />
        </li>
      ))}
    </ul>
  );
}

function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

const STEP_TONE: Record<string, string> = {
  proposed: 'neutral',
  signed: 'agreement',
  approved: 'ok',
  rejected: 'bad',
  concluded: 'ok',
  'in-force': 'federation',
  ends: 'warn',
  extended: 'agreement',
  terminated: 'bad',
  formed: 'ok',
  joined: 'federation',
  left: 'warn',
  dissolved: 'bad',
  reviewed: 'neutral',
  started: 'ok',
  'planned-end': 'warn',
  'milestone-due': 'neutral',
  'milestone-reached': 'ok',
  'study-concluded': 'ok',
};

/** The lifecycle: the spans as bars and every step as a dot on one calendar axis, then as an ordered list. */
function LifecycleView(props: { lifecycle: Lifecycle; tone: string; spanLabel(label: string): ComponentChildren; stepText(step: LifecycleStep): ComponentChildren }) {
  const { l, term } = useI18n();
  const { steps, spans } = props.lifecycle;
  const dates = [...steps.map((s) => s.date), ...spans.flatMap((s) => [s.from, s.to])];
  const known = dates.filter((d): d is string => !!d).sort();
  const axis = axisFor(known, known[0], known[known.length - 1]);
  const pct = (date: string) => `${(((Date.parse(date) - axis.startMs) / (axis.endMs - axis.startMs)) * 100).toFixed(3)}%`;
  return (
    <section class="lifecycle" aria-labelledby="lifecycle-heading">
      <h2 id="lifecycle-heading">{l.lifecycle}</h2>
      <div class="lifecycle-chart">
        <Gantt
          axis={axis}
          rows={spans.map((s, i) => ({ key: `${s.label}-${i}`, label: props.spanLabel(s.label), from: s.from, to: s.to, tone: props.tone, title: `${s.from} – ${s.to ?? l.openEnded}`, detail: `${s.from} – ${s.to ?? l.openEnded}` }))}
        />
        <div class="step-track" aria-hidden="true">
          <div />
          <div class="step-dots">
            {steps.map((s, i) => (
              <span key={i} class={`step-dot tone-${STEP_TONE[s.kind] ?? 'neutral'}`} style={{ left: pct(s.date) }} title={`${s.date} · ${term(`step.${s.kind}`)}`} />
            ))}
          </div>
        </div>
      </div>
      <ol class="steps" data-testid="lifecycle">
        {steps.map((s, i) => (
          <li key={i} class="step" data-step={s.kind}>
            <span class={`step-dot tone-${STEP_TONE[s.kind] ?? 'neutral'}`} aria-hidden="true" />
            <time dateTime={s.date}>{s.date}</time>
            <strong>{term(`step.${s.kind}`)}</strong>
            <span class="step-text">{props.stepText(s)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The entries' verification against the log's latest checkpoint, computed in the browser
 * (verify.ts). Runs again when the entries change (a live update), the key changes or `again`
 * is called; until a run ends, the last one's verdicts stay on screen.
 */
function useVerification(entries: TimelineEntry[] | undefined, version: number): { result: Verification | undefined; running: boolean; again: () => void } {
  const [state, setState] = useState<{ result?: Verification; running: boolean }>({ running: false });
  const [tick, setTick] = useState(0);
  const key = entries ? entries.map((e) => `${e.stream}/${e.position}`).join(',') : null;
  useEffect(() => {
    if (!entries) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, running: true }));
    const done = (result: Verification) => {
      if (!controller.signal.aborted) setState({ result, running: false });
    };
    // verifyEntries answers every failure as a verdict; the second handler only keeps a surprise from becoming an unhandled rejection.
    verifyEntries(entries, httpAuditSource(controller.signal)).then(done, (error: unknown) =>
      done({ checkpoint: { status: 'failed', code: 'fetch-failed', message: error instanceof Error ? error.message : String(error) }, events: new Map() }),
    );
    return () => controller.abort();
  }, [key, version, tick]);
  return { result: state.result, running: state.running, again: () => setTick((t) => t + 1) };
}

const VERDICT_TONE: Record<EventVerdict['status'] | 'pending', string> = { verified: 'ok', failed: 'bad', 'not-covered': 'warn', pending: 'neutral' };
const VERDICT_MARK: Record<EventVerdict['status'] | 'pending', string> = { verified: '✓', failed: '✗', 'not-covered': '○', pending: '…' };

/** One row's verdict: a badge whose words say it (the mark and colour only repeat them), and the reason of a failure. */
function VerdictCell(props: { verdict: EventVerdict | undefined }) {
  const { l } = useI18n();
  const status = props.verdict?.status ?? 'pending';
  return (
    <td class="verdict" data-verification={status}>
      <Badge tone={VERDICT_TONE[status]}>
        <span aria-hidden="true">{VERDICT_MARK[status]} </span>
        {l.verdict[status]}
      </Badge>
      {props.verdict?.status === 'failed' && (
        <span class="verdict-reason">
          {' '}
          {l.verifyReason[props.verdict.code]}{' '}
          <span class="muted" lang="en">
            ({props.verdict.message})
          </span>
        </span>
      )}
    </td>
  );
}

/** The summary line above the log: how many of the events verified, against which checkpoint, signed by whom. */
function VerificationSummary(props: { entries: TimelineEntry[]; verification: ReturnType<typeof useVerification> }) {
  const { l } = useI18n();
  const { result, running, again } = props.verification;
  const checkpoint = result?.checkpoint;
  let text: ComponentChildren;
  let detail: ComponentChildren = null;
  if (!result) text = l.verifying;
  else if (checkpoint?.status === 'none') text = l.noCheckpoint;
  else if (checkpoint?.status === 'failed') {
    text = `${l.checkpointFailed}: ${l.verifyReason[checkpoint.code]}.`;
    detail = (
      <span class="muted" lang="en">
        {checkpoint.message}
      </span>
    );
  } else if (checkpoint?.status === 'ok') {
    const counts = tally(result, props.entries);
    const extra = [counts.notCovered > 0 ? l.verifyNotCovered(counts.notCovered) : '', counts.failed > 0 ? l.verifyFailed(counts.failed) : ''].filter(Boolean);
    text = `${l.verifySummary(counts.verified, counts.total, checkpoint.treeSize)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}.`;
    detail = l.verifyCheckpoint(checkpoint.origin, checkpoint.keyId, checkpoint.via === 'webcrypto' ? 'WebCrypto' : '@noble/ed25519');
  }
  return (
    <div
      class="verification"
      data-testid="verification"
      data-state={result && !running ? 'done' : 'running'}
      data-checkpoint={checkpoint?.status}
      data-tree-size={checkpoint?.status === 'ok' ? checkpoint.treeSize : undefined}
      data-ed25519={checkpoint?.status === 'ok' ? checkpoint.via : undefined}
    >
      <p role="status" data-testid="verification-summary">
        {text}
      </p>
      {detail && <p class="muted">{detail}</p>}
      <button type="button" class="button" onClick={again} disabled={running}>
        {l.verifyAgain}
      </button>
    </div>
  );
}

/**
 * A federation, joint committee, agreement or study: its parties, status, facts and
 * lifecycle on a timeline, and the events recorded for it in the log. Updates live through
 * the domain-event feed of its stream.
 */
export function ArrangementView(props: { id: string; authVersion: number; onLive(state: LiveState): void }) {
  const { l, term, lang, locale } = useI18n();
  const reference = useReference();
  const list = useApi<ArrangementSummary[]>('/v1/arrangements', props.authVersion);
  // The log's summaries in the page's language, with names for the codes and ids in them.
  const names = useNames(list.data);
  const summary = list.data?.find((a) => a.id === props.id);
  const statePath = summary ? `/v1/${STATE_PATH[summary.kind]}/${encodeURIComponent(props.id)}` : null;
  const state = useApi<State>(statePath, props.authVersion);
  const timeline = useApi<TimelineEntry[]>(summary ? `/v1/arrangements/${encodeURIComponent(props.id)}/timeline` : null, props.authVersion);
  const verification = useVerification(timeline.data, props.authVersion);
  const feed = summary ? `/v1/subscriptions/events?streams=${STREAM[summary.kind]}-${encodeURIComponent(props.id)}` : null;
  const live = useLiveRefresh(
    feed,
    () => {
      list.refresh();
      state.refresh();
      timeline.refresh();
    },
    ['domain-event'],
    props.authVersion,
  );
  // Until the list has answered it is not known whether there is anything to follow.
  useEffect(() => props.onLive(list.data ? liveStateOf(feed, live) : 'connecting'), [live, feed, list.data !== undefined]);

  if (list.error) return <ErrorBox error={list.error} retry={list.refresh} />;
  if (!list.data) return <Loading />;
  if (!summary)
    return (
      <div class="page" data-testid="arrangement-not-found">
        <h1>{l.notFoundTitle}</h1>
        <p class="error" role="alert">
          {l.notFound} <code>{props.id}</code>
        </p>
        <Link href="/arrangements">{l.arrangements}</Link>
      </div>
    );
  if (state.error) return <ErrorBox error={state.error} retry={state.refresh} />;
  if (!state.data || state.data.id !== props.id) return <Loading />;

  const s = state.data;
  const areas = (
    <ul class="inline-list">
      {s.serviceAreas.map((a) => (
        <li key={a}>{areaName(reference.areaBySlug.get(a), a, lang)}</li>
      ))}
    </ul>
  );
  let facts: ComponentChildren;
  let lifecycle: Lifecycle;
  let subtitle: string;
  if (summary.kind === 'agreement') {
    const a = s as AgreementState;
    subtitle = term(`agreementKind.${a.kind}`);
    lifecycle = agreementLifecycle(a, timeline.data ?? []);
    facts = (
      <>
        <Fact label={l.parties}>
          <PartyList codes={a.parties} />
        </Fact>
        {a.otherParties.length > 0 && <Fact label={l.otherParties}>{a.otherParties.join(', ')}</Fact>}
        {a.provider && <Fact label={l.provider}>{a.provider.kind === 'federation' ? <Link href={`/providers/federation/${encodeURIComponent(a.provider.id ?? '')}`}>{names.arrangement(a.provider.id ?? '')}</Link> : <Party code={a.provider.code ?? ''} />}</Fact>}
        {a.buyers.length > 0 && (
          <Fact label={l.buyers}>
            <PartyList codes={a.buyers} />
          </Fact>
        )}
        <Fact label={l.validity}>
          {a.validFrom} – {a.validUntil ?? l.openEnded}
        </Fact>
        <Fact label={l.councilApprovalRequired}>{a.councilApprovalRequired ? l.yes : l.no}</Fact>
        {a.missingSignatures.length > 0 && (
          <Fact label={l.missingSignatures}>
            <PartyList codes={a.missingSignatures} />
          </Fact>
        )}
        {a.missingCouncilDecisions.length > 0 && (
          <Fact label={l.missingCouncilDecisions}>
            <PartyList codes={a.missingCouncilDecisions} />
          </Fact>
        )}
        <Fact label={l.serviceAreas}>{areas}</Fact>
      </>
    );
  } else if (summary.kind === 'study') {
    const st = s as StudyState;
    subtitle = term(`studyKind.${st.kind}`);
    lifecycle = studyLifecycle(st);
    facts = (
      <>
        <Fact label={l.parties}>
          <PartyList codes={st.parties} />
        </Fact>
        {st.otherParties.length > 0 && <Fact label={l.otherParties}>{st.otherParties.join(', ')}</Fact>}
        {st.owner && (
          <Fact label={l.owner}>
            <Party code={st.owner} />
          </Fact>
        )}
        {st.funder && <Fact label={l.funder}>{st.funder}</Fact>}
        <Fact label={l.validity}>
          {st.startedOn} – {st.conclusion?.concludedOn ?? st.plannedEnd}
        </Fact>
        <Fact label={l.serviceAreas}>{areas}</Fact>
      </>
    );
  } else {
    const f = s as FederationState;
    subtitle = '';
    lifecycle = federationLifecycle(f);
    facts = (
      <>
        <Fact label={l.members}>
          <PartyList codes={[...new Set(f.memberships.map((m) => m.municipality))]} />
        </Fact>
        {f.host && (
          <Fact label={l.host}>
            <Party code={f.host} />
          </Fact>
        )}
        <Fact label={l.validity}>
          {f.effectiveFrom} – {lastDayOfFederation(f) ?? l.openEnded}
        </Fact>
        <Fact label={l.serviceAreas}>{areas}</Fact>
      </>
    );
  }
  const title = 'name' in s ? s.name : s.title;

  const spanLabel = (label: string) => (label === 'term' ? l.validity : <Party code={label} />);
  const stepText = (step: LifecycleStep) => {
    const parts: ComponentChildren[] = [];
    if (step.party) parts.push(<Party code={step.party} />);
    if (step.until) parts.push(`${l.newEnd} ${step.until}`);
    if (step.decidedOn) parts.push(`${l.decidedOn} ${step.decidedOn}`);
    if (step.note) parts.push(step.note);
    return parts.map((part, i) => (
      <Fragment key={i}>
        {i > 0 && ' · '}
        {part}
      </Fragment>
    ));
  };

  return (
    <article class="page arrangement" data-testid="arrangement" data-kind={summary.kind} data-status={summary.status}>
      <p class="crumbs">
        <Link href="/arrangements">{l.arrangements}</Link> › <code>{summary.id}</code>
      </p>
      <header class="arrangement-head">
        <h1>{title}</h1>
        <p>
          <Badge tone={summary.kind}>{term(`kind.${summary.kind}`)}</Badge> {subtitle && <span class="muted">{subtitle} · </span>}
          <Badge tone={`status-${summary.status}`}>
            <span data-testid="status">{term(`status.${summary.status}`)}</span>
          </Badge>
        </p>
      </header>
      <dl class="facts">{facts}</dl>
      <LifecycleView lifecycle={lifecycle} tone={summary.kind} spanLabel={spanLabel} stepText={stepText} />
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">{l.recordedLog}</h2>
        {timeline.error && <ErrorBox error={timeline.error} retry={timeline.refresh} />}
        {timeline.data && <VerificationSummary entries={timeline.data} verification={verification} />}
        {timeline.data && <TableCsvButton selector="[data-testid=log-scroll] table" filename={`samverkan-${fileNamePart(props.id)}-log.csv`} name={l.recordedLog} testId="log-csv" />}
        {timeline.data && (
          // The log can be wider than a small screen: its scroll box is a tab stop of its own, named by the heading.
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="log-heading" data-testid="log-scroll">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{l.position}</th>
                  <th scope="col">{l.recordedAt}</th>
                  <th scope="col">{l.type}</th>
                  <th scope="col">{l.summary}</th>
                  <th scope="col">{l.verification}</th>
                </tr>
              </thead>
              <tbody>
                {timeline.data.map((e) => (
                  <tr key={e.position}>
                    <td class="num">{e.position}</td>
                    <td>
                      <time dateTime={e.recordedAt}>{formatRecorded(e.recordedAt, locale)}</time>
                    </td>
                    <td>
                      <code>{e.type}</code>
                    </td>
                    <SummaryCell entry={e} names={names} />
                    <VerdictCell verdict={verification.result?.events.get(e.position)} />
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
