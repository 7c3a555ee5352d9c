import { ConfigReader } from '@backstage/config';
import { readDoraReportYear, readRollupRefreshFrequency } from './config';

describe('readDoraReportYear', () => {
  it('defaults to 2023 and accepts 2021', () => {
    expect(readDoraReportYear(new ConfigReader({}))).toBe(2023);
    expect(
      readDoraReportYear(
        new ConfigReader({
          releaseCoordinator: { metrics: { doraReportYear: 2021 } },
        }),
      ),
    ).toBe(2021);
  });

  it('refuses a year without bands, naming the key', () => {
    expect(() =>
      readDoraReportYear(
        new ConfigReader({
          releaseCoordinator: { metrics: { doraReportYear: 2022 } },
        }),
      ),
    ).toThrow(/releaseCoordinator\.metrics\.doraReportYear: 2022/);
  });
});

describe('readRollupRefreshFrequency', () => {
  it('defaults to 30 seconds and reads a duration', () => {
    expect(readRollupRefreshFrequency(new ConfigReader({}))).toEqual({
      seconds: 30,
    });
    expect(
      readRollupRefreshFrequency(
        new ConfigReader({
          releaseCoordinator: {
            metrics: { rollupRefreshFrequency: { minutes: 5 } },
          },
        }),
      ),
    ).toEqual({ minutes: 5 });
  });

  it('refuses what is not a duration, naming the key', () => {
    expect(() =>
      readRollupRefreshFrequency(
        new ConfigReader({
          releaseCoordinator: {
            metrics: { rollupRefreshFrequency: { fortnights: 1 } },
          },
        }),
      ),
    ).toThrow(/rollupRefreshFrequency/);
  });
});
