import { Prisma } from '../db/generated/prisma/client.js';

/**
 * How the log review counts the distinct patients one user touched in one organisation on
 * one Stockholm day (the UNUSUAL_VOLUME measure): from `access_log_day_patient`, the set
 * that access_log_append keeps with the log (migration 20261207300000_access_log_day_patients),
 * one row per user, organisation, day, patient and UTC month of the log. Counting the log
 * itself read every row of the user's day, tens of thousands for a busy user.
 *
 * A Stockholm day lies in at most two UTC months (its first hour or two are the previous
 * UTC day), so the count takes the distinct patients over the day's month and the month
 * before it. Those two bounds are stated per day (pruned while the query runs) and the
 * whole period's, when known, as constants (pruned when it is planned).
 */
export function patientsOfDay(
  user: Prisma.Sql,
  provider: Prisma.Sql,
  day: Prisma.Sql,
  period: { from: Date | null; to: Date | null },
): Prisma.Sql {
  // Two days either side cover any Stockholm day of the period, the 25-hour one included.
  const from = period.from
    ? Prisma.sql`AND v.log_month >= ${utcMonth(period.from.getTime() - TWO_DAYS_MS)}::date`
    : Prisma.empty;
  const to = period.to
    ? Prisma.sql`AND v.log_month <= ${utcMonth(period.to.getTime() + TWO_DAYS_MS)}::date`
    : Prisma.empty;
  return Prisma.sql`(
    SELECT count(DISTINCT v.patient_id)::int FROM access_log_day_patient v
    WHERE v.user_hsa_id = ${user} AND v.provider_hsa_id = ${provider} AND v.day = ${day}
      AND v.log_month >= ${firstOfMonth(Prisma.sql`(${day} - 1)`)}
      AND v.log_month <= ${firstOfMonth(day)}
      ${from} ${to})`;
}

/** The Stockholm calendar day of a timestamptz expression, as a date. */
export function stockholmDay(instant: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${instant} AT TIME ZONE 'Europe/Stockholm')::date`;
}

/** The first of the month of a date expression, in date arithmetic (no time zone). */
function firstOfMonth(date: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${date} - extract(day FROM ${date})::int + 1)`;
}

const TWO_DAYS_MS = 2 * 86_400_000;

/** 'YYYY-MM-01' of the UTC month of an instant: the log month it lies in. */
function utcMonth(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 7)}-01`;
}
