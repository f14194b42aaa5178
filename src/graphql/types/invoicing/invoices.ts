import { grantsFor } from '../../../authz/decide.js';
import { requireFinance } from '../../../invoicing/access.js';
import { InvoiceService } from '../../../invoicing/invoice-service.js';
import { parseMonth } from '../../../invoicing/month.js';
import { invoiceCsv, invoiceHtml, loadRenderable } from '../../../invoicing/render.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { selecting } from '../../prisma-query.js';
import { Invoice } from '../invoice.js';
import { idOf, invoicingResult } from './errors.js';

/**
 * The invoice basis of payment responsibility through GraphQL: drafting, approving,
 * marking sent, crediting a line, and the CSV and printable HTML renderings. Finance
 * users only (src/invoicing/access.ts); a region's finance acts on the invoices its
 * region issues.
 */

function service(ctx: Context): InvoiceService {
  return new InvoiceService(ctx.prisma, ctx.now);
}

interface DraftResult {
  invoiceId: string;
  charged: number;
  credited: number;
  unchanged: number;
}

const InvoiceDraft = builder.objectRef<DraftResult>('InvoiceDraft').implement({
  description: 'The invoice basis after drafting, and what the draft changed.',
  fields: (t) => ({
    invoice: t.prismaField({
      type: 'Invoice',
      description: 'The drafted invoice (status DRAFT) with all its lines.',
      resolve: (query, draft, _args, ctx) =>
        ctx.prisma.invoice.findUniqueOrThrow({
          ...selecting(query),
          where: { id: draft.invoiceId },
        }),
    }),
    linesCharged: t.exposeInt('charged', { description: 'Charge lines added.' }),
    linesCredited: t.exposeInt('credited', {
      description: 'Lines credited because their days no longer hold.',
    }),
    linesUnchanged: t.exposeInt('unchanged', {
      description: 'Lines already on the invoice that still hold and were left as they were.',
    }),
  }),
});

const DraftInvoiceBasisInput = builder.inputType('DraftInvoiceBasisInput', {
  description: 'Which invoice basis to draft: the paying municipality or district and the month.',
  fields: (t) => ({
    municipalityId: t.id({
      description: 'The municipality or Stockholm district (an Organization) that pays.',
    }),
    month: t.field({ type: 'YearMonth', description: 'The month of care invoiced.' }),
  }),
});

builder.mutationField('draftInvoiceBasis', (t) =>
  t.field({
    type: InvoiceDraft,
    description:
      'Drafts, or brings up to date, the invoice basis of your region for a municipality or district and month. ' +
      'Drafting again appends credit and charge lines for what changed; an approved or sent invoice is refused.',
    errors: invoicingResult('the drafted invoice basis and what the draft changed'),
    args: {
      input: t.arg({ type: DraftInvoiceBasisInput, description: 'The debtor and month to draft.' }),
    },
    resolve: async (_root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const municipalityId = idOf(input.municipalityId, 'Organization', 'municipalityId');
      const month = parseMonth(input.month);
      return service(ctx).draft({ regionId: actor.organizationId, municipalityId, month });
    },
  }),
);

builder.mutationField('draftCorrectionInvoice', (t) =>
  t.field({
    type: InvoiceDraft,
    description:
      'Drafts, or brings up to date, the correction invoice of a month whose invoice basis is sent: what the ' +
      'event list supports now, day by day, less what the month’s invoices charged, as credit lines against the ' +
      'lines that charged days no longer supported and charge lines for days now supported, each naming the ' +
      'events behind it. The sent invoice is never changed. Approve and send it like any invoice; a sent ' +
      'correction can be corrected again.',
    errors: invoicingResult('the drafted correction invoice and what the draft changed'),
    args: {
      input: t.arg({
        type: DraftInvoiceBasisInput,
        description: 'The debtor and the sent month to correct.',
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const municipalityId = idOf(input.municipalityId, 'Organization', 'municipalityId');
      const month = parseMonth(input.month);
      return service(ctx).draftCorrection({
        regionId: actor.organizationId,
        municipalityId,
        month,
      });
    },
  }),
);

const InvoiceIdInput = builder.inputType('InvoiceIdInput', {
  description: 'The invoice to act on.',
  fields: (t) => ({
    invoiceId: t.id({
      description: 'The invoice’s global id (`Invoice.id`), of your organisation.',
    }),
  }),
});

function transitionMutation(name: string, description: string, step: 'approve' | 'markSent') {
  builder.mutationField(name, (t) =>
    t.field({
      type: Invoice,
      description,
      errors: invoicingResult('the invoice in its new status'),
      args: { input: t.arg({ type: InvoiceIdInput, description: 'The invoice to move on.' }) },
      resolve: async (_root, { input }, ctx) => {
        const actor = requireFinance(ctx);
        const invoiceId = idOf(input.invoiceId, 'Invoice', 'invoiceId');
        await service(ctx)[step](invoiceId, actor.organizationId);
        return ctx.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
      },
    }),
  );
}

transitionMutation(
  'approveInvoice',
  'DRAFT → APPROVED, once the invoiced month has ended. The content is frozen from here on.',
  'approve',
);
transitionMutation('markInvoiceSent', 'APPROVED → SENT.', 'markSent');

const CreditInvoiceLineInput = builder.inputType('CreditInvoiceLineInput', {
  description: 'The charge line to credit and why.',
  fields: (t) => ({
    lineId: t.id({ description: 'The charge line (an InvoiceLine) to credit.' }),
    reason: t.string({ description: 'Why, shown on the credit line.' }),
  }),
});

builder.mutationField('creditInvoiceLine', (t) =>
  t.field({
    type: Invoice,
    description:
      'Credits a charge line: a CREDIT line naming it, never an edit. On a draft the credit goes on the same ' +
      'invoice; for an approved or sent invoice on the next draft invoice of the same debtor. Returns the ' +
      'invoice carrying the credit line.',
    errors: invoicingResult('the invoice that carries the new credit line'),
    args: {
      input: t.arg({ type: CreditInvoiceLineInput, description: 'The line and the reason.' }),
    },
    resolve: async (_root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const lineId = idOf(input.lineId, 'InvoiceLine', 'lineId');
      const invoiceId = await service(ctx).creditLine(lineId, actor.organizationId, input.reason);
      return ctx.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    },
  }),
);

function renderingQuery(name: string, description: string, render: typeof invoiceCsv) {
  builder.queryField(name, (t) =>
    t.field({
      type: 'String',
      description,
      errors: invoicingResult('the rendered invoice, as the text of the file'),
      args: {
        invoiceId: t.arg.id({
          description:
            'The invoice’s global id (`Invoice.id`). Rendering it is logged as a print (utskrift) for each patient on it.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const actor = requireFinance(ctx);
        const invoiceId = idOf(args.invoiceId, 'Invoice', 'invoiceId');
        const mayReadProtectedIdentity =
          grantsFor(ctx.principal!.roles, 'PROTECTED_IDENTITY', 'read').length > 0;
        const invoice = await loadRenderable(ctx.prisma, invoiceId, actor.organizationId, {
          mayReadProtectedIdentity,
        });
        // The rendering names patients (personnummer, name, days of care): an export
        // (utskrift) in the PDL access log, one record per patient and case.
        const seen = new Set<string>();
        for (const line of invoice.lines) {
          if (line.patientId === null || seen.has(`${line.patientId}:${line.caseId}`)) continue;
          seen.add(`${line.patientId}:${line.caseId}`);
          ctx.access.record({
            patientId: line.patientId,
            caseId: line.caseId,
            categories: [
              line.protectedIdentity
                ? mayReadProtectedIdentity
                  ? 'PROTECTED_IDENTITY'
                  : 'ADMINISTRATIVE'
                : 'IDENTITY',
              'FINANCIAL',
            ],
            activity: 'PRINT',
          });
        }
        return render(invoice);
      },
    }),
  );
}

renderingQuery(
  'invoiceCsv',
  'The invoice as CSV (semicolon-separated, header row, one row per line).',
  invoiceCsv,
);
renderingQuery('invoiceHtml', 'The invoice as a self-contained printable HTML page.', invoiceHtml);
