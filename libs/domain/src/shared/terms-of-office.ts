import { addDays, CalendarDate } from './calendar-date';

/**
 * Terms of office (mandatperioder) start on 15 October after the September election,
 * every four years: …, 2010, 2014, 2018, 2022, 2026, …
 */
export interface TermOfOffice {
  start: CalendarDate;
  /** The last day of the term. */
  end: CalendarDate;
}

const REFERENCE_ELECTION_YEAR = 2014;

export function termContaining(date: CalendarDate): TermOfOffice {
  const year = Number(date.slice(0, 4));
  let startYear = year - (((year - REFERENCE_ELECTION_YEAR) % 4) + 4) % 4;
  if (`${startYear}-10-15` > date) startYear -= 4;
  return termStartingIn(startYear);
}

function termStartingIn(year: number): TermOfOffice {
  return { start: `${year}-10-15`, end: addDays(`${year + 4}-10-15`, -1) };
}

/** The most recent term that has fully ended on or before `date`. */
export function lastEndedTerm(date: CalendarDate): TermOfOffice {
  const current = termContaining(date);
  return termStartingIn(Number(current.start.slice(0, 4)) - 4);
}
