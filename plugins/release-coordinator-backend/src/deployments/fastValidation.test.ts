import fc from 'fast-check';
import { parseDeploymentsFast } from './fastValidation';
import { deploymentInputSchema } from './validation';

const canonical = {
  entityRef: 'component:default/payments',
  environment: 'production',
  source: 'ci',
  externalId: 'run-1',
  version: '1.4.0',
  commitSha: 'a1b2c3',
  kind: 'deploy',
  status: 'succeeded',
  startedAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:05:00.000Z',
  initiator: 'user:default/alice',
  url: 'https://ci.example.com/runs/1',
  commits: [{ sha: 'a1b2c3', committedAt: '2026-11-26T09:00:00.000Z' }],
};

/** Field values that are valid, valid but unusual, or invalid. */
const values: Record<string, unknown[]> = {
  entityRef: [
    'component:default/payments',
    '  Component:Default/Payments ',
    'payments',
    'component:payments',
    'component:default/',
    '',
    'x'.repeat(300),
    42,
  ],
  environment: ['production', ' staging ', '', 'e'.repeat(64), 'a\0b', null],
  source: ['ci', 'github', '   ', 's'.repeat(63)],
  externalId: ['run-1', 'run-2', ' run-1 ', 'x'.repeat(256)],
  version: ['1.4.0', '', 7],
  commitSha: [undefined, 'a1b2c3', 'c'.repeat(65), ''],
  kind: ['deploy', 'rollback', 'Deploy', 'release'],
  status: ['succeeded', 'failed', 'queued', 'in_progress', 'cancelled', 'ok'],
  startedAt: [
    undefined,
    '2026-11-26T10:00:00.000Z',
    '2026-11-26T10:00:00Z',
    '2026-11-26T11:00:00+01:00',
    '1969-12-31T23:59:59.000Z',
    '1970-01-01T00:00:00.000Z',
    '2026-02-30T10:00:00.000Z',
    '2024-02-29T10:00:00.000Z',
    '2100-02-29T10:00:00.000Z',
    '2000-02-29T10:00:00.000Z',
    '2026-04-31T10:00:00.000Z',
    '2026-12-31T23:59:59.999Z',
    '2026-13-01T10:00:00.000Z',
    '2026-00-10T10:00:00.000Z',
    '2026-11-00T10:00:00.000Z',
    '2026-11-26T24:00:00.000Z',
    '2026-11-26T10:60:00.000Z',
    '2026-11-26T10:00:60.000Z',
    'yesterday',
  ],
  finishedAt: [
    undefined,
    '2026-11-26T10:05:00.000Z',
    '2026-11-26T09:00:00.000Z',
    '2026-11-26T10:05:00.5Z',
  ],
  initiator: [undefined, 'user:default/alice', ''],
  url: [
    undefined,
    'https://ci.example.com/runs/1',
    ' http://ci.example.com ',
    'ftp://ci.example.com',
    'not a url',
  ],
  rollbackOf: [undefined, 'run-0', 'run-1', ''],
  commits: [
    undefined,
    [],
    [{ sha: 'a1b2c3', committedAt: '2026-11-26T09:00:00.000Z' }],
    [{ sha: ' a1 ', committedAt: '2026-11-26T09:00:00.000Z' }],
    [{ sha: 'a1', committedAt: '2026-11-26T09:00:00Z' }],
    [{ sha: 'a1' }],
    [{ sha: 'a1', committedAt: '2026-11-26T09:00:00.000Z', extra: 1 }],
    'a1b2c3',
  ],
};

const item = fc
  .record(
    Object.fromEntries(
      Object.entries(values).map(([key, options]) => [
        key,
        fc.constantFrom(...options),
      ]),
    ),
  )
  .chain(fields =>
    fc
      .record({
        dropUndefined: fc.boolean(),
        extraKey: fc.boolean(),
      })
      .map(({ dropUndefined, extraKey }) => {
        const out: Record<string, unknown> = { ...fields };
        if (dropUndefined) {
          for (const key of Object.keys(out)) {
            if (out[key] === undefined) delete out[key];
          }
        }
        if (extraKey) out.unexpected = true;
        return out;
      }),
  );

describe('parseDeploymentsFast', () => {
  it('takes the fast path for well-formed reports, with the schema result', () => {
    const rollback = {
      ...canonical,
      externalId: 'run-2',
      kind: 'rollback',
      rollbackOf: 'run-1',
    };
    const fast = parseDeploymentsFast([canonical, rollback]);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual([
      deploymentInputSchema.parse(canonical),
      deploymentInputSchema.parse(rollback),
    ]);
  });

  it('leaves a batch with any doubtful item to the schema', () => {
    expect(
      parseDeploymentsFast([canonical, { ...canonical, status: 'ok' }]),
    ).toBeUndefined();
    expect(
      parseDeploymentsFast([
        { ...canonical, startedAt: '2026-11-26T11:00:00+01:00' },
      ]),
    ).toBeUndefined();
    expect(
      parseDeploymentsFast([{ ...canonical, commitSha: undefined }]),
    ).toBeUndefined();
    // A hole in the commits array.
    expect(
      parseDeploymentsFast([{ ...canonical, commits: new Array(1) }]),
    ).toBeUndefined();
  });

  it('never accepts what the schema refuses, and returns what it returns', () => {
    fc.assert(
      // Batches of a few items: items of one batch share entity refs.
      fc.property(fc.array(item, { minLength: 1, maxLength: 3 }), inputs => {
        const fast = parseDeploymentsFast(inputs);
        const schema = inputs.map(input =>
          deploymentInputSchema.safeParse(input),
        );
        // Either the schema decides (undefined), or the fast path returned
        // exactly what the schema returns for every item.
        const expected = schema.every(result => result.success)
          ? schema.map(result => result.data)
          : 'refused by the schema';
        expect(fast).toStrictEqual(fast === undefined ? undefined : expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for every valid canonical time, and only for those', () => {
    // Without finishedAt, so that only startedAt decides.
    const startingAt = (startedAt: string) => {
      const report: Record<string, unknown> = { ...canonical, startedAt };
      delete report.finishedAt;
      return report;
    };
    for (const startedAt of [
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2024-02-29T00:00:00.000Z',
      '2026-04-30T12:30:45.123Z',
      '2100-02-28T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(parseDeploymentsFast([startingAt(startedAt)])).toStrictEqual([
        deploymentInputSchema.parse(startingAt(startedAt)),
      ]);
    }
    for (const startedAt of [
      '1969-12-31T23:59:59.999Z',
      '2100-02-29T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2026-06-31T00:00:00.000Z',
      '2026-11-26T24:00:00.000Z',
      '2026-11-26T23:59:60.000Z',
    ]) {
      expect(parseDeploymentsFast([startingAt(startedAt)])).toBeUndefined();
    }
  });
});
