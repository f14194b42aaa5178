import { encodeGlobalID } from '@pothos/plugin-relay';
import { requireGrant } from '../../authz/require-grant.js';
import { maySee } from '../../authz/visibility.js';
import type { Prisma } from '../../db/generated/prisma/client.js';
import { isYearMonth } from '../../domain/calendar.js';
import type { LineDay } from '../../invoicing/basis.js';
import { readLineDays } from '../../invoicing/line-days.js';
import { periodDate } from '../../invoicing/month.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { BadInputError } from '../errors.js';
import { guard, guardNeverWithheld } from '../field-guard.js';
import { decodeId, globalIdOf } from '../global-id.js';
import { selecting } from '../prisma-query.js';

const ofLine = (l: { caseId: string | null }) => ({ caseId: l.caseId });
const ofInvoice = () => ({ caseId: null });

export const InvoiceKind = builder.enumType('InvoiceKind', {
  description: 'What an invoice charges for.',
  values: {
    PAYMENT_RESPONSIBILITY: {
      description: 'Faktureringsunderlag for betalningsansvar.',
    },
    COST_SHARING: {
      description: 'The system’s own cost shared among municipalities.',
    },
  } as const,
});
export const InvoiceStatus = builder.enumType('InvoiceStatus', {
  description: 'Where an invoice stands: DRAFT → APPROVED → SENT, never back.',
  values: {
    DRAFT: { description: 'Being drafted: drafting again may add credit and charge lines.' },
    APPROVED: { description: 'Approved after the month ended; its content is frozen.' },
    SENT: {
      description: 'Sent to the debtor; changes after this go on a correction invoice.',
    },
  } as const,
});
export const InvoiceLineKind = builder.enumType('InvoiceLineKind', {
  description: 'Whether a line charges or credits.',
  values: {
    CHARGE: { description: 'Charges days (or a cost share) to the debtor.' },
    CREDIT: {
      description: 'Corrects an earlier line; lines are never edited.',
    },
  } as const,
});
export const PaymentModel = builder.enumType('PaymentModel', {
  description: 'How an agreement counts days with payment responsibility (docs/agreements.md).',
  values: {
    STATUTORY_DEFAULT: {
      description: 'Lag (2017:612) when no agreement exists.',
    },
    INDIVIDUAL: { description: 'Days counted per patient.' },
    AVERAGE: { description: 'Average days per municipality and month.' },
  } as const,
});

/**
 * Invoices concern organisations, not units: a caller whose roles read FINANCIAL
 * (src/authz/visibility.ts) sees those where the organisation of their acting unit is the
 * debtor or the creditor. (Field rules by role: issue 4.)
 */
function visibleInvoiceWhere(ctx: Context): Prisma.InvoiceWhereInput {
  if (!ctx.actor || !maySee(ctx.principal, 'invoice')) return { id: { in: [] } };
  const org = ctx.actor.organizationId;
  return { OR: [{ debtorId: org }, { creditorId: org }] };
}

const InvoiceLineDay = builder.objectRef<LineDay>('InvoiceLineDay').implement({
  description:
    'One day of an invoice line: why it is charged (or, on a credit line, credited) and the case events behind it.',
  fields: (t) => ({
    date: t.field({
      type: 'Date',
      description: 'The day charged (or credited).',
      resolve: (d) => new Date(`${d.date}T00:00:00Z`),
    }),
    reason: t.exposeString('reason', {
      description:
        'e.g. "day 3 after ready notice 2026-03-14 (lag 2017:612 default)": the rule and the notice the count ran from.',
    }),
    eventIds: t.exposeStringList('eventIds', {
      description:
        'The case events that make the day payable, as database ids. Read `eventGlobalIds`.',
      deprecationReason: 'Raw database ids; use `eventGlobalIds`, which `node` takes.',
    }),
    eventGlobalIds: t.idList({
      ...globalIdOf('CaseEvent'),
      description:
        'The case events that make the day payable (the admission and the ready notice), or that stopped it on a credit, as `CaseEvent` global ids; empty once the case is purged.',
      resolve: (d) => d.eventIds.map((id) => encodeGlobalID('CaseEvent', id)),
    }),
    readyNoticeId: t.exposeString('readyNoticeId', {
      nullable: true,
      description: 'The ready notice behind the day, as a database id. Read `readyNoticeGlobalId`.',
      deprecationReason: 'A raw database id; use `readyNoticeGlobalId`, which `node` takes.',
    }),
    readyNoticeGlobalId: t.id({
      ...globalIdOf('CaseEvent'),
      nullable: true,
      description:
        'The ready notice (a `CaseEvent` global id) whose count made the day payable: after a withdrawal, the later notice that restarted the count.',
      resolve: (d) =>
        d.readyNoticeId == null ? null : encodeGlobalID('CaseEvent', d.readyNoticeId),
    }),
  }),
});

builder.prismaNode('InvoiceLine', {
  id: { field: 'id' },
  description:
    'One line of an invoice: the payable days of one case (or a cost share), or a credit of an earlier line. Lines are never edited. Every role that sees an invoice reads its lines whole.',
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, invoice: visibleInvoiceWhere(ctx) }),
  fields: (t) => ({
    position: t.exposeInt('position', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      description: 'The line’s place on the invoice, from 1.',
    }),
    kind: t.expose('kind', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      type: InvoiceLineKind,
      description: 'Charge or credit.',
    }),
    description: t.exposeString('description', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      description: 'The line’s text as printed on the invoice.',
    }),
    days: t.exposeInt('days', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      description: 'Days with payment responsibility on the line; negative on a credit.',
    }),
    dates: t.field({
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      type: ['Date'],
      description: 'The days charged or credited (Stockholm calendar days), in order.',
      select: { dates: true },
      resolve: (line) => line.dates.map((d) => d.toISOString().slice(0, 10)),
    }),
    pricePerDay: t.expose('pricePerDay', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      type: 'Decimal',
      description: 'SEK per day (belopp per vårddygn) from the agreement in force.',
    }),
    amount: t.expose('amount', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      type: 'Decimal',
      description: 'The line’s sum in SEK; negative on a credit.',
    }),
    eventIds: t.exposeStringList('eventIds', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      description: 'The case events behind these days, as database ids. Read `eventGlobalIds`.',
      deprecationReason: 'Raw database ids; use `eventGlobalIds`, which `node` takes.',
    }),
    eventGlobalIds: t.field({
      ...globalIdOf(
        'CaseEvent',
        guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      ),
      type: ['ID'],
      description: 'The case events behind these days, as `CaseEvent` global ids.',
      select: { eventIds: true },
      resolve: (line) => line.eventIds.map((id) => encodeGlobalID('CaseEvent', id)),
    }),
    payableDays: t.field({
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofLine, seenOn: 'invoice' }),
      type: [InvoiceLineDay],
      description:
        'Each day of the line with its reason and events, in date order; empty on a line without days (an average-model excess, a cost share) and on lines written before days were kept.',
      select: { dayDetails: true, eventIds: true },
      resolve: (line) => readLineDays(line.dayDetails, line.eventIds),
    }),
    case: t.relation('case', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofLine }),
      nullable: true,
      description:
        'The case whose days the line charges; null on a line without a case (a cost share), once the case is purged, or if withheld from you.',
    }),
    correctsLineId: t.exposeString('correctsLineId', {
      ...guard({ category: 'FINANCIAL', locate: ofLine }),
      nullable: true,
      description:
        'On a credit line: the database id of the charge line it takes back; null on a charge.',
      deprecationReason: 'A raw database id; use `correctsLineGlobalId`, which `node` takes.',
    }),
    correctsLineGlobalId: t.field({
      ...globalIdOf('InvoiceLine', guard({ category: 'FINANCIAL', locate: ofLine })),
      type: 'ID',
      nullable: true,
      description: 'For a credit: the charge line (an InvoiceLine global id) it takes back.',
      select: { correctsLineId: true },
      resolve: (line) =>
        line.correctsLineId === null ? null : encodeGlobalID('InvoiceLine', line.correctsLineId),
    }),
  }),
});

export const Invoice = builder.prismaNode('Invoice', {
  id: { field: 'id' },
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [visibleInvoiceWhere(ctx)] }),
  description:
    'Faktureringsunderlag per municipality or district and month, or a cost-sharing invoice.',
  fields: (t) => ({
    kind: t.expose('kind', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      type: InvoiceKind,
      description: 'Payment responsibility or cost sharing.',
    }),
    status: t.expose('status', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      type: InvoiceStatus,
      description: 'Draft, approved or sent.',
    }),
    period: t.field({
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      type: 'YearMonth',
      description: 'The invoiced month.',
      select: { period: true },
      resolve: (i) => i.period.toISOString().slice(0, 7),
    }),
    debtor: t.relation('debtor', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      description: 'Who pays: the municipality or Stockholm district.',
    }),
    creditor: t.relation('creditor', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      description: 'Who invoices: the region (care provider).',
    }),
    totalAmount: t.expose('totalAmount', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      type: 'Decimal',
      description: 'The sum of all lines in SEK, credits subtracted.',
    }),
    createdAt: t.expose('createdAt', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      type: 'DateTime',
      description: 'When the invoice was first drafted.',
    }),
    approvedAt: t.expose('approvedAt', {
      ...guard({ category: 'FINANCIAL', locate: ofInvoice }),
      type: 'DateTime',
      nullable: true,
      description: 'When it was approved; null while a draft (or if withheld from you).',
    }),
    sentAt: t.expose('sentAt', {
      ...guard({ category: 'FINANCIAL', locate: ofInvoice }),
      type: 'DateTime',
      nullable: true,
      description: 'When it was marked sent; null until then (or if withheld from you).',
    }),
    lines: t.relation('lines', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      query: { orderBy: { position: 'asc' } },
      description: 'The invoice’s lines in position order.',
    }),
    correction: t.exposeInt('correction', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      description:
        '0 for the month’s original invoice; 1, 2 … for its correction invoices (draftCorrectionInvoice).',
    }),
    correctsInvoice: t.relation('correctsInvoice', {
      ...guard({ category: 'FINANCIAL', locate: ofInvoice }),
      nullable: true,
      description: 'For a correction invoice: the invoice of the month it follows.',
    }),
    correctedBy: t.relation('correctedBy', {
      ...guardNeverWithheld({ category: 'FINANCIAL', locate: ofInvoice, seenOn: 'invoice' }),
      description: 'The correction invoice that follows this one, if the month was corrected.',
    }),
  }),
});

const InvoiceFilter = builder.inputType('InvoiceFilter', {
  description: 'Which invoices to list; every condition given must hold.',
  fields: (t) => ({
    kind: t.field({ type: InvoiceKind, required: false, description: 'Only this kind.' }),
    status: t.field({ type: InvoiceStatus, required: false, description: 'Only this status.' }),
    debtorId: t.id({
      required: false,
      description: 'Only invoices to this municipality or district (an `Organization` global id).',
    }),
    period: t.field({ type: 'YearMonth', required: false, description: 'The invoiced month.' }),
  }),
});

builder.queryField('invoices', (t) =>
  t.prismaConnection({
    type: Invoice,
    cursor: 'id',
    authScopes: { actingUnit: true },
    description: 'Invoices of your organisation, latest period first.',
    args: {
      filter: t.arg({
        type: InvoiceFilter,
        required: false,
        description: 'Which invoices.',
      }),
    },
    totalCount: (_root, { filter }, ctx) =>
      ctx.prisma.invoice.count({ where: invoiceWhere(filter, ctx) }),
    resolve: (query, _root, { filter }, ctx) =>
      ctx.prisma.invoice.findMany({
        ...selecting(query),
        where: invoiceWhere(filter, ctx),
        orderBy: [{ period: 'desc' }, { id: 'asc' }],
      }),
  }),
);

export const AgreementCareType = builder.enumType('AgreementCareType', {
  description: 'The care a price is for.',
  values: {
    SOMATIC: { description: 'Somatic inpatient care.' },
    PSYCHIATRIC: { description: 'Psychiatric 24-hour care.' },
    COMPULSORY_CARE: {
      description:
        'Psychiatric care of a patient bound for compulsory outpatient care (ÖPT/ÖRV, LPT/LRV); without a price of its own, the psychiatric one.',
    },
  } as const,
});

function invoiceWhere(
  filter:
    | {
        kind?: Prisma.InvoiceWhereInput['kind'] | null;
        status?: Prisma.InvoiceWhereInput['status'] | null;
        debtorId?: string | number | null;
        period?: string | null;
      }
    | null
    | undefined,
  ctx: Context,
): Prisma.InvoiceWhereInput {
  requireGrant(ctx, 'FINANCIAL');
  const and: Prisma.InvoiceWhereInput[] = [visibleInvoiceWhere(ctx)];
  if (filter?.kind) and.push({ kind: filter.kind });
  if (filter?.status) and.push({ status: filter.status });
  if (filter?.debtorId != null)
    and.push({
      debtorId: decodeId(filter.debtorId, 'Organization', 'filter.debtorId'),
    });
  if (filter?.period) {
    if (!isYearMonth(filter.period)) {
      throw new BadInputError('INVALID_PERIOD', 'period must be YYYY-MM.', 'filter.period');
    }
    and.push({ period: periodDate(filter.period) });
  }
  return { AND: and };
}

builder.prismaObject('PaymentAgreementPrice', {
  description:
    'The price per day (belopp per vårddygn) of an agreement for one year and care type.',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'The calendar year the price applies to.' }),
    careType: t.field({
      type: AgreementCareType,
      nullable: true,
      description: 'null: the price of every care type without a price of its own that year.',
      select: { careType: true },
      resolve: (p) => (p.careType === 'ALL' ? null : p.careType),
    }),
    pricePerDay: t.expose('pricePerDay', {
      type: 'Decimal',
      description: 'SEK per day with payment responsibility, e.g. "9300.00".',
    }),
  }),
});

builder.prismaNode('PaymentAgreement', {
  id: { field: 'id' },
  description: 'An agreement on payment responsibility, valid for a period.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The agreement’s name, as the parties call it.' }),
    model: t.expose('model', {
      type: PaymentModel,
      description: 'How days with payment responsibility are counted.',
    }),
    validFrom: t.expose('validFrom', { type: 'Date', description: 'The first day it applies.' }),
    validTo: t.expose('validTo', {
      type: 'Date',
      nullable: true,
      description: 'The last day it applies (inclusive); null: until further notice.',
    }),
    parameters: t.field({
      type: 'JSONObject',
      description:
        'The model’s parameters (e.g. free days per care type, cut-off hour), as in docs/agreements.md; empty for STATUTORY_DEFAULT.',
      select: { parameters: true },
      resolve: (a) => a.parameters as Record<string, unknown>,
    }),
    decision: t.exposeString('decision', {
      description: 'The decision the agreement rests on.',
    }),
    nationalDefault: t.boolean({
      description:
        'True for a version of the law’s default for the whole country: it applies where neither the municipality nor the region has an agreement of its own.',
      select: { regionId: true },
      resolve: (a) => a.regionId === null,
    }),
    prices: t.relation('prices', {
      description: 'Its prices per day, by year and then care type.',
      query: { orderBy: [{ year: 'asc' }, { careType: 'asc' }] },
    }),
  }),
});

builder.queryField('paymentAgreements', (t) =>
  t.prismaField({
    type: ['PaymentAgreement'],
    authScopes: { actingUnit: true },
    description:
      'The payment agreements that apply to your organisation (as region or municipality), and the national default versions, oldest first.',
    resolve: (query, _root, _args, ctx) => {
      requireGrant(ctx, 'FINANCIAL');
      return ctx.prisma.paymentAgreement.findMany({
        ...selecting(query),
        where: {
          OR: [
            { regionId: ctx.actor!.organizationId },
            { municipalityId: ctx.actor!.organizationId },
            { regionId: null },
          ],
        },
        orderBy: { validFrom: 'asc' },
      });
    },
  }),
);
