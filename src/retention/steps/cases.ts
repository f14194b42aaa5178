/**
 * Cases with their events, plans and notes, and the identities of patients nothing else
 * refers to. A case is shared: it goes when the retention of every organisation that took
 * part (as a party, or by writing in it) has run out, counted from its last entry, unless
 * a legal hold or an owner's research exception keeps it.
 *
 * The pass walks closed cases in closing order (a case's last entry is never before its
 * closing, so closed_at bounds the search) in pages. Each page is judged without locks;
 * the due cases are then locked, judged again under the lock (a note written meanwhile
 * counts), and purged in one short transaction that also counts them in the record.
 */
import type pg from 'pg';
import { startOfStockholmDay } from '../../domain/calendar.js';
import { firstDayNotDue } from '../../domain/retention/rules.js';
import { ArchiveUnavailableError, archiveCases } from '../archive-package.js';
import { checkpoint, type StepContext } from '../context.js';
import { ownerRules, policyById } from '../policies.js';
import { purgeLockedByPolicy } from '../purge-transaction.js';
import {
  addOrganizationCounts,
  addToRecord,
  lineFor,
  OrganizationTally,
  setCensus,
} from '../record.js';

interface Verdict {
  id: string;
  closed_at: Date;
  last_entry_at: Date;
  policy_id: string | null;
  due: boolean | null;
  research: boolean | null;
  held: boolean;
  /** The organisations whose information the case is, each counted in the record. */
  owners: string[];
}

/**
 * The verdict on a set of cases: the binding (longest) policy among their owners, whether
 * it has run out on `asOf` (Stockholm calendar days, as src/domain/retention/rules.ts
 * counts them), and whether a hold or a research exception keeps the case.
 */
function verdictSql(selection: string): string {
  return `
WITH rule AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS r(organization_id uuid, policy_id uuid, months integer, days integer, keep integer[], as_of date)
), candidate AS (
  SELECT c.id, c.patient_id, c.closed_at, p.personal_identity_number AS pin,
    greatest(c.updated_at, c.closed_at,
      (SELECT max(e.occurred_at) FROM case_event e WHERE e.case_id = c.id),
      (SELECT max(n.created_at) FROM note n WHERE n.case_id = c.id),
      (SELECT max(v.created_at) FROM care_plan cp
         JOIN care_plan_version v ON v.care_plan_id = cp.id WHERE cp.case_id = c.id)
    ) AS last_entry_at
  FROM "case" c JOIN patient p ON p.id = c.patient_id
  ${selection}
), owner AS (
  -- LATERAL: an index lookup per candidate, never a scan of every case's parties.
  SELECT DISTINCT k.id AS case_id, o.organization_id
  FROM candidate k CROSS JOIN LATERAL (
    SELECT u.organization_id FROM case_party cp JOIN unit u ON u.id = cp.unit_id WHERE cp.case_id = k.id
    UNION
    SELECT n.author_organization_id FROM note n WHERE n.case_id = k.id
  ) o
), owner_or_parent AS (
  SELECT case_id, organization_id FROM owner
  UNION
  SELECT o.case_id, org.parent_id FROM owner o JOIN organization org ON org.id = o.organization_id
  WHERE org.parent_id IS NOT NULL
), judged AS (
  SELECT k.id, k.patient_id, k.closed_at, k.last_entry_at,
    (array_agg(r.policy_id ORDER BY kept.through DESC NULLS LAST, r.policy_id))[1] AS policy_id,
    -- Each owner's rule run out on that owner's day (the run's, or an approved proposal's).
    bool_and(kept.through < least(r.as_of, $2::date)) AS due,
    coalesce(array_agg(DISTINCT o.organization_id::text) FILTER (WHERE o.organization_id IS NOT NULL), '{}') AS owners,
    bool_or((CASE WHEN substr(k.pin, 7, 2)::int > 60 THEN substr(k.pin, 7, 2)::int - 60
                  ELSE substr(k.pin, 7, 2)::int END) = ANY (r.keep)) AS research
  FROM candidate k
  LEFT JOIN owner o ON o.case_id = k.id
  LEFT JOIN rule r ON r.organization_id = o.organization_id
  LEFT JOIN LATERAL (
    SELECT ((k.last_entry_at AT TIME ZONE 'Europe/Stockholm')::date
            + make_interval(months => r.months, days => r.days))::date AS through
  ) kept ON r.policy_id IS NOT NULL
  GROUP BY k.id, k.patient_id, k.closed_at, k.last_entry_at
)
SELECT j.id, j.closed_at, j.last_entry_at, j.policy_id, j.owners,
  -- A case any owner has no rule for is never due.
  j.due AND NOT EXISTS (
    SELECT 1 FROM owner o WHERE o.case_id = j.id
      AND NOT EXISTS (SELECT 1 FROM rule r WHERE r.organization_id = o.organization_id)
  ) AS due,
  j.research,
  EXISTS (
    SELECT 1 FROM legal_hold h
    WHERE h.released_at IS NULL AND (
      h.case_id = j.id OR h.patient_id = j.patient_id
      OR h.organization_id IN (SELECT op.organization_id FROM owner_or_parent op WHERE op.case_id = j.id))
  ) AS held
FROM judged j
ORDER BY j.closed_at, j.id`;
}

const PAGE = verdictSql(`
  WHERE c.closed_at IS NOT NULL AND c.closed_at < $3 AND (c.closed_at, c.id) > ($4, $5::uuid)
  ORDER BY c.closed_at, c.id
  LIMIT $6`);
const LOCKED = verdictSql('WHERE c.id = ANY ($3::uuid[])');

/**
 * What a purge transaction aims at, well under the 1 s any lock may be held: batches
 * grow while they are faster and shrink when they are slower (a busy machine, cases with
 * long event lists), up to the run's batch size.
 */
const TARGET_TRANSACTION_MS = 400;

function nextSize(size: number, elapsedMs: number, most: number): number {
  const factor = Math.min(2, Math.max(0.5, TARGET_TRANSACTION_MS / Math.max(elapsedMs, 1)));
  return Math.max(10, Math.min(most, Math.round(size * factor)));
}

interface Tally {
  organizations: OrganizationTally;
  held: number;
  research: number;
  due: number;
  earliest: Date | null;
  latest: Date | null;
}

export async function purgeCases(context: StepContext): Promise<void> {
  const rules = ownerRules(context.book, 'CASE', context.mode, context.asOf);
  if (rules.length === 0) return;
  const rulesJson = JSON.stringify(rules);
  // Nothing closed on or after this instant can be due (a case's last entry is never
  // before its closing): no rule has run out for it.
  const bound = startOfStockholmDay(firstDayNotDue(context.asOf, rules));
  const total = Number(
    (
      await context.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM "case" WHERE closed_at IS NOT NULL AND closed_at < $1',
        [bound],
      )
    ).rows[0]?.n ?? 0,
  );

  const tallies = new Map<string, Tally>();
  const tally = (policyId: string): Tally => {
    let t = tallies.get(policyId);
    if (!t) {
      t = {
        organizations: new OrganizationTally(),
        held: 0,
        research: 0,
        due: 0,
        earliest: null,
        latest: null,
      };
      tallies.set(policyId, t);
    }
    return t;
  };
  let cursor: { closedAt: Date; id: string } = {
    closedAt: new Date('1900-01-01T00:00:00Z'),
    id: '00000000-0000-0000-0000-000000000000',
  };
  let examined = 0;
  let purged = 0;
  let size = Math.min(context.batchSize, 100);
  // A dry run's purgeable cases, to tell which patients would be left without any.
  const wouldPurge: string[] = [];
  for (;;) {
    checkpoint(context);
    const page = (
      await context.pool.query<Verdict>(PAGE, [
        rulesJson,
        context.asOf,
        bound,
        cursor.closedAt,
        cursor.id,
        size,
      ])
    ).rows;
    if (page.length === 0) break;
    const last = page[page.length - 1] as Verdict;
    cursor = { closedAt: last.closed_at, id: last.id };
    examined += page.length;

    const purgeable: string[] = [];
    for (const v of page) {
      if (!v.due || v.policy_id === null) continue;
      const t = tally(v.policy_id);
      if (v.held) {
        t.held += 1;
        t.organizations.add(v.owners, 'held');
      } else if (v.research) {
        t.research += 1;
        t.organizations.add(v.owners, 'keptForResearch');
      } else {
        t.due += 1;
        // A purge counts what it removes batch by batch; a dry run counts here.
        if (context.mode === 'DRY_RUN') t.organizations.add(v.owners, 'purged', v.last_entry_at);
        t.earliest = t.earliest && t.earliest < v.last_entry_at ? t.earliest : v.last_entry_at;
        t.latest = t.latest && t.latest > v.last_entry_at ? t.latest : v.last_entry_at;
        purgeable.push(v.id);
      }
    }
    if (context.archiveDir === null && context.book.archiving.size > 0) {
      // A dry run fails as the purge would: nothing to be archived goes unarchived.
      const ids = new Set(purgeable);
      const toArchive = page.find(
        (v) => ids.has(v.id) && v.owners.some((o) => context.book.archiving.has(o)),
      );
      if (toArchive) throw archiveUnavailable(context, toArchive);
    }
    if (context.mode === 'PURGE' && purgeable.length > 0) {
      purged += await purgeBatch(context, rulesJson, purgeable);
      if (purgeable.length >= size / 2) {
        size = nextSize(size, context.stats.lastTransactionMs, context.batchSize);
      }
    } else {
      wouldPurge.push(...purgeable);
    }
    context.progress({ recordClass: 'CASE', examined, total, purged });
  }

  for (const [policyId, t] of tallies) {
    const line = lineFor(context, 'CASE', policyById(context.book, policyId));
    await addOrganizationCounts(context.pool, line, 'CENSUS', t.organizations.counts());
    await setCensus(
      context.pool,
      line,
      context.mode === 'DRY_RUN'
        ? {
            held: t.held,
            keptForResearch: t.research,
            purged: t.due,
            earliest: t.earliest,
            latest: t.latest,
          }
        : { held: t.held, keptForResearch: t.research },
    );
  }
  if (context.mode === 'DRY_RUN') {
    const { rows } = await context.pool.query<{ n: string }>(
      `SELECT count(DISTINCT c.patient_id) AS n FROM "case" c
       WHERE c.id = ANY ($1::uuid[])
         AND NOT EXISTS (SELECT 1 FROM "case" o WHERE o.patient_id = c.patient_id AND NOT (o.id = ANY ($1::uuid[])))`,
      [wouldPurge],
    );
    await setCensus(context.pool, lineFor(context, 'PATIENT_IDENTITY', FOLLOWS_THE_CASES), {
      held: 0,
      keptForResearch: 0,
      purged: Number(rows[0]?.n ?? 0),
    });
  }
}

/** Locks the due cases, judges them again under the lock, purges what is still due. */
function purgeBatch(context: StepContext, rulesJson: string, ids: string[]): Promise<number> {
  return purgeLockedByPolicy(context.pool, context.stats, {
    table: '"case"',
    ids,
    judge: async (client, locked) =>
      (await client.query<Verdict>(LOCKED, [rulesJson, context.asOf, locked])).rows,
    purgeable: (v) => v.due === true && !v.held && !v.research,
    purgeGroup: (client, policyId, group) => purgeGroup(client, context, policyId, group),
  });
}

function archiveUnavailable(context: StepContext, verdict: Verdict): ArchiveUnavailableError {
  const owner = verdict.owners.map((o) => context.book.archiving.get(o)).find((d) => d);
  return new ArchiveUnavailableError(
    `cases of ${owner?.organizationName ?? 'an owner'} are to be archived before they are purged (decision ${owner?.reference ?? ''}), and no archive folder was given (--archive-dir, RETENTION_ARCHIVE_DIR); nothing of theirs was purged`,
  );
}

async function purgeGroup(
  client: pg.ClientBase,
  context: StepContext,
  policyId: string,
  group: Verdict[],
): Promise<number> {
  // Hand-over first: each archiving owner's package of the cases, in this transaction.
  for (const [organizationId, decision] of context.book.archiving) {
    const theirs = group.filter((v) => v.owners.includes(organizationId)).map((v) => v.id);
    if (theirs.length === 0) continue;
    if (context.archiveDir === null) {
      throw archiveUnavailable(context, group.find((v) => v.id === theirs[0]) as Verdict);
    }
    await archiveCases(
      client,
      context.archiveDir,
      { runId: context.runId, asOf: context.asOf },
      decision,
      theirs,
    );
  }
  const { rows } = await client.query<{ counts: Record<string, number> }>(
    'SELECT retention_purge_cases($1::uuid[]) AS counts',
    [group.map((v) => v.id)],
  );
  const counts = rows[0]?.counts ?? {};
  const { patient = 0, patient_block = 0, ...caseRows } = counts;
  const times = group.map((v) => v.last_entry_at.getTime());
  const line = lineFor(context, 'CASE', policyById(context.book, policyId));
  const organizations = new OrganizationTally();
  for (const v of group) organizations.add(v.owners, 'purged', v.last_entry_at);
  await addOrganizationCounts(client, line, 'BATCH', organizations.counts());
  await addToRecord(client, line, {
    purged: counts.case ?? 0,
    rows: caseRows,
    earliest: new Date(Math.min(...times)),
    latest: new Date(Math.max(...times)),
  });
  if (patient > 0 || patient_block > 0) {
    await addToRecord(client, lineFor(context, 'PATIENT_IDENTITY', FOLLOWS_THE_CASES), {
      purged: patient,
      rows: { patient, patient_block },
    });
  }
  return counts.case ?? 0;
}

/** Patient identities have no policy of their own: they go with their last case. */
const FOLLOWS_THE_CASES = {
  id: null,
  decision:
    'Follows the cases: a patient’s identity goes when no retained case refers to it any more',
};
