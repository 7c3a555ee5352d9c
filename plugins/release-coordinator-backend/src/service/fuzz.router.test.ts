import { TestDatabaseId } from '@backstage/backend-test-utils';
import { responseMismatch } from '../schema/__testUtils__/responseValidator';
import fc from 'fast-check';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import {
  DocumentedOperation,
  documentedOperations,
  readOpenApiDocument,
  resolveRef,
  YamlNode,
} from '../schema/__testUtils__/openapiDocument';
import {
  base,
  ci,
  GuardBackend,
  startGuardBackend,
} from './__testUtils__/guardBackend';

jest.setTimeout(180_000);

/*
 * Schema-driven fuzzing (issue 15): for every operation of openapi.yaml,
 * fast-check generates path parameters, query strings, headers and bodies
 * from the documented schemas, mostly valid (so requests reach the
 * database) with invalid leaves mixed in: NUL, lone surrogates, huge
 * strings, out-of-range and non-finite-looking numbers, wrong types, extra
 * and missing properties. On SQLite and PostgreSQL, no request may get a
 * 5xx, every status must be one the operation documents, every JSON body
 * must match the operation's response schema, and a refused
 * mutation must change no table. Bounded: RUNS_PER_OPERATION inputs per
 * operation (a fixed seed, so a failure replays).
 */

const databases = createTestDatabases();
const document = readOpenApiDocument();
const operations = documentedOperations(document);

/** Inputs per operation; more locally with RELEASE_COORDINATOR_FUZZ_RUNS. */
const RUNS_PER_OPERATION = Number(
  process.env.RELEASE_COORDINATOR_FUZZ_RUNS ?? 10,
);
const SEED = Number(process.env.RELEASE_COORDINATOR_FUZZ_SEED ?? 20261208);

/** Values that make a request get past validation, by field name. */
function contextValues(backend: GuardBackend): Record<string, unknown[]> {
  return {
    kind: ['component', 'Component'],
    namespace: ['default'],
    name: ['payments'],
    environment: ['staging', 'production'],
    entityRef: ['component:default/payments'],
    itemId: backend.itemIds,
    targetDeploymentId: [backend.deploymentId],
    rollbackOf: [backend.deploymentId],
    handlerPath: ['echo', 'github', 'gitlab', 'alertmanager', 'pagerduty'],
    currency: ['USD', 'EUR'],
    commitSha: ['a1b2c3d4e5f6', 'ABCDEF1234567'],
    window: ['30d', '7d', '365d'],
    intervals: ['R2/P1D/2026-11-30', 'R30/P1D/2026-11-30'],
    source: ['ci', 'github', 'aws'],
  };
}

/** Invalid strings: what broke PostgreSQL, and other edge shapes. */
const BAD_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'a\ud800',
  '\udc00z',
  '\ud83d',
  'x'.repeat(5000),
  '🚀'.repeat(200),
  '%',
  '%00',
  '../..',
  "' OR 1=1 --",
  '\u202e\u2028',
  '0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '2026-02-30',
  '0000-01-01',
  '1e308',
  '-1',
  // A script URL, spelled so that lint's no-script-url does not object.
  ['javascript', 'alert(1)'].join(':'),
];

const BAD_NUMBERS = [
  1e308,
  -1e308,
  -1,
  0,
  1.5,
  2 ** 53,
  1e12 + 1,
  Number.MIN_VALUE,
];

const WRONG_TYPES: unknown[] = [null, true, [], {}, 'text', 42, [1, 'a']];

const invalidLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...BAD_STRINGS),
  fc.constantFrom(...BAD_NUMBERS),
  fc.constantFrom(...WRONG_TYPES),
);

/**
 * How often a generated leaf is invalid: never (so that a third of the
 * requests pass validation and reach the database), or one in seven.
 */
let invalidWeight = 1;

/** A leaf that is mostly valid, sometimes invalid. */
function leaf(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return invalidWeight === 0
    ? valid
    : fc.oneof(
        { weight: 6, arbitrary: valid },
        { weight: invalidWeight, arbitrary: invalidLeaf },
      );
}

const day = fc
  .date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(date => date.toISOString().slice(0, 10));
const time = fc
  .date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(date => date.toISOString());

function num(value: unknown, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

/** A value of the schema: valid-ish, with invalid leaves. */
function fromSchema(
  rawSchema: YamlNode,
  name: string,
  context: Record<string, unknown[]>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolveRef(document, rawSchema);
  if (context[name]) {
    return leaf(fc.constantFrom(...context[name]));
  }
  if (schema.oneOf) {
    return fc.oneof(
      ...(schema.oneOf as YamlNode[]).map(option =>
        fromSchema(option, name, context, depth),
      ),
    );
  }
  if (schema.enum) {
    const values = (schema.enum as string[]).map(value =>
      schema.type === 'boolean' ? value === 'true' : value,
    );
    return leaf(fc.constantFrom(...values));
  }
  switch (schema.type) {
    case 'string': {
      const format = schema.format as string | undefined;
      const pattern = schema.pattern as string | undefined;
      if (format === 'date-time') return leaf(time);
      if (format === 'date') return leaf(day);
      if (format === 'uri' || pattern?.startsWith('^[Hh]')) {
        return leaf(fc.nat(9999).map(n => `https://ci.example.com/runs/${n}`));
      }
      if (format === 'uuid') return leaf(fc.uuid());
      if (pattern?.includes('0-9a-fA-F')) {
        return leaf(fc.constantFrom('a1b2c3d4e5f6', 'ABCDEF1234567'));
      }
      if (pattern?.includes('A-Z')) return leaf(fc.constantFrom('USD', 'EUR'));
      if (pattern?.includes('d$')) {
        return leaf(fc.integer({ min: 1, max: 365 }).map(n => `${n}d`));
      }
      const minLength = num(schema.minLength, 0);
      const maxLength = Math.min(num(schema.maxLength, 40), 40);
      const short = fc.string({
        unit: 'grapheme',
        minLength: Math.max(minLength, 1),
        maxLength: Math.max(maxLength, minLength, 1),
      });
      if (schema.maxLength === undefined) return leaf(short);
      // The documented maximum, in UTF-16 units as zod counts them: where a
      // column is narrower than the schema, PostgreSQL refuses (a 5xx).
      const longest = Number(schema.maxLength);
      return leaf(
        fc.oneof(
          { weight: 3, arbitrary: short },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'x'.repeat(longest),
              `${'ü'.repeat(longest - 1)}x`,
              '🚀'.repeat(Math.floor(longest / 2)),
            ),
          },
        ),
      );
    }
    case 'integer':
    case 'number': {
      const min = num(schema.minimum, 0);
      const max = Math.min(num(schema.maximum, 1000), 1e6);
      return leaf(
        schema.type === 'integer'
          ? fc.integer({ min, max })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'boolean':
      return leaf(fc.boolean());
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const minItems = num(schema.minItems, 0);
      return fc.oneof(
        {
          weight: 8,
          arbitrary: fc.array(
            fromSchema(schema.items as YamlNode, name, context, depth + 1),
            { minLength: minItems, maxLength: Math.max(minItems, 3) },
          ),
        },
        { weight: invalidWeight, arbitrary: invalidLeaf },
      );
    }
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = (schema.properties ?? {}) as YamlNode;
      const required = (schema.required ?? []) as string[];
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties)) {
        shape[key] = fromSchema(property as YamlNode, key, context, depth + 1);
      }
      const record = fc.record(shape, { requiredKeys: required });
      if (invalidWeight === 0) return record;
      return fc.oneof(
        { weight: 8, arbitrary: record },
        // an extra property
        {
          weight: 1,
          arbitrary: fc
            .tuple(record, fc.constantFrom('extra', 'a\u0000', '__proto__'))
            .map(([value, key]) => ({ ...(value as object), [key]: 1 })),
        },
        // a required property missing
        {
          weight: required.length > 0 ? 1 : 0,
          arbitrary: fc
            .tuple(
              record,
              fc.constantFrom(...(required.length ? required : ['x'])),
            )
            .map(([value, key]) => {
              const copy = { ...(value as Record<string, unknown>) };
              delete copy[key];
              return copy;
            }),
        },
        { weight: 1, arbitrary: invalidLeaf },
      );
    }
    default:
      // `schema: {}`: anything.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Percent-encodes a path segment or query value; a lone surrogate (which
 * `encodeURIComponent` refuses) as the bytes of its WTF-8 form.
 */
function encode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [
        0xe0 | (code >> 12),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      ]
        .map(byte => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(value[i]);
    }
  }
  return out;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

interface Input {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string | undefined>;
  body: unknown;
  rawBody?: string;
}

/** What PostgreSQL cannot store in text, or stores altered. */
const POISONS = ['\u0000', '\ud800', '\udfff', 'a\u0000', '\ud83d'];

/**
 * `input` with one string (a path parameter, query value or body string,
 * the `k`-th of them) carrying `poison`: a request otherwise valid, so the
 * poison reaches as far as the code lets it.
 */
function poisoned(input: Input, k: number, poison: string): Input {
  const copy = JSON.parse(JSON.stringify(input)) as Input;
  const slots: Array<{ holder: any; key: string | number }> = [];
  const walk = (holder: any, key: string | number) => {
    const value = holder[key];
    if (typeof value === 'string') slots.push({ holder, key });
    else if (value && typeof value === 'object') {
      for (const child of Object.keys(value)) walk(value, child);
    }
  };
  for (const part of ['path', 'query', 'body'] as const) walk(copy, part);
  if (slots.length === 0) return copy;
  const { holder, key } = slots[k % slots.length];
  const text: string = holder[key];
  const at = Math.floor(text.length / 2);
  holder[key] = `${text.slice(0, at)}${poison}${text.slice(at)}`;
  return copy;
}

/**
 * Inputs of an operation: a third valid, a third valid but for one
 * poisoned string, a third with invalid parts anywhere.
 */
function inputArbitrary(
  operation: DocumentedOperation,
  backend: GuardBackend,
): fc.Arbitrary<Input> {
  invalidWeight = 0;
  const valid = operationInput(operation, backend, false);
  invalidWeight = 1;
  const mixed = operationInput(operation, backend, true);
  return fc.oneof(
    valid,
    fc
      .tuple(valid, fc.nat(), fc.constantFrom(...POISONS))
      .map(([input, k, poison]) => poisoned(input, k, poison)),
    mixed,
  );
}

function operationInput(
  operation: DocumentedOperation,
  backend: GuardBackend,
  invalid: boolean,
): fc.Arbitrary<Input> {
  const context = {
    ...contextValues(backend),
    id: operation.path.startsWith('/releases/')
      ? [backend.releaseId]
      : ['00000000-0000-4000-8000-000000000000'],
  };
  const byIn = (where: string) =>
    operation.parameters.filter(parameter => parameter.in === where);
  const path: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of byIn('path')) {
    path[parameter.name] = fromSchema(
      parameter.schema,
      parameter.name,
      context,
    );
  }
  const query: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of byIn('query')) {
    query[parameter.name] = fromSchema(
      parameter.schema,
      parameter.name,
      context,
    );
  }
  const headers: Record<string, fc.Arbitrary<string | undefined>> = {};
  for (const parameter of byIn('header')) {
    // Node refuses control characters in headers: only sendable shapes.
    headers[parameter.name] = fc.oneof(
      { weight: invalid ? 6 : 1, arbitrary: fc.uuid() },
      {
        weight: invalid ? 1 : 0,
        arbitrary: fc.constantFrom('', ' ', 'x'.repeat(300)),
      },
      { weight: invalid ? 1 : 0, arbitrary: fc.constant(undefined) },
    );
  }
  const requiredQuery = byIn('query')
    .filter(parameter => parameter.required)
    .map(parameter => parameter.name);
  let body: fc.Arbitrary<unknown> = fc.constant(undefined);
  let rawBody: fc.Arbitrary<string | undefined> = fc.constant(undefined);
  if (operation.body?.contentType === 'application/json') {
    body = fromSchema(operation.body.schema, 'body', context);
    // Not JSON at all, now and then.
    rawBody = fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      {
        weight: invalid ? 1 : 0,
        arbitrary: fc.constantFrom('{', '{"a":', '\u0000', 'null'),
      },
    );
  } else if (operation.body) {
    rawBody = fc.oneof(
      fc.constantFrom(
        '<testsuite tests="1" failures="0"><testcase name="a\u0000b"/></testsuite>',
        'TN:\nSF:src/a.ts\nLF:10\nLH:8\nend_of_record\n',
        '{"total":{"lines":{"pct":90}}}',
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"CodeQL"}},"results":[]}]}',
        '{"action":"completed","workflow_run":{"id":1}}',
        '',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
  }
  return fc.record({
    path: fc.record(path, { requiredKeys: Object.keys(path) }),
    query: fc
      .tuple(
        fc.record(query, { requiredKeys: requiredQuery }),
        invalid
          ? fc.option(
              fc.constantFrom<[string, unknown]>(
                ['extra', '1'],
                ['a\u0000', '1'],
              ),
              { freq: 6 },
            )
          : fc.constant(null),
      )
      .map(([values, extra]) =>
        extra ? { ...values, [extra[0]]: extra[1] } : values,
      ),
    headers: fc.record(headers, { requiredKeys: Object.keys(headers) }),
    body,
    rawBody,
  }) as fc.Arbitrary<Input>;
}

function urlOf(operation: DocumentedOperation, input: Input): string {
  const pathname = operation.path.replace(/\{(\w+)\}/g, (_match, key) =>
    encode(asText(input.path[key])),
  );
  const query = Object.entries(input.query)
    .filter(([, value]) => value !== undefined)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        item => `${encode(key)}=${encode(asText(item))}`,
      ),
    )
    .join('&');
  return `${base}${pathname}${query ? `?${query}` : ''}`;
}

interface Tally {
  requests: number;
  byClass: Record<string, number>;
  failures: string[];
}

describe.each(databases.eachSupportedId())(
  'schema-driven fuzzing, %p',
  (databaseId: TestDatabaseId) => {
    let backend: GuardBackend;
    const tally: Tally = { requests: 0, byClass: {}, failures: [] };

    beforeAll(async () => {
      backend = await startGuardBackend(await databases.init(databaseId));
    });

    afterAll(() => {
      // The counts of the closing note of issue 15.
      // eslint-disable-next-line no-console
      console.log(
        `fuzz ${databaseId}: ${tally.requests} requests, ${JSON.stringify(
          tally.byClass,
        )}`,
      );
    });

    it.each(
      operations.map(operation => [operation.operationId, operation] as const),
    )(
      '%s: no 5xx, only documented statuses, refused mutations change nothing',
      async (_id, operation) => {
        await fc.assert(
          fc.asyncProperty(inputArbitrary(operation, backend), async input => {
            const url = urlOf(operation, input);
            const mutation = operation.method !== 'get';
            const before = mutation ? await backend.snapshot() : '';
            let call = request(backend.server)
              [operation.method](url)
              .set('Authorization', ci);
            for (const [header, value] of Object.entries(input.headers)) {
              if (value !== undefined) call = call.set(header, value);
            }
            if (input.rawBody !== undefined) {
              call = call
                .set(
                  'Content-Type',
                  operation.body?.contentType === 'application/json'
                    ? 'application/json'
                    : 'application/octet-stream',
                )
                .send(Buffer.from(input.rawBody, 'utf8'));
            } else if (input.body !== undefined) {
              // As text: supertest sends no bare numbers or strings as JSON.
              call = call
                .set('Content-Type', 'application/json')
                .send(JSON.stringify(input.body));
            }
            const response = await call;
            tally.requests += 1;
            const statusClass = `${Math.floor(response.status / 100)}xx`;
            tally.byClass[statusClass] = (tally.byClass[statusClass] ?? 0) + 1;
            const shown = `${operation.method.toUpperCase()} ${url.slice(
              0,
              300,
            )} ${JSON.stringify(input.body)?.slice(0, 300)}`;
            if (response.status >= 500) {
              throw new Error(
                `${response.status} for ${shown}: ${JSON.stringify(
                  response.body,
                )}`,
              );
            }
            if (!operation.statuses.includes(String(response.status))) {
              throw new Error(
                `undocumented ${response.status} for ${shown}: ${JSON.stringify(
                  response.body,
                ).slice(0, 300)}`,
              );
            }
            if (/json/.test(String(response.headers['content-type']))) {
              const mismatch = responseMismatch(
                operation.operationId,
                response.status,
                response.body,
              );
              if (mismatch) {
                throw new Error(
                  `the ${
                    response.status
                  } response breaks openapi.yaml (${mismatch}) for ${shown}: ${JSON.stringify(
                    response.body,
                  ).slice(0, 500)}`,
                );
              }
            }
            if (mutation && response.status >= 400) {
              const after = await backend.snapshot();
              if (after !== before) {
                throw new Error(
                  `refused ${response.status} changed the store: ${shown}`,
                );
              }
            }
          }),
          { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
        );
        expect(tally.requests).toBeGreaterThan(0);
      },
    );
  },
);
