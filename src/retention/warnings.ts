/**
 * Warnings about retention that a person must see, not only a log line: security officers
 * and information owners read them over GraphQL (`retentionWarnings`). Appended to
 * retention_warning, which no role may change (migration 20261204200000).
 */
import type pg from 'pg';
import { RUNNER_LOCK } from './run.js';

/** Who holds the runner's lock, as PostgreSQL sees it, and the run in progress if any. */
async function describeHolder(db: pg.Pool): Promise<{ description: string; runId: string | null }> {
  const holder = await db.query<{
    usename: string | null;
    application_name: string | null;
    backend_start: Date | null;
  }>(
    `SELECT a.usename, a.application_name, a.backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2`,
    RUNNER_LOCK,
  );
  const run = await db.query<{ id: string; mode: string; started_by: string; as_of: string }>(
    `SELECT id, mode, started_by, to_char(as_of, 'YYYY-MM-DD') AS as_of
     FROM retention_run_record WHERE status = 'RUNNING'`,
  );
  const h = holder.rows[0];
  const r = run.rows[0];
  const who = h
    ? `login ${h.usename ?? 'unknown'}${h.application_name ? ` (${h.application_name})` : ''}, connected ${h.backend_start?.toISOString() ?? 'at an unknown time'}`
    : 'a session that has let go of it since';
  const what = r
    ? `; run ${r.id} (${r.mode}, as of ${r.as_of}, started by ${r.started_by}) is in progress`
    : '; no run was recorded as in progress';
  return { description: `${who}${what}`, runId: r?.id ?? null };
}

/**
 * A scheduled run that yielded because another run held the lock. Tonight's purge then
 * depends on that other run finishing: if it was a dry run or was stopped, nothing was
 * purged tonight, which the owners must be able to see.
 */
export async function recordSkippedRun(db: pg.Pool, actor: string): Promise<string> {
  const holder = await describeHolder(db);
  const message = `The scheduled retention run was skipped: another run held the runner's lock (${holder.description}).`;
  await db.query(
    `INSERT INTO retention_warning (kind, actor, message, run_id) VALUES ('RUN_SKIPPED', $1, $2, $3)`,
    [actor, message, holder.runId],
  );
  return message;
}
