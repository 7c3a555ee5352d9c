import { formatDuration } from './formatDuration';

describe('formatDuration', () => {
  it.each([
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', '0 sec'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:59Z', '59 sec'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:01:00Z', '1 min'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:04:32Z', '4 min, 32 sec'],
    ['2026-11-20T10:00:00Z', '2026-11-20T11:02:05Z', '1 hr, 2 min, 5 sec'],
    // milliseconds round to the nearest second
    ['2026-11-20T10:00:00.000Z', '2026-11-20T10:00:01.600Z', '2 sec'],
  ])('from %s to %s is "%s"', (startedAt, finishedAt, expected) => {
    expect(formatDuration(startedAt, finishedAt)).toBe(expected);
  });

  it('has no duration while running, without a start, or when the clock went backwards', () => {
    expect(formatDuration('2026-11-20T10:00:00Z', undefined)).toBeUndefined();
    expect(formatDuration(undefined, '2026-11-20T10:00:00Z')).toBeUndefined();
    expect(
      formatDuration('2026-11-20T10:00:05Z', '2026-11-20T10:00:00Z'),
    ).toBeUndefined();
    expect(
      formatDuration('not a date', '2026-11-20T10:00:00Z'),
    ).toBeUndefined();
  });
});
