/**
 * The system's own records, one policy each for all organisations: identity events
 * (logins, administration), login sessions after they ended, and the SAML replay and
 * request caches after they expired. Each is deleted oldest first in short batches.
 */
import { startOfStockholmDay } from '../../domain/calendar.js';
import { systemPolicy } from '../../domain/retention/policy-resolution.js';
import { firstDayNotDue, type RecordClass } from '../../domain/retention/rules.js';
import { checkpoint, type StepContext } from '../context.js';
import { inPurgeTransaction } from '../purge-transaction.js';
import { addToRecord, lineFor, setCensus } from '../record.js';

interface Source {
  table: string;
  /** The instant retention counts from, as SQL over the table's row `t`. */
  anchor: string;
  key: string;
}

const SOURCES: Record<'IDENTITY_EVENT' | 'SESSION' | 'REPLAY_CACHE', Source[]> = {
  IDENTITY_EVENT: [{ table: 'identity_event', anchor: 't.occurred_at', key: 'id' }],
  // A session ends when it expires or is revoked, whichever is first.
  SESSION: [
    {
      table: 'identity_session',
      anchor: 'least(t.expires_at, coalesce(t.revoked_at, t.expires_at))',
      key: 'id',
    },
  ],
  REPLAY_CACHE: [
    { table: 'identity_saml_replay', anchor: 't.expires_at', key: 'kind, message_id' },
    { table: 'identity_saml_request', anchor: 't.expires_at', key: 'id' },
  ],
};

export async function purgeSystemRecords(
  context: StepContext,
  recordClass: 'IDENTITY_EVENT' | 'SESSION' | 'REPLAY_CACHE',
): Promise<void> {
  const policy = systemPolicy(context.book.policies, recordClass as RecordClass);
  if (!policy) return;
  const line = lineFor(context, recordClass, policy);
  const bound = startOfStockholmDay(firstDayNotDue(context.asOf, [policy]));
  const params = [bound, policy.months, policy.days, context.asOf];
  const due = (source: Source) => `
    ${source.anchor} < $1
    AND ((${source.anchor} AT TIME ZONE 'Europe/Stockholm')::date
         + make_interval(months => $2, days => $3))::date < $4::date`;

  let purged = 0;
  let total = 0;
  for (const source of SOURCES[recordClass]) {
    total += Number(
      (
        await context.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${source.table} t WHERE ${due(source)}`,
          params,
        )
      ).rows[0]?.n ?? 0,
    );
  }
  if (context.mode === 'DRY_RUN') {
    await setCensus(context.pool, line, { held: 0, keptForResearch: 0, purged: total });
    context.progress({ recordClass, examined: total, total, purged: 0 });
    return;
  }
  for (const source of SOURCES[recordClass]) {
    for (;;) {
      checkpoint(context);
      const removed = await inPurgeTransaction(
        context.pool,
        context.stats,
        async () => undefined,
        async (client) => {
          const { rows } = await client.query<{ anchor: Date }>(
            `DELETE FROM ${source.table} WHERE (${source.key}) IN (
             SELECT ${source.key} FROM ${source.table} t WHERE ${due(source)}
             ORDER BY ${source.anchor} LIMIT $5)
           RETURNING ${source.anchor.replaceAll('t.', '')} AS anchor`,
            [...params, context.batchSize],
          );
          if (rows.length > 0) {
            const times = rows.map((r) => r.anchor.getTime());
            await addToRecord(client, line, {
              purged: rows.length,
              rows: { [source.table]: rows.length },
              earliest: new Date(Math.min(...times)),
              latest: new Date(Math.max(...times)),
            });
          }
          return rows.length;
        },
      );
      purged += removed;
      context.progress({ recordClass, examined: purged, total, purged });
      if (removed < context.batchSize) break;
    }
  }
  await setCensus(context.pool, line, { held: 0, keptForResearch: 0 });
}
