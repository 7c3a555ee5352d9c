import { parseRollbackRunTitle, rollbackRunTitle } from './rollbackRuns';

describe('rollback run titles', () => {
  it('round-trips what the rollback workflow puts into its run-name', () => {
    const title = {
      entityRef: 'component:default/payments',
      environment: 'production',
      version: '1.4.0 [hotfix 2]',
      idempotencyKey: 'auto:0b7c5d1e-4f7e-4c1b-9d59-1f2a3b4c5d6e',
    };
    expect(rollbackRunTitle(title)).toBe(
      'Rollback component:default/payments in production to 1.4.0 [hotfix 2] [auto:0b7c5d1e-4f7e-4c1b-9d59-1f2a3b4c5d6e]',
    );
    expect(parseRollbackRunTitle(rollbackRunTitle(title))).toEqual(title);
  });

  it('compares entity refs in lower case', () => {
    expect(
      parseRollbackRunTitle(
        'Rollback Component:default/Payments in prod to v2 [k]',
      )?.entityRef,
    ).toBe('component:default/payments');
  });

  it.each([
    null,
    undefined,
    'Deploy to production',
    'Rollback',
    // The empty inputs of a run that was not dispatched.
    'Rollback  in  to  []',
    'Rollback component:default/payments in production to v1',
    'Rollback component:default/payments in production to v1 []',
  ])('is not a rollback run: %p', title => {
    expect(parseRollbackRunTitle(title)).toBeUndefined();
  });
});
