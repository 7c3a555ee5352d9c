import { makeCostRecord as record } from '../../__testUtils__/costs';
import {
  costBeforeAfterReleases,
  costWindow,
  currenciesOf,
  dailyCostPoints,
  sourceSplit,
} from './costAnalysis';

const release = (id: string, finishedAt: string) => ({
  id,
  version: `1.0.${id}`,
  finishedAt,
});

describe('costBeforeAfterReleases', () => {
  // 10/day for 11-01..11-07, release on 11-08 (day itself 100, ignored),
  // then 15/day for 11-09..11-15.
  const records = [
    ...['01', '02', '03', '04', '05', '06', '07'].map(d =>
      record(`2026-11-${d}`, 10),
    ),
    record('2026-11-08', 100),
    ...['09', '10', '11', '12', '13', '14', '15'].map(d =>
      record(`2026-11-${d}`, 12),
    ),
    // a second source the same days adds up
    ...['09', '10', '11', '12', '13', '14', '15'].map(d =>
      record(`2026-11-${d}`, 3, 'opencost'),
    ),
  ];

  it('compares the 7-day means before and after the release day, excluding it', () => {
    const [row] = costBeforeAfterReleases({
      records,
      releases: [release('1', '2026-11-08T15:30:00Z')],
    });
    expect(row).toMatchObject({
      day: '2026-11-08',
      before: 10,
      after: 15,
      beforeDays: 7,
      afterDays: 7,
      delta: 5,
      ratio: 0.5,
    });
  });

  it('averages only the days that have records, and says how many', () => {
    const [row] = costBeforeAfterReleases({
      records: records.filter(r => r.date !== '2026-11-03'),
      releases: [release('1', '2026-11-12T01:00:00Z')],
    });
    // before: 11-05..11-11 = 10,10,10,100,15,15,15 → 175 / 7 = 25
    // after: 11-13..11-15 only (3 days) → 15
    expect(row.before).toBeCloseTo(25, 10);
    expect(row.beforeDays).toBe(7);
    expect(row.after).toBe(15);
    expect(row.afterDays).toBe(3);
    expect(row.delta).toBeCloseTo(-10, 10);
    expect(row.ratio).toBeCloseTo(-0.4, 10);
  });

  it('has no delta without data on one side, no ratio when before is 0', () => {
    const rows = costBeforeAfterReleases({
      records: [record('2026-11-02', 0), record('2026-11-04', 8)],
      releases: [
        release('a', '2026-11-03T12:00:00Z'),
        release('b', '2026-11-20T12:00:00Z'),
      ],
    });
    // newest first
    expect(rows.map(r => r.release.id)).toEqual(['b', 'a']);
    expect(rows[0]).toMatchObject({
      before: null,
      after: null,
      delta: null,
      ratio: null,
    });
    expect(rows[1]).toMatchObject({
      before: 0,
      after: 8,
      delta: 8,
      ratio: null,
    });
  });

  it('uses a configurable number of days', () => {
    const [row] = costBeforeAfterReleases({
      records,
      releases: [release('1', '2026-11-08T00:00:00Z')],
      days: 1,
    });
    expect(row).toMatchObject({
      before: 10,
      after: 15,
      beforeDays: 1,
      afterDays: 1,
    });
  });
});

describe('chart data', () => {
  it('fills missing days with 0 and stacks the sources', () => {
    const points = dailyCostPoints(
      [
        record('2026-11-01', 5),
        record('2026-11-01', 2, 'gcp'),
        record('2026-11-03', 4),
      ],
      '2026-11-01',
      '2026-11-03',
    );
    expect(points).toEqual([
      { date: '2026-11-01', total: 7, bySource: { aws: 5, gcp: 2 } },
      { date: '2026-11-02', total: 0, bySource: { aws: 0, gcp: 0 } },
      { date: '2026-11-03', total: 4, bySource: { aws: 4, gcp: 0 } },
    ]);
  });

  it('splits the window by source, largest first, with shares', () => {
    expect(
      sourceSplit(
        [
          record('2026-10-31', 100),
          record('2026-11-01', 30),
          record('2026-11-01', 10, 'gcp'),
          record('2026-11-02', 60),
        ],
        '2026-11-01',
        '2026-11-02',
      ),
    ).toEqual([
      { source: 'aws', total: 90, share: 0.9 },
      { source: 'gcp', total: 10, share: 0.1 },
    ]);
    expect(
      sourceSplit([record('2026-11-01', 0)], '2026-11-01', '2026-11-01'),
    ).toEqual([{ source: 'aws', total: 0, share: null }]);
  });

  it('orders currencies by how often they occur', () => {
    expect(
      currenciesOf([
        record('2026-11-01', 1, 'aws', 'EUR'),
        record('2026-11-01', 1, 'gcp', 'USD'),
        record('2026-11-02', 1, 'gcp', 'USD'),
      ]),
    ).toEqual(['USD', 'EUR']);
  });

  it('takes the N whole days before the day of the end as the window', () => {
    expect(costWindow(7, new Date('2026-11-26T12:00:00Z'))).toEqual({
      from: '2026-11-19',
      to: '2026-11-25',
    });
  });
});
