/**
 * The access log: whole months at a time. A month partition holds every organisation's
 * accesses, so it goes when the longest of their rules has run out (never under five
 * years: the policy table refuses less), counted from the Stockholm day of the partition's
 * last instant (the 1st of the next month: partitions are UTC months, rules Stockholm
 * days), and only if no held case, patient or organisation appears in it.
 *
 * Before a partition goes, its chain is verified and its final hash and row count are
 * sealed in access_log_seal, in one transaction with the purge record; the verifier
 * (npm run audit:verify) then vouches for the month from the seal. The partition is
 * detached CONCURRENTLY, so the API's reads and appends never wait for it, then dropped.
 * Each step can be repeated: a run resumed after a crash finds the seal and goes on.
 */
import pg from 'pg';
import { monthKey } from '../../audit/hash-chain.js';
import { listPartitions, verifyPartition } from '../../audit/verify.js';
import type { YearMonth } from '../../domain/calendar.js';
import type { Policy } from '../../domain/retention/policy-resolution.js';
import { accessLogPartitionAnchor } from '../../domain/retention/rules.js';
import { checkpoint, type StepContext } from '../context.js';
import { sharedRule } from '../policies.js';
import {
  addOrganizationCounts,
  addToRecord,
  lineFor,
  OrganizationTally,
  setCensus,
} from '../record.js';

export class ChainBrokenError extends Error {
  readonly code = 'RETENTION_CHAIN_BROKEN';
}

export async function dropAccessLogMonths(context: StepContext): Promise<void> {
  // What a cut-off run left behind goes first: a set partition left pending detach would
  // keep every other month's set from being detached CONCURRENTLY.
  if (context.mode === 'PURGE') await dropSealedLeftovers(context.pool);
  // A month a cut-off run left half-detached goes first: PostgreSQL detaches no other
  // partition CONCURRENTLY while one is pending.
  const partitions = (await listPartitions(context.pool)).sort(
    (a, b) => Number(b.detachPending) - Number(a.detachPending),
  );
  // Months can be bound by different policies (a decision that changed over the years),
  // and each policy has its own line in the purge record.
  const census = new Map<string, MonthCensus>();
  let examined = 0;
  let dropped = 0;
  for (const partition of partitions) {
    checkpoint(context);
    examined += 1;
    const month = monthKey(partition.monthStart) as YearMonth;
    // Anchored on the Stockholm day of the partition's last instant (a UTC month's last
    // hour is the next month's 1st in Stockholm): src/domain/retention/rules.ts.
    const anchor = accessLogPartitionAnchor(partition.monthStart);
    const rule = sharedRule(context.book, 'ACCESS_LOG', anchor, context.mode, context.asOf);
    if (!rule?.due) continue;
    const policy = rule.policy;
    let tally = census.get(policy.id);
    if (!tally) {
      tally = {
        policy,
        organizations: new OrganizationTally(),
        held: 0,
        wouldDrop: 0,
        earliest: null,
        latest: null,
      };
      census.set(policy.id, tally);
    }
    const table = partition.name;
    const rows = Number(
      (await context.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ??
        0,
    );
    if (await holdsReach(context.pool, table)) {
      tally.held += rows;
      for (const [organizationId, n] of await rowsPerOrganization(context.pool, table)) {
        tally.organizations.add([organizationId], 'held', null, n);
      }
      continue;
    }
    if (context.mode === 'DRY_RUN') {
      // The same verification as a purge makes, so a dry run never promises a month the
      // purge would refuse (a month half-detached by a cut-off run is sealed already).
      const client = await context.pool.connect();
      try {
        if (!(await isDetachPending(client, table))) {
          await verifyBeforeSealing(client, { table, month, monthStart: partition.monthStart });
        }
      } finally {
        client.release();
      }
      tally.wouldDrop += rows;
      for (const [organizationId, n] of await rowsPerOrganization(context.pool, table)) {
        tally.organizations.add([organizationId], 'purged', partition.monthStart, n);
      }
      tally.earliest ??= partition.monthStart;
      tally.latest = partition.monthStart;
      continue;
    }
    await sealAndDrop(context, { table, month, monthStart: partition.monthStart, policy });
    dropped += 1;
    context.progress({
      recordClass: 'ACCESS_LOG',
      examined,
      total: partitions.length,
      purged: dropped,
    });
  }
  if (context.mode === 'PURGE') await dropSealedLeftovers(context.pool);
  context.progress({
    recordClass: 'ACCESS_LOG',
    examined,
    total: partitions.length,
    purged: dropped,
  });
  for (const { policy, organizations, held, wouldDrop, earliest, latest } of census.values()) {
    const line = lineFor(context, 'ACCESS_LOG', policy);
    await addOrganizationCounts(context.pool, line, 'CENSUS', organizations.counts());
    await setCensus(
      context.pool,
      line,
      context.mode === 'DRY_RUN'
        ? { held, keptForResearch: 0, purged: wouldDrop, earliest, latest }
        : { held, keptForResearch: 0 },
    );
  }
}

interface MonthCensus {
  policy: Policy;
  organizations: OrganizationTally;
  held: number;
  wouldDrop: number;
  earliest: Date | null;
  latest: Date | null;
}

/**
 * A month's rows per organisation, by the care provider (vårdgivare) each access was made
 * under: a month is everyone's, and each organisation reports the rows that are its own.
 */
async function rowsPerOrganization(
  db: pg.Pool | pg.ClientBase,
  table: string,
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ organization_id: string; n: string }>(
    `SELECT o.id AS organization_id, l.n FROM (
       SELECT provider_hsa_id, count(*) AS n FROM ${table} GROUP BY provider_hsa_id) l
     JOIN organization o ON o.hsa_id = l.provider_hsa_id`,
  );
  return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
}

/** Does an active hold reach any row of this month? */
async function holdsReach(db: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await db.query<{ reached: boolean }>(
    `WITH hold AS (SELECT * FROM legal_hold WHERE released_at IS NULL)
     SELECT EXISTS (SELECT 1 FROM ${table} l WHERE l.case_id IN (SELECT case_id FROM hold WHERE case_id IS NOT NULL))
         OR EXISTS (SELECT 1 FROM ${table} l WHERE l.patient_id IN (SELECT patient_id FROM hold WHERE patient_id IS NOT NULL))
         OR EXISTS (SELECT 1 FROM ${table} l WHERE l.provider_hsa_id IN (
              SELECT o.hsa_id FROM organization o JOIN hold h ON h.organization_id IN (o.id, o.parent_id)))
       AS reached`,
  );
  return rows[0]?.reached ?? true;
}

async function sealAndDrop(
  context: StepContext,
  target: { table: string; month: string; monthStart: Date; policy: Policy },
): Promise<void> {
  const client = await context.pool.connect();
  try {
    const detached = await isDetachPending(client, target.table);
    if (!detached) {
      const chain = await verifyBeforeSealing(client, target);
      await client.query('BEGIN');
      try {
        const sealed = await client.query(
          `INSERT INTO access_log_seal (month, last_hash, row_count) VALUES ($1::date, $2, $3)
           ON CONFLICT (month) DO NOTHING`,
          [`${target.month}-01`, chain.lastHash, chain.rows],
        );
        if (sealed.rowCount === 1) {
          const monthEnd = new Date(
            Date.UTC(target.monthStart.getUTCFullYear(), target.monthStart.getUTCMonth() + 1, 1) -
              1,
          );
          const line = lineFor(context, 'ACCESS_LOG', target.policy);
          const organizations = new OrganizationTally();
          for (const [organizationId, n] of await rowsPerOrganization(client, target.table)) {
            organizations.add([organizationId], 'purged', target.monthStart, n);
          }
          await addOrganizationCounts(client, line, 'BATCH', organizations.counts());
          await addToRecord(client, line, {
            purged: chain.rows,
            rows: { access_log: chain.rows, access_log_partition: 1 },
            earliest: target.monthStart,
            latest: monthEnd,
          });
        } else {
          // Sealed by an earlier attempt of this run: the seal must match what is there.
          const { rows } = await client.query<{ last_hash: string; row_count: number }>(
            'SELECT last_hash, row_count FROM access_log_seal WHERE month = $1::date',
            [`${target.month}-01`],
          );
          if (rows[0]?.last_hash !== chain.lastHash || rows[0]?.row_count !== chain.rows) {
            throw new ChainBrokenError(
              `access log ${target.month} differs from its seal; it is kept`,
            );
          }
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      // Outside a transaction, as CONCURRENTLY requires: it takes no lock that stops the
      // API's reads or appends, only waits for the transactions that might still see it.
      await client.query(`ALTER TABLE access_log DETACH PARTITION ${target.table} CONCURRENTLY`);
    } else {
      await client.query(`ALTER TABLE access_log DETACH PARTITION ${target.table} FINALIZE`);
    }
    await client.query(`DROP TABLE ${target.table}`);
    await dropDayPatientMonth(client, target.month);
  } finally {
    client.release();
  }
}

/**
 * The month's part of the per-day patient set (access_log_day_patient: who touched which
 * patient on which day, the log review's volume count) goes with the month's log partition:
 * it is derived from those rows and as personal as they are. Detached CONCURRENTLY, so the
 * review's reads never wait for it, then dropped; after the log partition, so the set never
 * lacks a month the log still has. A run cut off in between leaves it to
 * dropSealedLeftovers; one cut off during its detach, to FINALIZE here.
 */
async function dropDayPatientMonth(client: pg.ClientBase, month: string): Promise<void> {
  const name = `access_log_day_patient_${month.replace('-', '_')}`;
  const table = `access_log_day_patient_partition.${pg.escapeIdentifier(name)}`;
  const { rows } = await client.query<{ attached: boolean; pending: boolean }>(
    `SELECT i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS pending
     FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
     WHERE ns.nspname = 'access_log_day_patient_partition' AND c.relname = $1`,
    [name],
  );
  const found = rows[0];
  if (!found) return;
  if (found.pending) {
    await client.query(`ALTER TABLE access_log_day_patient DETACH PARTITION ${table} FINALIZE`);
  } else if (found.attached) {
    await client.query(`ALTER TABLE access_log_day_patient DETACH PARTITION ${table} CONCURRENTLY`);
  }
  await client.query(`DROP TABLE ${table}`);
}

/** Verify before sealing: a broken chain is evidence, and evidence is not dropped. */
async function verifyBeforeSealing(
  client: pg.ClientBase,
  target: { table: string; month: string; monthStart: Date },
): Promise<{ rows: number; lastHash: string }> {
  const chain = await verifyPartition(client, target.table, target.monthStart);
  if (chain.broken) {
    throw new ChainBrokenError(
      `access log ${target.month} does not verify (${chain.broken.problem} at position ${chain.broken.chainPosition}); it is kept`,
    );
  }
  return chain;
}

/**
 * A partition detached but not yet dropped when a run was cut off: no longer part of the
 * log, but sealed, so it goes now. A detached table without a seal is left for a human.
 * So does the per-day patient set of a sealed month whose log partition is gone.
 */
async function dropSealedLeftovers(db: pg.Pool): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = 'access_log_partition' AND c.relkind = 'r'
       AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
       AND EXISTS (SELECT 1 FROM access_log_seal s
                   WHERE 'access_log_' || to_char(s.month, 'YYYY_MM') = c.relname)`,
  );
  for (const { name } of rows) {
    await db.query(`DROP TABLE access_log_partition.${pg.escapeIdentifier(name)}`);
  }
  const { rows: sets } = await db.query<{ month: string }>(
    `SELECT to_char(s.month, 'YYYY-MM') AS month FROM access_log_seal s
     WHERE to_regclass('access_log_day_patient_partition.access_log_day_patient_'
                       || to_char(s.month, 'YYYY_MM')) IS NOT NULL
       AND to_regclass('access_log_partition.access_log_' || to_char(s.month, 'YYYY_MM')) IS NULL`,
  );
  if (sets.length === 0) return;
  const client = await db.connect();
  try {
    for (const { month } of sets) await dropDayPatientMonth(client, month);
  } finally {
    client.release();
  }
}

async function isDetachPending(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ pending: boolean }>(
    `SELECT i.inhdetachpending AS pending FROM pg_inherits i
     WHERE i.inhrelid = $1::regclass AND i.inhparent = 'public.access_log'::regclass`,
    [table],
  );
  return rows[0]?.pending ?? false;
}
