/**
 * The jobs Brygga runs on a schedule, by name. Each is idempotent, so a retry after a
 * crash or a second worker picking the same schedule does no harm: drafting brings a
 * draft up to date by appending lines only, leaves approved and sent invoices alone, and
 * statistics snapshots are appended (the latest is current).
 */
import type { PrismaClient } from '../db/client.js';
import { isYearMonth, type YearMonth } from '../domain/calendar.js';
import { InvoiceService } from '../invoicing/invoice-service.js';
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
}

/** Drafts every invoice basis of the month and snapshots the month's statistics. */
export async function monthlyInvoicing(
  context: JobContext,
  payload: MonthlyInvoicingPayload,
): Promise<MonthlyInvoicingSummary> {
  const month = payload.month ?? previousMonth(context.now());
  if (!isYearMonth(month)) throw new Error(`month must be YYYY-MM, not '${month}'`);
  const runId = await startRun(context.prisma, 'monthly-invoicing', month, context.startedBy);
  try {
    const report = await new InvoiceService(context.prisma, context.now).draftMonth(month);
    const statistics = await computeStatistics(context.prisma, { from: month, to: month });
    const snapshots = await snapshotMonth(context.prisma, month, statistics, runId);
    const summary: MonthlyInvoicingSummary = {
      month,
      invoicesDrafted: report.drafted.length,
      linesCharged: report.drafted.reduce((s, d) => s + d.outcome.charged, 0),
      linesCredited: report.drafted.reduce((s, d) => s + d.outcome.credited, 0),
      skipped: report.skipped.length,
      failed: report.failed,
      statisticsSnapshots: snapshots,
      statisticsProblems: statistics.problems.length,
    };
    await finishRun(context.prisma, runId, { summary: { ...summary } });
    return summary;
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
