/**
 * Writes an invoice's lines the only way lines may change: by appending. Drafting again
 * compares the fresh basis with the invoice's lines in force (charges not yet credited):
 * a line that still holds is kept, one that no longer does is credited (a CREDIT line
 * naming it, with the negated days and amount), and a new or changed one is charged. A
 * draft redrafted with nothing changed gains no line.
 */
import type { InvoiceKind, Prisma } from '../db/generated/prisma/client.js';
import type { BasisLine } from './basis.js';
import { InvoicingError } from './errors.js';
import { storeLineDays } from './line-days.js';
import { decimalOf, oreOf } from './money.js';
import { dateColumn, monthOfPeriod } from './month.js';

export type Tx = Prisma.TransactionClient;

export interface InvoiceKey {
  kind: InvoiceKind;
  debtorId: string;
  creditorId: string;
  period: Date;
}

export interface WriteOutcome {
  invoiceId: string;
  charged: number;
  credited: number;
  unchanged: number;
}

/**
 * Makes writers of the same thing take turns until the transaction ends, across API
 * processes and scheduler workers (a transaction-scoped advisory lock on the name).
 */
export async function takeTurns(tx: Tx, name: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))::text`;
}

/** Serialises every writer of one invoice. */
export function lockInvoice(tx: Tx, key: InvoiceKey): Promise<void> {
  return takeTurns(
    tx,
    `invoice:${key.kind}:${key.debtorId}:${key.creditorId}:${key.period.toISOString().slice(0, 10)}`,
  );
}

interface StoredLine {
  id: string;
  position: number;
  kind: 'CHARGE' | 'CREDIT';
  caseId: string | null;
  description: string;
  days: number;
  dates: Date[];
  pricePerDay: { toString(): string };
  amount: { toString(): string };
  eventIds: string[];
  dayDetails: unknown;
  costSharingContractId: string | null;
  correctsLineId: string | null;
}

function signature(line: {
  caseId: string | null;
  description: string;
  dates: readonly string[];
  pricePerDay: number;
  amount: number;
}): string {
  return JSON.stringify([line.caseId, line.description, line.dates, line.pricePerDay, line.amount]);
}

function storedSignature(line: StoredLine): string {
  return signature({
    caseId: line.caseId,
    description: line.description,
    dates: line.dates.map((d) => d.toISOString().slice(0, 10)),
    pricePerDay: oreOf(line.pricePerDay),
    amount: oreOf(line.amount),
  });
}

/** The invoice's charges that no credit line (on any invoice) has corrected. */
export async function chargesInForce(tx: Tx, invoiceId: string): Promise<StoredLine[]> {
  const lines = await tx.invoiceLine.findMany({
    where: { invoiceId, kind: 'CHARGE' },
    orderBy: { position: 'asc' },
  });
  const credited = await tx.invoiceLine.findMany({
    where: { correctsLineId: { in: lines.map((l) => l.id) } },
    select: { correctsLineId: true },
  });
  const creditedIds = new Set(credited.map((c) => c.correctsLineId));
  return lines.filter((l) => !creditedIds.has(l.id));
}

export async function nextPosition(tx: Tx, invoiceId: string): Promise<number> {
  const last = await tx.invoiceLine.findFirst({
    where: { invoiceId },
    orderBy: { position: 'desc' },
    select: { position: true },
  });
  return (last?.position ?? 0) + 1;
}

/** Writes a line at the position given; lines are only ever appended. */
export async function appendLine(
  tx: Tx,
  invoiceId: string,
  position: number,
  line: BasisLine & { kind: 'CHARGE' | 'CREDIT'; correctsLineId: string | null },
): Promise<void> {
  await tx.invoiceLine.create({
    data: {
      invoiceId,
      position,
      kind: line.kind,
      caseId: line.caseId,
      description: line.description,
      days: line.days,
      dates: line.dates.map(dateColumn),
      pricePerDay: decimalOf(line.pricePerDay),
      amount: decimalOf(line.amount),
      eventIds: line.eventIds,
      dayDetails: storeLineDays(line.dayDetails, line.eventIds) as object[],
      costSharingContractId: line.costSharingContractId ?? null,
      correctsLineId: line.correctsLineId,
    },
  });
}

export async function appendCredit(
  tx: Tx,
  invoiceId: string,
  line: StoredLine,
  reason: string,
  position: number,
  origin: string,
): Promise<void> {
  await tx.invoiceLine.create({
    data: {
      invoiceId,
      position,
      kind: 'CREDIT',
      caseId: line.caseId,
      description: `Credit of ${origin}line ${line.position}: ${reason}`,
      days: -line.days,
      dates: line.dates,
      pricePerDay: line.pricePerDay.toString(),
      amount: decimalOf(-oreOf(line.amount)),
      eventIds: line.eventIds,
      // The credited days as the charge stated them, with the events in the same positions.
      dayDetails: line.dayDetails ?? [],
      // A credit gives back what the charge counted against its contract's cap.
      costSharingContractId: line.costSharingContractId,
      correctsLineId: line.id,
    },
  });
}

/** Recomputes the stored total from the lines: the sum of charges and (negative) credits. */
export async function refreshTotal(tx: Tx, invoiceId: string): Promise<void> {
  const lines = await tx.invoiceLine.findMany({ where: { invoiceId }, select: { amount: true } });
  const total = lines.reduce((sum, l) => sum + oreOf(l.amount), 0);
  await tx.invoice.update({ where: { id: invoiceId }, data: { totalAmount: decimalOf(total) } });
}

/** Finds or creates the DRAFT invoice of the key; refuses one already approved or sent. */
export async function draftInvoice(
  tx: Tx,
  key: InvoiceKey,
  agreementId: string | null,
): Promise<string> {
  const existing = await tx.invoice.findUnique({
    where: { kind_debtorId_creditorId_period_correction: { ...key, correction: 0 } },
    select: { id: true, status: true },
  });
  if (existing === null) {
    const created = await tx.invoice.create({
      data: { ...key, status: 'DRAFT', totalAmount: '0.00', agreementId },
      select: { id: true },
    });
    return created.id;
  }
  if (existing.status !== 'DRAFT') {
    throw new InvoicingError(
      'INVOICE_NOT_DRAFT',
      `the ${key.kind === 'COST_SHARING' ? 'cost-sharing invoice' : 'invoice basis'} for ${monthOfPeriod(key.period)} is already ${existing.status}; ` +
        'it can no longer be drafted again: draft a correction invoice (draftCorrectionInvoice) once it is sent',
    );
  }
  await tx.invoice.update({ where: { id: existing.id }, data: { agreementId } });
  return existing.id;
}

/** Brings the draft invoice of `key` in line with `fresh` by appending lines only. */
export async function writeDraft(
  tx: Tx,
  key: InvoiceKey,
  agreementId: string | null,
  fresh: readonly BasisLine[],
  creditReason: string,
): Promise<WriteOutcome> {
  await lockInvoice(tx, key);
  const invoiceId = await draftInvoice(tx, key, agreementId);
  const inForce = await chargesInForce(tx, invoiceId);
  const unmatched = new Map<string, StoredLine[]>();
  for (const line of inForce) {
    const sig = storedSignature(line);
    unmatched.set(sig, [...(unmatched.get(sig) ?? []), line]);
  }
  const toCharge: BasisLine[] = [];
  let unchanged = 0;
  for (const line of fresh) {
    const sig = signature(line);
    const same = unmatched.get(sig);
    if (same !== undefined && same.length > 0) {
      same.shift();
      unchanged += 1;
    } else {
      toCharge.push(line);
    }
  }
  let position = await nextPosition(tx, invoiceId);
  let credited = 0;
  for (const line of [...unmatched.values()].flat().sort((a, b) => a.position - b.position)) {
    await appendCredit(tx, invoiceId, line, creditReason, position, '');
    position += 1;
    credited += 1;
  }
  for (const line of toCharge) {
    await appendLine(tx, invoiceId, position, { ...line, kind: 'CHARGE', correctsLineId: null });
    position += 1;
  }
  await refreshTotal(tx, invoiceId);
  return { invoiceId, charged: toCharge.length, credited, unchanged };
}
