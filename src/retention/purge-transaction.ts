import type pg from 'pg';

/** How long a batch may wait for a row lock before it gives way to the API and is retried. */
const LOCK_TIMEOUT = '1s';

export interface PurgeStats {
  batches: number;
  /** The longest purge transaction, from BEGIN to COMMIT: the longest any row lock was held. */
  longestTransactionMs: number;
  /** The last one, which sizes the next batch. */
  lastTransactionMs: number;
}

/**
 * One batch of a purge, as the purge role (brygga_retention): the only role the
 * append-only triggers let delete, and the API role can never become it. Short by design:
 * a batch holds row locks on what it deletes only, and only until it commits.
 */
export async function inPurgeTransaction<T, L>(
  pool: pg.Pool,
  stats: PurgeStats,
  lock: (client: pg.PoolClient) => Promise<L>,
  work: (client: pg.PoolClient, locked: L) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const started = performance.now();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    // Row locks (FOR UPDATE) need UPDATE rights the purge role has no reason to hold, so
    // the owner takes them; they belong to the transaction, whatever role it then acts as.
    const locked = await lock(client);
    await client.query('SET LOCAL ROLE brygga_retention');
    const result = await work(client, locked);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    const elapsed = performance.now() - started;
    stats.batches += 1;
    stats.longestTransactionMs = Math.max(stats.longestTransactionMs, elapsed);
    stats.lastTransactionMs = elapsed;
    client.release();
  }
}

/**
 * One batch of shared records (cases, invoices): lock the rows among `ids` (SKIP LOCKED:
 * a row someone is writing to waits for the next run), judge them again under the lock,
 * and purge those still purgeable, grouped by the policy that binds them, so that each
 * group is counted under its own line of the purge record.
 */
export async function purgeLockedByPolicy<V extends { id: string; policy_id: string | null }>(
  pool: pg.Pool,
  stats: PurgeStats,
  batch: {
    table: string;
    ids: string[];
    judge: (client: pg.PoolClient, locked: string[]) => Promise<V[]>;
    purgeable: (verdict: V) => boolean;
    purgeGroup: (client: pg.PoolClient, policyId: string, group: V[]) => Promise<number>;
  },
): Promise<number> {
  return inPurgeTransaction(
    pool,
    stats,
    async (client) =>
      (
        await client.query<{ id: string }>(
          `SELECT id FROM ${batch.table} WHERE id = ANY ($1::uuid[]) FOR UPDATE SKIP LOCKED`,
          [batch.ids],
        )
      ).rows.map((r) => r.id),
    async (client, locked) => {
      if (locked.length === 0) return 0;
      const byPolicy = new Map<string, V[]>();
      for (const verdict of await batch.judge(client, locked)) {
        if (verdict.policy_id === null || !batch.purgeable(verdict)) continue;
        const group = byPolicy.get(verdict.policy_id);
        if (group) group.push(verdict);
        else byPolicy.set(verdict.policy_id, [verdict]);
      }
      let purged = 0;
      for (const [policyId, group] of byPolicy) {
        purged += await batch.purgeGroup(client, policyId, group);
      }
      return purged;
    },
  );
}
