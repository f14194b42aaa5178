/**
 * The jobs Brygga runs on a schedule, by name. Each is idempotent, so a retry after a
 * crash or a second worker picking the same schedule does no harm: drafting brings a
 * draft up to date by appending lines only, leaves approved and sent invoices alone, and
 * statistics snapshots are appended (the latest is current).
 */
import type { PrismaClient } from '../db/client.js';
import { addMonths, isYearMonth, type YearMonth } from '../domain/calendar.js';
import { InvoiceService, type StaleInvoice } from '../invoicing/invoice-service.js';
import { LOOK_BACK_MONTHS } from '../invoicing/load.js';
import { decimalOf } from '../invoicing/money.js';
import { previousMonth } from '../invoicing/month.js';
import { computeStatistics, snapshotMonth } from '../invoicing/statistics-service.js';
import { finishRun, startRun } from './job-log.js';

export interface JobContext {
  prisma: PrismaClient;
  now: () => Date;
  /** Who started the run: 'scheduler:<job id>' or 'cli'. */
  startedBy: string;
}

export interface MonthlyInvoicingPayload {
  /** The month to draft, YYYY-MM; default: the month before the run. */
  month?: string;
}

export interface MonthlyInvoicingSummary {
  month: YearMonth;
  invoicesDrafted: number;
  linesCharged: number;
  linesCredited: number;
  skipped: number;
  failed: { regionId: string; municipalityId: string; code: string; message: string }[];
  statisticsSnapshots: number;
  statisticsProblems: number;
  /** Sent months (up to the run's month) whose invoices no longer agree with the event list. */
  staleInvoices: {
    regionId: string;
    municipalityId: string;
    month: YearMonth;
    invoiced: string;
    supported: string;
    difference: string;
  }[];
}

/** One warning per stale month, naming the debtor and what a correction would net to. */
function staleWarning(stale: StaleInvoice, debtorName: string): string {
  return (
    `the sent ${stale.month} invoice basis for ${debtorName} differs from the event list: ` +
    `invoiced ${decimalOf(stale.invoicedAmount)} SEK, supported now ${decimalOf(stale.supportedAmount)} SEK ` +
    `(${stale.lines.length} line${stale.lines.length === 1 ? '' : 's'} to correct); draft a correction invoice (draftCorrectionInvoice)`
  );
}

/** What a job reports: its summary, and warnings for the run log and the worker's log. */
export interface JobOutcome<Summary> {
  summary: Summary;
  warnings: string[];
}

/**
 * Drafts every invoice basis of the month, snapshots the month's statistics, and finds the
 * sent months (of the look-back, up to this one) whose invoices no longer agree with the
 * event list: a finding in the summary and a warning each.
 */
export async function monthlyInvoicing(
  context: JobContext,
  payload: MonthlyInvoicingPayload,
): Promise<JobOutcome<MonthlyInvoicingSummary>> {
  const month = payload.month ?? previousMonth(context.now());
  if (!isYearMonth(month)) throw new Error(`month must be YYYY-MM, not '${month}'`);
  const runId = await startRun(context.prisma, 'monthly-invoicing', month, context.startedBy);
  try {
    const report = await new InvoiceService(context.prisma, context.now).draftMonth(month);
    const statistics = await computeStatistics(context.prisma, {
      from: month,
      to: month,
      asOf: context.now(),
    });
    const snapshots = await snapshotMonth(context.prisma, month, statistics, runId);
    const service = new InvoiceService(context.prisma, context.now);
    const regions = [
      ...new Set(
        [...report.drafted, ...report.skipped, ...report.failed].map((pair) => pair.regionId),
      ),
    ];
    const stale: StaleInvoice[] = [];
    // A sent month whose basis cannot be computed now cannot be checked either: say so.
    const unchecked: string[] = [];
    for (const regionId of regions) {
      const found = await service.staleInvoices(regionId, {
        from: addMonths(month, -LOOK_BACK_MONTHS),
        to: month,
      });
      stale.push(...found.stale);
      unchecked.push(
        ...found.failed.map(
          (f) =>
            `a sent invoice basis for ${f.municipalityId} could not be checked against the event list: [${f.code}] ${f.message}`,
        ),
      );
    }
    const names = new Map(
      (
        await context.prisma.organization.findMany({
          where: { id: { in: stale.map((s) => s.municipalityId) } },
          select: { id: true, name: true },
        })
      ).map((o) => [o.id, o.name]),
    );
    const summary: MonthlyInvoicingSummary = {
      month,
      invoicesDrafted: report.drafted.length,
      linesCharged: report.drafted.reduce((s, d) => s + d.outcome.charged, 0),
      linesCredited: report.drafted.reduce((s, d) => s + d.outcome.credited, 0),
      skipped: report.skipped.length,
      failed: report.failed,
      statisticsSnapshots: snapshots,
      statisticsProblems: statistics.problems.length,
      staleInvoices: stale.map((s) => ({
        regionId: s.regionId,
        municipalityId: s.municipalityId,
        month: s.month,
        invoiced: decimalOf(s.invoicedAmount),
        supported: decimalOf(s.supportedAmount),
        difference: decimalOf(s.supportedAmount - s.invoicedAmount),
      })),
    };
    const warnings = [
      ...stale.map((s) => staleWarning(s, names.get(s.municipalityId) ?? s.municipalityId)),
      ...unchecked,
    ];
    await finishRun(context.prisma, runId, { summary: { ...summary }, warnings });
    return { summary, warnings };
  } catch (error) {
    await finishRun(context.prisma, runId, {
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

export const JOBS = {
  'monthly-invoicing': monthlyInvoicing,
} as const;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
