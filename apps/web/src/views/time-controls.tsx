import { TargetedKeyboardEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { SLIDER_FIRST, SLIDER_LAST, SLIDER_MAX, addDays, dateOfSliderValue, formatRecorded, fromLocalInputValue, isCalendarDate, settledDateTarget, sliderValueOf, toLocalInputValue, todayInStockholm } from '../dates';
import { useDebounced } from '../hooks';
import { useI18n } from '../i18n';
import { Route, navigate, withParams } from '../router';

/** A query parameter of the URL that means nothing, and what the view shows instead. */
export interface BadParam {
  name: 'on' | 'knownAt' | 'county' | 'kind';
  value: string;
  /** What is shown in its place (today's date, for `on`). */
  fallback?: string;
}

/**
 * The chosen date (`on`) and recording time (`knownAt`) of the URL, shared by the matrix and
 * the attention list, with the parameters that are not a date or an instant (the view says so).
 */
export function viewTime(route: Route): { on: string; knownAt: string; invalid: BadParam[] } {
  const on = route.params.get('on') ?? '';
  const knownAt = route.params.get('knownAt') ?? '';
  const invalid: BadParam[] = [];
  const today = todayInStockholm();
  if (on && !isCalendarDate(on)) invalid.push({ name: 'on', value: on, fallback: today });
  const knownAtValid = knownAt !== '' && !Number.isNaN(Date.parse(knownAt));
  if (knownAt && !knownAtValid) invalid.push({ name: 'knownAt', value: knownAt });
  return { on: isCalendarDate(on) ? on : today, knownAt: knownAtValid ? knownAt : '', invalid };
}

/** Tells the reader which parameters of the URL were not understood and what is shown instead. */
export function BadParams(props: { invalid: BadParam[] }) {
  const { l } = useI18n();
  if (props.invalid.length === 0) return null;
  return (
    <div class="banner warning" role="alert" data-testid="bad-params">
      <ul>
        {props.invalid.map((bad) => (
          <li key={bad.name} data-param={bad.name} data-value={bad.value}>
            {l.badParam[bad.name](bad.value, bad.fallback ?? '')}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The date controls: a slider from 2000 to 2030 with the chosen date shown and editable, and "known at". */
export function TimeControls(props: { route: Route; on: string; knownAt: string; showSlider?: boolean }) {
  const { l } = useI18n();
  const { route, on, knownAt } = props;
  // The slider moves at once; the URL (and the fetch) follow when it rests for a moment.
  const [draft, setDraft] = useState(on);
  useEffect(() => setDraft(on), [on]);
  const settled = useDebounced(draft, 120);
  useEffect(() => {
    // Seen in CI: a date typed just as an earlier one settled snapped the URL back to the earlier.
    const target = settledDateTarget(settled, draft, on);
    if (target) navigate(withParams(route, { on: target }), { replace: true });
  }, [settled]);
  const [knownDraft, setKnownDraft] = useState(knownAt ? toLocalInputValue(knownAt) : '');
  useEffect(() => setKnownDraft(knownAt ? toLocalInputValue(knownAt) : ''), [knownAt]);

  const onSliderKey = (event: TargetedKeyboardEvent<HTMLInputElement>) => {
    // Page Up / Page Down: a year at a time (arrows move a day).
    if (event.key !== 'PageUp' && event.key !== 'PageDown') return;
    event.preventDefault();
    const next = `${Number(draft.slice(0, 4)) + (event.key === 'PageUp' ? 1 : -1)}${draft.slice(4)}`;
    const valid = isCalendarDate(next) ? next : addDays(`${next.slice(0, 7)}-01`, 27);
    setDraft(valid < SLIDER_FIRST ? SLIDER_FIRST : valid > SLIDER_LAST ? SLIDER_LAST : valid);
  };
  const years = [2000, 2005, 2010, 2015, 2020, 2025, 2030];
  // A date outside 2000–2030 puts the slider at its end; the page says so, by the slider.
  const outside = draft < SLIDER_FIRST ? SLIDER_FIRST : draft > SLIDER_LAST ? SLIDER_LAST : undefined;
  return (
    <div class="time-controls">
      {props.showSlider !== false && (
        <div class="control slider-control">
          <div class="slider-head">
            <label for="on-slider">{l.dateSlider}</label>
            <output for="on-slider" class="on-output" data-testid="on-output" aria-live="off">
              {draft}
            </output>
          </div>
          <input
            id="on-slider"
            type="range"
            min={0}
            max={SLIDER_MAX}
            step={1}
            value={sliderValueOf(draft)}
            list="on-years"
            aria-valuetext={outside ? l.sliderOutsideValue(draft, outside) : draft}
            aria-describedby={outside ? 'on-help on-slider-outside' : 'on-help'}
            onInput={(e) => setDraft(dateOfSliderValue(Number(e.currentTarget.value)))}
            onKeyDown={onSliderKey}
          />
          <datalist id="on-years">
            {years.map((y) => (
              <option key={y} value={sliderValueOf(`${y}-01-01`)} label={String(y)} />
            ))}
          </datalist>
          <div class="slider-years" aria-hidden="true">
            {years.map((y) => (
              <span key={y} style={{ left: `${(sliderValueOf(`${y}-01-01`) / SLIDER_MAX) * 100}%` }}>
                {y}
              </span>
            ))}
          </div>
          {outside && (
            <p id="on-slider-outside" class="slider-outside" data-testid="slider-outside" data-edge={outside}>
              {l.sliderOutside(draft, outside)}
            </p>
          )}
        </div>
      )}
      <div class="control">
        <label for="on-date">{l.date}</label>
        <div class="inline">
          <input
            id="on-date"
            type="date"
            class="date-input"
            value={draft}
            min="1900-01-01"
            max="2099-12-31"
            aria-describedby="on-help"
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isCalendarDate(value)) {
                setDraft(value);
                navigate(withParams(route, { on: value }), { replace: true });
              }
            }}
          />
          <button type="button" class="button subtle" onClick={() => navigate(withParams(route, { on: undefined }), { replace: true })}>
            {l.today}
          </button>
        </div>
        <small id="on-help" class="help">
          {l.dateHelp}
        </small>
      </div>
      <div class="control">
        <label for="known-at">{l.knownAt}</label>
        <div class="inline">
          <input
            id="known-at"
            type="datetime-local"
            step="0.001"
            value={knownDraft}
            aria-describedby="known-at-help"
            onInput={(e) => setKnownDraft(e.currentTarget.value)}
            onChange={(e) => {
              const iso = fromLocalInputValue(e.currentTarget.value);
              navigate(withParams(route, { knownAt: iso }), { replace: true });
            }}
          />
          <button type="button" class="button subtle" disabled={!knownAt} onClick={() => navigate(withParams(route, { knownAt: undefined }), { replace: true })}>
            {l.knownAtNow}
          </button>
        </div>
        <small id="known-at-help" class="help">
          {l.knownAtHelp}
        </small>
      </div>
    </div>
  );
}

export function KnownAtBanner(props: { knownAt: string }) {
  const { l, locale } = useI18n();
  if (!props.knownAt) return null;
  return (
    <p class="banner" data-testid="known-at-banner">
      {l.knownAtBanner} <time dateTime={props.knownAt}>{formatRecorded(props.knownAt, locale)}</time>
    </p>
  );
}

