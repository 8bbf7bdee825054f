import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api';
import { formatRecorded } from '../dates';
import { LiveState, useApi, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { AuditEvent, VerifyError, httpAuditSource, parseCheckpointNote, parseVerifierKey, toBase64, verifyCheckpointNote } from '../verify';
import { STATEMENT_DATE, useAboutLabels } from './about.labels';
import { ErrorBox, Loading } from './common';

/**
 * "Om data": where the data comes from, when the register last changed (the read model's log
 * position from the open /health, the latest event's time from the audit log when the key may
 * read it), the latest signed checkpoint (checked in the browser), and the accessibility
 * statement (tillgänglighetsredogörelse) that lag (2018:1937) asks of public bodies.
 */

interface Health {
  status: string;
  /** `embedded` or `eventstoredb`. */
  store: string;
  auth?: string;
  projection: { position: number; lagMs: number; head?: number };
}

/** The latest checkpoint as shown: parsed, and its signature checked against the published key. */
type CheckpointState =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'forbidden' }
  | { status: 'failed'; message: string }
  | { status: 'ok'; note: string; origin: string; treeSize: number; rootHash: string; keyName?: string; keyId?: string; verified: boolean; problem?: string };

const isForbidden = (error: unknown) => error instanceof ApiError && (error.status === 401 || error.status === 403);
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function useCheckpoint(version: number): CheckpointState {
  const [state, setState] = useState<CheckpointState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    const source = httpAuditSource(controller.signal);
    (async (): Promise<CheckpointState> => {
      let note: string | undefined;
      try {
        note = await source.checkpoint();
      } catch (error) {
        return isForbidden(error) ? { status: 'forbidden' } : { status: 'failed', message: error instanceof Error ? error.message : String(error) };
      }
      if (note === undefined) return { status: 'none' };
      let parsed;
      try {
        parsed = parseCheckpointNote(note);
      } catch (error) {
        return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
      }
      const shown = { note, origin: parsed.origin, treeSize: parsed.treeSize, rootHash: toBase64(parsed.rootHash) };
      try {
        const answer = await source.publicKey();
        if (typeof answer.noteVerifierKey !== 'string') throw new VerifyError('malformed-key', 'the public key answer has no noteVerifierKey');
        const key = await parseVerifierKey(answer.noteVerifierKey);
        await verifyCheckpointNote(note, key, typeof answer.origin === 'string' ? { origin: answer.origin } : {});
        return { status: 'ok', ...shown, keyName: key.name, keyId: hex8(key.keyId), verified: true };
      } catch (error) {
        const signer = parsed.signatures[0];
        return { status: 'ok', ...shown, keyName: signer?.name, keyId: signer ? hex8(signer.keyId) : undefined, verified: false, problem: error instanceof Error ? error.message : String(error) };
      }
    })().then(
      (next) => {
        if (!controller.signal.aborted) setState(next);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [version]);
  return state;
}

/** The latest event of the log (the one at the read model's position), when the key may read the audit log. */
function useLatestEvent(position: number | undefined, version: number): { event?: AuditEvent; forbidden: boolean; error?: Error; loading: boolean } {
  const [state, setState] = useState<{ event?: AuditEvent; forbidden: boolean; error?: Error; loading: boolean }>({ forbidden: false, loading: true });
  useEffect(() => {
    if (position === undefined) return;
    if (position <= 0) return setState({ forbidden: false, loading: false });
    const controller = new AbortController();
    // `after` is exclusive: the page after position − 1 starts with the event at the position.
    getJson<AuditEvent[]>(`/v1/audit/events?after=${position - 1}&limit=1`, { signal: controller.signal }).then(
      (events) => setState({ event: events[0], forbidden: false, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState(isForbidden(error) ? { forbidden: true, loading: false } : { forbidden: false, loading: false, error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [position, version]);
  return state;
}

export function AboutView(props: { authVersion: number; onLive(state: LiveState): void }) {
  const a = useAboutLabels();
  const { locale } = useI18n();
  const reference = useReference();
  // The page shows a moment of the register; it does not follow the feed.
  useEffect(() => props.onLive('off'), []);
  const health = useApi<Health>('/health', props.authVersion);
  const position = health.data?.projection.position;
  const latest = useLatestEvent(position, props.authVersion);
  const checkpoint = useCheckpoint(props.authVersion);
  const counties = new Set([...reference.municipalities.values()].map((m) => m.countyCode)).size;
  const forbidden = latest.forbidden || checkpoint.status === 'forbidden';

  return (
    <div class="page about-page" data-testid="about">
      <header class="page-head">
        <h1>{a.title}</h1>
        <p class="lead">{a.intro}</p>
      </header>

      <section class="about-card" aria-labelledby="sources-title">
        <h2 id="sources-title">{a.sourcesTitle}</h2>
        <ul class="about-list">
          <li>{a.sourceRegister}</li>
          <li>{a.sourceMunicipalities(reference.municipalities.size, counties)}</li>
          <li>{a.sourceAreas(reference.serviceAreas.length)}</li>
          <li>{a.sourceShapes}</li>
          <li>{a.sourceApi}</li>
        </ul>
      </section>

      <section class="about-card" aria-labelledby="state-title" data-testid="register-state">
        <h2 id="state-title">{a.stateTitle}</h2>
        {health.error && <ErrorBox error={health.error} retry={health.refresh} />}
        {!health.data && !health.error && <Loading />}
        {health.data && (
          <dl class="facts about-facts">
            <div class="fact">
              <dt>{a.logPosition}</dt>
              <dd data-testid="log-position">{health.data.projection.position}</dd>
            </div>
            <div class="fact">
              <dt>{a.lag}</dt>
              <dd>{a.lagValue(health.data.projection.lagMs)}</dd>
            </div>
            <div class="fact">
              <dt>{a.store}</dt>
              <dd>{health.data.store === 'eventstoredb' ? a.storeEsdb : health.data.store === 'embedded' ? a.storeEmbedded : health.data.store}</dd>
            </div>
            {latest.event && (
              <>
                <div class="fact">
                  <dt>{a.latestEvent}</dt>
                  <dd data-testid="latest-event">
                    <code>{a.latestEventValue(latest.event.type, latest.event.stream)}</code>
                  </dd>
                </div>
                {latest.event.recordedAt && (
                  <div class="fact">
                    <dt>{a.latestRecorded}</dt>
                    <dd>
                      <time dateTime={latest.event.recordedAt} data-testid="latest-recorded">
                        {formatRecorded(latest.event.recordedAt, locale)}
                      </time>
                    </dd>
                  </div>
                )}
              </>
            )}
          </dl>
        )}
        <p class="help">{a.logPositionHelp}</p>
        {position === 0 && <p>{a.noEvents}</p>}
        {latest.error && <ErrorBox error={latest.error} />}
        {forbidden && (
          <p class="banner" data-testid="audit-forbidden">
            {a.auditForbidden}
          </p>
        )}
      </section>

      <section class="about-card" aria-labelledby="checkpoint-title" data-testid="checkpoint" data-state={checkpoint.status} data-tree-size={checkpoint.status === 'ok' ? checkpoint.treeSize : undefined}>
        <h2 id="checkpoint-title">{a.checkpointTitle}</h2>
        <p class="lead">{a.checkpointIntro}</p>
        {checkpoint.status === 'loading' && <Loading />}
        {checkpoint.status === 'none' && <p data-testid="no-checkpoint">{a.noCheckpoint}</p>}
        {checkpoint.status === 'failed' && <ErrorBox error={new Error(checkpoint.message)} />}
        {checkpoint.status === 'ok' && (
          <>
            <dl class="facts about-facts">
              <div class="fact">
                <dt>{a.origin}</dt>
                <dd>
                  <code>{checkpoint.origin}</code>
                </dd>
              </div>
              <div class="fact">
                <dt>{a.treeSize}</dt>
                <dd data-testid="tree-size">{checkpoint.treeSize}</dd>
              </div>
              <div class="fact wide">
                <dt>{a.rootHash}</dt>
                <dd>
                  <code class="break" data-testid="root-hash">
                    {checkpoint.rootHash}
                  </code>
                </dd>
              </div>
              {checkpoint.keyName && (
                <div class="fact">
                  <dt>{a.signer}</dt>
                  <dd>
                    <code>{checkpoint.keyName}</code>
                  </dd>
                </div>
              )}
              {checkpoint.keyId && (
                <div class="fact">
                  <dt>{a.keyId}</dt>
                  <dd>
                    <code data-testid="key-id">{checkpoint.keyId}</code>
                  </dd>
                </div>
              )}
              <div class="fact wide">
                <dt>{a.signature}</dt>
                <dd data-testid="signature" data-verified={checkpoint.verified ? 'true' : 'false'}>
                  <span class={`badge tone-${checkpoint.verified ? 'status-active' : 'bad'}`}>
                    <span aria-hidden="true">{checkpoint.verified ? '✓ ' : '✗ '}</span>
                    {checkpoint.verified ? a.signatureOk : a.signatureFailed}
                  </span>
                  {checkpoint.problem && <span class="verdict-reason"> {checkpoint.problem}</span>}
                </dd>
              </div>
            </dl>
            <p class="help">{a.compareKey}</p>
            <details>
              <summary>{a.showNote}</summary>
              <pre class="note" tabIndex={0} aria-label={a.showNote}>
                {checkpoint.note}
              </pre>
            </details>
          </>
        )}
      </section>

      <section class="about-card statement" aria-labelledby="a11y-title" data-testid="accessibility-statement">
        <h2 id="a11y-title">{a.a11yTitle}</h2>
        <p>{a.a11yIntro}</p>
        <h3>{a.a11yStatusTitle}</h3>
        <p>{a.a11yStatus}</p>
        <h3>{a.a11yTestedTitle}</h3>
        <ul class="about-list">
          {a.a11yTested.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
        <h3>{a.a11yGapsTitle}</h3>
        <ul class="about-list">
          {a.a11yGaps.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
        <h3>{a.a11yReportTitle}</h3>
        <p>{a.a11yReport}</p>
        <h3>{a.a11yEnforcementTitle}</h3>
        <p>
          {a.a11yEnforcement} <a href="https://www.digg.se/">{a.a11yEnforcementLink}</a>
        </p>
        <h3>{a.a11yDateTitle}</h3>
        <p>
          <span data-testid="statement-date">{a.a11yDate(STATEMENT_DATE)}</span>
        </p>
      </section>
    </div>
  );
}
