import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseFacts, createCaseFactsLoader } from '../../../src/authz/case-facts.js';
import { withCaseFacts } from '../../../src/graphql/case-facts-query.js';
import type { Context } from '../../../src/graphql/context.js';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The facts the field guard decides on are read two ways: by their own statement
 * (src/authz/case-facts.ts, for commands and for any case read without them) and as columns
 * merged into the case statement of `cases` and `case(id:)` (src/graphql/case-facts-query.ts,
 * issue 17). Two definitions of one thing can drift apart, and a drift would decide a field
 * on facts the other path would not see: for every case of the demo region, with a lifted
 * and an open block, a protected identity, consent and a party that left made sure of,
 * both must read the same facts.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const { rows } = await server.owner.query<{ caseId: string; patientId: string }>(
    `SELECT c.id AS "caseId", c.patient_id AS "patientId" FROM "case" c
     WHERE EXISTS (SELECT 1 FROM case_party p WHERE p.case_id = c.id AND p.left_at IS NULL)
     ORDER BY c.reference LIMIT 3`,
  );
  const [blocked, protectedOne, leftParty] = rows;
  expect(leftParty).toBeDefined();
  // An open block and a lifted one on the same patient: only the open one counts.
  await server.owner.query(
    `INSERT INTO patient_block (patient_id, blocked_organization_id, registered_by_hsa_id, registered_at)
     SELECT $1, u.organization_id, 'SE2120001439-BLK1', now() FROM unit u WHERE u.hsa_id = $2`,
    [blocked!.patientId, WARD_KAROLINSKA_GERIATRIK],
  );
  await server.owner.query(
    `INSERT INTO patient_block (patient_id, blocked_organization_id, registered_by_hsa_id, registered_at,
       lifted_at, lifted_by_hsa_id)
     SELECT $1, o.id, 'SE2120001439-BLK1', now() - interval '2 days', now() - interval '1 day',
       'SE2120001439-BLK1'
     FROM organization o WHERE o.id NOT IN (SELECT blocked_organization_id FROM patient_block
       WHERE patient_id = $1) ORDER BY o.hsa_id LIMIT 1`,
    [blocked!.patientId],
  );
  await server.owner.query(`UPDATE patient SET protected_identity = true WHERE id = $1`, [
    protectedOne!.patientId,
  ]);
  await server.owner.query(`UPDATE "case" SET consent = 'GIVEN' WHERE id = $1`, [
    protectedOne!.caseId,
  ]);
  // One of the case's current parties leaves: it must count no more.
  await server.owner.query(
    `UPDATE case_party SET left_at = now()
     WHERE (case_id, unit_id) IN (SELECT case_id, unit_id FROM case_party
       WHERE case_id = $1 AND left_at IS NULL ORDER BY joined_at DESC LIMIT 1)`,
    [leftParty!.caseId],
  );
});
afterAll(() => server?.close());

/** The facts withCaseFacts primes from rows read with a case selection it extended. */
async function factsFromTheCaseStatement(
  select: Record<string, unknown>,
): Promise<Map<string, CaseFacts>> {
  const merged = withCaseFacts({ select });
  expect(merged.query).not.toEqual({ select });
  const rows = await server.db.prisma.case.findMany(
    merged.query as Parameters<typeof server.db.prisma.case.findMany>[0],
  );
  const primed = new Map<string, CaseFacts>();
  const ctx = {
    facts: { prime: (id: string, facts: CaseFacts) => primed.set(id, facts) },
  } as unknown as Context;
  merged.prime(ctx, rows);
  return primed;
}

/** Facts with their lists in one order: neither reading promises an order of its own. */
function comparable(facts: CaseFacts | null | undefined) {
  if (!facts) return facts;
  return {
    ...facts,
    partyUnitIds: [...facts.partyUnitIds].sort(),
    partyOrganizationIds: [...facts.partyOrganizationIds].sort(),
    blockedOrganizationIds: [...facts.blockedOrganizationIds].sort(),
  };
}

describe('the case facts, read by their own statement and with the case', () => {
  it.each([
    ['a bare case selection', { id: true }],
    // The list's own selection of the parties (all of them, former ones too, with units)
    // and of the patient, which the facts' columns are merged into.
    [
      'a selection that already reads parties and patient',
      {
        id: true,
        reference: true,
        parties: { orderBy: { joinedAt: 'asc' }, include: { unit: { select: { id: true } } } },
        patient: { select: { id: true, givenName: true } },
      },
    ],
  ])('agree for every case of the region, from %s', async (_label, select) => {
    const withCase = await factsFromTheCaseStatement(select);
    const ids = [...withCase.keys()];
    expect(ids.length).toBeGreaterThan(10);
    const loader = createCaseFactsLoader(server.db.pool);
    const own = await loader.loadMany(ids);
    ids.forEach((id, i) => {
      expect(comparable(withCase.get(id)), id).toEqual(comparable(own[i] as CaseFacts));
    });
    // The scene above is in what was compared: otherwise the agreement proves little.
    const all = [...withCase.values()];
    expect(all.some((f) => f.blockedOrganizationIds.length === 1)).toBe(true);
    expect(all.some((f) => f.protectedIdentity && f.consentGiven)).toBe(true);
  });
});
