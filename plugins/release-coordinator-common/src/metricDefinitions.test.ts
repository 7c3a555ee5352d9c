import {
  changeFailureRateTier,
  deploymentFrequencyTier,
  isDoraReportYear,
  leadTimeTier,
  METRIC_DEFINITIONS,
  recoveryTier,
} from './metricDefinitions';
import { METRIC_NAMES } from './metrics';

const HOUR = 3600;
const DAY = 86400;

describe('deploymentFrequencyTier', () => {
  it.each([
    // 2023: elite ≥ 1/day, high ≥ 1/7, medium ≥ 1/30
    [1, 2023, 'elite'],
    [0.999, 2023, 'high'],
    [1 / 7, 2023, 'high'],
    [1 / 7 - 1e-9, 2023, 'medium'],
    [1 / 30, 2023, 'medium'],
    [1 / 30 - 1e-9, 2023, 'low'],
    [0, 2023, 'low'],
    // 2021: elite ≥ 1/day, high ≥ 1/30, medium ≥ 1/182
    [1, 2021, 'elite'],
    [1 / 7, 2021, 'high'],
    [1 / 30, 2021, 'high'],
    [1 / 30 - 1e-9, 2021, 'medium'],
    [1 / 182, 2021, 'medium'],
    [1 / 183, 2021, 'low'],
  ] as const)('%p per day in %p → %p', (perDay, year, tier) => {
    expect(deploymentFrequencyTier(perDay, year)).toBe(tier);
  });

  it('uses 2023 bands by default and keeps null as null', () => {
    expect(deploymentFrequencyTier(1 / 20)).toBe('medium');
    expect(deploymentFrequencyTier(1 / 20, 2021)).toBe('high');
    expect(deploymentFrequencyTier(null)).toBeNull();
  });

  it('takes 30 deploys over a 30-day window, computed as a division, as elite', () => {
    expect(deploymentFrequencyTier(30 / 30)).toBe('elite');
    expect(deploymentFrequencyTier(1 / 7)).toBe('high');
    expect(deploymentFrequencyTier(4 / 28)).toBe('high');
  });
});

describe('leadTimeTier', () => {
  it.each([
    // 2023: elite < 1 day; high < 7 days; medium < 30 days
    [DAY - 1, 2023, 'elite'],
    [DAY, 2023, 'high'],
    [7 * DAY - 1, 2023, 'high'],
    [7 * DAY, 2023, 'medium'],
    [30 * DAY - 1, 2023, 'medium'],
    [30 * DAY, 2023, 'low'],
    // 2021: elite < 1 hour; high < 7 days; medium < 182 days
    [HOUR - 1, 2021, 'elite'],
    [HOUR, 2021, 'high'],
    [DAY, 2021, 'high'],
    [7 * DAY, 2021, 'medium'],
    [182 * DAY - 1, 2021, 'medium'],
    [182 * DAY, 2021, 'low'],
  ] as const)('%p s in %p → %p', (seconds, year, tier) => {
    expect(leadTimeTier(seconds, year)).toBe(tier);
  });

  it('keeps null as null', () => {
    expect(leadTimeTier(null)).toBeNull();
    expect(leadTimeTier(null, 2021)).toBeNull();
  });
});

describe('changeFailureRateTier', () => {
  it.each([
    // 2023: elite ≤ 0.05; high ≤ 0.10; medium ≤ 0.15
    [0, 2023, 'elite'],
    [0.05, 2023, 'elite'],
    [1 / 20, 2023, 'elite'],
    [0.0501, 2023, 'high'],
    [0.1, 2023, 'high'],
    [0.1001, 2023, 'medium'],
    [0.15, 2023, 'medium'],
    [0.1501, 2023, 'low'],
    [1, 2023, 'low'],
    // 2021: elite ≤ 0.15; high ≤ 0.20; medium ≤ 0.30
    [0.15, 2021, 'elite'],
    [0.1501, 2021, 'high'],
    [0.2, 2021, 'high'],
    [0.2001, 2021, 'medium'],
    [0.3, 2021, 'medium'],
    [0.3001, 2021, 'low'],
  ] as const)('%p in %p → %p', (rate, year, tier) => {
    expect(changeFailureRateTier(rate, year)).toBe(tier);
  });

  it('keeps null as null', () => {
    expect(changeFailureRateTier(null)).toBeNull();
  });
});

describe('recoveryTier', () => {
  it.each([
    [HOUR - 1, 2023, 'elite'],
    [HOUR, 2023, 'high'],
    [DAY - 1, 2023, 'high'],
    [DAY, 2023, 'medium'],
    [7 * DAY - 1, 2023, 'medium'],
    [7 * DAY, 2023, 'low'],
    [HOUR - 1, 2021, 'elite'],
    [HOUR, 2021, 'high'],
    [DAY, 2021, 'medium'],
    [7 * DAY, 2021, 'low'],
  ] as const)('%p s in %p → %p', (seconds, year, tier) => {
    expect(recoveryTier(seconds, year)).toBe(tier);
  });

  it('keeps null as null', () => {
    expect(recoveryTier(null)).toBeNull();
  });
});

describe('isDoraReportYear', () => {
  it('accepts only the years with bands', () => {
    expect(isDoraReportYear(2021)).toBe(true);
    expect(isDoraReportYear(2023)).toBe(true);
    expect(isDoraReportYear(2022)).toBe(false);
    expect(isDoraReportYear('2023')).toBe(false);
  });
});

describe('METRIC_DEFINITIONS', () => {
  it('has a title and a definition for every metric', () => {
    expect(Object.keys(METRIC_DEFINITIONS).sort()).toEqual(
      [...METRIC_NAMES].sort(),
    );
    for (const name of METRIC_NAMES) {
      expect(METRIC_DEFINITIONS[name].title.length).toBeGreaterThan(0);
      expect(METRIC_DEFINITIONS[name].definition.length).toBeGreaterThan(20);
    }
  });
});
