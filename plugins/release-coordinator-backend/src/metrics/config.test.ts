import { ConfigReader } from '@backstage/config';
import {
  readDoraReportYear,
  readRollupMemoryBytes,
  readRollupRefreshFrequency,
} from './config';

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

describe('readRollupMemoryBytes', () => {
  const read = (rollupMemoryMiB: number | string) =>
    readRollupMemoryBytes(
      new ConfigReader({
        releaseCoordinator: { metrics: { rollupMemoryMiB } },
      }),
    );

  it('defaults to 64 MiB and reads MiB, 0 turning it off', () => {
    expect(readRollupMemoryBytes(new ConfigReader({}))).toBe(64 * 1024 * 1024);
    expect(read(8)).toBe(8 * 1024 * 1024);
    expect(read(0.5)).toBe(512 * 1024);
    expect(read(0)).toBe(0);
  });

  it('refuses a negative or absurd size, naming the key', () => {
    expect(() => read(-1)).toThrow(
      /releaseCoordinator\.metrics\.rollupMemoryMiB: -1/,
    );
    expect(() => read(1e9)).toThrow(/rollupMemoryMiB/);
    expect(() => read('lots')).toThrow(/rollupMemoryMiB/);
  });
});
