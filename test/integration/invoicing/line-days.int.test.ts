/**
 * Per-day lines (issue 15): every payable day of an invoice line with the events, and the
 * ready notice, that made it payable, in the API and on the printable invoice; a line whose
 * days come from two ready notices (a withdrawal and a new notice restarted the count)
 * names both. Expectations are computed by hand below.
 *
 * Solna under the law's default, 9 300 SEK a day in 2026. March 2026: Mon 2, Fri 6,
 * Mon 9, Thu 12, Mon 16.
 */
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import {
  ApproveInvoiceDocument,
  CreatePaymentAgreementDocument,
  DraftCorrectionInvoiceDocument,
  DraftInvoiceBasisDocument,
  InvoiceHtmlDocument,
  MarkInvoiceSentDocument,
} from '../../generated/graphql.js';
import { globalId, organizationIds, SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { appendEvents, insertCase } from '../../support/invoicing-cases.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let finance: GraphQLClient;
const org = new Map<string, string>();
const at = (date: string, time: string) => stockholmInstant(date, time);

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  for (const [hsaId, id] of await organizationIds(server.owner)) org.set(hsaId, id);
});
afterAll(() => server?.close());

describe('a line whose count a later ready notice restarted', () => {
  let stay: { caseId: string; eventIds: string[] };
  let invoiceId = '';

  it('lists each day with the notice that made it payable, and names both notices', async () => {
    const agreement = await finance.request(CreatePaymentAgreementDocument, {
      input: {
        name: 'Solna – lagens grundregel',
        model: 'STATUTORY_DEFAULT',
        municipalityId: globalId('Organization', org.get(SOLNA)!),
        validFrom: '2026-01-01',
        prices: [{ year: 2026, pricePerDay: '9300.00' }],
        decision: 'KS 2026/7',
      },
    });
    expect(agreement.createPaymentAgreement.__typename).toBe('CreatePaymentAgreementSuccess');
    // Ready Mon 2 (day 0) → Thu 5 is day 3, paid; withdrawn Fri 6 (not paid). Ready again
    // Mon 9 → paid Thu 12, Fri 13, Sat 14, Sun 15; discharged Mon 16 (not paid).
    // One line (one agreement, one price): 5 days × 9 300 = 46 500.00.
    stay = await insertCase(server.owner, {
      homeOrganizationId: org.get(SOLNA)!,
      reference: 'BR-DAYS-1',
      admittedAt: at('2026-03-01', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-01', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-02', '10:00') },
        { type: 'READY_FOR_DISCHARGE_WITHDRAWN', at: at('2026-03-06', '10:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-09', '10:00') },
        { type: 'DISCHARGED', at: at('2026-03-16', '14:00') },
      ],
    });
    const [admission, firstReady, , secondReady] = stay.eventIds as [
      string,
      string,
      string,
      string,
    ];

    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: globalId('Organization', org.get(SOLNA)!), month: '2026-03' },
    });
    if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(result.draftInvoiceBasis));
    }
    const invoice = result.draftInvoiceBasis.data.invoice;
    invoiceId = invoice.id;
    expect(invoice.totalAmount).toBe('46500.00');
    expect(invoice.lines).toHaveLength(1);
    const line = invoice.lines![0]!;
    expect(line.dates).toEqual([
      '2026-03-05',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
    ]);
    expect(line.description).toBe(
      'BR-DAYS-1: 5 days 2026-03-05–2026-03-15, Solna – lagens grundregel; ' +
        'from day 3 after ready notice 2026-03-02 (lag 2017:612 default) for 2026-03-05; ' +
        'count restarted: from day 3 after ready notice 2026-03-09 (lag 2017:612 default) ' +
        'for 2026-03-12–2026-03-15',
    );
    expect(line.payableDays).toEqual([
      {
        date: '2026-03-05',
        reason: 'day 3 after ready notice 2026-03-02 (lag 2017:612 default)',
        eventIds: [admission, firstReady],
        eventGlobalIds: [admission, firstReady].map((id) => globalId('CaseEvent', id)),
        readyNoticeId: firstReady,
        readyNoticeGlobalId: globalId('CaseEvent', firstReady),
      },
      ...[12, 13, 14, 15].map((day) => ({
        date: `2026-03-${day}`,
        reason: `day ${day - 9} after ready notice 2026-03-09 (lag 2017:612 default)`,
        eventIds: [admission, secondReady],
        eventGlobalIds: [admission, secondReady].map((id) => globalId('CaseEvent', id)),
        readyNoticeId: secondReady,
        readyNoticeGlobalId: globalId('CaseEvent', secondReady),
      })),
    ]);
  });

  it('prints every day under its line with its reason and events', async () => {
    const html = await finance.request(InvoiceHtmlDocument, { invoiceId });
    if (html.invoiceHtml.__typename !== 'InvoiceHtmlSuccess') throw new Error();
    const page = html.invoiceHtml.data;
    const [, , , secondReady] = stay.eventIds as [string, string, string, string];
    for (const [date, reason] of [
      ['2026-03-05', 'day 3 after ready notice 2026-03-02'],
      ['2026-03-12', 'day 3 after ready notice 2026-03-09'],
      ['2026-03-15', 'day 6 after ready notice 2026-03-09'],
    ] as const) {
      expect(page).toMatch(new RegExp(`<td>${date}</td><td colspan="2"></td>\\s*<td>${reason}`));
    }
    expect(page).toContain(`utskrivningsklar ${secondReady}`);
    // The withdrawal day and the discharge day are not payable days of the line.
    expect(page).not.toContain('<td>2026-03-06</td>');
    expect(page).not.toContain('<td>2026-03-16</td>');
  });

  it('gives a correction’s credited days the reason the event list gives now', async () => {
    for (const step of [ApproveInvoiceDocument, MarkInvoiceSentDocument]) {
      await finance.request(step, { input: { invoiceId } });
    }
    const [, , , secondReady] = stay.eventIds as [string, string, string, string];
    // The second ready notice annulled: the ready status stays withdrawn from Fri 6, so
    // 12–15 March are credited (4 × 9 300 = 37 200.00) and 5 March stands.
    const [annulment] = await appendEvents(server.owner, stay.caseId, [
      {
        type: 'MESSAGE_ANNULLED',
        at: at('2026-04-02', '09:00'),
        payload: { eventId: secondReady },
      },
    ]);
    const result = await finance.request(DraftCorrectionInvoiceDocument, {
      input: { municipalityId: globalId('Organization', org.get(SOLNA)!), month: '2026-03' },
    });
    if (result.draftCorrectionInvoice.__typename !== 'DraftCorrectionInvoiceSuccess') {
      throw new Error(JSON.stringify(result.draftCorrectionInvoice));
    }
    const correction = result.draftCorrectionInvoice.data.invoice;
    expect(correction.totalAmount).toBe('-37200.00');
    const credit = correction.lines![0]!;
    expect(credit.kind).toBe('CREDIT');
    expect(credit.payableDays?.map((d) => d.date)).toEqual([
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
    ]);
    for (const day of credit.payableDays ?? []) {
      expect(day.reason).toMatch(
        /^no longer supported: ready status withdrawn \(avbrott\) on 2026-03-06/,
      );
      expect(day.eventIds).toContain(annulment);
      expect(day.readyNoticeId).toBeNull();
    }
  });
});
