import { makeRelease } from '../../__testUtils__/fixtures';
import { latestPerEnvironment } from './latestPerEnvironment';

describe('latestPerEnvironment', () => {
  it('takes the first (newest) release of each environment and keeps the rest in order', () => {
    const stagingNew = makeRelease({ id: 's2', environment: 'staging' });
    const prodNew = makeRelease({ id: 'p2', environment: 'production' });
    const stagingOld = makeRelease({ id: 's1', environment: 'staging' });
    const prodOld = makeRelease({ id: 'p1', environment: 'production' });

    const { latest, older } = latestPerEnvironment([
      stagingNew,
      prodNew,
      stagingOld,
      prodOld,
    ]);

    expect(latest.map(release => release.id)).toEqual(['s2', 'p2']);
    expect(older.map(release => release.id)).toEqual(['s1', 'p1']);
  });

  it('returns nothing for no releases', () => {
    expect(latestPerEnvironment([])).toEqual({ latest: [], older: [] });
  });
});
