/**
 * The invoice basis as finance hands it on: CSV (one row per line, semicolon-separated
 * as Swedish spreadsheets expect, amounts with a decimal point) and a printable HTML page.
 * Each line names the case, the patient, the days and the case events behind them.
 */
import { stringify } from 'csv-stringify/sync';
import type { PrismaClient } from '../db/client.js';
import { escapeHtml } from '../domain/escape-html.js';
import type { LineDay } from './basis.js';
import { InvoicingError } from './errors.js';
import { readLineDays } from './line-days.js';
import { decimalOf, formatSek, oreOf } from './money.js';
import { monthOfPeriod } from './month.js';

export interface RenderedLine {
  /** The patient and case behind the line, for the access log; not rendered. */
  patientId: string | null;
  caseId: string | null;
  position: number;
  kind: 'CHARGE' | 'CREDIT';
  caseReference: string | null;
  /** Null when the patient has protected identity and the reader may not see it. */
  personalIdentityNumber: string | null;
  patientName: string | null;
  /** The patient has skyddade personuppgifter. */
  protectedIdentity: boolean;
  description: string;
  days: number;
  dates: string[];
  pricePerDay: number;
  amount: number;
  correctsLinePosition: number | null;
  eventIds: string[];
  /** Each day with its reason and events (src/invoicing/line-days.ts). */
  payableDays: LineDay[];
}

export interface RenderableInvoice {
  id: string;
  kind: 'PAYMENT_RESPONSIBILITY' | 'COST_SHARING';
  status: string;
  month: string;
  debtor: { name: string; hsaId: string };
  creditor: { name: string; hsaId: string };
  total: number;
  lines: RenderedLine[];
}

/**
 * Loads an invoice of which the organisation is creditor or debtor, ready to render.
 * A patient with protected identity is shown by case reference only unless the reader
 * may see protected identities (the policy's PROTECTED_IDENTITY): an export must not
 * print what the API itself would withhold.
 */
export async function loadRenderable(
  prisma: PrismaClient,
  invoiceId: string,
  organizationId: string,
  options: { mayReadProtectedIdentity: boolean },
): Promise<RenderableInvoice> {
  const invoice = await prisma.invoice.findFirst({
    where: { id: invoiceId, OR: [{ creditorId: organizationId }, { debtorId: organizationId }] },
    include: {
      debtor: { select: { name: true, hsaId: true } },
      creditor: { select: { name: true, hsaId: true } },
      lines: {
        orderBy: { position: 'asc' },
        include: {
          case: {
            select: {
              id: true,
              reference: true,
              patientId: true,
              patient: {
                select: {
                  personalIdentityNumber: true,
                  givenName: true,
                  familyName: true,
                  protectedIdentity: true,
                },
              },
            },
          },
        },
      },
    },
  });
  if (invoice === null) {
    throw new InvoicingError('INVOICE_NOT_FOUND', 'no invoice of your organisation has this id');
  }
  const corrected = invoice.lines.some(
    (l) => l.correctsLineId !== null && !invoice.lines.some((o) => o.id === l.correctsLineId),
  )
    ? await prisma.invoiceLine.findMany({
        where: { id: { in: invoice.lines.flatMap((l) => l.correctsLineId ?? []) } },
        select: { id: true, position: true },
      })
    : invoice.lines;
  const positions = new Map(corrected.map((l) => [l.id, l.position]));
  return {
    id: invoice.id,
    kind: invoice.kind,
    status: invoice.status,
    month: monthOfPeriod(invoice.period),
    debtor: invoice.debtor,
    creditor: invoice.creditor,
    total: oreOf(invoice.totalAmount),
    lines: invoice.lines.map((l) => {
      const patient = l.case?.patient ?? null;
      const hidden = patient?.protectedIdentity === true && !options.mayReadProtectedIdentity;
      return {
        patientId: l.case?.patientId ?? null,
        caseId: l.case?.id ?? null,
        position: l.position,
        kind: l.kind,
        caseReference: l.case?.reference ?? null,
        personalIdentityNumber: patient && !hidden ? patient.personalIdentityNumber : null,
        patientName:
          patient && !hidden
            ? `${patient.givenName} ${patient.familyName}`
            : hidden
              ? PROTECTED
              : null,
        protectedIdentity: patient?.protectedIdentity ?? false,
        description: l.description,
        days: l.days,
        dates: l.dates.map((d) => d.toISOString().slice(0, 10)),
        pricePerDay: oreOf(l.pricePerDay),
        amount: oreOf(l.amount),
        correctsLinePosition:
          l.correctsLineId === null ? null : (positions.get(l.correctsLineId) ?? null),
        eventIds: l.eventIds,
        payableDays: readLineDays(l.dayDetails, l.eventIds),
      };
    }),
  };
}

/** What an export shows instead of a protected patient's name. */
export const PROTECTED = 'Skyddade personuppgifter';

export const INVOICE_CSV_COLUMNS = [
  'position',
  'kind',
  'case',
  'personal_identity_number',
  'patient',
  'days',
  'first_date',
  'last_date',
  'dates',
  'price_per_day',
  'amount',
  'corrects_line',
  'event_ids',
  'description',
] as const;

export function invoiceCsv(invoice: RenderableInvoice): string {
  return stringify(
    invoice.lines.map((l) => [
      l.position,
      l.kind,
      l.caseReference ?? '',
      l.personalIdentityNumber ?? '',
      l.patientName ?? '',
      l.days,
      l.dates[0] ?? '',
      l.dates.at(-1) ?? '',
      l.dates.join(' '),
      decimalOf(l.pricePerDay),
      decimalOf(l.amount),
      l.correctsLinePosition ?? '',
      l.eventIds.join(' '),
      l.description,
    ]),
    { header: true, columns: [...INVOICE_CSV_COLUMNS], delimiter: ';', record_delimiter: '\r\n' },
  );
}

const TITLES = {
  PAYMENT_RESPONSIBILITY: 'Faktureringsunderlag – betalningsansvar',
  COST_SHARING: 'Faktura – kostnadsfördelning',
} as const;

/**
 * One day of a line under it: the date, why it is charged (or credited), and the events
 * behind it, the ready notice whose count made it payable first. A person checking the
 * invoice by hand sees every day, not only the line's first and last.
 */
function dayRow(line: RenderedLine, day: LineDay): string {
  const e = escapeHtml;
  const others = day.eventIds.filter((id) => id !== day.readyNoticeId);
  const events = [
    ...(day.readyNoticeId === null ? [] : [`utskrivningsklar ${day.readyNoticeId}`]),
    ...others,
  ];
  return `
<tr class="day ${line.kind.toLowerCase()}"><td colspan="5"></td><td class="n">${line.kind === 'CREDIT' ? '−1' : '1'}</td><td>${e(day.date)}</td><td colspan="2"></td>
<td>${e(day.reason)}${events.length === 0 ? '' : `<br><span class="ev">Händelser: ${e(events.join(', '))}</span>`}</td></tr>`;
}

/** A self-contained page (no scripts, no external resources) for printing or PDF. */
export function invoiceHtml(invoice: RenderableInvoice): string {
  const e = escapeHtml;
  const rows = invoice.lines
    .map(
      (l) => `<tr class="${l.kind.toLowerCase()}">
<td>${l.position}</td><td>${l.kind === 'CREDIT' ? `Kredit av rad ${l.correctsLinePosition ?? '?'}` : 'Debitering'}</td>
<td>${e(l.caseReference ?? '')}</td><td>${e(l.personalIdentityNumber ?? '')}</td><td>${e(l.patientName ?? '')}</td>
<td class="n">${l.days}</td><td>${e(l.dates.length === 0 ? '' : `${l.dates[0]} – ${l.dates.at(-1)}`)}</td>
<td class="n">${formatSek(l.pricePerDay)}</td><td class="n">${formatSek(l.amount)}</td>
<td>${e(l.description)}</td></tr>${l.payableDays.map((d) => dayRow(l, d)).join('')}`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>${e(TITLES[invoice.kind])} ${e(invoice.month)} – ${e(invoice.debtor.name)}</title>
<style>
body{font-family:sans-serif;font-size:10pt;margin:2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 5px;vertical-align:top}
th{background:#eee;text-align:left}td.n{text-align:right;white-space:nowrap}tr.credit td{color:#a00}
tr.day td{border-top:none;font-size:9pt;color:#333}tr.day.credit td{color:#a00}.ev{font-size:8pt;color:#666}
tfoot td{font-weight:bold}@media print{body{margin:0}}
</style></head><body>
<h1>${e(TITLES[invoice.kind])}</h1>
<dl>
<dt>Period</dt><dd>${e(invoice.month)}</dd>
<dt>Betalare</dt><dd>${e(invoice.debtor.name)} (${e(invoice.debtor.hsaId)})</dd>
<dt>Fakturerande</dt><dd>${e(invoice.creditor.name)} (${e(invoice.creditor.hsaId)})</dd>
<dt>Status</dt><dd>${e(invoice.status)}</dd>
</dl>
<table>
<thead><tr><th>Rad</th><th>Typ</th><th>Ärende</th><th>Personnummer</th><th>Patient</th><th>Dagar</th><th>Datum</th><th>Pris per dygn</th><th>Belopp (SEK)</th><th>Underlag</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="8">Summa</td><td class="n">${formatSek(invoice.total)}</td><td></td></tr></tfoot>
</table>
</body></html>
`;
}
