/**
 * Calendar dates are `YYYY-MM-DD` strings in Europe/Stockholm. In that format the
 * lexicographic order is the chronological order, so dates compare with `<` and `>`.
 */
export type CalendarDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in YYYY-MM-DD form (`2019-02-30` is false). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The date `days` days after `date` (negative for before). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  // The day before, within the month: what every inclusive end date needs (the read side asks it
  // for each interval of a provision's history), with no Date.
  if (days === -1) {
    const day = (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
    if (day > 1) return `${date.slice(0, 8)}${day <= 10 ? '0' : ''}${day - 1}`;
  }
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

export function minDate(a: CalendarDate | undefined, b: CalendarDate | undefined): CalendarDate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

export function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}

const stockholmDate = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Stockholm at the given instant ("today" for the register). */
export function stockholmDateOf(instant: Date): CalendarDate {
  // The sv-SE locale formats as YYYY-MM-DD.
  return stockholmDate.format(instant);
}
