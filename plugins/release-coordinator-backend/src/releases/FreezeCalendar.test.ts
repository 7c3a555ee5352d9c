import { ConfigReader } from '@backstage/config';
import { readReleaseReadinessSettings } from './config';
import { FreezeCalendar } from './FreezeCalendar';
import { testConfig } from './__testUtils__/fixtures';

const calendar = new FreezeCalendar(
  readReleaseReadinessSettings(new ConfigReader(testConfig)).freezeWindows,
);

describe('FreezeCalendar', () => {
  it.each([
    // 2026-11-28 is a Saturday: the weekend window runs Sat 00:00 to Mon 00:00.
    ['2026-11-27T23:59:59.000Z', undefined],
    ['2026-11-28T00:00:00.000Z', 'weekends'],
    ['2026-11-29T23:59:59.000Z', 'weekends'],
    ['2026-11-30T00:00:00.000Z', undefined],
    ['2026-12-19T23:59:59.000Z', 'weekends'],
    ['2026-12-22T12:00:00.000Z', 'year-end'],
    ['2027-01-04T00:00:00.000Z', undefined],
  ])('at %s production is frozen by %s', (at, name) => {
    expect(calendar.activeFreeze('production', new Date(at))?.name).toBe(name);
  });

  it('reports the occurrence of a recurring window', () => {
    expect(
      calendar.activeFreeze('production', new Date('2026-11-29T08:00:00.000Z')),
    ).toEqual({
      name: 'weekends',
      start: '2026-11-28T00:00:00.000Z',
      end: '2026-11-30T00:00:00.000Z',
    });
  });

  it('picks the window that ends last when two overlap', () => {
    // Saturday 2026-12-26 lies in both; year-end ends later.
    expect(
      calendar.activeFreeze('production', new Date('2026-12-26T08:00:00.000Z'))
        ?.name,
    ).toBe('year-end');
  });

  it('leaves other environments alone', () => {
    expect(
      calendar.activeFreeze('staging', new Date('2026-12-22T12:00:00.000Z')),
    ).toBeUndefined();
  });
});
