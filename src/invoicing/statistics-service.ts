/**
 * The indicators of DOMAIN.md per municipality or district and month, computed by
 * src/domain/payment/statistics.ts over the cases in reach, and snapshots of a month as
 * the monthly run saw it.
 */
import type { PrismaClient } from '../db/client.js';
import { addMonths, compareDates, firstDayOfMonth, type YearMonth } from '../domain/calendar.js';
import { type PaymentStatistics, paymentStatistics } from '../domain/payment/statistics.js';
import { InvoicingError } from './errors.js';
import { loadAgreements, loadCases, lookBackFrom } from './load.js';
import { periodDate } from './month.js';

export interface StatisticsScope {
  /** Cases of the region's wards (a region's finance), or … */
  regionId?: string;
  /** … cases of these municipalities' and districts' residents. */
  municipalityIds?: readonly string[];
  from: YearMonth;
  to: YearMonth;
  /** When the figures are taken (a case admitted within 24 h may still send its notice). */
  asOf: Date;
}

export const MAX_STATISTICS_MONTHS = 36;

export async function computeStatistics(
  prisma: PrismaClient,
  scope: StatisticsScope,
): Promise<PaymentStatistics> {
  if (compareDates(firstDayOfMonth(scope.to), firstDayOfMonth(scope.from)) < 0) {
    throw new InvoicingError(
      'INVALID_MONTH',
      `to (${scope.to}) is before from (${scope.from})`,
      'to',
    );
  }
  if (
    compareDates(
      firstDayOfMonth(scope.to),
      firstDayOfMonth(addMonths(scope.from, MAX_STATISTICS_MONTHS - 1)),
    ) > 0
  ) {
    throw new InvoicingError(
      'INVALID_MONTH',
      `ask for at most ${MAX_STATISTICS_MONTHS} months at a time`,
      'to',
    );
  }
  const cases = await loadCases(prisma, {
    ...(scope.regionId ? { regionId: scope.regionId } : {}),
    ...(scope.municipalityIds ? { municipalityIds: scope.municipalityIds } : {}),
    from: lookBackFrom(scope.from),
    until: firstDayOfMonth(addMonths(scope.to, 1)),
  });
  const regionIds = [...new Set(cases.map((c) => c.regionId))];
  const agreements = await loadAgreements(prisma, regionIds);
  // The same deadline versions as the inbox: one decision of "in time" (src/domain/deadlines).
  const deadlines = await prisma.deadlineRule.findMany({ orderBy: { validFrom: 'asc' } });
  return paymentStatistics({
    deadlines,
    timelines: cases,
    agreements,
    from: scope.from,
    to: scope.to,
    asOf: scope.asOf,
  });
}

/** Stores the month's indicators of every municipality in the statistics, one row each. */
export async function snapshotMonth(
  prisma: PrismaClient,
  month: YearMonth,
  statistics: PaymentStatistics,
  jobRunId: string | null,
): Promise<number> {
  const byMunicipality = new Map<string, Record<string, number | null>>();
  for (const series of statistics.series) {
    const point = series.points.find((p) => p.month === month);
    if (point === undefined) continue;
    const values = byMunicipality.get(series.municipalityId) ?? {};
    values[series.indicator] = point.value;
    byMunicipality.set(series.municipalityId, values);
  }
  const rows = [...byMunicipality].map(([municipalityId, indicators]) => ({
    month: periodDate(month),
    municipalityId,
    indicators,
    problems: statistics.problems
      .filter((p) => p.municipalityId === municipalityId)
      .map((p) => ({ caseId: p.caseId, code: p.error.code, message: p.error.message })),
    jobRunId,
  }));
  if (rows.length > 0) await prisma.statisticsSnapshot.createMany({ data: rows });
  return rows.length;
}
