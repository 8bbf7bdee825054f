import { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { Axis, addDays, dateMs, fractionOf, yearTicks } from '../dates';
import { useI18n } from '../i18n';
import { followLink } from '../router';
import { BASIS_KINDS, BasisKind } from '../types';

/** An in-app link (no reload). */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' | undefined }) {
  return (
    <a href={props.href} class={props.class} aria-current={props['aria-current']} onClick={followLink}>
      {props.children}
    </a>
  );
}

export function Loading() {
  const { l } = useI18n();
  return (
    <p class="loading" role="status">
      {l.loading}
    </p>
  );
}

export function ErrorBox(props: { error: Error; retry?: () => void }) {
  const { l } = useI18n();
  const problem = props.error instanceof ApiError ? props.error.problem : undefined;
  return (
    <div class="error" role="alert">
      <strong>{l.error}</strong>
      <p>{problem?.detail ?? props.error.message}</p>
      {props.retry && (
        <button type="button" class="button" onClick={props.retry}>
          {l.retry}
        </button>
      )}
    </div>
  );
}

/** The colour of a basis kind: a swatch with its name. */
export function Swatch(props: { kind: BasisKind | 'lapsed' }) {
  return <span class={`swatch b-${props.kind === 'lapsed' ? 'in-house lapsed' : props.kind}`} aria-hidden="true" />;
}

export function Legend() {
  const { l, term } = useI18n();
  return (
    <div class="legend">
      <h2 class="visually-hidden">{l.legend}</h2>
      <ul>
        {BASIS_KINDS.map((kind) => (
          <li key={kind}>
            <Swatch kind={kind} />
            {term(`basis.${kind}`)}
          </li>
        ))}
        <li>
          <Swatch kind="lapsed" />
          {l.lapsed}
        </li>
      </ul>
    </div>
  );
}

export function Badge(props: { tone: string; children: ComponentChildren }) {
  return <span class={`badge tone-${props.tone}`}>{props.children}</span>;
}

export interface GanttRow {
  key: string;
  /** What the row is, in words (read by screen readers and shown beside the bar). */
  label: ComponentChildren;
  detail?: ComponentChildren;
  /** First day; null: since before the axis. */
  from: string | null;
  /** Last day, inclusive; null: open-ended. */
  to: string | null;
  tone: string;
  striped?: boolean;
  title: string;
}

/**
 * A Gantt-style chart: one bar per row over a calendar axis, year ticks, and an optional
 * marker for the chosen date. The rows' text carries the content; the bars only draw it.
 */
export function Gantt(props: { axis: Axis; rows: GanttRow[]; marker?: string; markerLabel?: string; class?: string }) {
  const { axis } = props;
  const span = axis.endMs - axis.startMs;
  const pct = (f: number) => `${(f * 100).toFixed(3)}%`;
  const ticks = yearTicks(axis, span > 20 * 366 * 86_400_000 ? 5 : span > 6 * 366 * 86_400_000 ? 2 : 1);
  const marker = props.marker !== undefined && dateMs(props.marker) >= axis.startMs && dateMs(props.marker) < axis.endMs ? fractionOf(axis, props.marker) : undefined;
  return (
    <div class={`gantt ${props.class ?? ''}`}>
      <ol class="gantt-rows">
        {props.rows.map((row) => {
          const start = row.from === null ? 0 : fractionOf(axis, row.from);
          const end = row.to === null ? 1 : fractionOf(axis, addDays(row.to, 1));
          return (
            <li key={row.key} class="gantt-row">
              <div class="gantt-label">
                <div>{row.label}</div>
                {row.detail && <div class="gantt-detail">{row.detail}</div>}
              </div>
              <div class="gantt-track" aria-hidden="true">
                <span class={`gantt-bar tone-${row.tone}${row.striped ? ' lapsed' : ''}${row.from === null ? ' open-start' : ''}${row.to === null ? ' open-end' : ''}`} style={{ left: pct(start), width: pct(Math.max(end - start, 0.004)) }} title={row.title} />
                {marker !== undefined && <span class="gantt-marker" style={{ left: pct(marker) }} />}
              </div>
            </li>
          );
        })}
      </ol>
      <div class="gantt-axis" aria-hidden="true">
        <div />
        <div class="gantt-ticks">
          {ticks.map((year) => (
            <span key={year} style={{ left: pct(fractionOf(axis, `${year}-01-01`)) }}>
              {year}
            </span>
          ))}
          {marker !== undefined && props.markerLabel && (
            <span class="gantt-marker-label" style={{ left: pct(marker) }}>
              {props.markerLabel}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
