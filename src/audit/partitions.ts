import type { Queryable } from './writer.js';

/**
 * Creates the access log's monthly partitions ahead of time: this month's and the next
 * `monthsAhead`. The writer creates a missing month on demand as well, so this is about
 * keeping DDL off the request path at a month boundary, not about correctness. Safe to
 * call from several processes at once and as often as wanted (a daily job suits it); the
 * API role may call it, through the SECURITY DEFINER function of the audit migration.
 */
export async function ensureAccessLogPartitions(
  db: Queryable,
  now: Date = new Date(),
  monthsAhead = 2,
): Promise<string[]> {
  const created: string[] = [];
  for (let offset = 0; offset <= monthsAhead; offset += 1) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    const { rows } = await db.query<{ partition: string }>(
      'SELECT access_log_ensure_partition($1) AS partition',
      [month],
    );
    created.push(rows[0]!.partition);
  }
  return created;
}
