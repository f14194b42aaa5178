import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideField } from '../../../src/authz/decide.js';
import type { FieldCategory } from '../../../src/authz/field-categories.js';
import { ROLES, type Role } from '../../../src/authz/roles.js';
import { maySee } from '../../../src/authz/visibility.js';
import { globalId, SOC_SODERMALM, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { guardedFields, wardCaseWithSocialServices } from '../../support/guarded-fields.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * The authorization matrix: every role (and a user with no role) × every field of Case,
 * Patient, CarePlan, Note, CaseEvent, Invoice and InvoiceLine, queried over HTTP, against
 * the policy. The expected answer is computed from the same policy and the same field
 * categories that docs/authorization.md is generated from (scripts/authz-docs.ts --json).
 */
const TYPES = [
  'Case',
  'Patient',
  'CarePlan',
  'Note',
  'CaseEvent',
  'Invoice',
  'InvoiceLine',
] as const;
type TypeName = (typeof TYPES)[number];

let server: TestServer;
let categories: Record<string, Record<string, string>>;
let selection: (type: TypeName) => string;
const ids: Record<TypeName, string> = {} as never;
let protectedPatientId = '';

interface Redaction {
  path: (string | number)[];
  category: string;
  reason: string;
}

async function query(
  principalRoles: Role[],
  unitHsaId: string,
  document: string,
  variables: object,
) {
  const token = await server.tokenFor(principalFor(unitHsaId, principalRoles, 'Matrix'));
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document, variables }),
  });
  return (await response.json()) as {
    data: { node: Record<string, unknown> | null };
    errors?: unknown[];
    extensions?: { redactions?: Redaction[] };
  };
}

beforeAll(async () => {
  server = await startTestServer();
  ({ categories, selection } = await guardedFields(server.url, TYPES));

  // A case of the ward with a care plan, a note, events, consent NOT given; its patient
  // marked protected; and an invoice line for it.
  const c = await wardCaseWithSocialServices(server.owner);
  await server.owner.query(`UPDATE "case" SET consent = 'NOT_ASKED' WHERE id = $1`, [c.caseId]);
  Object.assign(ids, c.ids);
  const invoice = await server.owner.query<{ id: string; line: string }>(
    `WITH d AS (SELECT id FROM organization WHERE hsa_id = 'SE2120001439-SDF1'),
          r AS (SELECT id FROM organization WHERE hsa_id = 'SE2321000016-0001'),
          i AS (INSERT INTO invoice (kind, debtor_id, creditor_id, period, status, total_amount)
                SELECT 'PAYMENT_RESPONSIBILITY', d.id, r.id, DATE '2026-10-01', 'DRAFT', 9300 FROM d, r RETURNING id),
          l AS (INSERT INTO invoice_line (invoice_id, position, kind, case_id, description, days, dates, price_per_day, amount, event_ids)
                SELECT i.id, 1, 'CHARGE', $1, 'x', 1, ARRAY[DATE '2026-10-02'], 9300, 9300, '{}' FROM i RETURNING id, invoice_id)
     SELECT invoice_id AS id, id AS line FROM l`,
    [c.caseId],
  );
  ids.Invoice = globalId('Invoice', invoice.rows[0]!.id);
  ids.InvoiceLine = globalId('InvoiceLine', invoice.rows[0]!.line);
  protectedPatientId = c.patientId;
});
afterAll(() => server?.close());

const CASES: { label: string; unit: string; protectedIdentity: boolean; consent: boolean }[] = [
  {
    label: 'ward unit, no consent',
    unit: WARD_KAROLINSKA_GERIATRIK,
    protectedIdentity: false,
    consent: false,
  },
  {
    label: 'social services unit, no consent',
    unit: SOC_SODERMALM,
    protectedIdentity: false,
    consent: false,
  },
  {
    label: 'social services unit, consent given',
    unit: SOC_SODERMALM,
    protectedIdentity: false,
    consent: true,
  },
  {
    label: 'ward unit, protected identity',
    unit: WARD_KAROLINSKA_GERIATRIK,
    protectedIdentity: true,
    consent: false,
  },
];

describe.each(CASES)(
  'as each role acting in the $label',
  ({ unit, protectedIdentity, consent }) => {
    beforeAll(async () => {
      await server.owner.query(`UPDATE patient SET protected_identity = $1 WHERE id = $2`, [
        protectedIdentity,
        protectedPatientId,
      ]);
      await server.owner.query(`UPDATE "case" SET consent = $1 WHERE id = $2`, [
        consent ? 'GIVEN' : 'NOT_ASKED',
        decodeGlobalID(ids.Case).id,
      ]);
    });

    const roleSets: Role[][] = [...ROLES.map((r) => [r]), []];
    it.each(TYPES.flatMap((type) => roleSets.map((roles) => ({ type, roles }))))(
      '$type as [$roles]',
      async ({ type, roles }) => {
        const document = `query($id: ID!) { node(id: $id) { ... on ${type} { ${selection(type)} } } }`;
        const result = await query(roles, unit, document, { id: ids[type] });
        const visible = result.data.node !== null;
        // Invoices are the organisation's, not the unit's: the debtor's finance sees them.
        const principal = principalFor(unit, roles, 'Matrix');
        const redacted = new Map(
          (result.extensions?.redactions ?? []).map((r) => [r.path.slice(1).join('.'), r.reason]),
        );
        if (!visible) {
          // Not visible at all: allowed only when no role of the set may read anything here.
          expect(
            roles.includes('WARD_STAFF') &&
              type !== 'Invoice' &&
              type !== 'InvoiceLine' &&
              unit === WARD_KAROLINSKA_GERIATRIK,
          ).toBe(false);
          return;
        }
        // Visible only to roles that run cases, or (invoices) read FINANCIAL: so a field never
        // withheld from them is non-null (src/authz/visibility.ts).
        const seenOn = type === 'Invoice' || type === 'InvoiceLine' ? 'invoice' : 'case';
        expect(maySee(principal, seenOn), `${type} visible to [${roles}]`).toBe(true);
        for (const [field, declared] of Object.entries(categories[type]!)) {
          let category = (declared === 'BY_OBJECT' ? 'MEDICAL' : declared) as FieldCategory;
          if (category === 'IDENTITY' && protectedIdentity && type !== 'Invoice')
            category = 'PROTECTED_IDENTITY';
          const decision = decideField(principal, 'read', category, {
            consentGiven: consent,
            paymentRelevant:
              type === 'Case' && (field === 'psychiatric' || field === 'compulsoryCare'),
          });
          const reason = redacted.get(field);
          expect(reason ?? null, `${type}.${field} (${category})`).toBe(
            decision.allowed ? null : decision.reason,
          );
          if (!decision.allowed) expect(result.data.node![field], `${type}.${field}`).toBeNull();
        }
      },
    );
  },
);
