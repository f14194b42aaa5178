import type pg from 'pg';

/**
 * Ends a pool and waits until its connections have closed. `pool.end()` resolves as soon as
 * it has asked each connection to end, before the server has let go of it. A caller that
 * stops the database next, as the embedded one does, would otherwise cut connections
 * still closing, and their clients would report errors for a shutdown that went right.
 * Waits at most `graceMs` for a connection that never reports its end.
 */
export async function endPool(pool: pg.Pool, graceMs = 5_000): Promise<void> {
  let open = pool.totalCount;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    // 'remove' comes once a connection's end has completed.
    pool.on('remove', () => {
      open -= 1;
      if (open <= 0) resolve();
    });
    timer = setTimeout(resolve, graceMs);
  });
  await pool.end();
  await closed;
  clearTimeout(timer);
}
