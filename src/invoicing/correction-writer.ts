/**
 * Correction invoices (rättelsefakturor) of the invoice basis: a month's sent invoice is
 * never rewritten; the difference between what its invoices charged and what the event
 * list supports now (correction.ts) is drafted as the next invoice of the month, with
 * credit lines against the lines that charged days no longer supported and charge lines
 * for the days now supported. It is approved and sent like any invoice; once sent, the
 * month can be corrected again. A correction still in draft is brought up to date by
 * appending lines, like a draft of the original.
 */
import type { InvoiceStatus } from '../db/generated/prisma/client.js';
import type { BasisLine, CaseMonth } from './basis.js';
import { type CorrectionLine, correctionLines, type LedgerLine } from './correction.js';
import { InvoicingError } from './errors.js';
import {
  appendLine,
  type InvoiceKey,
  lockInvoice,
  nextPosition,
  refreshTotal,
  type Tx,
} from './invoice-writer.js';
import { oreOf } from './money.js';
import { monthOfPeriod } from './month.js';

export interface ChainInvoice {
  id: string;
  correction: number;
  status: InvoiceStatus;
}

export interface MonthLedger {
  /** The month's invoices: the original first, then its corrections in order. */
  chain: ChainInvoice[];
  ledger: LedgerLine[];
  /** Case references of every case the ledger names. */
  references: Map<string, string>;
}

function invoiceName(month: string, correction: number): string {
  return correction === 0
    ? `the ${month} invoice`
    : `correction ${correction} of the ${month} invoice`;
}

/**
 * The month's invoices and their lines as a ledger: their charges, and every credit line,
 * on whatever invoice, that corrects one of those charges. Credits on these invoices of
 * another month's lines belong to that month and are left out.
 */
export async function loadMonthLedger(
  tx: Tx,
  key: InvoiceKey,
  options: { includeDrafts: boolean },
): Promise<MonthLedger> {
  const invoices = await tx.invoice.findMany({
    where: { ...key, ...(options.includeDrafts ? {} : { status: { not: 'DRAFT' } }) },
    orderBy: { correction: 'asc' },
    select: { id: true, correction: true, status: true },
  });
  const month = monthOfPeriod(key.period);
  const correctionOf = new Map(invoices.map((i) => [i.id, i.correction]));
  const lines = await tx.invoiceLine.findMany({
    where: { invoiceId: { in: invoices.map((i) => i.id) } },
    orderBy: [{ invoiceId: 'asc' }, { position: 'asc' }],
  });
  const chargeIds = lines.filter((l) => l.kind === 'CHARGE').map((l) => l.id);
  const credits = await tx.invoiceLine.findMany({
    where: {
      kind: 'CREDIT',
      correctsLineId: { in: chargeIds },
      ...(options.includeDrafts ? {} : { invoice: { status: { not: 'DRAFT' } } }),
    },
    include: { invoice: { select: { period: true, correction: true } } },
  });
  const charges = new Set(chargeIds);
  const seen = new Set<string>();
  const ledger: LedgerLine[] = [];
  const add = (line: (typeof lines)[number], label: string): void => {
    if (seen.has(line.id)) return;
    seen.add(line.id);
    ledger.push({
      id: line.id,
      kind: line.kind,
      caseId: line.caseId,
      description: line.description,
      dates: line.dates.map((d) => d.toISOString().slice(0, 10)),
      pricePerDay: oreOf(line.pricePerDay),
      amount: oreOf(line.amount),
      eventIds: line.eventIds,
      correctsLineId: line.correctsLineId,
      label,
    });
  };
  for (const line of lines) {
    if (line.kind === 'CREDIT' && !charges.has(line.correctsLineId ?? '')) continue;
    add(
      line,
      `line ${line.position} of ${invoiceName(month, correctionOf.get(line.invoiceId) ?? 0)}`,
    );
  }
  for (const credit of credits) {
    add(
      credit,
      `line ${credit.position} of ${invoiceName(monthOfPeriod(credit.invoice.period), credit.invoice.correction)}`,
    );
  }
  const caseIds = [...new Set(ledger.flatMap((l) => l.caseId ?? []))];
  const cases = await tx.case.findMany({
    where: { id: { in: caseIds } },
    select: { id: true, reference: true },
  });
  return {
    chain: invoices,
    ledger,
    references: new Map(cases.map((c) => [c.id, c.reference])),
  };
}

export interface FreshMonth {
  cases: readonly CaseMonth[];
  caselessLines: readonly BasisLine[];
}

export function freshReferences(
  fresh: FreshMonth,
  known: Map<string, string>,
): Map<string, string> {
  const references = new Map(known);
  for (const c of fresh.cases) references.set(c.case.caseId, c.case.reference);
  return references;
}

/** The correction lines a month needs now, against the ledger given. */
export function pendingCorrection(
  month: string,
  ledger: MonthLedger,
  fresh: FreshMonth,
): CorrectionLine[] {
  return correctionLines({
    month,
    ledger: ledger.ledger,
    cases: fresh.cases,
    caselessLines: fresh.caselessLines,
    references: freshReferences(fresh, ledger.references),
  });
}

export interface CorrectionOutcome {
  invoiceId: string;
  charged: number;
  credited: number;
  unchanged: number;
}

/**
 * Drafts (or brings up to date) the correction invoice of a month whose last invoice is
 * sent. Refused: no invoice for the month (INVOICE_NOT_FOUND), an original still in
 * draft or an invoice approved but not sent (INVOICE_NOT_SENT), and a month whose sent
 * invoices already agree with the event list (NOTHING_TO_CORRECT).
 */
export async function writeCorrection(
  tx: Tx,
  key: InvoiceKey,
  agreementId: string | null,
  fresh: FreshMonth,
): Promise<CorrectionOutcome> {
  await lockInvoice(tx, key);
  const month = monthOfPeriod(key.period);
  const loaded = await loadMonthLedger(tx, key, { includeDrafts: true });
  const latest = loaded.chain.at(-1);
  if (latest === undefined) {
    throw new InvoicingError(
      'INVOICE_NOT_FOUND',
      `there is no invoice basis for ${month} to correct; draft it (draftInvoiceBasis)`,
      'month',
    );
  }
  if (latest.status === 'APPROVED' || (latest.status === 'DRAFT' && latest.correction === 0)) {
    throw new InvoicingError(
      'INVOICE_NOT_SENT',
      latest.status === 'DRAFT'
        ? `${invoiceName(month, 0)} is still a draft: draft it again (draftInvoiceBasis) instead of correcting it`
        : `${invoiceName(month, latest.correction)} is approved but not sent; send it (markInvoiceSent) before correcting the month`,
      'month',
    );
  }
  const lines = pendingCorrection(month, loaded, fresh);
  if (lines.length === 0) {
    if (latest.status === 'DRAFT') {
      return { invoiceId: latest.id, charged: 0, credited: 0, unchanged: 0 };
    }
    throw new InvoicingError(
      'NOTHING_TO_CORRECT',
      `the invoices for ${month} agree with the event list day by day; there is nothing to correct`,
      'month',
    );
  }
  const invoiceId =
    latest.status === 'DRAFT'
      ? latest.id
      : (
          await tx.invoice.create({
            data: {
              ...key,
              correction: latest.correction + 1,
              correctsInvoiceId: latest.id,
              status: 'DRAFT',
              totalAmount: '0.00',
              agreementId,
            },
            select: { id: true },
          })
        ).id;
  let position = await nextPosition(tx, invoiceId);
  for (const line of lines) {
    await appendLine(tx, invoiceId, position, line);
    position += 1;
  }
  await refreshTotal(tx, invoiceId);
  return {
    invoiceId,
    charged: lines.filter((l) => l.kind === 'CHARGE').length,
    credited: lines.filter((l) => l.kind === 'CREDIT').length,
    unchanged: 0,
  };
}
