import type pg from 'pg';
import type { RecordClass } from '../domain/retention/rules.js';

/**
 * The purge record (gallringsprotokoll), append-only: lines are rows appended, never
 * changed (the database refuses UPDATE and DELETE for every role). `addToRecord` appends a
 * BATCH row in the same transaction as the deletions it counts, so a crash loses both or
 * neither and a resumed run never counts a record twice. `setCensus` appends a CENSUS row
 * with what a pass establishes afresh (held, kept for research, and everything of a dry
 * run); the latest census of a line is the one that counts. The view
 * retention_run_item_record sums a line up.
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
    `INSERT INTO retention_run_item (run_id, record_class, policy_id, decision, kind, purged, rows, earliest, latest)
     VALUES ($1, $2, $3, $4, 'BATCH', $5, $6, $7, $8)`,
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
    `INSERT INTO retention_run_item (run_id, record_class, policy_id, decision, kind, held, kept_for_research, purged, earliest, latest)
     VALUES ($1, $2, $3, $4, 'CENSUS', $5, $6, $7, $8, $9)`,
    [
      line.runId,
      line.recordClass,
      line.policyId,
      line.decision,
      census.held,
      census.keptForResearch,
      census.purged ?? 0,
      census.earliest ?? null,
      census.latest ?? null,
    ],
  );
}
