/**
 * The annotation naming an entity's cost-allocation tags (docs/product.md §8).
 *
 * @public
 */
export const COST_INSIGHTS_TAGS_ANNOTATION =
  'aws.amazon.com/cost-insights-tags';

/**
 * One cost-allocation tag of an entity.
 *
 * @public
 */
export interface CostTag {
  key: string;
  value: string;
}

/** AWS tag keys are at most 128 characters, values at most 256. */
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** Characters AWS allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]+$/u;

/**
 * Parses `key=value[,key=value]` (all tags must match: AND). Keys are
 * case-sensitive like AWS tags; blanks around keys and values are ignored.
 * Throws an Error saying what is wrong: a part without `=`, an empty key or
 * value, a character AWS does not allow in tags, or a key given twice.
 *
 * @public
 */
export function parseCostInsightsTags(annotation: string): CostTag[] {
  const tags: CostTag[] = [];
  for (const part of annotation.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) {
      throw new Error(
        `'${part.trim()}' is not key=value (expected key=value[,key=value])`,
      );
    }
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (!key || !value) {
      throw new Error(
        `'${part.trim()}' has an empty ${
          key ? 'value' : 'key'
        }; untagged cost cannot be attributed to an entity`,
      );
    }
    if (key.length > MAX_KEY_LENGTH || value.length > MAX_VALUE_LENGTH) {
      throw new Error(
        `'${key}' is longer than AWS allows (keys ${MAX_KEY_LENGTH}, values ${MAX_VALUE_LENGTH} characters)`,
      );
    }
    for (const text of [key, value]) {
      if (!TAG_CHARACTERS.test(text)) {
        throw new Error(
          `'${text}' contains a character AWS does not allow in tags (letters, digits, spaces and _ . : / = + - @)`,
        );
      }
    }
    if (tags.some(tag => tag.key === key)) {
      throw new Error(`tag key '${key}' is given more than once`);
    }
    tags.push({ key, value });
  }
  return tags;
}
