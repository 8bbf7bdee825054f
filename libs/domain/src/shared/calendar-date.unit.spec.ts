import fc from 'fast-check';
import { addDays, isCalendarDate, maxDate, minDate, stockholmDateOf } from './calendar-date';

describe('calendar dates', () => {
  it.each(['2019-02-28', '2020-02-29', '2000-02-29', '2019-12-31', '2019-01-01'])('accepts %s', (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });

  it.each(['2019-02-30', '2019-02-29', '1900-02-29', '2019-13-01', '2019-00-10', '2019-04-31', '2019-01-00', '2019-2-3', '20190203', '2019-02-03T00:00', ' 2019-02-03', '0999-01-01'])(
    'rejects %s',
    (date) => {
      expect(isCalendarDate(date)).toBe(false);
    },
  );

  it('rejects what is not a string', () => {
    expect(isCalendarDate(20190203)).toBe(false);
    expect(isCalendarDate(undefined)).toBe(false);
    expect(isCalendarDate(new Date('2019-02-03'))).toBe(false);
  });

  it('addDays crosses months, years and leap days, both ways', () => {
    expect(addDays('2019-01-31', 1)).toBe('2019-02-01');
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2020-01-01', -1)).toBe('2019-12-31');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2020-02-29', 1)).toBe('2020-03-01');
    expect(addDays('2019-02-28', 1)).toBe('2019-03-01');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
    expect(addDays('2019-10-27', 1)).toBe('2019-10-28'); // the day summer time ends in Stockholm
    expect(addDays('2019-03-31', 1)).toBe('2019-04-01'); // the day after it starts
    expect(addDays('2020-01-01', 366)).toBe('2021-01-01');
    expect(addDays('2020-01-01', 0)).toBe('2020-01-01');
  });

  it('addDays by -1 (its shortcut within a month) agrees with the calendar on every day of 1990–2059', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / 86_400_000, max: Date.UTC(2059, 11, 31) / 86_400_000 }), (dayNumber) => {
        const date = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
        const before = new Date((dayNumber - 1) * 86_400_000).toISOString().slice(0, 10);
        expect(addDays(date, -1)).toBe(before);
      }),
      { numRuns: 5_000 },
    );
    expect(addDays('2020-03-10', -1)).toBe('2020-03-09');
    expect(addDays('2020-03-11', -1)).toBe('2020-03-10');
    expect(addDays('2020-03-02', -1)).toBe('2020-03-01');
  });

  it('minDate and maxDate compare as dates and let undefined through', () => {
    expect(minDate('2020-01-01', '2019-12-31')).toBe('2019-12-31');
    expect(minDate(undefined, '2019-12-31')).toBe('2019-12-31');
    expect(minDate('2019-12-31', undefined)).toBe('2019-12-31');
    expect(minDate(undefined, undefined)).toBeUndefined();
    expect(maxDate('2020-01-01', '2019-12-31')).toBe('2020-01-01');
  });

  it('stockholmDateOf is the date in Stockholm, not in UTC', () => {
    expect(stockholmDateOf(new Date('2019-07-01T23:30:00Z'))).toBe('2019-07-02'); // 01:30 CEST
    expect(stockholmDateOf(new Date('2019-07-01T21:30:00Z'))).toBe('2019-07-01'); // 23:30 CEST
    expect(stockholmDateOf(new Date('2019-07-01T22:30:00Z'))).toBe('2019-07-02'); // 00:30 CEST
    expect(stockholmDateOf(new Date('2019-01-01T22:30:00Z'))).toBe('2019-01-01'); // 23:30 CET
    expect(stockholmDateOf(new Date('2019-12-31T23:30:00Z'))).toBe('2020-01-01'); // 00:30 CET
    expect(isCalendarDate(stockholmDateOf(new Date('2019-07-01T23:30:00Z')))).toBe(true);
  });
});
