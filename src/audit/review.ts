import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import type { RawReads } from '../db/raw-reads.js';
import { addDays, stockholmInstant } from '../domain/calendar.js';
import type { AccessActivity } from './access-recorder.js';
import { patientsOfDay, stockholmDay } from './day-patients.js';
import type { ChainedRow } from './hash-chain.js';
import { PATIENT_PORTAL_DISCLOSURE_SQL } from './patient-portal-disclosure.js';
import type { ReviewScope } from './review-access.js';

/**
 * The log review's queries (logguppföljning), always within one organisation's rows
 * (src/audit/review-access.ts). Raw SQL built with Prisma's tagged templates: the filters
 * (flags computed at review time, the seeded sample) are SQL expressions Prisma's query
 * API cannot state, and the partition key `time` must reach the planner for pruning. The
 * reads run through the pool (src/db/raw-reads.ts): a page is 100 rows of 25 columns, and
 * Prisma's typing of each value cost more CPU than the database took to find them.
 */

/** More distinct patients than this for one user on one Stockholm day is flagged. */
export const UNUSUAL_PATIENTS_PER_USER_AND_DAY = 50;
/** The most rows one CSV export may hold; narrow the filter for more. */
export const EXPORT_ROW_LIMIT = 50_000;
/** The most rows one patient's log extract may hold. */
export const EXTRACT_ROW_LIMIT = 10_000;

export const ACCESS_FLAGS = [
  'EMERGENCY_ACCESS',
  'PROTECTED_IDENTITY',
  'NOT_A_PARTY',
  'OUT_OF_HOURS',
  'UNUSUAL_VOLUME',
  'PATIENT_PORTAL_DISCLOSURE',
] as const;
export type AccessFlag = (typeof ACCESS_FLAGS)[number];
export type AccessOutcomeName = 'SUCCESS' | 'DENIED' | 'FAILED';

export interface AccessLogFilter {
  patientId?: string | null;
  personalIdentityNumber?: string | null;
  userHsaId?: string | null;
  unitHsaId?: string | null;
  caseId?: string | null;
  from?: Date | null;
  to?: Date | null;
  activities?: readonly AccessActivity[] | null;
  outcomes?: readonly AccessOutcomeName[] | null;
  /** Rows carrying every one of these flags. */
  flags?: readonly AccessFlag[] | null;
}

/** One access-log row as the review shows it, with the review-time volume count. */
export interface AccessLogEntry extends Omit<ChainedRow, 'activity' | 'outcome'> {
  activity: AccessActivity;
  outcome: AccessOutcomeName;
  prevHash: string;
  hash: string;
  /** Why the emergency access was opened, for a row that rests on one (null otherwise). */
  emergencyReason: string | null;
  /** Distinct patients this user touched in this organisation on the row's Stockholm day. */
  userPatientsThatDay: number;
}

/** A seeded sample: rows of one Stockholm month whose seeded hash falls under percent. */
export interface SampleDefinition {
  monthStart: Date;
  monthEnd: Date;
  percent: number;
  seed: string;
}

/**
 * Distinct patients of the row's user, organisation and Stockholm day, for the
 * UNUSUAL_VOLUME filter, from the per-day patient set (src/audit/day-patients.ts). The
 * filter's period bounds the set's months by constants too, so the planner prunes the rest.
 */
function userPatientsThatDay(filter: AccessLogFilter): Prisma.Sql {
  return patientsOfDay(
    Prisma.sql`l.user_hsa_id`,
    Prisma.sql`l.provider_hsa_id`,
    stockholmDay(Prisma.sql`l.time`),
    { from: filter.from ?? null, to: filter.to ?? null },
  );
}

/**
 * The reason of the emergency grant (nödöppning) a row rests on: the grant of the row's
 * case to its user in its unit that was in force at the row's time. Joined, not stored in
 * the row, so the hash chain's canonical row and every existing chain stay as they are
 * (README, "Emergency-access reason").
 */
const EMERGENCY_REASON = Prisma.sql`(SELECT e.reason FROM emergency_access e JOIN unit eu ON eu.id = e.unit_id
  WHERE l.emergency_access AND e.case_id = l.case_id AND e.user_hsa_id = l.user_hsa_id
    AND eu.hsa_id = l.unit_hsa_id AND e.granted_at <= l.time AND l.time <= e.expires_at
  ORDER BY e.granted_at DESC LIMIT 1)`;

const COLUMNS = Prisma.sql`l.id::text AS "id", l.chain_position AS "chainPosition", l.time AS "time",
  l.activity::text AS "activity", l.outcome::text AS "outcome", l.user_hsa_id::text AS "userHsaId",
  l.user_name AS "userName", l.unit_hsa_id::text AS "unitHsaId",
  l.provider_hsa_id::text AS "providerHsaId", l.commission_hsa_id AS "commissionHsaId",
  l.purpose AS "purpose", l.patient_id::text AS "patientId",
  l.personal_identity_number AS "personalIdentityNumber", l.case_id::text AS "caseId",
  l.categories AS "categories", l.request_id AS "requestId", l.operation_name AS "operationName",
  l.emergency_access AS "emergencyAccess", l.protected_identity AS "protectedIdentity",
  l.not_a_party AS "notAParty", l.out_of_hours AS "outOfHours", l.prev_hash AS "prevHash",
  l.hash AS "hash", ${EMERGENCY_REASON} AS "emergencyReason"`;

type StoredEntry = Omit<AccessLogEntry, 'userPatientsThatDay'>;

/**
 * Attaches each row's volume count (distinct patients of its user in this organisation on
 * its Stockholm day), counted once per user and day of the page, after the page is chosen,
 * from the per-day patient set (src/audit/day-patients.ts): one index entry per distinct
 * patient of the day, where counting the log read every row of the user's day. In the
 * select list, a count made the planner expand its subquery over every month partition for
 * each partition of the search. Days are cut in SQL: the Stockholm calendar in JS costs
 * about 40 µs a day boundary, which at 100 rows a page was more than the whole query.
 */
async function withVolumes(
  reads: RawReads,
  scope: ReviewScope,
  rows: StoredEntry[],
): Promise<AccessLogEntry[]> {
  if (rows.length === 0) return [];
  const times = rows.map((r) => r.time);
  const first = times.reduce((t, d) => Math.min(t, d.getTime()), Infinity);
  const last = times.reduce((t, d) => Math.max(t, d.getTime()), -Infinity);
  const patients = patientsOfDay(
    Prisma.sql`k.u`,
    Prisma.sql`${scope.providerHsaId}`,
    Prisma.sql`k.day`,
    { from: new Date(first), to: new Date(last) },
  );
  // Prepared (src/db/statement-names.ts): the rows are found by key, so every plan is one plan.
  const counts = await reads.rows<{ patients: number }>(
    Prisma.sql`
    WITH page AS (
      SELECT r.n, r.u, ${stockholmDay(Prisma.sql`r.t`)} AS day
      FROM unnest(${rows.map((r) => r.userHsaId)}::text[], ${times}::timestamptz[])
        WITH ORDINALITY AS r(u, t, n)
    ), volume AS (
      SELECT k.u, k.day, ${patients} AS patients
      FROM (SELECT DISTINCT u, day FROM page) k
    )
    SELECT coalesce(v.patients, 0) AS patients
    FROM page p LEFT JOIN volume v ON v.u = p.u AND v.day = p.day
    ORDER BY p.n`,
    { prepared: true },
  );
  return rows.map((row, i) => ({ ...row, userPatientsThatDay: counts[i]?.patients ?? 0 }));
}

/**
 * The seeded selection: the first 32 bits of sha256(seed:id) as a fraction of 2^32, under
 * the percentage. Each row's fate depends only on the seed and its own id, so the same
 * seed draws the same rows however often, and rows added later never change the others.
 */
function samplePredicate(sample: SampleDefinition): Prisma.Sql {
  const threshold = Math.floor((sample.percent / 100) * 2 ** 32);
  return Prisma.sql`l.time >= ${sample.monthStart} AND l.time < ${sample.monthEnd}
    AND ('x' || left(encode(sha256(convert_to(${sample.seed} || ':' || l.id::text, 'UTF8')), 'hex'), 8))::bit(32)::bigint < ${threshold}::bigint`;
}

function where(scope: ReviewScope, filter: AccessLogFilter, sample?: SampleDefinition): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`l.provider_hsa_id = ${scope.providerHsaId}`];
  if (filter.patientId) conditions.push(Prisma.sql`l.patient_id = ${filter.patientId}::uuid`);
  if (filter.personalIdentityNumber)
    conditions.push(Prisma.sql`l.personal_identity_number = ${filter.personalIdentityNumber}`);
  if (filter.userHsaId) conditions.push(Prisma.sql`l.user_hsa_id = ${filter.userHsaId}`);
  if (filter.unitHsaId) conditions.push(Prisma.sql`l.unit_hsa_id = ${filter.unitHsaId}`);
  if (filter.caseId) conditions.push(Prisma.sql`l.case_id = ${filter.caseId}::uuid`);
  if (filter.from) conditions.push(Prisma.sql`l.time >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`l.time < ${filter.to}`);
  if (filter.activities?.length)
    conditions.push(Prisma.sql`l.activity::text = ANY(${[...filter.activities]}::text[])`);
  if (filter.outcomes?.length)
    conditions.push(Prisma.sql`l.outcome::text = ANY(${[...filter.outcomes]}::text[])`);
  for (const flag of new Set(filter.flags ?? [])) {
    conditions.push(
      {
        EMERGENCY_ACCESS: Prisma.sql`l.emergency_access`,
        PROTECTED_IDENTITY: Prisma.sql`l.protected_identity`,
        NOT_A_PARTY: Prisma.sql`l.not_a_party`,
        OUT_OF_HOURS: Prisma.sql`l.out_of_hours`,
        UNUSUAL_VOLUME: Prisma.sql`${userPatientsThatDay(filter)} > ${UNUSUAL_PATIENTS_PER_USER_AND_DAY}`,
        PATIENT_PORTAL_DISCLOSURE: PATIENT_PORTAL_DISCLOSURE_SQL,
      }[flag],
    );
  }
  if (sample) conditions.push(samplePredicate(sample));
  return Prisma.join(conditions, ' AND ');
}

export interface Page {
  first: number;
  after: { time: Date; id: string } | null;
}

/** Newest first; keyset pagination on (time, id). */
export async function searchAccessLog(
  reads: RawReads,
  scope: ReviewScope,
  filter: AccessLogFilter,
  page: Page,
  sample?: SampleDefinition,
): Promise<{ rows: AccessLogEntry[]; hasNextPage: boolean }> {
  const seek = page.after
    ? Prisma.sql`AND (l.time, l.id) < (${page.after.time}, ${page.after.id}::uuid)`
    : Prisma.empty;
  // Prepared (src/db/statement-names.ts): planning this statement over the log's month
  // partitions took as long as running it (about 3 ms each for a patient's year). Each
  // combination of filters is a text of its own; within one, the plan is an index scan per
  // partition, backwards in time, with the months outside the period pruned when it runs.
  const rows = await reads.rows<StoredEntry>(
    Prisma.sql`
    SELECT ${COLUMNS} FROM access_log l
    WHERE ${where(scope, filter, sample)} ${seek}
    ORDER BY l.time DESC, l.id DESC
    LIMIT ${page.first + 1}`,
    { prepared: true },
  );
  return {
    rows: await withVolumes(reads, scope, rows.slice(0, page.first)),
    hasNextPage: rows.length > page.first,
  };
}

/**
 * The rows among `ids` (lower-case UUIDs) of the organisation's log, each with its volume
 * count as a search shows it; the others (another organisation's, none at all) are left
 * out. What `node(id:)` loads: the scope is the search's, so a row a search would not show
 * the officer is not found here either.
 */
export async function accessLogEntriesById(
  reads: RawReads,
  scope: ReviewScope,
  ids: readonly string[],
): Promise<AccessLogEntry[]> {
  if (ids.length === 0) return [];
  const rows = await reads.rows<StoredEntry>(Prisma.sql`
    SELECT ${COLUMNS} FROM access_log l
    WHERE ${where(scope, {})} AND l.id = ANY(${[...ids]}::uuid[])
    ORDER BY l.time DESC, l.id DESC`);
  return withVolumes(reads, scope, rows);
}

/** How many rows the search (or the sample) matches in all, for "page x of y". */
export async function countAccessLog(
  reads: RawReads,
  scope: ReviewScope,
  filter: AccessLogFilter,
  sample?: SampleDefinition,
): Promise<number> {
  const [row] = await reads.rows<{ n: number }>(Prisma.sql`
    SELECT count(*)::int AS n FROM access_log l WHERE ${where(scope, filter, sample)}`);
  return row?.n ?? 0;
}

/** Oldest first, for a CSV export; null when more rows match than `limit`. */
export async function exportAccessLog(
  reads: RawReads,
  scope: ReviewScope,
  filter: AccessLogFilter,
  limit = EXPORT_ROW_LIMIT,
): Promise<AccessLogEntry[] | null> {
  const rows = await reads.rows<StoredEntry>(Prisma.sql`
    SELECT ${COLUMNS} FROM access_log l
    WHERE ${where(scope, filter)}
    ORDER BY l.time, l.id
    LIMIT ${limit + 1}`);
  return rows.length > limit ? null : withVolumes(reads, scope, rows);
}

/** The Stockholm calendar month 'YYYY-MM' as instants [start, end). */
export function stockholmMonth(month: string): { monthStart: Date; monthEnd: Date } | null {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const m = Number(match[2]);
  const next = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, '0')}-01`;
  return { monthStart: stockholmInstant(`${month}-01`), monthEnd: stockholmInstant(next) };
}

export function newSeed(): string {
  return randomBytes(16).toString('hex');
}

/** Draws (and stores, with its seed) a sample of one month of the organisation's log. */
export async function drawSample(
  prisma: PrismaClient,
  scope: ReviewScope,
  input: { month: string; monthStart: Date; monthEnd: Date; percent: number; seed: string },
) {
  const definition: SampleDefinition = input;
  const [counts] = await prisma.$queryRaw<{ population: number; size: number }[]>`
    SELECT count(*)::int AS population,
           (count(*) FILTER (WHERE ${samplePredicate(definition)}))::int AS size
    FROM access_log l
    WHERE l.provider_hsa_id = ${scope.providerHsaId}
      AND l.time >= ${input.monthStart} AND l.time < ${input.monthEnd}`;
  return prisma.accessReviewSample.create({
    data: {
      providerHsaId: scope.providerHsaId,
      month: new Date(`${input.month}-01T00:00:00Z`),
      percent: new Prisma.Decimal(input.percent.toFixed(2)),
      seed: input.seed,
      population: counts?.population ?? 0,
      size: counts?.size ?? 0,
      drawnByHsaId: scope.officerHsaId,
      drawnByName: scope.officerName,
    },
  });
}

/** The definition a stored sample was drawn with, to list its rows again. */
export function sampleDefinitionOf(sample: {
  month: Date;
  percent: { toString(): string };
  seed: string;
}): SampleDefinition {
  const month = sample.month.toISOString().slice(0, 7);
  const range = stockholmMonth(month);
  if (!range) throw new Error(`stored sample month ${month} is not a month`);
  return { ...range, percent: Number(sample.percent.toString()), seed: sample.seed };
}

export interface UnusualActivity {
  userHsaId: string;
  userName: string;
  day: string;
  patientCount: number;
  unitHsaIds: string[];
}

/** Users who touched more distinct patients on one Stockholm day than the threshold. */
export async function unusualActivity(
  reads: RawReads,
  scope: ReviewScope,
  day: string,
  threshold = UNUSUAL_PATIENTS_PER_USER_AND_DAY,
): Promise<UnusualActivity[]> {
  const start = stockholmInstant(day);
  const end = stockholmInstant(addDays(day, 1));
  return reads.rows<UnusualActivity>(Prisma.sql`
    SELECT l.user_hsa_id::text AS "userHsaId", max(l.user_name) AS "userName",
           ${day}::text AS "day", count(DISTINCT l.patient_id)::int AS "patientCount",
           array_agg(DISTINCT l.unit_hsa_id::text ORDER BY l.unit_hsa_id::text) AS "unitHsaIds"
    FROM access_log l
    WHERE l.provider_hsa_id = ${scope.providerHsaId} AND l.time >= ${start} AND l.time < ${end}
    GROUP BY l.user_hsa_id
    HAVING count(DISTINCT l.patient_id) > ${threshold}
    ORDER BY count(DISTINCT l.patient_id) DESC, l.user_hsa_id`);
}

export interface ExtractEntry {
  time: Date;
  activity: AccessActivity;
  unitHsaId: string;
  unitName: string | null;
  providerHsaId: string;
  providerName: string | null;
  patientId: string | null;
}

/**
 * The patient's log extract (loggutdrag): which units of this organisation accessed the
 * patient's data, and when. Only accesses that happened (SUCCESS): a refused or failed
 * access showed the user nothing. Unit and provider names are today's names, looked up
 * by HSA-ID; the HSA-IDs themselves are the ones stored at access time.
 */
export async function patientExtract(
  reads: RawReads,
  scope: ReviewScope,
  personalIdentityNumber: string,
  from: Date | null,
  to: Date | null,
): Promise<ExtractEntry[] | null> {
  const rows = await reads.rows<ExtractEntry>(Prisma.sql`
    SELECT l.time AS "time", l.activity::text AS "activity", l.unit_hsa_id::text AS "unitHsaId",
           u.name AS "unitName", l.provider_hsa_id::text AS "providerHsaId",
           o.name AS "providerName", l.patient_id::text AS "patientId"
    FROM access_log l
    LEFT JOIN unit u ON u.hsa_id = l.unit_hsa_id
    LEFT JOIN organization o ON o.hsa_id = l.provider_hsa_id
    WHERE l.provider_hsa_id = ${scope.providerHsaId}
      AND l.personal_identity_number = ${personalIdentityNumber}
      AND l.outcome = 'SUCCESS'
      ${from ? Prisma.sql`AND l.time >= ${from}` : Prisma.empty}
      ${to ? Prisma.sql`AND l.time < ${to}` : Prisma.empty}
    ORDER BY l.time, l.id
    LIMIT ${EXTRACT_ROW_LIMIT + 1}`);
  return rows.length > EXTRACT_ROW_LIMIT ? null : rows;
}

/** Ids among `ids` that are rows of this organisation's log. */
export async function ownAccessLogIds(
  reads: RawReads,
  scope: ReviewScope,
  ids: readonly string[],
): Promise<Set<string>> {
  const rows = await reads.rows<{ id: string }>(Prisma.sql`
    SELECT DISTINCT l.id::text AS id FROM access_log l
    WHERE l.id = ANY(${[...ids]}::uuid[]) AND l.provider_hsa_id = ${scope.providerHsaId}`);
  return new Set(rows.map((r) => r.id));
}
