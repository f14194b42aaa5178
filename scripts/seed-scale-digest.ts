import type pg from 'pg';

/**
 * A digest of everything the scale seed writes: per table, the row count and an md5 over
 * its rows in a fixed order. Two databases seeded with the same sizes and seed must give
 * the same digests; that is the seed's determinism, checked by its integration test.
 */
export const SEEDED_TABLES = [
  'organization',
  'unit',
  'population_register_entry',
  'primary_care_listing',
  'patient',
  'case',
  'case_party',
  'case_event',
  'case_event_recipient',
  'case_event_acknowledgement',
  'care_plan',
  'care_plan_version',
  'care_plan_item',
  'care_plan_participant',
  'note',
  'access_log',
] as const;

export type TableDigest = { rows: number; md5: string };

export async function digestTables(client: pg.ClientBase): Promise<Record<string, TableDigest>> {
  const result: Record<string, TableDigest> = {};
  for (const table of SEEDED_TABLES) {
    // The row's text form covers every column; ordering by it needs no key per table.
    const { rows } = await client.query<{ n: number; md5: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5 FROM "${table}" t`,
    );
    result[table] = { rows: rows[0]!.n, md5: rows[0]!.md5 ?? '' };
  }
  return result;
}
