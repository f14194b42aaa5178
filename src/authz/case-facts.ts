import DataLoader from 'dataloader';
import type pg from 'pg';

/**
 * What field decisions need to know of a case, loaded once per request for all the cases
 * a response touches (one statement, however many cases and fields).
 */
export interface CaseFacts {
  caseId: string;
  patientId: string;
  protectedIdentity: boolean;
  consentGiven: boolean;
  /** Units and organisations taking part in the case now. */
  partyUnitIds: string[];
  partyOrganizationIds: string[];
  /** Organisations whose information the patient has blocked (spärr). */
  blockedOrganizationIds: string[];
}

export type CaseFactsLoader = DataLoader<string, CaseFacts | null>;

/** What the loader needs of the database: the process's pg pool (or a client). */
export interface FactsSource {
  query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

interface FactsRow {
  case_id: string;
  patient_id: string;
  protected_identity: boolean;
  consent_given: boolean;
  party_unit_ids: string[];
  party_organization_ids: string[];
  blocked_organization_ids: string[];
}

/**
 * One plain statement through the pool rather than a Prisma query with nested relations:
 * Prisma would send five statements (case, parties, units, patient, blocks) and build
 * the nested objects in JavaScript, for every request that touches a case. The
 * aggregates here return exactly the CaseFacts fields.
 */
const FACTS_SQL = `
SELECT c.id AS case_id, c.patient_id, p.protected_identity, c.consent = 'GIVEN' AS consent_given,
  coalesce(pt.unit_ids, '{}') AS party_unit_ids,
  coalesce(pt.organization_ids, '{}') AS party_organization_ids,
  coalesce(bl.organization_ids, '{}') AS blocked_organization_ids
FROM "case" c
JOIN patient p ON p.id = c.patient_id
LEFT JOIN LATERAL (
  SELECT array_agg(cp.unit_id) AS unit_ids, array_agg(DISTINCT u.organization_id) AS organization_ids
  FROM case_party cp JOIN unit u ON u.id = cp.unit_id
  WHERE cp.case_id = c.id AND cp.left_at IS NULL
) pt ON true
LEFT JOIN LATERAL (
  SELECT array_agg(b.blocked_organization_id) AS organization_ids
  FROM patient_block b
  WHERE b.patient_id = c.patient_id AND b.lifted_at IS NULL
) bl ON true
WHERE c.id = ANY($1::uuid[])`;

export function createCaseFactsLoader(db: FactsSource): CaseFactsLoader {
  return new DataLoader(async (ids: readonly string[]) => {
    const { rows } = await db.query<FactsRow>(FACTS_SQL, [ids]);
    const byId = new Map(
      rows.map((r): [string, CaseFacts] => [
        r.case_id,
        {
          caseId: r.case_id,
          patientId: r.patient_id,
          protectedIdentity: r.protected_identity,
          consentGiven: r.consent_given,
          partyUnitIds: r.party_unit_ids,
          partyOrganizationIds: r.party_organization_ids,
          blockedOrganizationIds: r.blocked_organization_ids,
        },
      ]),
    );
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * A block (spärr) hides a case's clinical and planning content from a caller outside a
 * blocked organisation that takes part in the case. The case itself, and who the patient
 * is, stay visible so the process can go on.
 */
export function blockedFor(facts: CaseFacts, callerOrganizationId: string): boolean {
  return facts.blockedOrganizationIds.some(
    (org) => org !== callerOrganizationId && facts.partyOrganizationIds.includes(org),
  );
}
