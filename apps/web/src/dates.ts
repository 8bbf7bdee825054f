/** Calendar dates (`YYYY-MM-DD`) and instants, as the API uses them. Pure functions. */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The date slider's range (the issue: "from 2000 to 2030"). */
export const SLIDER_FIRST = '2000-01-01';
export const SLIDER_LAST = '2030-12-31';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date as YYYY-MM-DD (not 2019-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === value;
}

/** Midnight UTC of a date, in milliseconds (dates carry no time zone: UTC only keeps the arithmetic exact). */
export function dateMs(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/**
 * The date a settled slider move takes the URL to, or null when it should stay: only a settled
 * value that is still the draft counts (a date typed into the field as an earlier move settles has
 * navigated already, and the stale value must not take the URL back to it).
 */
export function settledDateTarget(settled: string, draft: string, on: string): string | null {
  return settled === draft && settled !== on && isCalendarDate(settled) ? settled : null;
}

export function dateOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfMs(dateMs(date) + days * DAY_MS);
}

/** Days from the slider's first date: the slider's value. */
export function sliderValueOf(date: string): number {
  const clamped = date < SLIDER_FIRST ? SLIDER_FIRST : date > SLIDER_LAST ? SLIDER_LAST : date;
  return Math.round((dateMs(clamped) - dateMs(SLIDER_FIRST)) / DAY_MS);
}

export function dateOfSliderValue(value: number): string {
  return addDays(SLIDER_FIRST, Math.round(value));
}

export const SLIDER_MAX = sliderValueOf(SLIDER_LAST);

/** Today in Europe/Stockholm, as the API's `on` defaults to. */
export function todayInStockholm(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the value of a `datetime-local` input, in the browser's time zone, to the millisecond. */
export function toLocalInputValue(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A `datetime-local` value (the browser's time zone) as an ISO instant with an offset (Z), or undefined. */
export function fromLocalInputValue(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** An ISO instant for people: date and time to the second, in the browser's time zone. */
export function formatInstant(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

/**
 * An instant for people, in the browser's time zone, as the locale writes date and time: to
 * the millisecond when it has milliseconds (a "known at" mark and the events on either side of
 * it within the same second must not look alike), else to the second.
 */
export function formatRecorded(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
  if (d.getMilliseconds() !== 0) options.fractionalSecondDigits = 3;
  return new Intl.DateTimeFormat(locale, options).format(d);
}

/** A span of days for a timeline axis: [startMs, endMs) with the position of a date in it, 0…1. */
export interface Axis {
  startMs: number;
  endMs: number;
}

export function axisFor(dates: (string | null | undefined)[], minFirst = SLIDER_FIRST, minLast = SLIDER_LAST): Axis {
  const known = dates.filter((d): d is string => typeof d === 'string' && isCalendarDate(d));
  const first = [minFirst, ...known].reduce((a, b) => (b < a ? b : a));
  const last = [minLast, ...known].reduce((a, b) => (b > a ? b : a));
  // Whole years, so the ticks fall on 1 January.
  const startMs = Date.UTC(Number(first.slice(0, 4)), 0, 1);
  const endMs = Date.UTC(Number(last.slice(0, 4)) + 1, 0, 1);
  return { startMs, endMs };
}

/** Where a date sits on the axis, 0…1 (clamped). */
export function fractionOf(axis: Axis, date: string): number {
  const f = (dateMs(date) - axis.startMs) / (axis.endMs - axis.startMs);
  return Math.min(1, Math.max(0, f));
}

/** 1 January of every `step`-th year on the axis. */
export function yearTicks(axis: Axis, step = 5): number[] {
  const firstYear = new Date(axis.startMs).getUTCFullYear();
  const lastYear = new Date(axis.endMs).getUTCFullYear();
  const years: number[] = [];
  for (let y = Math.ceil(firstYear / step) * step; y <= lastYear; y += step) years.push(y);
  return years;
}
