import { InputError } from '@backstage/errors';
import { addDays, daysOf, parseRepeatingIntervals } from './intervals';
import { isCalendarDay } from './validation';

describe('parseRepeatingIntervals', () => {
  it('splits R2/P30D/<end> into two 30-day periods ending (exclusive) at end', () => {
    expect(parseRepeatingIntervals('R2/P30D/2026-11-26')).toEqual([
      { from: '2026-09-27', to: '2026-10-27' },
      { from: '2026-10-27', to: '2026-11-26' },
    ]);
  });

  it('steps back calendar months and clamps the day of month', () => {
    expect(parseRepeatingIntervals('R2/P1M/2026-03-31')).toEqual([
      { from: '2026-01-31', to: '2026-02-28' },
      { from: '2026-02-28', to: '2026-03-31' },
    ]);
    expect(parseRepeatingIntervals('R1/P3M/2026-10-01')).toEqual([
      { from: '2026-07-01', to: '2026-10-01' },
    ]);
  });

  it('accepts weeks and combined durations', () => {
    expect(parseRepeatingIntervals('R1/P1W/2026-11-26')).toEqual([
      { from: '2026-11-19', to: '2026-11-26' },
    ]);
    expect(parseRepeatingIntervals('R1/P1M2D/2026-11-26')).toEqual([
      { from: '2026-10-24', to: '2026-11-26' },
    ]);
  });

  it.each([
    '',
    'P30D/2026-11-26',
    'R2/P30D',
    'R0/P30D/2026-11-26',
    'R2/P/2026-11-26',
    'R2/P0D/2026-11-26',
    'R2/P30D/2026-02-30',
    'R2/PT1H/2026-11-26',
    'R2/P30D/2026-11-26T00:00:00Z',
    'R40/P1Y/2026-11-26',
  ])('rejects %j with a 400 naming intervals', value => {
    expect(() => parseRepeatingIntervals(value)).toThrow(InputError);
    expect(() => parseRepeatingIntervals(value)).toThrow(/intervals/);
  });
});

describe('days', () => {
  it('lists the days of a period across a month end', () => {
    expect(daysOf({ from: '2026-10-30', to: '2026-11-02' })).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
    expect(daysOf({ from: '2026-11-02', to: '2026-11-02' })).toEqual([]);
  });

  it('adds days across a leap day', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('knows real calendar days', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('2026-1-01')).toBe(false);
  });
});
