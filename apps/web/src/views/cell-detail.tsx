import { useEffect, useRef } from 'preact/hooks';
import { query } from '../api';
import { axisFor, formatRecorded } from '../dates';
import { areaName, describeProvision } from '../format';
import { useApi, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { HistoryEntry, Provision } from '../types';
import { ErrorBox, Gantt, GanttRow, Link, Loading, Swatch } from './common';
import { usePageLabels } from './pages.labels';
import { municipalityPath, providerPath, useArrangementTitles } from './provider';

/** The arrangement a basis or provider rests on, if any: its page's path. */
function arrangementOf(entry: { basis: { kind: string; id?: string }; provider: { kind: string; id?: string } }): string | undefined {
  if (entry.basis.kind !== 'in-house' && entry.basis.id) return entry.basis.id;
  if (entry.provider.kind === 'federation' && entry.provider.id) return entry.provider.id;
  return undefined;
}

/**
 * One cell's history: every interval of the provision (who provided it, on what basis, from
 * when to when, lapses included) as a Gantt chart and as a list, with links to the arrangements behind it.
 */
export function CellDetail(props: { code: string; area: string; on: string; knownAt: string; version: number; onClose: () => void }) {
  const i18n = useI18n();
  const { l, term, lang, locale } = i18n;
  const pages = usePageLabels();
  const reference = useReference();
  const municipality = reference.municipalities.get(props.code);
  const area = reference.areaBySlug.get(props.area);
  const base = `/v1/municipalities/${encodeURIComponent(props.code)}/provisions/${encodeURIComponent(props.area)}`;
  const history = useApi<HistoryEntry[]>(`${base}/history${query({ knownAt: props.knownAt })}`, props.version);
  const current = useApi<Provision>(`${base}${query({ on: props.on, knownAt: props.knownAt })}`, props.version);
  const { titles } = useArrangementTitles(props.knownAt, props.version);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [props.code, props.area]);
  // Esc closes the panel (focus goes back to the cell), unless something inside has used the key.
  const close = useRef(props.onClose);
  close.current = props.onClose;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      // Esc in a field of the page (the date, a picker) is that field's.
      if ((event.target as Element | null)?.closest?.('input, select, textarea')) return;
      event.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const entries = history.data ?? [];
  const axis = axisFor(entries.flatMap((e) => [e.from, e.to]));
  const rows: GanttRow[] = entries.map((e, i) => {
    const arrangement = arrangementOf(e);
    const period = `${e.from ?? l.fromStart} – ${e.to ?? l.openEnded}`;
    return {
      key: `${i}`,
      tone: e.basis.kind,
      striped: e.lapsed,
      from: e.from,
      to: e.to,
      title: `${e.provider.name} · ${term(`basis.${e.basis.kind}`)} · ${period}`,
      label: (
        <span class="interval" data-testid="interval" data-basis={e.basis.kind} data-from={e.from ?? ''} data-to={e.to ?? ''} data-lapsed={e.lapsed ? 'true' : 'false'}>
          <Swatch kind={e.lapsed ? 'lapsed' : e.basis.kind} /> <strong>{e.provider.name}</strong> <span class="muted">· {term(`basis.${e.basis.kind}`)}</span>
          <br />
          <span class="period">{period}</span>
          {e.lapsed && (
            <>
              {' '}
              <span class="badge tone-lapsed">{l.lapsed}</span>
            </>
          )}
        </span>
      ),
      detail: (
        <>
          {e.decidedOn && (
            <span>
              {l.decidedOn} {e.decidedOn}
            </span>
          )}
          {e.recordedAt && (
            <span>
              {' '}
              · {l.recordedAt} <time dateTime={e.recordedAt}>{formatRecorded(e.recordedAt, locale)}</time>
            </span>
          )}
          {e.reason && (
            <span>
              {' '}
              · {l.reason}: {term(`reason.${e.reason}`)}
            </span>
          )}
          {arrangement && (
            <>
              {' '}
              · <Link href={`/arrangements/${encodeURIComponent(arrangement)}`}>{`${l.arrangementLink}: ${titles.get(arrangement) ?? arrangement}`}</Link>
            </>
          )}
        </>
      ),
    };
  });

  return (
    <aside class="detail" aria-labelledby="detail-heading" data-testid="cell-detail">
      <div class="detail-head">
        <h2 id="detail-heading" tabIndex={-1} ref={heading}>
          {municipality?.name ?? props.code} <span class="code">{props.code}</span>
          <br />
          <span class="detail-area">{areaName(area, props.area, lang)}</span>
        </h2>
        <button type="button" class="button subtle close" onClick={props.onClose} aria-label={l.close}>
          ✕
        </button>
      </div>
      {current.data && (
        <p class="current" data-testid="current-provision">
          <strong>{l.currentOn(props.on)}:</strong> <Swatch kind={current.data.lapsed ? 'lapsed' : current.data.basis.kind} /> {describeProvision(current.data, i18n, titles)}
        </p>
      )}
      <p class="detail-links" data-testid="detail-links">
        <Link href={`${municipalityPath(props.code)}${query({ on: props.on, knownAt: props.knownAt })}`}>{pages.municipalityPageLink(municipality?.name ?? props.code)}</Link>
        {current.data && providerPath(current.data.provider) && (
          <>
            {' · '}
            <Link href={`${providerPath(current.data.provider) ?? ''}${query({ on: props.on, knownAt: props.knownAt })}`}>{pages.providerPageLink(current.data.provider.name)}</Link>
          </>
        )}
      </p>
      <h3>{l.history}</h3>
      {history.error && <ErrorBox error={history.error} retry={history.refresh} />}
      {!history.data && !history.error && <Loading />}
      {history.data && <Gantt axis={axis} rows={rows} marker={props.on} markerLabel={props.on} class="history" />}
    </aside>
  );
}
