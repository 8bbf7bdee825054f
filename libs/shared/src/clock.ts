/** Time comes in from outside: the command path asks this clock, tests replace it. */
export abstract class Clock {
  abstract now(): Date;
}

/**
 * The system clock, never running backwards within the process, so that `recordedAt`
 * follows commit order here even if the wall clock is stepped back.
 */
export class SystemClock extends Clock {
  private last = 0;
  now(): Date {
    const t = Math.max(Date.now(), this.last);
    this.last = t;
    return new Date(t);
  }
}
