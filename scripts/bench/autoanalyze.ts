import type pg from 'pg';

/**
 * What autovacuum would have analyzed by now, analyzed, on a server where it is off.
 *
 * This machine's PostgreSQL runs with `autovacuum = off` (conf.d/90-ci.conf, for the test
 * suite), and every (a)/(b) request appends log rows to the current month's partition: after
 * a few runs it holds tens of thousands of rows that its statistics, taken by the seed when it
 * was nearly empty, know nothing of. The planner then reads it by the organisation's index
 * and filters every row of the month for one patient (2 348 buffers instead of about 20 for
 * the log review, measured 2026-12-04). A production server analyzes a table once a tenth
 * of it has changed (autovacuum_analyze_scale_factor 0.1, threshold 50), so the bench does
 * the same between scenarios, with the same rule, and says which tables it analyzed.
 * Nothing is analyzed where autovacuum is on: there it does this itself.
 */
export async function analyzeLikeAutovacuum(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS name
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE current_setting('autovacuum') = 'off'
        AND c.relkind = 'r'
        AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
      ORDER BY 1`,
  );
  for (const { name } of rows) await client.query(`ANALYZE ${name}`);
  return rows.map((r) => r.name);
}
