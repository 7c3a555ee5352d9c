import { ConfigReader } from '@backstage/config';
import { readDoraReportYear } from './config';

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
