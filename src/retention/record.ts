import type pg from 'pg';
import type { RecordClass } from '../domain/retention/rules.js';

/**
 * The purge record (gallringsprotokoll), one line per run, class and applied policy.
 * `add` grows a line in the same transaction as the deletions it counts, so a crash loses
 * both or neither: a resumed run never counts a record twice. `census` sets the counts a
 * pass establishes afresh (held, kept for research, and everything of a dry run).
 */
export interface RecordLine {
  runId: string;
  recordClass: RecordClass;
  policyId: string | null;
  decision: string;
}

/**
 * The line a policy's work in this run is counted on. Patient identities follow their
 * cases and have no policy of their own: `{ id: null, decision }` names why they went.
 */
export function lineFor(
  context: { runId: string },
  recordClass: RecordClass,
  policy: { id: string | null; decision: string },
): RecordLine {
  return { runId: context.runId, recordClass, policyId: policy.id, decision: policy.decision };
}

export async function addToRecord(
  client: pg.ClientBase,
  line: RecordLine,
  counts: {
    purged: number;
    rows?: Record<string, number>;
    earliest?: Date | null;
    latest?: Date | null;
  },
): Promise<void> {
  await client.query(
    `INSERT INTO retention_run_item (run_id, record_class, policy_id, decision, purged, rows, earliest, latest)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (run_id, record_class, policy_id) DO UPDATE SET
       purged = retention_run_item.purged + EXCLUDED.purged,
       rows = retention_add_counts(retention_run_item.rows, EXCLUDED.rows),
       earliest = least(retention_run_item.earliest, EXCLUDED.earliest),
       latest = greatest(retention_run_item.latest, EXCLUDED.latest)`,
    [
      line.runId,
      line.recordClass,
      line.policyId,
      line.decision,
      counts.purged,
      JSON.stringify(counts.rows ?? {}),
      counts.earliest ?? null,
      counts.latest ?? null,
    ],
  );
}

export interface Census {
  held: number;
  keptForResearch: number;
  /** Dry runs only: what a purge would remove. */
  purged?: number;
  earliest?: Date | null;
  latest?: Date | null;
}

export async function setCensus(
  client: pg.ClientBase | pg.Pool,
  line: RecordLine,
  census: Census,
): Promise<void> {
  await client.query(
    `INSERT INTO retention_run_item (run_id, record_class, policy_id, decision, held, kept_for_research, purged, earliest, latest)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::bigint, 0), $8, $9)
     ON CONFLICT (run_id, record_class, policy_id) DO UPDATE SET
       held = EXCLUDED.held,
       kept_for_research = EXCLUDED.kept_for_research,
       purged = CASE WHEN $7::bigint IS NULL THEN retention_run_item.purged ELSE EXCLUDED.purged END,
       earliest = CASE WHEN $7::bigint IS NULL THEN retention_run_item.earliest ELSE EXCLUDED.earliest END,
       latest = CASE WHEN $7::bigint IS NULL THEN retention_run_item.latest ELSE EXCLUDED.latest END`,
    [
      line.runId,
      line.recordClass,
      line.policyId,
      line.decision,
      census.held,
      census.keptForResearch,
      census.purged ?? null,
      census.earliest ?? null,
      census.latest ?? null,
    ],
  );
}
