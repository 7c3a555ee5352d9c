import { InputError } from '@backstage/errors';
import { ANNOTATION_OPENCOST_AGGREGATE } from '@release-coordinator/backstage-plugin-common';

/**
 * Aggregation properties the annotation may name, as OpenCost's `aggregate`
 * parameter spells them; `label:<name>` and `annotation:<name>` come on top.
 */
export const OPENCOST_AGGREGATE_PROPERTIES = [
  'cluster',
  'node',
  'namespace',
  'controllerKind',
  'controller',
  'service',
  'pod',
  'container',
  'deployment',
  'statefulset',
  'daemonset',
  'job',
] as const;

/**
 * Allocation names OpenCost gives to cost no entity owns: `__idle__` (the
 * cluster's capacity no workload requested: shared cost, never assigned) and
 * `__unallocated__` (workloads that lack the aggregated label, annotation or
 * property). Other `__x__` names (`__unmounted__`, `__external__`, ...) are
 * treated the same.
 */
export function isUnassignedAllocationName(name: string): boolean {
  return name.split('/').some(part => /^__[a-z]+__$/.test(part));
}

/** What an entity's `opencost.io/aggregate` annotation asks for. */
export interface OpenCostAggregate {
  /** The `aggregate` query parameter, e.g. `label:app` or `namespace,label:app`. */
  aggregate: string;
  /**
   * The allocation names that are this entity's, in preference order:
   * `payments` (current OpenCost), and for labels and annotations also
   * `app=payments` (the form in older OpenCost responses, e.g. the example
   * of its API reference). Several
   * properties are joined with `/`, as OpenCost joins them.
   */
  names: string[];
}

const PROPERTY_NAMES = new Map<string, string>(
  OPENCOST_AGGREGATE_PROPERTIES.map(p => [p.toLowerCase(), p]),
);
/** Kubernetes label and annotation names (with an optional DNS prefix). */
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Parses `opencost.io/aggregate`: one or more comma-separated
 * `<property>=<value>` pairs, where property is `label:<name>`,
 * `annotation:<name>` or one of {@link OPENCOST_AGGREGATE_PROPERTIES}, e.g.
 * `label:app=payments`, `namespace=payments`,
 * `namespace=shop,label:app=payments`. Throws an `InputError` that says what
 * is wrong with the value.
 */
export function parseOpenCostAggregate(annotation: string): OpenCostAggregate {
  const fail = (why: string) =>
    new InputError(
      `Invalid ${ANNOTATION_OPENCOST_AGGREGATE} annotation '${annotation}': ${why}`,
    );
  const pairs = annotation.split(',').map(pair => pair.trim());
  const properties: string[] = [];
  const values: string[] = [];
  const legacyValues: string[] = [];
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0 || equals === pair.length - 1) {
      throw fail(
        `'${pair}' is not <property>=<value>, e.g. label:app=payments or namespace=payments`,
      );
    }
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (value.includes('/') || value.includes('=') || /\s/.test(value)) {
      throw fail(`the value '${value}' may not contain '/', '=' or spaces`);
    }
    if (isUnassignedAllocationName(value)) {
      throw fail(
        `'${value}' is OpenCost's name for cost that belongs to no workload and is never attributed to an entity`,
      );
    }
    const prefixed = /^(label|annotation):(.*)$/i.exec(key);
    if (prefixed) {
      const kind = prefixed[1].toLowerCase();
      const name = prefixed[2].trim();
      if (!LABEL_NAME.test(name)) {
        throw fail(`'${name}' is not a Kubernetes ${kind} name`);
      }
      properties.push(`${kind}:${name}`);
      values.push(value);
      legacyValues.push(`${name}=${value}`);
      continue;
    }
    const property = PROPERTY_NAMES.get(key.toLowerCase());
    if (!property) {
      throw fail(
        `unknown property '${key}'; use label:<name>, annotation:<name> or one of ${OPENCOST_AGGREGATE_PROPERTIES.join(
          ', ',
        )}`,
      );
    }
    properties.push(property);
    values.push(value);
    legacyValues.push(value);
  }
  if (new Set(properties).size !== properties.length) {
    throw fail('a property is named twice');
  }
  const name = values.join('/');
  const legacyName = legacyValues.join('/');
  return {
    aggregate: properties.join(','),
    names: legacyName === name ? [name] : [name, legacyName],
  };
}
