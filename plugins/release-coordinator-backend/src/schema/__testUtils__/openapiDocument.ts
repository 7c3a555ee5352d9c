import fs from 'node:fs';
import path from 'node:path';

/*
 * openapi.yaml as data for tests that are driven by it (the fuzz suite).
 * The parser is the one of src/releases/openapiRequestSchemas.test.ts: the
 * block-YAML subset the document is written in, throwing on anything else.
 * Scalars stay strings (`maxLength: '63'`); read numbers with Number().
 */

export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

/**
 * Parses the block-YAML subset openapi.yaml is written in: mappings,
 * sequences, flow sequences (also over several lines), quoted scalars and
 * folded scalars. Anything else throws, so the test cannot pass by
 * misreading the document.
 */
export function parseYaml(text: string): YamlValue {
  const lines = text
    .split('\n')
    .map(raw => ({ indent: raw.search(/\S/), text: raw.trim() }))
    .filter(line => line.indent >= 0 && !line.text.startsWith('#'));
  let index = 0;

  function scalar(value: string): YamlValue {
    if (value.startsWith('[')) {
      let flow = value;
      while (!flow.endsWith(']')) {
        index += 1;
        if (index >= lines.length) throw new Error(`unclosed ${value}`);
        flow += ` ${lines[index].text}`;
      }
      return flow
        .slice(1, -1)
        .split(',')
        .map(item => item.trim())
        .filter(Boolean)
        .map(item => item.replace(/^'(.*)'$/, '$1'));
    }
    return value.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }

  function skipBlockScalar(indent: number) {
    while (index + 1 < lines.length && lines[index + 1].indent > indent) {
      index += 1;
    }
  }

  function block(indent: number): YamlValue {
    if (lines[index].text.startsWith('- ')) {
      const items: YamlValue[] = [];
      while (index < lines.length && lines[index].indent === indent) {
        const line = lines[index];
        if (!line.text.startsWith('- '))
          throw new Error(`bad item ${line.text}`);
        const rest = line.text.slice(2);
        if (/^[\w$-]+:/.test(rest)) {
          // A mapping item: re-read its first entry at the item's indent.
          lines[index] = { indent: indent + 2, text: rest };
          items.push(block(indent + 2));
        } else {
          items.push(scalar(rest));
          index += 1;
        }
      }
      return items;
    }
    const map: { [key: string]: YamlValue } = {};
    while (index < lines.length && lines[index].indent === indent) {
      const line = lines[index];
      const match = line.text.match(/^('[^']+'|[\w$/{}.-]+):(?:\s+(.*))?$/);
      if (!match) throw new Error(`unsupported YAML: ${line.text}`);
      const key = match[1].replace(/^'(.*)'$/, '$1');
      const value = match[2];
      if (value === '>-' || value === '>' || value === '|') {
        skipBlockScalar(line.indent);
        map[key] = '';
        index += 1;
      } else if (value !== undefined) {
        map[key] = scalar(value);
        index += 1;
      } else {
        index += 1;
        if (
          index < lines.length &&
          lines[index].indent > indent &&
          lines[index].text.startsWith('[')
        ) {
          // A flow sequence on the lines below its key.
          map[key] = scalar(lines[index].text);
          index += 1;
        } else if (index < lines.length && lines[index].indent > indent) {
          map[key] = block(lines[index].indent);
        } else {
          map[key] = '';
        }
      }
    }
    if (index < lines.length && lines[index].indent > indent) {
      throw new Error(`bad indentation at ${lines[index].text}`);
    }
    return map;
  }

  const document = block(0);
  if (index !== lines.length) {
    throw new Error(`unparsed YAML from ${lines[index].text}`);
  }
  return document;
}

/** A mapping of the document. */
export type YamlNode = { [key: string]: YamlValue };

/** One documented operation, with its parameters' `$ref`s resolved. */
export interface DocumentedOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** `/releases/{id}` */
  path: string;
  operationId: string;
  parameters: Array<{
    name: string;
    in: string;
    required: boolean;
    schema: YamlNode;
  }>;
  /** The content type and schema of the request body, if any. */
  body?: { contentType: string; required: boolean; schema: YamlNode };
  /** The documented response statuses (`200`, `400`, ...). */
  statuses: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The document, parsed. */
export function readOpenApiDocument(): YamlNode {
  return parseYaml(
    fs.readFileSync(path.resolve(__dirname, '../openapi.yaml'), 'utf8'),
  ) as YamlNode;
}

/** `#/components/x/y` of the document, or the node itself without `$ref`. */
export function resolveRef(document: YamlNode, node: YamlNode): YamlNode {
  const ref = node.$ref as string | undefined;
  if (!ref) return node;
  const [, , section, name] = ref.split('/');
  const target = ((document.components as YamlNode)[section] as YamlNode)?.[
    name
  ] as YamlNode | undefined;
  if (!target) throw new Error(`openapi.yaml: unresolved ${ref}`);
  return resolveRef(document, target);
}

/** Every operation of the document. */
export function documentedOperations(
  document: YamlNode,
): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const [route, item] of Object.entries(document.paths as YamlNode)) {
    for (const method of METHODS) {
      const operation = (item as YamlNode)[method] as YamlNode | undefined;
      if (!operation) continue;
      const parameters = ((operation.parameters ?? []) as YamlNode[]).map(
        raw => {
          const parameter = resolveRef(document, raw);
          return {
            name: parameter.name as string,
            in: parameter.in as string,
            required: parameter.required === 'true',
            schema: (parameter.schema ?? {}) as YamlNode,
          };
        },
      );
      const requestBody = operation.requestBody as YamlNode | undefined;
      let body: DocumentedOperation['body'];
      if (requestBody) {
        const [contentType, media] = Object.entries(
          requestBody.content as YamlNode,
        )[0];
        body = {
          contentType,
          required: requestBody.required === 'true',
          schema: ((media as YamlNode).schema ?? {}) as YamlNode,
        };
      }
      operations.push({
        method,
        path: route,
        operationId: operation.operationId as string,
        parameters,
        body,
        statuses: Object.keys((operation.responses ?? {}) as YamlNode),
      });
    }
  }
  return operations;
}
