import { encodeGlobalID } from '@pothos/plugin-relay';
import { addMonths, compareDates, firstDayOfMonth } from '../../../domain/calendar.js';
import { requireFinance } from '../../../invoicing/access.js';
import type { CorrectionLine } from '../../../invoicing/correction.js';
import { InvoicingError } from '../../../invoicing/errors.js';
import { InvoiceService, type StaleInvoice } from '../../../invoicing/invoice-service.js';
import { decimalOf } from '../../../invoicing/money.js';
import { parseMonth } from '../../../invoicing/month.js';
import { builder } from '../../builder.js';
import { guard, guardNeverWithheld } from '../../field-guard.js';
import { globalIdOf } from '../../global-id.js';
import { selecting } from '../../prisma-query.js';
import { InvoiceLineKind } from '../invoice.js';
import { invoicingResult } from './errors.js';

/**
 * Sent invoices that no longer agree with the event list (an annulment, a corrected
 * discharge after sending), with the difference per line: what a correction invoice
 * (draftCorrectionInvoice) would carry. The monthly job reports the same finding.
 */

const MAX_MONTHS = 36;

interface StaleView extends StaleInvoice {
  debtorName: string;
  debtorHsaId: string;
}

/** Each field of a previewed line is financial information about its case (PDL access log). */
const ofLine = (l: CorrectionLine) => ({ caseId: l.caseId });
const onCase = () => guard<CorrectionLine>({ category: 'FINANCIAL', locate: ofLine });
/** The same, for a field every line has: finance, who alone sees a preview, reads it whole. */
const always = () =>
  guardNeverWithheld<CorrectionLine>({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' });

export const CorrectionLinePreview = builder
  .objectRef<CorrectionLine>('CorrectionLinePreview')
  .implement({
    description:
      'A line a correction invoice would carry: a credit of charged days or a new charge.',
    fields: (t) => ({
      kind: t.field({
        ...always(),
        type: InvoiceLineKind,
        description:
          'CREDIT to take back charged days, CHARGE for days now supported; null if withheld from you.',
        resolve: (l) => l.kind,
      }),
      caseId: t.id({
        ...globalIdOf('Case', onCase()),
        description:
          'The case the days belong to, as a `Case` global id; null for a line without a case, or if withheld from you.',
        resolve: (l) => (l.caseId === null ? null : encodeGlobalID('Case', l.caseId)),
      }),
      description: t.exposeString('description', {
        ...always(),
        description:
          'The line’s text as the correction invoice would print it (patient, days, reason).',
      }),
      days: t.exposeInt('days', { ...always(), description: 'Negative for a credit.' }),
      dates: t.field({
        ...always(),
        type: ['Date'],
        description: 'The days.',
        resolve: (l) => [...l.dates],
      }),
      pricePerDay: t.field({
        ...always(),
        type: 'Decimal',
        description: 'SEK per day, from the agreement in force on those days.',
        resolve: (l) => decimalOf(l.pricePerDay),
      }),
      amount: t.field({
        ...always(),
        type: 'Decimal',
        description: 'days × pricePerDay in SEK; negative for a credit.',
        resolve: (l) => decimalOf(l.amount),
      }),
      eventIds: t.stringList({
        ...always(),
        description: 'The case events behind the change, as database ids. Read `eventGlobalIds`.',
        deprecationReason: 'Raw database ids; use `eventGlobalIds`, which `node` takes.',
        resolve: (l) => [...l.eventIds],
      }),
      eventGlobalIds: t.idList({
        ...globalIdOf('CaseEvent', always()),
        description: 'The case events behind the change, as `CaseEvent` global ids.',
        resolve: (l) => l.eventIds.map((id) => encodeGlobalID('CaseEvent', id)),
      }),
      correctsLineId: t.string({
        ...onCase(),
        description:
          'For a credit: the charge line whose days it takes back, as a database id. Read `correctsLineGlobalId`.',
        deprecationReason: 'A raw database id; use `correctsLineGlobalId`, which `node` takes.',
        resolve: (l) => l.correctsLineId,
      }),
      correctsLineGlobalId: t.id({
        ...globalIdOf('InvoiceLine', onCase()),
        nullable: true,
        description:
          'For a credit: the charge line (an InvoiceLine global id) whose days it takes back.',
        resolve: (l) =>
          l.correctsLineId === null ? null : encodeGlobalID('InvoiceLine', l.correctsLineId),
      }),
    }),
  });

const StaleInvoiceRef = builder.objectRef<StaleView>('StaleInvoice').implement({
  description:
    'A month whose approved or sent invoices differ from what the event list supports now.',
  fields: (t) => ({
    month: t.expose('month', { type: 'YearMonth', description: 'The month.' }),
    debtorId: t.id({
      ...globalIdOf('Organization'),
      description: 'The paying municipality or district, as an `Organization` global id.',
      resolve: (s) => encodeGlobalID('Organization', s.municipalityId),
    }),
    debtorName: t.exposeString('debtorName', {
      description: 'The paying municipality’s or district’s name.',
    }),
    debtorHsaId: t.exposeString('debtorHsaId', {
      description: 'The paying municipality’s or district’s HSA-ID.',
    }),
    invoice: t.prismaField({
      type: 'Invoice',
      description: 'The month’s last approved or sent invoice (the original or a correction).',
      resolve: (query, s, _args, ctx) =>
        ctx.prisma.invoice.findUniqueOrThrow({ ...selecting(query), where: { id: s.invoiceId } }),
    }),
    draftCorrection: t.prismaField({
      type: 'Invoice',
      nullable: true,
      description: 'A correction of the month already started and still in draft.',
      resolve: (query, s, _args, ctx) =>
        s.draftCorrectionId === null
          ? null
          : ctx.prisma.invoice.findUnique({
              ...selecting(query),
              where: { id: s.draftCorrectionId },
            }),
    }),
    invoicedAmount: t.field({
      type: 'Decimal',
      description: 'What the month’s approved and sent invoices charge, net of credits.',
      resolve: (s) => decimalOf(s.invoicedAmount),
    }),
    supportedAmount: t.field({
      type: 'Decimal',
      description: 'What the event list supports for the month now.',
      resolve: (s) => decimalOf(s.supportedAmount),
    }),
    difference: t.field({
      type: 'Decimal',
      description: 'supportedAmount − invoicedAmount: what a correction invoice nets to.',
      resolve: (s) => decimalOf(s.supportedAmount - s.invoicedAmount),
    }),
    lines: t.field({
      type: [CorrectionLinePreview],
      description: 'The lines a correction invoice would carry now, credits and charges.',
      resolve: (s) => s.lines,
    }),
  }),
});

const StaleInvoicesInput = builder.inputType('StaleInvoicesInput', {
  description: 'The months to check, from and to inclusive.',
  fields: (t) => ({
    from: t.field({ type: 'YearMonth', description: 'First month.' }),
    to: t.field({ type: 'YearMonth', description: `Last month (at most ${MAX_MONTHS} months).` }),
  }),
});

builder.queryField('staleInvoices', (t) =>
  t.field({
    type: [StaleInvoiceRef],
    description:
      'The months, per municipality or district, whose approved or sent invoice basis no longer agrees with the ' +
      'event list, with the difference per line. Months whose basis cannot be computed now are refused with the ' +
      'error that names what to fix.',
    errors: invoicingResult('the months whose invoices differ, empty when all agree'),
    args: { input: t.arg({ type: StaleInvoicesInput, description: 'The months to check.' }) },
    resolve: async (_root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const from = parseMonth(input.from, 'from');
      const to = parseMonth(input.to, 'to');
      if (compareDates(firstDayOfMonth(to), firstDayOfMonth(from)) < 0) {
        throw new InvoicingError('INVALID_MONTH', `to (${to}) is before from (${from})`, 'to');
      }
      if (compareDates(firstDayOfMonth(to), firstDayOfMonth(addMonths(from, MAX_MONTHS - 1))) > 0) {
        throw new InvoicingError(
          'INVALID_MONTH',
          `ask for at most ${MAX_MONTHS} months at a time`,
          'to',
        );
      }
      const service = new InvoiceService(ctx.prisma, ctx.now);
      const { stale, failed } = await service.staleInvoices(actor.organizationId, { from, to });
      const first = failed[0];
      if (first !== undefined) {
        throw new InvoicingError(
          first.code as InvoicingError['code'],
          failed.map((f) => f.message).join('\n'),
        );
      }
      const orgs = await ctx.prisma.organization.findMany({
        where: { id: { in: stale.map((s) => s.municipalityId) } },
        select: { id: true, name: true, hsaId: true },
      });
      const byId = new Map(orgs.map((o) => [o.id, o]));
      return stale.map((s) => ({
        ...s,
        debtorName: byId.get(s.municipalityId)?.name ?? '',
        debtorHsaId: byId.get(s.municipalityId)?.hsaId ?? '',
      }));
    },
  }),
);
