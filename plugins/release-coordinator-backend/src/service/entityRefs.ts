import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The form in which entity refs are stored and compared: catalog refs are
 * case-insensitive, so they are kept in lower case (`component:default/payments`).
 */
export function toStoredEntityRef(
  ref: CompoundEntityRef | { kind: string; namespace?: string; name: string },
): string {
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}
