import { InputError } from '@backstage/errors';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Parses an XML report with fast-xml-parser after validating it, so that a
 * malformed file is refused with the line and column of the first error.
 * Attributes are kept without a prefix; `arrayTags` are always arrays.
 */
export function parseXml(
  text: string,
  format: string,
  arrayTags: string[],
): Record<string, any> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new InputError(
      `Malformed ${format} report: line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  }
  const arrays = new Set(arrayTags);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    isArray: name => arrays.has(name),
  });
  return parser.parse(text) as Record<string, any>;
}

/** A non-negative number read from an attribute, or an error naming it. */
export function attrNumber(
  value: unknown,
  field: string,
  format: string,
  fallback?: number,
): number {
  if (value === undefined || value === '') {
    if (fallback !== undefined) {
      return fallback;
    }
    throw new InputError(`Malformed ${format} report: ${field} is missing`);
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new InputError(
      `Malformed ${format} report: ${field} is '${String(
        value,
      )}', expected a non-negative number`,
    );
  }
  return n;
}

/** A percentage rounded to two decimals. */
export function pct(covered: number, total: number): number {
  return total === 0 ? 100 : Math.round((covered / total) * 10000) / 100;
}
