import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendLogged } from '../../support/access-log-request.js';
import { globalId, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * The field guard remembers the last patient (and case) it decided for, so the next field
 * of the same object costs a comparison (src/graphql/field-guard.ts). Patients resolved one
 * right after the other, with nothing of a case between them, must still each be decided
 * and logged as themselves: finance may read a patient's identity but not a protected one,
 * so whichever comes first, the protected patient's identity is withheld and refused in the
 * log, and the other's is answered and logged as read.
 */
const Patients = parse(`
  query PatientsInARow($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Patient { id givenName familyName personalIdentityNumber } }
  }
`);

let server: TestServer;
let token = '';
let open = '';
let hidden = '';

beforeAll(async () => {
  server = await startTestServer();
  const { rows } = await server.owner.query<{ patient_id: string }>(
    `SELECT DISTINCT c.patient_id FROM "case" c
     JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
     JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
     ORDER BY c.patient_id LIMIT 2`,
    [WARD_KAROLINSKA_GERIATRIK],
  );
  [open, hidden] = rows.map((r) => r.patient_id) as [string, string];
  await server.owner.query(
    `UPDATE patient SET protected_identity = (id = $2) WHERE id IN ($1, $2)`,
    [open, hidden],
  );
  token = await server.tokenFor(principalFor(WARD_KAROLINSKA_GERIATRIK, ['FINANCE'], 'Rows'));
});
afterAll(async () => {
  await server?.owner.query(`UPDATE patient SET protected_identity = false WHERE id = $1`, [
    hidden,
  ]);
  await server?.close();
});

describe.each([
  ['the open patient first', () => [open, hidden]],
  ['the protected patient first', () => [hidden, open]],
])('two patients in a row, %s', (_label, order) => {
  it('answers and logs each as itself', async () => {
    const patients = order();
    const { body, rows } = await sendLogged(server, token, Patients, {
      ids: patients.map((id) => globalId('Patient', id)),
    });
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.nodes as Record<string, string | null>[];
    const redactions = (
      body as { extensions?: { redactions?: { path: (string | number)[]; category: string }[] } }
    ).extensions?.redactions;
    patients.forEach((patientId, i) => {
      const node = nodes[i]!;
      expect(node.id).toBe(globalId('Patient', patientId));
      const fields = [node.givenName, node.familyName, node.personalIdentityNumber];
      const withheld = (redactions ?? []).filter((r) => r.path[1] === i);
      if (patientId === hidden) {
        expect(fields).toEqual([null, null, null]);
        expect(withheld.map((r) => `${r.path[2]}:${r.category}`).sort()).toEqual([
          'familyName:PROTECTED_IDENTITY',
          'givenName:PROTECTED_IDENTITY',
          'personalIdentityNumber:PROTECTED_IDENTITY',
        ]);
      } else {
        expect(fields.every((value) => typeof value === 'string')).toBe(true);
        expect(withheld).toEqual([]);
      }
    });
    const rowOf = (patientId: string) =>
      rows
        .filter((row) => row.patient_id === patientId)
        .map((row) => ({ outcome: row.outcome, categories: row.categories }));
    expect(rowOf(open)).toEqual([{ outcome: 'SUCCESS', categories: ['IDENTITY'] }]);
    expect(rowOf(hidden)).toEqual([{ outcome: 'DENIED', categories: ['PROTECTED_IDENTITY'] }]);
  });
});
