import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  approvalSchema,
  checklistItemUpdateSchema,
  createReleaseSchema,
  evidenceSchema,
  updateReleaseSchema,
} from './validation';
import { parseYaml, YamlValue } from '../schema/__testUtils__/openapiDocument';

/*
 * The release routes validate request bodies with zod (src/releases/
 * validation.ts). These tests hold those validators to the request body
 * schemas of openapi.yaml: the same fields, the same required ones, the same
 * enums and types, and unknown fields refused on both sides.
 */

type Node = { [key: string]: YamlValue };

const spec = parseYaml(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
) as Node;
const schemas = (spec.components as Node).schemas as Node;

function resolve(node: Node): Node {
  const ref = node.$ref as string | undefined;
  return ref
    ? (schemas[ref.replace('#/components/schemas/', '')] as Node)
    : node;
}

/** Strips refinements and optionality, leaving the zod type that checks. */
function unwrap(type: z.ZodTypeAny): z.ZodTypeAny {
  if (type instanceof z.ZodEffects) return unwrap(type.innerType());
  if (type instanceof z.ZodOptional) return unwrap(type.unwrap());
  return type;
}

/** Every difference between a zod type and an OpenAPI schema, by field. */
function differences(
  zodType: z.ZodTypeAny,
  documented: Node,
  at: string,
): string[] {
  const type = unwrap(zodType);
  const schema = resolve(documented);
  if (type instanceof z.ZodObject) {
    const found: string[] = [];
    if (schema.type !== 'object')
      return [`${at}: documented as ${schema.type}`];
    const shape = type.shape as Record<string, z.ZodTypeAny>;
    const properties = (schema.properties ?? {}) as Node;
    const zodKeys = Object.keys(shape).sort();
    const docKeys = Object.keys(properties).sort();
    if (zodKeys.join() !== docKeys.join()) {
      found.push(`${at}: fields ${zodKeys} validated, ${docKeys} documented`);
    }
    const zodRequired = zodKeys.filter(k => !shape[k].isOptional());
    const docRequired = [...((schema.required ?? []) as string[])].sort();
    if (zodRequired.join() !== docRequired.join()) {
      found.push(
        `${at}: required ${zodRequired} validated, ${docRequired} documented`,
      );
    }
    const strict = type._def.unknownKeys === 'strict';
    if (strict !== (schema.additionalProperties === 'false')) {
      found.push(`${at}: unknown fields refused: ${strict} validated`);
    }
    for (const key of zodKeys.filter(k => properties[k])) {
      found.push(
        ...differences(shape[key], properties[key] as Node, `${at}.${key}`),
      );
    }
    return found;
  }
  if (type instanceof z.ZodArray) {
    if (schema.type !== 'array') return [`${at}: documented as ${schema.type}`];
    return differences(type.element, schema.items as Node, `${at}[]`);
  }
  if (type instanceof z.ZodEnum) {
    const values = [...(type.options as string[])].sort();
    const documentedValues = [...((schema.enum ?? []) as string[])].sort();
    return values.join() === documentedValues.join()
      ? []
      : [`${at}: enum ${values} validated, ${documentedValues} documented`];
  }
  if (type instanceof z.ZodString) {
    return schema.type === 'string'
      ? []
      : [`${at}: string validated, ${schema.type} documented`];
  }
  if (type instanceof z.ZodBoolean) {
    return schema.type === 'boolean'
      ? []
      : [`${at}: boolean validated, ${schema.type} documented`];
  }
  if (type instanceof z.ZodNumber) {
    return schema.type === 'number'
      ? []
      : [`${at}: number validated, ${schema.type} documented`];
  }
  if (type instanceof z.ZodUnion) {
    const options = type.options as z.ZodTypeAny[];
    const alternatives = schema.oneOf;
    if (
      !Array.isArray(alternatives) ||
      alternatives.length !== options.length
    ) {
      return [
        `${at}: union of ${options.length} validated, no such oneOf documented`,
      ];
    }
    return options.flatMap((option, i) =>
      differences(option, alternatives[i] as Node, `${at}|${i}`),
    );
  }
  return [`${at}: no comparison for ${type.constructor.name}`];
}

/** The request body schema of an operation. */
function requestBody(route: string, method: string): Node {
  const operation = (spec.paths as Node)[route] as Node;
  const content = ((operation[method] as Node).requestBody as Node)
    .content as Node;
  return (content['application/json'] as Node).schema as Node;
}

describe('release request bodies: zod validators match openapi.yaml', () => {
  it.each([
    [
      '/entities/{kind}/{namespace}/{name}/releases',
      'post',
      createReleaseSchema,
    ],
    ['/releases/{id}', 'patch', updateReleaseSchema],
    ['/releases/{id}/checklist/{itemId}', 'put', checklistItemUpdateSchema],
    ['/releases/{id}/evidence', 'post', evidenceSchema],
    ['/releases/{id}/approvals', 'post', approvalSchema],
  ] as const)('%s %s', (route, method, validator) => {
    expect(
      differences(
        validator as z.ZodTypeAny,
        requestBody(route, method),
        'body',
      ),
    ).toEqual([]);
  });

  it('finds a drift', () => {
    const documented = parseYaml(
      [
        'type: object',
        'required: [a]',
        'additionalProperties: false',
        'properties:',
        '  a:',
        '    type: string',
        '    enum: [x, y]',
        '  b:',
        '    type: array',
        '    items:',
        '      type: boolean',
      ].join('\n'),
    ) as Node;
    expect(
      differences(
        z.object({ a: z.enum(['x', 'z']), c: z.string() }),
        documented,
        'body',
      ),
    ).toEqual([
      'body: fields a,c validated, a,b documented',
      'body: required a,c validated, a documented',
      'body: unknown fields refused: false validated',
      'body.a: enum x,z validated, x,y documented',
    ]);
    expect(
      differences(
        z.object({ a: z.enum(['x', 'y']), b: z.array(z.boolean()) }).strict(),
        documented,
        'body',
      ),
    ).toEqual(['body: required a,b validated, a documented']);
  });

  it('refuses YAML it cannot read', () => {
    expect(() => parseYaml('a: &anchor 1\n  b')).toThrow();
    expect(() => parseYaml('a:\n  - x\n  y: 1')).toThrow(/bad item/);
  });
});
