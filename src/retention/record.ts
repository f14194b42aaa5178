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

/** One organisation's share of a line: what of its information a batch or a census covered. */
export interface OrganizationCount {
  organizationId: string;
  purged: number;
  held?: number;
  keptForResearch?: number;
  earliest?: Date | null;
  latest?: Date | null;
}

/**
 * Appends the organisations' counts beside a line's row (the same kind, the same
 * transaction): a shared record counts for each organisation it belongs to, so one
 * municipality can report its own counts under a policy many share.
 */
export async function addOrganizationCounts(
  client: pg.ClientBase | pg.Pool,
  line: RecordLine,
  kind: 'BATCH' | 'CENSUS',
  counts: OrganizationCount[],
): Promise<void> {
  if (counts.length === 0) return;
  await client.query(
    `INSERT INTO retention_run_organization_item
       (run_id, record_class, policy_id, organization_id, kind, purged, held, kept_for_research, earliest, latest)
     SELECT $1, $2, $3, o.organization_id, $4, o.purged, o.held, o.kept_for_research, o.earliest, o.latest
     FROM jsonb_to_recordset($5::jsonb) AS o(organization_id uuid, purged bigint, held bigint,
       kept_for_research bigint, earliest timestamptz, latest timestamptz)
     ORDER BY o.organization_id`,
    [
      line.runId,
      line.recordClass,
      line.policyId,
      kind,
      JSON.stringify(
        counts.map((c) => ({
          organization_id: c.organizationId,
          purged: c.purged,
          held: c.held ?? 0,
          kept_for_research: c.keptForResearch ?? 0,
          earliest: c.earliest ?? null,
          latest: c.latest ?? null,
        })),
      ),
    ],
  );
}

/** Counts records per organisation: each record counts once for each of its owners. */
export class OrganizationTally {
  private readonly byOrganization = new Map<string, Required<OrganizationCount>>();

  add(
    owners: readonly string[],
    what: 'purged' | 'held' | 'keptForResearch',
    anchor: Date | null = null,
    n = 1,
  ): void {
    for (const organizationId of new Set(owners)) {
      let c = this.byOrganization.get(organizationId);
      if (!c) {
        c = {
          organizationId,
          purged: 0,
          held: 0,
          keptForResearch: 0,
          earliest: null,
          latest: null,
        };
        this.byOrganization.set(organizationId, c);
      }
      c[what] += n;
      if (what === 'purged' && anchor) {
        if (!c.earliest || anchor < c.earliest) c.earliest = anchor;
        if (!c.latest || anchor > c.latest) c.latest = anchor;
      }
    }
  }

  counts(): OrganizationCount[] {
    return [...this.byOrganization.values()];
  }
}
