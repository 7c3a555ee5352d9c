import { makeSeries } from '../../__testUtils__/metrics';
import {
  bucketLabel,
  deploymentBuckets,
  durationTrend,
  hasSamples,
  incidentBuckets,
} from './chartData';

describe('bucketLabel', () => {
  it('labels days and weeks in UTC', () => {
    expect(bucketLabel('2026-11-26T00:00:00.000Z', 'day')).toBe('Nov 26');
    expect(bucketLabel('2026-11-23T00:00:00.000Z', 'week')).toBe(
      'Wk of Nov 23',
    );
  });
});

describe('deploymentBuckets', () => {
  it('stacks statuses and puts a rollback marker on top of the bar', () => {
    const series = makeSeries('deploymentFrequency', 'day', [
      {
        start: '2026-11-25T00:00:00.000Z',
        values: { succeeded: 3, failed: 1, cancelled: 0, rollbacks: 1 },
      },
      {
        start: '2026-11-26T00:00:00.000Z',
        values: { succeeded: 2, failed: null, rollbacks: 0 },
      },
    ]);

    expect(deploymentBuckets(series)).toEqual([
      {
        label: 'Nov 25',
        succeeded: 3,
        failed: 1,
        cancelled: 0,
        rollbacks: 1,
        rollbackMarker: 4,
      },
      {
        label: 'Nov 26',
        succeeded: 2,
        failed: 0,
        cancelled: 0,
        rollbacks: null,
        rollbackMarker: null,
      },
    ]);
  });
});

describe('durationTrend', () => {
  it('keeps buckets without samples as gaps, not zeros', () => {
    const points = durationTrend(
      makeSeries('deploymentDuration', 'week', [
        {
          start: '2026-11-16T00:00:00.000Z',
          values: { medianSeconds: 300, p95Seconds: 900 },
        },
        {
          start: '2026-11-23T00:00:00.000Z',
          values: { medianSeconds: null, p95Seconds: null },
        },
      ]),
    );

    expect(points).toEqual([
      { label: 'Wk of Nov 16', medianSeconds: 300, p95Seconds: 900 },
      { label: 'Wk of Nov 23', medianSeconds: null, p95Seconds: null },
    ]);
    expect(hasSamples(points)).toBe(true);
    expect(hasSamples(points.slice(1))).toBe(false);
  });
});

describe('incidentBuckets', () => {
  it('reads incidents and downtime per bucket', () => {
    expect(
      incidentBuckets(
        makeSeries('uptime', 'day', [
          {
            start: '2026-11-26T00:00:00.000Z',
            values: { incidents: 2, downtimeSeconds: 2340 },
          },
        ]),
      ),
    ).toEqual([{ label: 'Nov 26', incidents: 2, downtimeSeconds: 2340 }]);
  });
});
