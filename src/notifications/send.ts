import type pg from 'pg';
import { notificationAttempts } from '../metrics/registry.js';
import type { NotificationChannel } from './address.js';
import type { NotificationSender } from './sender.js';
import { notificationText } from './text.js';

export type SendOutcome = 'sent' | 'cancelled' | 'done-before';

interface Claimed {
  event_count: number;
  active: boolean;
  channel: NotificationChannel;
  address: string;
  unit_name: string;
}

/** Long enough for a gateway's reason, short enough for a table cell. */
const MAX_ERROR_LENGTH = 500;

/**
 * One attempt to send one outbox row. The claim (attempts + 1) and the outcome are
 * written before and after the sender is called; a row already sent, failed or cancelled
 * is left alone, so a job run twice sends once. A failed attempt records its error and
 * throws, so graphile-worker tries again with backoff; the last attempt (`lastAttempt`)
 * marks the row FAILED instead of PENDING.
 */
export async function sendNotification(
  pool: pg.Pool,
  sender: NotificationSender,
  outboxId: string,
  lastAttempt: boolean,
): Promise<SendOutcome> {
  const claimed = await pool.query<Claimed>(
    `UPDATE notification_outbox o
        SET attempts = o.attempts + 1, last_attempt_at = now()
       FROM notification_subscription s, unit u
      WHERE o.id = $1 AND o.status = 'PENDING' AND s.id = o.subscription_id AND u.id = o.unit_id
      RETURNING o.event_count, s.active, s.channel, s.address, u.name AS unit_name`,
    [outboxId],
  );
  const row = claimed.rows[0];
  if (!row) return 'done-before';
  if (!row.active) {
    await pool.query(`UPDATE notification_outbox SET status = 'CANCELLED' WHERE id = $1`, [
      outboxId,
    ]);
    notificationAttempts.inc({ channel: row.channel, outcome: 'cancelled' });
    return 'cancelled';
  }
  const text = notificationText(row.unit_name, row.event_count);
  try {
    await sender.send({
      channel: row.channel,
      address: row.address,
      unitName: row.unit_name,
      subject: text.subject,
      text: text.body,
    });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(
      0,
      MAX_ERROR_LENGTH,
    );
    await pool.query(
      `UPDATE notification_outbox SET last_error = $2, text = $3, status = $4 WHERE id = $1`,
      [
        outboxId,
        message || 'the sender failed without a message',
        text.body,
        lastAttempt ? 'FAILED' : 'PENDING',
      ],
    );
    notificationAttempts.inc({
      channel: row.channel,
      outcome: lastAttempt ? 'abandoned' : 'failed',
    });
    throw error;
  }
  await pool.query(
    `UPDATE notification_outbox SET status = 'SENT', sent_at = now(), text = $2 WHERE id = $1`,
    [outboxId, text.body],
  );
  notificationAttempts.inc({ channel: row.channel, outcome: 'sent' });
  return 'sent';
}
