import { SLIDER_MAX, addDays, axisFor, dateOfSliderValue, formatRecorded, fractionOf, fromLocalInputValue, isCalendarDate, settledDateTarget, sliderValueOf, todayInStockholm, yearTicks } from './dates';

describe('the dashboard’s dates', () => {
  it('shows an instant to the millisecond when it has milliseconds, so a mark and an event in the same second differ', () => {
    expect(formatRecorded('2020-06-01T10:00:00.250Z', 'sv-SE')).toMatch(/:00,250$/);
    expect(formatRecorded('2020-06-01T10:00:00.250Z', 'en-GB')).toMatch(/:00\.250$/);
    expect(formatRecorded('2020-06-01T10:00:00.000Z', 'sv-SE')).toMatch(/\d\d:\d\d:00$/);
    expect(formatRecorded('2020-06-01T10:00:00.250Z', 'sv-SE')).not.toBe(formatRecorded('2020-06-01T10:00:00.251Z', 'sv-SE'));
    expect(formatRecorded('not a time', 'sv-SE')).toBe('not a time');
  });

  it('accepts real calendar dates only', () => {
    expect(isCalendarDate('2020-02-29')).toBe(true);
    expect(isCalendarDate('2019-02-29')).toBe(false);
    expect(isCalendarDate('2019-2-1')).toBe(false);
  });

  it('maps the slider (a day per step, 2000-01-01 to 2030-12-31) to dates and back', () => {
    expect(dateOfSliderValue(0)).toBe('2000-01-01');
    expect(dateOfSliderValue(SLIDER_MAX)).toBe('2030-12-31');
    for (const date of ['2000-01-01', '2019-12-31', '2020-01-01', '2024-02-29', '2030-12-31']) expect(dateOfSliderValue(sliderValueOf(date))).toBe(date);
    expect(sliderValueOf('2020-01-01') - sliderValueOf('2019-12-31')).toBe(1);
    // Outside the range the slider rests at its ends.
    expect(sliderValueOf('1999-06-01')).toBe(0);
    expect(sliderValueOf('2031-01-01')).toBe(SLIDER_MAX);
  });

  it('moves the URL to a settled slider date only while it is still the draft', () => {
    expect(settledDateTarget('2019-01-01', '2019-01-01', '2020-01-01')).toBe('2019-01-01');
    // Already there.
    expect(settledDateTarget('2019-01-01', '2019-01-01', '2019-01-01')).toBeNull();
    // A date typed as the earlier one settled: the URL is at the typed date and stays there.
    expect(settledDateTarget('2023-01-01', '2020-06-01', '2020-06-01')).toBeNull();
    expect(settledDateTarget('2019-02-30', '2019-02-30', '2020-01-01')).toBeNull();
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });

  it('gives today in Europe/Stockholm, not in UTC', () => {
    // 23:30 UTC on 31 December is already 1 January in Stockholm.
    expect(todayInStockholm(new Date('2019-12-31T23:30:00Z'))).toBe('2020-01-01');
    expect(todayInStockholm(new Date('2020-06-01T12:00:00Z'))).toBe('2020-06-01');
  });

  it('reads a datetime-local value as an instant', () => {
    expect(fromLocalInputValue('')).toBeUndefined();
    expect(fromLocalInputValue('2019-11-01T12:00:00.123')).toBe(new Date('2019-11-01T12:00:00.123').toISOString());
  });

  it('lays dates on a timeline axis of whole years, at least 2000 to 2030', () => {
    const axis = axisFor(['2008-01-01', null, '2022-12-31']);
    expect(new Date(axis.startMs).toISOString().slice(0, 10)).toBe('2000-01-01');
    expect(new Date(axis.endMs).toISOString().slice(0, 10)).toBe('2031-01-01');
    expect(fractionOf(axis, '2000-01-01')).toBe(0);
    expect(fractionOf(axis, '2031-01-01')).toBe(1);
    expect(fractionOf(axis, '1990-01-01')).toBe(0);
    const wide = axisFor(['1995-05-05', '2040-01-01']);
    expect(new Date(wide.startMs).getUTCFullYear()).toBe(1995);
    expect(new Date(wide.endMs).getUTCFullYear()).toBe(2041);
    expect(yearTicks(axis, 5)).toEqual([2000, 2005, 2010, 2015, 2020, 2025, 2030]);
  });
});
