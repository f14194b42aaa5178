import { type ChainedRow, genesisHash, monthKey, rowHash } from './hash-chain.js';
import type { Queryable } from './writer.js';

/** Where a chain breaks: the first row that does not fit, and what was expected there. */
export interface BrokenLink {
  partition: string;
  month: string;
  rowId: string | null;
  chainPosition: number;
  /**
   * DETACH_PENDING: a month being detached (a retention run cut off during DETACH …
   * CONCURRENTLY) that has no seal; with a seal it is not a problem (`detachPending`).
   */
  problem:
    | 'HASH_MISMATCH'
    | 'PREV_HASH_MISMATCH'
    | 'POSITION_GAP'
    | 'SEAL_MISMATCH'
    | 'DETACH_PENDING';
  expected: string;
  found: string;
}

export interface PartitionReport {
  partition: string;
  month: string;
  rows: number;
  lastHash: string;
  sealed: boolean;
}

export interface VerifyReport {
  ok: boolean;
  partitions: PartitionReport[];
  /** Sealed months whose partition retention has already dropped. */
  sealedAndDropped: string[];
  /**
   * Sealed months a cut-off retention run left half-detached: no longer readable through
   * the log, vouched for by their seal, dropped by the next run. Not tampering.
   */
  detachPending: string[];
  rows: number;
  broken: BrokenLink | null;
}

interface Seal {
  month: string;
  lastHash: string;
  rowCount: number;
}

const BATCH = 5000;

/**
 * Walks every monthly partition's chain in order, recomputing each hash from the stored
 * columns, and compares the end of each chain with its seal when there is one. Stops at
 * the first broken link, which is what an investigator needs first. Reads through the
 * parent table in keyset batches, so memory stays flat and the API role suffices.
 */
export async function verifyAccessLog(db: Queryable): Promise<VerifyReport> {
  const partitions = await listPartitions(db);
  const seals = new Map(
    (
      await db.query<{ month: string; last_hash: string; row_count: number }>(
        `SELECT to_char(month, 'YYYY-MM') AS month, last_hash, row_count FROM access_log_seal`,
      )
    ).rows.map((s): [string, Seal] => [
      s.month,
      { month: s.month, lastHash: s.last_hash, rowCount: s.row_count },
    ]),
  );
  const report: VerifyReport = {
    ok: true,
    partitions: [],
    sealedAndDropped: [],
    detachPending: [],
    rows: 0,
    broken: null,
  };
  for (const partition of partitions) {
    const month = monthKey(partition.monthStart);
    const seal = seals.get(month);
    if (partition.detachPending) {
      // Reads through the log no longer see it, so its chain cannot be walked from here;
      // the runner sealed it before detaching, and the seal is what vouches for it.
      if (seal) {
        report.detachPending.push(month);
        continue;
      }
      report.ok = false;
      report.broken = {
        partition: partition.name,
        month,
        rowId: null,
        chainPosition: 0,
        problem: 'DETACH_PENDING',
        expected: 'a seal for a month being detached',
        found: 'no seal',
      };
      return report;
    }
    const result = await verifyPartition(db, partition.name, partition.monthStart);
    if (result.broken === null && seal) {
      if (seal.lastHash !== result.lastHash || seal.rowCount !== result.rows) {
        result.broken = {
          partition: partition.name,
          month,
          rowId: null,
          chainPosition: result.rows,
          problem: 'SEAL_MISMATCH',
          expected: `${seal.lastHash} after ${seal.rowCount} rows`,
          found: `${result.lastHash} after ${result.rows} rows`,
        };
      }
    }
    report.partitions.push({
      partition: partition.name,
      month,
      rows: result.rows,
      lastHash: result.lastHash,
      sealed: seal !== undefined,
    });
    report.rows += result.rows;
    if (result.broken) {
      report.ok = false;
      report.broken = result.broken;
      return report;
    }
  }
  const present = new Set(report.partitions.map((p) => p.month));
  const pending = new Set(report.detachPending);
  report.sealedAndDropped = [...seals.keys()]
    .filter((m) => !present.has(m) && !pending.has(m))
    .sort();
  return report;
}

/** The month partitions of the access log, oldest first. */
export async function listPartitions(
  db: Queryable,
): Promise<{ name: string; monthStart: Date; detachPending: boolean }[]> {
  // The catalogue is readable by every role; the partitions' schema need not be.
  const { rows } = await db.query<{ name: string; detach_pending: boolean }>(
    `SELECT c.relname AS name, i.inhdetachpending AS detach_pending FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.access_log'::regclass
     ORDER BY c.relname`,
  );
  return rows.map((r) => {
    const match = /^access_log_(\d{4})_(\d{2})$/.exec(r.name);
    if (!match) throw new Error(`unexpected access_log partition ${r.name}`);
    return {
      name: `access_log_partition.${r.name}`,
      monthStart: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)),
      detachPending: r.detach_pending,
    };
  });
}

/** An access_log row as PostgreSQL returns it. */
export interface RawRow {
  id: string;
  chain_position: number;
  time: Date;
  activity: string;
  outcome: string;
  user_hsa_id: string;
  user_name: string;
  unit_hsa_id: string;
  provider_hsa_id: string;
  commission_hsa_id: string | null;
  purpose: string;
  patient_id: string | null;
  personal_identity_number: string;
  case_id: string | null;
  categories: string[];
  request_id: string;
  operation_name: string | null;
  emergency_access: boolean;
  protected_identity: boolean;
  not_a_party: boolean;
  out_of_hours: boolean;
  prev_hash: string;
  hash: string;
}

function toChained(r: RawRow): ChainedRow {
  return {
    id: r.id,
    chainPosition: r.chain_position,
    time: r.time,
    activity: r.activity,
    outcome: r.outcome,
    userHsaId: r.user_hsa_id,
    userName: r.user_name,
    unitHsaId: r.unit_hsa_id,
    providerHsaId: r.provider_hsa_id,
    commissionHsaId: r.commission_hsa_id,
    purpose: r.purpose,
    patientId: r.patient_id,
    personalIdentityNumber: r.personal_identity_number,
    caseId: r.case_id,
    categories: r.categories,
    requestId: r.request_id,
    operationName: r.operation_name,
    emergencyAccess: r.emergency_access,
    protectedIdentity: r.protected_identity,
    notAParty: r.not_a_party,
    outOfHours: r.out_of_hours,
  };
}

/** Recomputes one month's chain; retention seals a partition with its result. */
export async function verifyPartition(
  db: Queryable,
  partition: string,
  monthStart: Date,
): Promise<{ rows: number; lastHash: string; broken: BrokenLink | null }> {
  const month = monthKey(monthStart);
  const monthEnd = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1));
  let previous = genesisHash(monthStart);
  let position = 0;
  for (;;) {
    // categories::text[] and the enums as text: what the canonical content hashes.
    const { rows } = await db.query<RawRow>(
      `SELECT id, chain_position, time, activity::text AS activity, outcome::text AS outcome,
              user_hsa_id, user_name, unit_hsa_id, provider_hsa_id, commission_hsa_id, purpose,
              patient_id, personal_identity_number, case_id, categories, request_id,
              operation_name, emergency_access, protected_identity, not_a_party, out_of_hours,
              prev_hash, hash
       FROM access_log
       WHERE time >= $1 AND time < $2 AND chain_position > $3
       ORDER BY chain_position
       LIMIT ${BATCH}`,
      [monthStart, monthEnd, position],
    );
    for (const raw of rows) {
      const broken = (
        problem: BrokenLink['problem'],
        expected: string,
        found: string,
      ): BrokenLink => ({
        partition,
        month,
        rowId: raw.id,
        chainPosition: raw.chain_position,
        problem,
        expected,
        found,
      });
      if (raw.chain_position !== position + 1) {
        return {
          rows: position,
          lastHash: previous,
          broken: broken(
            'POSITION_GAP',
            `position ${position + 1}`,
            `position ${raw.chain_position}`,
          ),
        };
      }
      if (raw.prev_hash !== previous) {
        return {
          rows: position,
          lastHash: previous,
          broken: broken('PREV_HASH_MISMATCH', previous, raw.prev_hash),
        };
      }
      const expected = rowHash(previous, toChained(raw));
      if (raw.hash !== expected) {
        return {
          rows: position,
          lastHash: previous,
          broken: broken('HASH_MISMATCH', expected, raw.hash),
        };
      }
      previous = raw.hash;
      position = raw.chain_position;
    }
    if (rows.length < BATCH) return { rows: position, lastHash: previous, broken: null };
  }
}
