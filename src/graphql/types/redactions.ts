import type { FieldRedaction } from '../../authz/redaction.js';
import { builder } from '../builder.js';
import { objectRedactions } from '../object-redactions.js';
import { FieldCategoryEnum, RedactionReason } from './access-control.js';
import { DeadlineRef, InboxItemRef } from './inbox.js';
import { CorrectionLinePreview } from './invoicing/stale.js';
import { CaseActivityRef } from './subscription.js';

/**
 * `redactions` on every type with a guarded field: what the object withholds from the
 * caller, carried by the object so a normalised cache keeps it (the response's
 * `extensions.redactions`, by path, stays as before).
 */
export const Redaction = builder.objectRef<FieldRedaction>('Redaction').implement({
  description:
    'A field this object withholds from you: it answers null (or, for a list, is withheld whole), for the reason given. Names the field and its category, never a value.',
  fields: (t) => ({
    field: t.exposeString('field', {
      description: 'The withheld field’s name on this type, e.g. `dischargeInformation`.',
    }),
    category: t.field({
      type: FieldCategoryEnum,
      description:
        'The category it was decided under: the field’s own, or PROTECTED_IDENTITY for identity fields of a patient with protected identity, or (for an event’s `payload` and `details`) the event’s.',
      resolve: (r) => r.category,
    }),
    reason: t.field({
      type: RedactionReason,
      description: 'Why it is withheld from you.',
      resolve: (r) => r.reason,
    }),
  }),
});

const DESCRIPTION =
  'Every field of this object withheld from you, selected in this operation or not, with the reason: the same entries `extensions.redactions` lists by path for the fields you selected. Empty when you may read every field. Selecting it reads no patient data and writes no access-log row.';

for (const name of [
  'Case',
  'Patient',
  'CarePlan',
  'CaseEvent',
  'Note',
  'Invoice',
  'InvoiceLine',
] as const) {
  builder.prismaObjectField(name, 'redactions', (t) =>
    t.field({
      type: [Redaction],
      description: DESCRIPTION,
      resolve: (parent, _args, ctx, info) => objectRedactions(parent, ctx, info.parentType),
    }),
  );
}

/** The object types whose parents are plain values (not Prisma models). */
type PlainObject = Parameters<typeof builder.objectField>[0];

for (const ref of [
  DeadlineRef,
  InboxItemRef,
  CaseActivityRef,
  CorrectionLinePreview,
] as PlainObject[]) {
  builder.objectField(ref, 'redactions', (t) =>
    t.field({
      type: [Redaction],
      description: DESCRIPTION,
      resolve: (parent, _args, ctx, info) => objectRedactions(parent, ctx, info.parentType),
    }),
  );
}
