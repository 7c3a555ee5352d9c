import { metricChange } from './metricChange';

describe('metricChange', () => {
  it('calls more deployments a good change', () => {
    expect(
      metricChange({
        current: 1.5,
        previous: 1,
        kind: 'relative',
        goodDirection: 'up',
      }),
    ).toEqual({ direction: 'up', label: '+50 %', verdict: 'good' });
  });

  it('calls a higher change failure rate a bad change, in points', () => {
    expect(
      metricChange({
        current: 0.12,
        previous: 0.1,
        kind: 'points',
        goodDirection: 'down',
      }),
    ).toEqual({ direction: 'up', label: '+2 pp', verdict: 'bad' });
  });

  it('calls a shorter lead time a good change', () => {
    expect(
      metricChange({
        current: 3600,
        previous: 7200,
        kind: 'relative',
        goodDirection: 'down',
      }),
    ).toEqual({ direction: 'down', label: '−50 %', verdict: 'good' });
  });

  it('calls a lower success rate a bad change', () => {
    expect(
      metricChange({
        current: 0.9,
        previous: 0.95,
        kind: 'points',
        goodDirection: 'up',
      })?.verdict,
    ).toBe('bad');
  });

  it('is flat and neutral when nothing moved', () => {
    expect(
      metricChange({
        current: 0.5,
        previous: 0.5,
        kind: 'points',
        goodDirection: 'up',
      }),
    ).toEqual({ direction: 'flat', label: 'no change', verdict: 'neutral' });
  });

  it('cannot tell a change from or to a missing value, or relative to 0', () => {
    for (const [current, previous] of [
      [null, 1],
      [1, null],
      [2, 0],
    ]) {
      expect(
        metricChange({
          current,
          previous,
          kind: 'relative',
          goodDirection: 'up',
        }),
      ).toBeUndefined();
    }
  });

  it('uses a ratio the API computed, such as the cost changeRatio', () => {
    expect(
      metricChange({
        current: 100,
        previous: null,
        kind: 'relative',
        goodDirection: 'down',
        precomputedRatio: 0.12,
      }),
    ).toEqual({ direction: 'up', label: '+12 %', verdict: 'bad' });
    expect(
      metricChange({
        current: 100,
        previous: 90,
        kind: 'relative',
        goodDirection: 'down',
        precomputedRatio: null,
      }),
    ).toBeUndefined();
  });
});
