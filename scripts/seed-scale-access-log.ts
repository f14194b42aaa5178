import type pg from 'pg';
import { type ChainedRow, genesisHash, rowHash } from '../src/audit/hash-chain.js';
import { isOutOfHours } from '../src/audit/out-of-hours.js';
import { CopyWriter } from './seed-scale-copy.js';
import type { Prng } from './seed-scale-prng.js';
import type { ScaleRegion, UnitKind } from './seed-scale-region.js';

/**
 * The access log of the seeded year: rows of staff of the case's units reading and
 * changing cases while they are open, chained per month exactly as access_log_append
 * chains them (src/audit/hash-chain.ts is the same encoding, written for the verifier):
 * positions 1, 2, 3 … in time order, each hash over the previous hash and the row.
 * Each month is copied straight into its partition, created by
 * access_log_ensure_partition like every partition the API gets.
 */

/** What the log needs of a case; kept compact because there are 100 000 of them. */
export interface LoggedCase {
  caseId: string;
  patientId: string;
  personalIdentityNumber: string;
  protectedIdentity: boolean;
  /** Units that took part, as indices into region.units. */
  units: number[];
  from: number;
  until: number;
}

const ACCESS_COLUMNS = [
  'id',
  'chain_position',
  'time',
  'activity',
  'outcome',
  'user_hsa_id',
  'user_name',
  'unit_hsa_id',
  'provider_hsa_id',
  'commission_hsa_id',
  'purpose',
  'patient_id',
  'personal_identity_number',
  'case_id',
  'categories',
  'request_id',
  'operation_name',
  'emergency_access',
  'protected_identity',
  'not_a_party',
  'out_of_hours',
  'prev_hash',
  'hash',
] as const;

const CATEGORIES: Record<UnitKind, string[]> = {
  WARD_SOMATIC: ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING'],
  WARD_PSYCHIATRIC: ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING'],
  PRIMARY_CARE: ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING'],
  MUNICIPAL_SOCIAL_SERVICES: ['ADMINISTRATIVE', 'IDENTITY', 'PLANNING', 'SOCIAL'],
  MUNICIPAL_HEALTH_CARE: ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING'],
};

const OPERATIONS = {
  READ: ['CaseById', 'Cases', 'CaseEvents', 'CarePlans', 'CaseListNested'],
  CREATE: ['AddNote', 'CreateCarePlan', 'Acknowledge'],
  CHANGE: ['NotifyReadyForDischarge', 'ReviseCarePlan', 'AnnounceDischarge', 'CallToSip'],
  PRINT: ['DischargeInformation'],
  EMERGENCY_ACCESS: ['OpenEmergencyAccess'],
} as const;
type Activity = keyof typeof OPERATIONS;

function activityOf(r: number): Activity {
  if (r < 0.0005) return 'EMERGENCY_ACCESS';
  if (r < 0.02) return 'PRINT';
  if (r < 0.06) return 'CREATE';
  if (r < 0.14) return 'CHANGE';
  return 'READ';
}

const HOUR = 3_600_000;

export interface Month {
  start: Date;
  end: Date;
  rows: number;
}

/** UTC months from `start` to `end`, with `total` rows shared out by length. */
export function monthsOf(start: Date, end: Date, total: number): Month[] {
  const months: Month[] = [];
  let at = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  while (at < end) {
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    months.push({ start: at < start ? start : at, end: next < end ? next : end, rows: 0 });
    at = next;
  }
  const span = end.getTime() - start.getTime();
  let given = 0;
  for (const m of months) {
    m.rows = Math.floor((total * (m.end.getTime() - m.start.getTime())) / span);
    given += m.rows;
  }
  if (months.length > 0) months.at(-1)!.rows += total - given;
  return months;
}

/**
 * Generates one month's rows in time order and copies them into the month's partition.
 * The month must have no rows yet (the chain starts at its genesis).
 */
export async function loadMonth(
  client: pg.ClientBase,
  region: ScaleRegion,
  cases: readonly LoggedCase[],
  month: Month,
  prng: Prng,
  onRows: (n: number) => void,
): Promise<void> {
  const monthStart = new Date(Date.UTC(month.start.getUTCFullYear(), month.start.getUTCMonth(), 1));
  const { rows: partition } = await client.query<{ name: string }>(
    'SELECT access_log_ensure_partition($1) AS name',
    [monthStart],
  );
  const from = month.start.getTime();
  const until = month.end.getTime();
  const active = cases.filter((c) => c.from < until && c.until > from);
  if (active.length === 0 || month.rows === 0) return;

  // Times first, so the rows can be put in time order before they are chained.
  const n = month.rows;
  const times = new Float64Array(n);
  const caseOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = prng.int(active.length);
    const k = active[c]!;
    const lo = Math.max(from, k.from);
    const hi = Math.min(until, k.until);
    let t = lo + Math.floor(prng.float() * (hi - lo));
    // Most work happens in the daytime: move three in four accesses into 06–17 UTC.
    if (prng.chance(0.75)) {
      const day = t - (t % (24 * HOUR));
      const moved = day + (6 + prng.int(12)) * HOUR + prng.int(HOUR);
      if (moved >= lo && moved < hi) t = moved;
    }
    times[i] = t;
    caseOf[i] = c;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => times[a]! - times[b]! || a - b);

  const outOfHoursByHour = new Map<number, boolean>();
  const outOfHours = (t: number) => {
    const hour = Math.floor(t / HOUR);
    let value = outOfHoursByHour.get(hour);
    if (value === undefined) {
      value = isOutOfHours(new Date(hour * HOUR));
      outOfHoursByHour.set(hour, value);
    }
    return value;
  };

  const name = partition[0]!.name;
  const attach = await detachForBulkLoad(client, name);
  const writer = new CopyWriter(client, name, ACCESS_COLUMNS);
  let prev = genesisHash(monthStart);
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    const k = active[caseOf[i]!]!;
    const activity = activityOf(prng.float());
    const emergency = activity === 'EMERGENCY_ACCESS';
    // Emergency access comes from a ward that is not a party; everything else from a party.
    const unitIndex = emergency ? prng.pick(region.wards) : prng.pick(k.units);
    const unit = region.units[unitIndex]!;
    const person = region.staff[prng.pick(unit.staff)]!;
    const notAParty = emergency && !k.units.includes(unitIndex);
    const outcomeDraw = prng.float();
    const time = new Date(times[i]!);
    const row: ChainedRow = {
      id: prng.uuid(),
      chainPosition: p + 1,
      time,
      activity,
      outcome: outcomeDraw < 0.005 ? 'DENIED' : outcomeDraw < 0.007 ? 'FAILED' : 'SUCCESS',
      userHsaId: person.hsaId,
      userName: person.name,
      unitHsaId: unit.hsaId,
      providerHsaId: unit.providerHsaId,
      commissionHsaId: `${unit.hsaId}C1`,
      purpose: 'Vård och behandling',
      patientId: k.patientId,
      personalIdentityNumber: k.personalIdentityNumber,
      caseId: k.caseId,
      categories: CATEGORIES[unit.kind],
      requestId: prng.uuid(),
      operationName: prng.pick(OPERATIONS[activity]),
      emergencyAccess: emergency,
      protectedIdentity: k.protectedIdentity,
      notAParty,
      outOfHours: outOfHours(times[i]!),
    };
    const hash = rowHash(prev, row);
    await writer.write([
      row.id,
      row.chainPosition,
      time,
      row.activity,
      row.outcome,
      row.userHsaId,
      row.userName,
      row.unitHsaId,
      row.providerHsaId,
      row.commissionHsaId,
      row.purpose,
      row.patientId,
      row.personalIdentityNumber,
      row.caseId,
      row.categories,
      row.requestId,
      row.operationName,
      row.emergencyAccess,
      row.protectedIdentity,
      row.notAParty,
      row.outOfHours,
      prev,
      hash,
    ]);
    prev = hash;
    if ((p & 4095) === 4095) {
      onRows(4096);
      // Let the other months' connections get their turn at the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await writer.end();
  await attach();
  // Rows copied in bypass access_log_append, so the month's per-day patient set (the log
  // review's volume count) is built from them, as the migration built it for older rows.
  await client.query('SELECT access_log_day_patient_fill($1)', [monthStart]);
  onRows(n & 4095);
}

/**
 * Loading into a partition with its six indexes in place is index-bound: every row is a
 * random insert into each b-tree (the ids are random). So the month's partition, made by
 * access_log_ensure_partition as always, is detached and stripped of its indexes, filled,
 * given the same indexes again by sorted builds, and attached: attaching adopts matching
 * indexes instead of building them, and a CHECK constraint equal to the partition bound
 * spares it the validation scan. Only detach and attach lock the parent table, each for
 * a moment, so several months load in parallel. The partition ends up exactly as
 * access_log_ensure_partition made it, indexes and triggers included; a seed that fails
 * half-way leaves a detached month, and is re-run with --reset.
 */
async function detachForBulkLoad(
  client: pg.ClientBase,
  qualified: string,
): Promise<() => Promise<void>> {
  const schema = qualified.split('.')[0]!;
  const { rows: bounds } = await client.query<{ bound: string }>(
    `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.oid = $1::regclass`,
    [qualified],
  );
  const { rows: keys } = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = $1::regclass AND contype = 'p'`,
    [qualified],
  );
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = $1::regclass AND NOT EXISTS (
       SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)`,
    [qualified],
  );
  await client.query(`ALTER TABLE public.access_log DETACH PARTITION ${qualified}`);
  for (const k of keys) await client.query(`ALTER TABLE ${qualified} DROP CONSTRAINT "${k.name}"`);
  for (const i of indexes) await client.query(`DROP INDEX "${schema}"."${i.name}"`);
  return async () => {
    await client.query("SET maintenance_work_mem = '256MB'");
    for (const k of keys) {
      await client.query(`ALTER TABLE ${qualified} ADD CONSTRAINT "${k.name}" ${k.definition}`);
    }
    for (const i of indexes) await client.query(i.definition);
    const range = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(bounds[0]!.bound);
    if (!range) throw new Error(`unexpected partition bound ${bounds[0]!.bound}`);
    await client.query(
      `ALTER TABLE ${qualified} ADD CONSTRAINT seed_scale_bound
       CHECK (time IS NOT NULL AND time >= '${range[1]}' AND time < '${range[2]}')`,
    );
    await client.query(
      `ALTER TABLE public.access_log ATTACH PARTITION ${qualified} ${bounds[0]!.bound}`,
    );
    await client.query(`ALTER TABLE ${qualified} DROP CONSTRAINT seed_scale_bound`);
  };
}
