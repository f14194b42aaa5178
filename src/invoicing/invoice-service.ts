/**
 * The invoice basis of payment responsibility as an application service: drafting per
 * region, municipality (or district) and month; the states draft → approved → sent;
 * corrections as credit lines. Every command runs in one transaction and either writes
 * all of its lines or nothing.
 */
import type { PrismaClient } from '../db/client.js';
import type { InvoiceStatus } from '../db/generated/prisma/client.js';
import { addMonths, type YearMonth } from '../domain/calendar.js';
import { type InvoiceBasis, invoiceBasis } from './basis.js';
import type { CorrectionLine } from './correction.js';
import {
  type CorrectionOutcome,
  loadMonthLedger,
  pendingCorrection,
  writeCorrection,
} from './correction-writer.js';
import { InvoicingError } from './errors.js';
import {
  appendCredit,
  chargesInForce,
  draftInvoice,
  lockInvoice,
  refreshTotal,
  type Tx,
  type WriteOutcome,
  writeDraft,
} from './invoice-writer.js';
import { loadAgreements, loadCases, lookBackFrom } from './load.js';
import { hasEnded, monthOfPeriod, periodDate, untilFor } from './month.js';

export interface DraftRequest {
  regionId: string;
  municipalityId: string;
  month: YearMonth;
}

/** A sent month whose invoices no longer agree with the event list. */
export interface StaleInvoice {
  regionId: string;
  municipalityId: string;
  month: YearMonth;
  /** The month's last invoice that is not a draft (the original or a correction). */
  invoiceId: string;
  /** A correction of the month still in draft, if one has been started. */
  draftCorrectionId: string | null;
  /** Öre: what the month's approved and sent invoices charge net … */
  invoicedAmount: number;
  /** … and what the event list supports now. */
  supportedAmount: number;
  /** The lines a correction invoice would carry. */
  lines: CorrectionLine[];
}

export interface MonthlyDraftReport {
  month: YearMonth;
  drafted: { regionId: string; municipalityId: string; outcome: WriteOutcome }[];
  /** Pairs left alone because their invoice is already approved or sent. */
  skipped: { regionId: string; municipalityId: string; reason: string }[];
  failed: { regionId: string; municipalityId: string; code: string; message: string }[];
}

const TRANSITIONS: Record<'approve' | 'send', { from: InvoiceStatus; to: InvoiceStatus }> = {
  approve: { from: 'DRAFT', to: 'APPROVED' },
  send: { from: 'APPROVED', to: 'SENT' },
};

export class InvoiceService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The region must be a care provider; the debtor a municipality or district. */
  async checkParties(regionId: string, municipalityId: string): Promise<void> {
    const orgs = await this.prisma.organization.findMany({
      where: { id: { in: [regionId, municipalityId] } },
      select: { id: true, kind: true, name: true },
    });
    const region = orgs.find((o) => o.id === regionId);
    const municipality = orgs.find((o) => o.id === municipalityId);
    if (region?.kind !== 'CARE_PROVIDER') {
      throw new InvoicingError(
        'NOT_A_CREDITOR',
        'only a region (care provider) invoices payment responsibility; act in a commission of the region',
      );
    }
    if (municipality === undefined || municipality.kind === 'CARE_PROVIDER') {
      throw new InvoicingError(
        'ORGANIZATION_NOT_FOUND',
        'municipalityId must name a municipality or a Stockholm district',
        'municipalityId',
      );
    }
  }

  /**
   * Drafts (or brings up to date) the invoice basis of the region for the municipality and
   * month. Every problem of the agreements and the event lists is reported before
   * anything is written.
   */
  async draft(request: DraftRequest): Promise<WriteOutcome> {
    await this.checkParties(request.regionId, request.municipalityId);
    const basis = await this.basis(request);
    return this.prisma.$transaction((tx) =>
      writeDraft(
        tx,
        {
          kind: 'PAYMENT_RESPONSIBILITY',
          debtorId: request.municipalityId,
          creditorId: request.regionId,
          period: periodDate(request.month),
        },
        basis.agreementId,
        basis.lines,
        'the days changed when the basis was drafted again',
      ),
    );
  }

  /** What the event list supports for the month now, line by line and day by day. */
  private async basis(request: DraftRequest): Promise<InvoiceBasis> {
    const until = untilFor(request.month, this.now());
    const agreements = await loadAgreements(this.prisma, [request.regionId]);
    const cases = await loadCases(this.prisma, {
      municipalityIds: [request.municipalityId],
      regionId: request.regionId,
      from: lookBackFrom(request.month),
      until,
    });
    return invoiceBasis({ ...request, until, cases, agreements });
  }

  /**
   * Drafts the correction invoice of a sent month: the difference, day by day, between what
   * the month's invoices charged and what the event list supports now (correction-writer.ts).
   */
  async draftCorrection(request: DraftRequest): Promise<CorrectionOutcome> {
    await this.checkParties(request.regionId, request.municipalityId);
    const basis = await this.basis(request);
    return this.prisma.$transaction((tx) =>
      writeCorrection(tx, this.key(request), basis.agreementId, {
        cases: basis.cases,
        caselessLines: basis.lines.filter((l) => l.caseId === null),
      }),
    );
  }

  private key(request: DraftRequest) {
    return {
      kind: 'PAYMENT_RESPONSIBILITY' as const,
      debtorId: request.municipalityId,
      creditorId: request.regionId,
      period: periodDate(request.month),
    };
  }

  /**
   * The months of the region, from `from` to `to`, whose approved or sent invoices no
   * longer agree with the event list, with the difference per line. A month whose basis
   * cannot be computed now (a missing price, an event list out of order) is reported in
   * `failed`, not as stale.
   */
  async staleInvoices(
    regionId: string,
    range: { from: YearMonth; to: YearMonth },
  ): Promise<{ stale: StaleInvoice[]; failed: MonthlyDraftReport['failed'] }> {
    const invoiced = await this.prisma.invoice.findMany({
      where: {
        kind: 'PAYMENT_RESPONSIBILITY',
        creditorId: regionId,
        correction: 0,
        status: { not: 'DRAFT' },
        period: { gte: periodDate(range.from), lte: periodDate(range.to) },
      },
      select: { debtorId: true, period: true },
      orderBy: [{ period: 'asc' }, { debtorId: 'asc' }],
    });
    const stale: StaleInvoice[] = [];
    const failed: MonthlyDraftReport['failed'] = [];
    for (const { debtorId, period } of invoiced) {
      const request = { regionId, municipalityId: debtorId, month: monthOfPeriod(period) };
      let basis: InvoiceBasis;
      try {
        basis = await this.basis(request);
      } catch (error) {
        if (!(error instanceof InvoicingError)) throw error;
        failed.push({
          regionId,
          municipalityId: debtorId,
          code: error.code,
          message: error.message,
        });
        continue;
      }
      const key = this.key(request);
      const [sent, drafts] = await this.prisma.$transaction(async (tx) => [
        await loadMonthLedger(tx, key, { includeDrafts: false }),
        await tx.invoice.findMany({
          where: { ...key, status: 'DRAFT', correction: { gt: 0 } },
          select: { id: true },
        }),
      ]);
      const lines = pendingCorrection(request.month, sent, {
        cases: basis.cases,
        caselessLines: basis.lines.filter((l) => l.caseId === null),
      });
      if (lines.length === 0) continue;
      const invoicedAmount = sent.ledger.reduce((sum, l) => sum + l.amount, 0);
      stale.push({
        ...request,
        invoiceId: sent.chain.at(-1)!.id,
        draftCorrectionId: drafts[0]?.id ?? null,
        invoicedAmount,
        supportedAmount: basis.lines.reduce((sum, l) => sum + l.amount, 0),
        lines,
      });
    }
    return { stale, failed };
  }

  /**
   * The monthly run: drafts the month for every region with agreements and every
   * municipality or district with cases of that region in reach of the month. One
   * pair's problem does not stop the others; it is reported.
   */
  async draftMonth(month: YearMonth): Promise<MonthlyDraftReport> {
    const report: MonthlyDraftReport = { month, drafted: [], skipped: [], failed: [] };
    const until = untilFor(month, this.now());
    // Regions that have written an agreement of their own (even one restating the law's
    // default); the national default alone drafts nothing on its own initiative.
    const regions = await this.prisma.paymentAgreement.findMany({
      where: { regionId: { not: null } },
      distinct: ['regionId'],
      select: { regionId: true },
      orderBy: { regionId: 'asc' },
    });
    for (const { regionId } of regions) {
      if (regionId === null) continue;
      const cases = await loadCases(this.prisma, { regionId, from: lookBackFrom(month), until });
      const municipalities = [...new Set(cases.map((c) => c.municipalityId))].sort();
      for (const municipalityId of municipalities) {
        try {
          const outcome = await this.draft({ regionId, municipalityId, month });
          report.drafted.push({ regionId, municipalityId, outcome });
        } catch (error) {
          if (!(error instanceof InvoicingError)) throw error;
          if (error.code === 'INVOICE_NOT_DRAFT') {
            report.skipped.push({ regionId, municipalityId, reason: error.message });
          } else {
            report.failed.push({
              regionId,
              municipalityId,
              code: error.code,
              message: error.message,
            });
          }
        }
      }
    }
    return report;
  }

  private async transition(
    invoiceId: string,
    creditorId: string,
    step: keyof typeof TRANSITIONS,
  ): Promise<void> {
    const invoice = await this.prisma.invoice.findFirst({
      where: { id: invoiceId, creditorId },
      select: { status: true, period: true, kind: true },
    });
    if (invoice === null) {
      throw new InvoicingError(
        'INVOICE_NOT_FOUND',
        'no invoice of your organisation has this id',
        'invoiceId',
      );
    }
    const { from, to } = TRANSITIONS[step];
    if (invoice.status !== from) {
      throw new InvoicingError(
        'INVALID_TRANSITION',
        `the invoice is ${invoice.status}; only a ${from} invoice can become ${to}`,
        'invoiceId',
      );
    }
    const month = monthOfPeriod(invoice.period);
    if (
      step === 'approve' &&
      invoice.kind === 'PAYMENT_RESPONSIBILITY' &&
      !hasEnded(month, this.now())
    ) {
      throw new InvoicingError(
        'MONTH_NOT_ENDED',
        `${month} has not ended; its invoice basis can be approved from ${addMonths(month, 1)}-01`,
        'invoiceId',
      );
    }
    const stamp = this.now();
    const changed = await this.prisma.invoice.updateMany({
      where: { id: invoiceId, status: from },
      data: { status: to, ...(step === 'approve' ? { approvedAt: stamp } : { sentAt: stamp }) },
    });
    if (changed.count !== 1) {
      throw new InvoicingError(
        'CONCURRENT_MODIFICATION',
        'the invoice changed while this request ran; reload it and try again',
        'invoiceId',
      );
    }
  }

  approve(invoiceId: string, creditorId: string): Promise<void> {
    return this.transition(invoiceId, creditorId, 'approve');
  }

  markSent(invoiceId: string, creditorId: string): Promise<void> {
    return this.transition(invoiceId, creditorId, 'send');
  }

  /**
   * Credits a charge line. A draft gets the credit line itself; an approved or sent
   * invoice is left as it is, and the credit goes on the debtor's next invoice of the same
   * kind that is still a draft (created when missing). Returns the invoice the credit
   * line is on.
   */
  async creditLine(lineId: string, creditorId: string, reason: string): Promise<string> {
    const text = reason.trim();
    if (text.length === 0 || text.length > 500) {
      throw new InvoicingError(
        'INVALID_INPUT',
        'reason must say why the line is credited (1–500 characters)',
        'reason',
      );
    }
    return this.prisma.$transaction(async (tx) => {
      const line = await tx.invoiceLine.findFirst({
        where: { id: lineId, invoice: { creditorId } },
        include: { invoice: true },
      });
      if (line === null) {
        throw new InvoicingError(
          'LINE_NOT_FOUND',
          'no invoice line of your organisation has this id',
          'lineId',
        );
      }
      if (line.kind !== 'CHARGE') {
        throw new InvoicingError(
          'NOT_A_CHARGE',
          'only a charge line can be credited; a credit line stands as written',
          'lineId',
        );
      }
      const { invoice } = line;
      await lockInvoice(tx, invoice);
      const inForce = await chargesInForce(tx, invoice.id);
      if (!inForce.some((l) => l.id === line.id)) {
        throw new InvoicingError(
          'ALREADY_CREDITED',
          `line ${line.position} of the invoice for ${monthOfPeriod(invoice.period)} is already credited, in whole or in part (by a correction invoice)`,
          'lineId',
        );
      }
      let target = invoice.id;
      let origin = '';
      if (invoice.status !== 'DRAFT') {
        origin = `the ${monthOfPeriod(invoice.period)} invoice's `;
        target = await this.nextDraft(tx, invoice);
      }
      const last = await tx.invoiceLine.findFirst({
        where: { invoiceId: target },
        orderBy: { position: 'desc' },
        select: { position: true },
      });
      await appendCredit(tx, target, line, text, (last?.position ?? 0) + 1, origin);
      await refreshTotal(tx, target);
      return target;
    });
  }

  private async nextDraft(
    tx: Tx,
    invoice: {
      kind: 'PAYMENT_RESPONSIBILITY' | 'COST_SHARING';
      debtorId: string;
      creditorId: string;
      period: Date;
      agreementId: string | null;
    },
  ): Promise<string> {
    let month = addMonths(monthOfPeriod(invoice.period), 1);
    for (;;) {
      const key = {
        kind: invoice.kind,
        debtorId: invoice.debtorId,
        creditorId: invoice.creditorId,
        period: periodDate(month),
      };
      const existing = await tx.invoice.findUnique({
        where: { kind_debtorId_creditorId_period_correction: { ...key, correction: 0 } },
        select: { status: true },
      });
      if (existing === null || existing.status === 'DRAFT') {
        await lockInvoice(tx, key);
        return draftInvoice(tx, key, invoice.agreementId);
      }
      month = addMonths(month, 1);
    }
  }
}
