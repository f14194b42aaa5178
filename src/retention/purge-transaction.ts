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
