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
