import { CalendarDate } from '@samverkan/domain';
import { ENDING_HORIZON_DAYS } from './attention-rules';
import type { AttentionItem, AttentionSteps } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Why an arrangement's attention items are a step function of the day asked about `on`, and
 * where its steps are: every rule in attention-rules.ts compares `on` (or `on` plus the ending
 * horizon) with a date of the arrangement's state, of its providing federation or the day it was
 * proposed, with `<`, `<=`, `>` or `>=`, or asks for the term of office that contains `on` (the
 * review duty). Such a comparison with a date `x` can only change its answer on `x` or on the day
 * after it (`on < x` turns false on `x`, `on <= x` on the day after), and one with `on` plus the
 * horizon `h` on `x - h` or the day after. So between two consecutive such days, within one
 * term, every comparison answers alike and so do the items. The boundaries below also take the
 * day before each of those (no rule needs it: it keeps the steps safe from an off-by-one in a rule
 * written later); more boundaries only make the steps shorter, never wrong.
 *
 * The dates are collected from the states themselves (every string that is a date, at any depth),
 * so a field added to a state later is covered without a change here.
 */
export function attentionSteps(sources: readonly unknown[], otherDates: readonly CalendarDate[]): AttentionSteps {
  const dates = new Set<CalendarDate>(otherDates);
  for (const source of sources) collectDates(source, dates);
  const boundaries = new Set<number>();
  for (const date of dates) {
    const x = dayNumber(date);
    for (const base of [x, x - ENDING_HORIZON_DAYS]) {
      boundaries.add(base - 1);
      boundaries.add(base);
      boundaries.add(base + 1);
    }
  }
  return { boundaries: Float64Array.from(boundaries).sort(), known: new Map(), items: new Map(), interned: new Map() };
}

/** Days since 1970-01-01 (UTC) of a calendar date: boundaries are kept as numbers, so that a question compares numbers. */
export function dayNumber(date: CalendarDate): number {
  // setUTCFullYear, not Date.UTC, which would read the years 0 to 99 as 1900 to 1999.
  return new Date(0).setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/**
 * A step is the term of office the day is in (its first year) and how many boundaries are on or
 * before the day (`stepIndex`). Most steps have no items, so what is kept is small: a byte a
 * step for each term asked about (not yet computed, no items, items) and the items of the steps
 * that have some.
 */
export function keptItems(steps: AttentionSteps, termYear: number, step: number): readonly AttentionItem[] | undefined {
  const known = steps.known.get(termYear);
  const state = known === undefined ? UNKNOWN : known[step];
  if (state === UNKNOWN) return undefined;
  return state === NONE ? NO_ITEMS : steps.items.get(itemsKey(termYear, step));
}

/**
 * Keeps a step's items. Neighbouring steps often have the same items (an overdue review stands
 * for a whole term): each item is kept once per arrangement, by its JSON, which `json` keeps
 * with it for the answer's text.
 */
export function keepItems(steps: AttentionSteps, termYear: number, step: number, items: readonly AttentionItem[], json: WeakMap<AttentionItem, string>): readonly AttentionItem[] {
  let known = steps.known.get(termYear);
  if (!known) steps.known.set(termYear, (known = new Uint8Array(steps.boundaries.length + 1)));
  if (items.length === 0) {
    known[step] = NONE;
    return NO_ITEMS;
  }
  const kept = items.map((item) => {
    const text = JSON.stringify(item);
    const same = steps.interned.get(text);
    if (same) return same;
    steps.interned.set(text, item);
    json.set(item, text);
    return item;
  });
  known[step] = SOME;
  steps.items.set(itemsKey(termYear, step), kept);
  return kept;
}

const UNKNOWN = 0;
const NONE = 1;
const SOME = 2;
const NO_ITEMS: readonly AttentionItem[] = Object.freeze([]);
/** A step's key among the kept items: the term's first year, then the step (a record has far fewer than 2^20 boundaries). */
const itemsKey = (termYear: number, step: number): number => termYear * 1_048_576 + step;

/** How many boundaries are on or before the day `day` (its `dayNumber`). */
export function stepIndex(steps: AttentionSteps, day: number): number {
  const { boundaries } = steps;
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (boundaries[middle] <= day) low = middle + 1;
    else high = middle;
  }
  return low;
}

function collectDates(value: unknown, into: Set<CalendarDate>): void {
  if (typeof value === 'string') {
    if (DATE.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectDates(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectDates(item, into);
  }
}
