import type { DenialReason } from './decide.js';
import type { FieldCategory } from './field-categories.js';

/**
 * A field withheld from a response. The field itself answers null; this entry, in the
 * response's `extensions.redactions`, tells the front-end why, so it can show "consent
 * needed" rather than "no data".
 */
export interface Redaction {
  path: (string | number)[];
  category: FieldCategory;
  reason: DenialReason;
}

/**
 * A field an object withholds from the caller, listed on the object itself (its
 * `redactions` field): a normalised client cache (Apollo Client, urql) keeps an object's
 * fields but drops a response's extensions, and a component rendering a fragment does
 * not know its response path. Names the field and why, never a value.
 */
export interface FieldRedaction {
  field: string;
  category: FieldCategory;
  reason: DenialReason;
}
