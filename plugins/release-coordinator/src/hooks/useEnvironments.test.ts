import { makeDeployment } from '../__testUtils__/deployments';
import { findPromotions } from './useEnvironments';

describe('findPromotions', () => {
  const staging140 = makeDeployment({
    id: 'dep-s1',
    environment: 'staging',
    version: '1.4.0',
    startedAt: '2026-11-19T09:00:00.000Z',
    finishedAt: '2026-11-19T09:05:00.000Z',
  });
  const production140 = makeDeployment({
    id: 'dep-p1',
    version: '1.4.0',
    startedAt: '2026-11-20T10:00:00.000Z',
  });

  it('finds the staging deployment the production version came from', () => {
    expect(
      findPromotions(
        [
          { environment: 'staging', current: staging140 },
          { environment: 'production', current: production140 },
        ],
        [staging140],
      ),
    ).toEqual({ production: staging140 });
  });

  it('takes the latest staging deployment of that version that finished before', () => {
    const redeployed = makeDeployment({
      ...staging140,
      id: 'dep-s2',
      startedAt: '2026-11-20T09:00:00.000Z',
      finishedAt: '2026-11-20T09:05:00.000Z',
    });
    const afterProduction = makeDeployment({
      ...staging140,
      id: 'dep-s3',
      startedAt: '2026-11-21T09:00:00.000Z',
      finishedAt: '2026-11-21T09:05:00.000Z',
    });
    expect(
      findPromotions(
        [{ environment: 'production', current: production140 }],
        [afterProduction, redeployed, staging140],
      ),
    ).toEqual({ production: redeployed });
  });

  it('sees no promotion for another version, a later staging run, a failed one or a rollback', () => {
    const otherVersion = makeDeployment({ ...staging140, version: '1.3.0' });
    const later = makeDeployment({
      ...staging140,
      startedAt: '2026-11-20T10:30:00.000Z',
      finishedAt: '2026-11-20T10:35:00.000Z',
    });
    const failed = makeDeployment({ ...staging140, status: 'failed' });
    expect(
      findPromotions(
        [{ environment: 'production', current: production140 }],
        [otherVersion, later, failed],
      ),
    ).toEqual({});
    expect(
      findPromotions(
        [
          {
            environment: 'production',
            current: { ...production140, kind: 'rollback' },
          },
        ],
        [staging140],
      ),
    ).toEqual({});
  });

  it('never calls staging promoted from itself, nor an empty environment promoted', () => {
    expect(
      findPromotions(
        [
          { environment: 'staging', current: staging140 },
          { environment: 'qa' },
        ],
        [staging140],
      ),
    ).toEqual({});
  });
});
