import { getNamedType, isListType, isNonNullType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type RowKind, withheldFromSomeViewer } from '../../src/authz/visibility.js';
import { guardedFields } from '../../src/graphql/object-redactions.js';
import { schema } from '../../src/graphql/schema.js';

/**
 * Issue 20: a field is non-null only where a visible object always has it. A withheld field
 * answers null, so a guarded field may be non-null only when its category is never
 * withheld from anyone who can see its object, for any set of roles, with or without
 * consent, a block or a protected identity (src/authz/visibility.ts). Read from the
 * schema, so a change of the policy or of a field's category that would make a non-null
 * field redactable fails here.
 */

/** The row each guarded type hangs on: what a caller must be granted to see one at all. */
const SEEN_ON: Record<string, RowKind> = {
  Case: 'case',
  Patient: 'case',
  CarePlan: 'case',
  CaseEvent: 'case',
  Note: 'case',
  Deadline: 'case',
  InboxItem: 'case',
  CaseActivity: 'case',
  Invoice: 'invoice',
  InvoiceLine: 'invoice',
  CorrectionLinePreview: 'invoice',
};

const guardedTypes = Object.values(schema.getTypeMap())
  .filter(isObjectType)
  .filter((type) => guardedFields(type).length > 0);

describe('non-null fields of guarded types', () => {
  it('knows the row every guarded type hangs on', () => {
    expect(guardedTypes.map((t) => t.name).filter((name) => !(name in SEEN_ON))).toEqual([]);
  });

  it('are only fields whose category is never withheld from someone who sees the object', () => {
    const redactable = guardedTypes.flatMap((type) =>
      guardedFields(type)
        .filter(([name]) => isNonNullType(type.getFields()[name]!.type))
        .filter(
          ([, guarded]) =>
            guarded.category === 'BY_OBJECT' ||
            withheldFromSomeViewer(guarded.category, SEEN_ON[type.name]!, guarded.paymentRelevant),
        )
        .map(([name, guarded]) => `${type.name}.${name} (${guarded.category})`),
    );
    expect(redactable).toEqual([]);
  });

  it('include some, so the check above has something to hold', () => {
    const nonNull = guardedTypes.flatMap((type) =>
      guardedFields(type)
        .filter(([name]) => isNonNullType(type.getFields()[name]!.type))
        .map(([name]) => `${type.name}.${name}`),
    );
    expect(nonNull).toEqual(expect.arrayContaining(['Case.reference', 'Invoice.status']));
  });

  it('decides by the policy: what a block, consent, a protected identity or a role withholds', () => {
    // Social services without consent; a block; finance and a protected identity.
    expect(withheldFromSomeViewer('MEDICAL', 'case', true)).toBe(true);
    expect(withheldFromSomeViewer('PLANNING', 'case', false)).toBe(true);
    expect(withheldFromSomeViewer('IDENTITY', 'case', false)).toBe(true);
    // Every role that sees a case runs it; only finance sees invoices.
    expect(withheldFromSomeViewer('ADMINISTRATIVE', 'case', false)).toBe(false);
    expect(withheldFromSomeViewer('FINANCIAL', 'invoice', false)).toBe(false);
    expect(withheldFromSomeViewer('FINANCIAL', 'case', false)).toBe(true);
  });
});

describe('redactions on guarded types', () => {
  it('every type with a guarded field lists what it withholds: redactions: [Redaction!]!', () => {
    const without = guardedTypes
      .filter((type) => {
        const field = type.getFields().redactions;
        if (!field || !isNonNullType(field.type)) return true;
        const list = field.type.ofType;
        return (
          !isListType(list) ||
          !isNonNullType(list.ofType) ||
          getNamedType(list.ofType).name !== 'Redaction'
        );
      })
      .map((t) => t.name);
    expect(without).toEqual([]);
  });
});
