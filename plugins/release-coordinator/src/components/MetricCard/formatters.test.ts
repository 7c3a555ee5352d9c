import {
  NO_VALUE,
  formatCurrency,
  formatDuration,
  formatPerDay,
  formatPercent,
  plural,
} from './formatters';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.6, '60 s'],
    [60, '1 min'],
    [270, '4 min 30 s'],
    [720, '12 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [86399, '1 day'],
    [86400, '1 day'],
    [216000, '2.5 days'],
    [30 * 86400, '30 days'],
  ])('%p seconds → %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('shows — for null, never 0', () => {
    expect(formatDuration(null)).toBe(NO_VALUE);
    expect(formatDuration(null)).not.toContain('0');
  });
});

describe('formatPerDay', () => {
  it('shows per day from one a day', () => {
    expect(formatPerDay(1)).toBe('1 per day');
    expect(formatPerDay(1.4)).toBe('1.4 per day');
    expect(formatPerDay(12.25)).toBe('12.3 per day');
  });

  it('shows per week below one a day', () => {
    expect(formatPerDay(0.5)).toBe('3.5 per week');
    expect(formatPerDay(1 / 7)).toBe('1 per week');
    expect(formatPerDay(1 / 30)).toBe('0.23 per week');
    expect(formatPerDay(0)).toBe('0 per week');
  });

  it('shows — for null', () => {
    expect(formatPerDay(null)).toBe(NO_VALUE);
  });
});

describe('formatPercent', () => {
  it('turns ratios into percentages', () => {
    expect(formatPercent(0.955)).toBe('95.5 %');
    expect(formatPercent(0.05)).toBe('5 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.99914, 2)).toBe('99.91 %');
  });

  it('shows — for null', () => {
    expect(formatPercent(null)).toBe(NO_VALUE);
  });
});

describe('formatCurrency', () => {
  it('formats with the currency symbol and two decimals', () => {
    expect(formatCurrency(1234.5, 'USD')).toBe('$1,234.50');
    expect(formatCurrency(41.15, 'EUR')).toBe('€41.15');
  });

  it('keeps an unknown currency code next to the number', () => {
    expect(formatCurrency(10, 'credits')).toBe('10 credits');
  });

  it('shows — for null', () => {
    expect(formatCurrency(null, 'USD')).toBe(NO_VALUE);
  });
});

describe('plural', () => {
  it('agrees with the count', () => {
    expect(plural(1, 'deployment')).toBe('1 deployment');
    expect(plural(1200, 'deployment')).toBe('1,200 deployments');
  });
});
