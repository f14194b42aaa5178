import type pg from 'pg';

/**
 * Verifies the purge record's chain of seals (migration 20261203126200): every ending of a
 * run is sealed with SHA-256 over the previous ending's seal and the whole run as recorded.
 * The triggers refuse changes for every role; this finds a change made behind their back
 * (a superuser disabling them): a run whose record no longer matches its seal
 * (SEAL_MISMATCH), an ending removed or slipped into the chain (CHAIN_BROKEN), or a run
 * shown as unfinished although a later run started (ENDING_REMOVED: the database lets a
 * run start only when none is unfinished). The last
 * seal is reported so that it can be kept elsewhere: only a copy outside the database
 * shows that the newest runs were not removed together with their endings.
 */
export interface PurgeRecordProblem {
  runId: string;
  problem: 'SEAL_MISMATCH' | 'CHAIN_BROKEN' | 'ENDING_REMOVED';
  detail: string;
}

export interface PurgeRecordVerification {
  ok: boolean;
  runs: number;
  sealed: number;
  unfinished: number;
  lastSeal: string | null;
  problems: PurgeRecordProblem[];
}

export async function verifyPurgeRecord(
  db: pg.Pool | pg.ClientBase,
): Promise<PurgeRecordVerification> {
  const endings = await db.query<{
    run_id: string;
    previous_seal: string;
    seal: string;
    recomputed: string;
  }>(
    `SELECT e.run_id, e.previous_seal, e.seal,
            retention_run_seal(e.run_id, e.kind, e.actor, e.login, e.at, e.error, e.previous_seal) AS recomputed
     FROM retention_run_event e WHERE e.kind <> 'RESUMED' ORDER BY e.id`,
  );
  const counts = await db.query<{ runs: number; unfinished: number; genesis: string }>(
    `SELECT count(*)::int AS runs, (count(*) FILTER (WHERE status = 'RUNNING'))::int AS unfinished,
            retention_seal_genesis() AS genesis
     FROM retention_run_record`,
  );
  const { runs, unfinished, genesis } = counts.rows[0]!;
  const problems: PurgeRecordProblem[] = [];
  let previous = genesis;
  for (const ending of endings.rows) {
    if (ending.previous_seal !== previous) {
      problems.push({
        runId: ending.run_id,
        problem: 'CHAIN_BROKEN',
        detail: 'the ending before this run is missing, or another was inserted',
      });
    }
    if (ending.recomputed !== ending.seal) {
      problems.push({
        runId: ending.run_id,
        problem: 'SEAL_MISMATCH',
        detail: 'the run, its resumes or its counts were changed after it was sealed',
      });
    }
    previous = ending.seal;
  }
  const orphans = await db.query<{ id: string }>(
    `SELECT r.id FROM retention_run_record r
     WHERE r.status = 'RUNNING'
       AND EXISTS (SELECT FROM retention_run_record later WHERE later.started_at > r.started_at)
     ORDER BY r.started_at`,
  );
  for (const orphan of orphans.rows) {
    problems.push({
      runId: orphan.id,
      problem: 'ENDING_REMOVED',
      detail: 'unfinished, yet a later run started: its ending was removed',
    });
  }
  return {
    ok: problems.length === 0,
    runs,
    sealed: endings.rows.length,
    unfinished,
    lastSeal: endings.rows.at(-1)?.seal ?? null,
    problems,
  };
}
