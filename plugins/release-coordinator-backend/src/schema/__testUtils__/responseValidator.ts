import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/*
 * Checks response bodies against openapi.yaml (docs/api.md), for tests: a
 * response the document does not describe fails the test. OpenAPI 3.0
 * schemas are JSON Schema with `nullable`, which is rewritten to a type
 * union before ajv compiles them.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SPEC_ID = 'openapi.yaml';

const document = parse(
  fs.readFileSync(path.resolve(__dirname, '../openapi.yaml'), 'utf8'),
) as { paths: Record<string, Record<string, any>>; components: any };

/** OpenAPI 3.0 → JSON Schema: `nullable`, and refs into this document. */
function toJsonSchema(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(toJsonSchema);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string' && child.startsWith('#/')) {
      out.$ref = `${SPEC_ID}${child}`;
    } else if (key === 'nullable' || key === 'example' || key === 'examples') {
      continue;
    } else {
      out[key] = toJsonSchema(child);
    }
  }
  if ((value as { nullable?: boolean }).nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
    } else if (out.$ref || out.allOf || out.oneOf || out.anyOf) {
      const { $ref, ...rest } = out;
      return { anyOf: [$ref ? { $ref } : rest, { type: 'null' }] };
    }
    if (Array.isArray(out.enum)) {
      out.enum = [...out.enum, null];
    }
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(
  { $id: SPEC_ID, components: toJsonSchema(document.components) } as object,
  SPEC_ID,
);

const compiled = new Map<string, ValidateFunction | null>();

/** The JSON schema of one response of an operation, if it has a JSON body. */
function responseSchema(
  operationId: string,
  status: number,
): ValidateFunction | null {
  const key = `${operationId} ${status}`;
  if (compiled.has(key)) {
    return compiled.get(key)!;
  }
  let found: any;
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (operation?.operationId === operationId) found = operation;
    }
  }
  if (!found) {
    throw new Error(`openapi.yaml has no operation ${operationId}`);
  }
  let response = found.responses?.[String(status)];
  if (!response) {
    throw new Error(`${operationId} documents no ${status} response`);
  }
  if (response.$ref) {
    const name = String(response.$ref).split('/').pop()!;
    response = document.components.responses[name];
  }
  const schema = response?.content?.['application/json']?.schema;
  const validate = schema ? ajv.compile(toJsonSchema(schema) as object) : null;
  compiled.set(key, validate);
  return validate;
}

/**
 * Why a response body does not match what openapi.yaml documents for the
 * operation and status, or undefined when it does (or has no JSON body).
 */
export function responseMismatch(
  operationId: string,
  status: number,
  body: unknown,
): string | undefined {
  const validate = responseSchema(operationId, status);
  if (!validate || validate(body)) {
    return undefined;
  }
  return (validate.errors ?? [])
    .map(
      e =>
        `${e.instancePath || '(body)'} ${e.message}${
          e.keyword === 'additionalProperties'
            ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
            : ''
        }`,
    )
    .join('; ');
}
