import type pg from 'pg';

export const SEND_TASK = 'notification-send';

export interface FanOutOptions {
  /** A subscription is sent at most one notification per this many seconds. */
  coalesceSeconds: number;
  /** Attempts of each notification before it is FAILED (graphile-worker's max_attempts). */
  maxAttempts: number;
  /** Committed events read per transaction. */
  batchSize?: number;
}

export interface FanOutReport {
  /** Committed events read past the cursor. */
  events: number;
  /** New outbox rows (each with its send job). */
  created: number;
  /** Events added to a notification that was not sent yet. */
  joined: number;
}

interface Pending {
  subscription_id: string;
  unit_id: string;
  events: number;
  first_at: Date;
  last_at: Date;
}

/**
 * Reads the events committed since the last run, in commit order (case_event_position),
 * and writes the outbox: for each active subscription of a unit the events were sent to
 * (case_event_recipient), the events join the subscription's notification that is not
 * attempted yet, or a new one is written with its send job, due at once or when the
 * subscription's window since its previous notification ends (the coalescing rule, see
 * README.md). The cursor, the rows and the jobs are one transaction: a crash repeats the
 * batch whole or not at all. Runs one at a time (the cursor row is locked).
 */
export async function fanOut(pool: pg.Pool, options: FanOutOptions): Promise<FanOutReport> {
  const report: FanOutReport = { events: 0, created: 0, joined: 0 };
  for (;;) {
    const batch = await fanOutBatch(pool, options);
    report.events += batch.events;
    report.created += batch.created;
    report.joined += batch.joined;
    if (batch.events < (options.batchSize ?? 1000)) return report;
  }
}

async function fanOutBatch(pool: pg.Pool, options: FanOutOptions): Promise<FanOutReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const cursor = await client.query<{ position: string }>(
      'SELECT position FROM notification_fanout_cursor FOR UPDATE',
    );
    const from = cursor.rows[0]?.position ?? '0';
    const read = await client.query<{ last: string | null; events: number }>(
      `SELECT max(position)::text AS last, count(*)::int AS events
         FROM (SELECT position FROM case_event_position WHERE position > $1
                ORDER BY position LIMIT $2) AS batch`,
      [from, options.batchSize ?? 1000],
    );
    const { last, events } = read.rows[0]!;
    if (last === null) {
      await client.query('COMMIT');
      return { events: 0, created: 0, joined: 0 };
    }
    // Only subscriptions that existed when the event committed: an event at or before a
    // subscription's from_position was committed before it was set up.
    const pending = await client.query<Pending>(
      `SELECT s.id AS subscription_id, s.unit_id, count(*)::int AS events,
              min(e.occurred_at) AS first_at, max(e.occurred_at) AS last_at
         FROM case_event_position p
         JOIN case_event e ON e.id = p.event_id
         JOIN case_event_recipient r ON r.event_id = p.event_id
         JOIN notification_subscription s
           ON s.unit_id = r.unit_id AND s.active AND p.position > s.from_position
        WHERE p.position > $1 AND p.position <= $2
        GROUP BY s.id, s.unit_id
        ORDER BY s.id`,
      [from, last],
    );
    let created = 0;
    let joined = 0;
    for (const row of pending.rows) {
      if (await joinOpen(client, row)) joined += row.events;
      else {
        await createNotification(client, row, options);
        created += 1;
      }
    }
    await client.query('UPDATE notification_fanout_cursor SET position = $1', [last]);
    await client.query('COMMIT');
    return { events, created, joined };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Adds the events to the subscription's notification that no attempt has taken yet. The
 * send task's claim (attempts + 1) locks the same row, so an event joins either before
 * the text is made (and is counted in it) or not at all (and gets a notification of its own).
 */
async function joinOpen(client: pg.PoolClient, row: Pending): Promise<boolean> {
  const joined = await client.query(
    `UPDATE notification_outbox
        SET event_count = event_count + $2, last_event_at = greatest(last_event_at, $3)
      WHERE subscription_id = $1 AND status = 'PENDING' AND attempts = 0`,
    [row.subscription_id, row.events, row.last_at],
  );
  return (joined.rowCount ?? 0) > 0;
}

async function createNotification(
  client: pg.PoolClient,
  row: Pending,
  options: FanOutOptions,
): Promise<void> {
  const inserted = await client.query<{ id: string; send_at: Date }>(
    `INSERT INTO notification_outbox
       (subscription_id, unit_id, event_count, first_event_at, last_event_at, send_at)
     SELECT $1, $2, $3, $4, $5,
            greatest(now(), (SELECT max(send_at) FROM notification_outbox WHERE subscription_id = $1)
                            + make_interval(secs => $6))
     RETURNING id, send_at`,
    [
      row.subscription_id,
      row.unit_id,
      row.events,
      row.first_at,
      row.last_at,
      options.coalesceSeconds,
    ],
  );
  const { id, send_at } = inserted.rows[0]!;
  // In the same transaction: the row and its job commit together or not at all.
  await client.query(
    `SELECT graphile_worker.add_job($1, json_build_object('outboxId', $2::text),
            run_at := $3, max_attempts := $4, job_key := $1 || ':' || $2)`,
    [SEND_TASK, id, send_at, options.maxAttempts],
  );
}
