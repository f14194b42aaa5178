/**
 * Money after an invoice is sent (issue 15): correction invoices that net exactly to what
 * the event list supports, stale invoices found by query and by the monthly job, and the
 * average model priced exactly. Every expectation is computed by hand in the comments.
 *
 * Solna is invoiced under the law's default (lag 2017:612): day 0 is the ready notice's
 * day, days 3 … the day before discharge are paid, 9 300 SEK a day in 2026. March 2026
 * starts on a Sunday: Mon 2, Wed 4, Sun 8, Wed 11, Mon 16, Fri 20 March.
 */
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import { runJobNow } from '../../../src/jobs/scheduler.js';
import {
  ApproveInvoiceDocument,
  CreatePaymentAgreementDocument,
  DraftCorrectionInvoiceDocument,
  DraftInvoiceBasisDocument,
  MarkInvoiceSentDocument,
  PaymentStatisticsDocument,
  StaleInvoicesDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HUDDINGE,
  organizationIds,
  RINKEBY_KISTA,
  SOC_SODERMALM,
  SODERMALM,
  SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { appendEvents, insertCase } from '../../support/invoicing-cases.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let finance: GraphQLClient;
const org = new Map<string, string>();
const orgId = (hsaId: string) => globalId('Organization', org.get(hsaId)!);
const rawId = (relayId: string) => Buffer.from(relayId, 'base64').toString().split(':')[1]!;
const at = (date: string, time: string) => stockholmInstant(date, time);
const PRICES = [{ year: 2026, pricePerDay: '9300.00' }];

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  for (const [hsaId, id] of await organizationIds(server.owner)) org.set(hsaId, id);
});
afterAll(() => server?.close());

async function createAgreement(input: Record<string, unknown>) {
  const result = await finance.request(CreatePaymentAgreementDocument, {
    input: { validFrom: '2026-01-01', prices: PRICES, decision: 'RS 2026/15', ...input } as never,
  });
  expect(result.createPaymentAgreement.__typename).toBe('CreatePaymentAgreementSuccess');
}

const month = { municipalityId: '', month: '2026-03' };

async function draftCorrection() {
  const result = await finance.request(DraftCorrectionInvoiceDocument, { input: month });
  return result.draftCorrectionInvoice;
}

async function correction() {
  const result = await draftCorrection();
  if (result.__typename !== 'DraftCorrectionInvoiceSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data;
}

async function approveAndSend(invoiceId: string) {
  const approved = await finance.request(ApproveInvoiceDocument, { input: { invoiceId } });
  expect(approved.approveInvoice.__typename).toBe('ApproveInvoiceSuccess');
  const sent = await finance.request(MarkInvoiceSentDocument, { input: { invoiceId } });
  expect(sent.markInvoiceSent.__typename).toBe('MarkInvoiceSentSuccess');
}

async function stale() {
  const result = await finance.request(StaleInvoicesDocument, {
    input: { from: '2026-01', to: '2026-12' },
  });
  if (result.staleInvoices.__typename !== 'StaleInvoicesSuccess') {
    throw new Error(JSON.stringify(result.staleInvoices));
  }
  return result.staleInvoices.data;
}

/** What every invoice of Solna's March says, net, in öre, straight from the database. */
async function marchNet(): Promise<number> {
  const { rows } = await server.owner.query<{ ore: string }>(
    `SELECT coalesce(sum(l.amount * 100), 0)::bigint::text AS ore
     FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
     WHERE i.debtor_id = $1 AND i.period = '2026-03-01' AND i.kind = 'PAYMENT_RESPONSIBILITY'`,
    [org.get(SOLNA)],
  );
  return Number(rows[0]!.ore);
}

/** Corrects a discharge the way the workflow does: annul the old one, record the new one. */
async function correctDischarge(caseId: string, wrongEventId: string, leftAt: Date) {
  const recorded = at('2026-04-10', '09:00');
  const [annulment, discharge] = await appendEvents(server.owner, caseId, [
    { type: 'MESSAGE_ANNULLED', at: recorded, payload: { eventId: wrongEventId } },
    { type: 'DISCHARGED', at: recorded, payload: { dischargedAt: leftAt.toISOString() } },
  ]);
  await server.owner.query('UPDATE "case" SET discharged_at = $2 WHERE id = $1', [caseId, leftAt]);
  return { annulment: annulment!, discharge: discharge! };
}

describe('a sent month corrected by correction invoices', () => {
  let a: { caseId: string; eventIds: string[] };
  let b: { caseId: string; eventIds: string[] };
  let originalId = '';
  let lineA = '';
  let lineB = '';
  let bDischargeOn16th = '';

  it('sends March at 130 200 SEK', async () => {
    month.municipalityId = orgId(SOLNA);
    await createAgreement({
      name: 'Solna – lagens grundregel',
      model: 'STATUTORY_DEFAULT',
      municipalityId: orgId(SOLNA),
    });
    // A: ready Mon 2 March → paid Thu 5 … Mon 9 (discharged Tue 10): 5 days = 46 500.
    a = await insertCase(server.owner, {
      homeOrganizationId: org.get(SOLNA)!,
      reference: 'BR-CORR-A',
      admittedAt: at('2026-03-01', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-01', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-02', '10:00') },
        { type: 'DISCHARGED', at: at('2026-03-10', '14:00') },
      ],
    });
    // B: ready Sun 8 March → paid Wed 11 … Thu 19 (discharged Fri 20): 9 days = 83 700.
    b = await insertCase(server.owner, {
      homeOrganizationId: org.get(SOLNA)!,
      reference: 'BR-CORR-B',
      admittedAt: at('2026-03-06', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-06', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-08', '10:00') },
        { type: 'DISCHARGED', at: at('2026-03-20', '14:00') },
      ],
    });
    const drafted = await finance.request(DraftInvoiceBasisDocument, { input: month });
    if (drafted.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(drafted.draftInvoiceBasis));
    }
    const { invoice } = drafted.draftInvoiceBasis.data;
    expect(invoice.totalAmount).toBe('130200.00');
    originalId = invoice.id;
    lineA = invoice.lines!.find((l) => l.case!.reference === 'BR-CORR-A')!.id;
    lineB = invoice.lines!.find((l) => l.case!.reference === 'BR-CORR-B')!.id;

    // Not sent yet: a draft is drafted again, not corrected.
    expect(await draftCorrection()).toMatchObject({ code: 'INVOICE_NOT_SENT' });
    const approved = await finance.request(ApproveInvoiceDocument, {
      input: { invoiceId: originalId },
    });
    expect(approved.approveInvoice.__typename).toBe('ApproveInvoiceSuccess');
    expect(await draftCorrection()).toMatchObject({ code: 'INVOICE_NOT_SENT' });
    await finance.request(MarkInvoiceSentDocument, { input: { invoiceId: originalId } });
    expect(await draftCorrection()).toMatchObject({ code: 'NOTHING_TO_CORRECT' });
    expect(await stale()).toEqual([]);
  });

  it('finds the sent invoice stale once the discharge is corrected from the 20th to the 16th', async () => {
    const changed = await correctDischarge(b.caseId, b.eventIds[2]!, at('2026-03-16', '14:00'));
    bDischargeOn16th = changed.discharge;
    // B now: paid Wed 11 … Sun 15: 5 days. March supports 46 500 + 46 500 = 93 000.
    const found = await stale();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      month: '2026-03',
      debtorHsaId: SOLNA,
      invoicedAmount: '130200.00',
      supportedAmount: '93000.00',
      difference: '-37200.00',
      invoice: { id: originalId, correction: 0 },
      draftCorrection: null,
    });
    expect(found[0]!.lines).toHaveLength(1);
    expect(found[0]!.lines[0]).toMatchObject({
      kind: 'CREDIT',
      days: -4,
      dates: ['2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19'],
      pricePerDay: '9300.00',
      amount: '-37200.00',
      correctsLineId: rawId(lineB),
      correctsLineGlobalId: lineB,
    });
    // Traceable to the events that changed: the new discharge and the annulment.
    expect(found[0]!.lines[0]!.eventIds).toEqual(
      expect.arrayContaining([changed.discharge, changed.annulment]),
    );
    expect(found[0]!.lines[0]!.eventGlobalIds).toEqual(
      found[0]!.lines[0]!.eventIds!.map((id) => globalId('CaseEvent', id)),
    );
  });

  it('drafts the difference as a correction invoice, leaving the sent invoice as it was', async () => {
    const drafted = await correction();
    expect([drafted.linesCredited, drafted.linesCharged]).toEqual([1, 0]);
    const { invoice } = drafted;
    expect(invoice).toMatchObject({
      status: 'DRAFT',
      period: '2026-03',
      correction: 1,
      correctsInvoice: { id: originalId },
      totalAmount: '-37200.00',
    });
    expect(invoice.lines).toHaveLength(1);
    expect(invoice.lines![0]).toMatchObject({
      kind: 'CREDIT',
      days: -4,
      amount: '-37200.00',
      correctsLineId: rawId(lineB),
      correctsLineGlobalId: lineB,
    });
    expect(invoice.lines![0]!.description).toContain(
      'BR-CORR-B: correction of line 2 of the 2026-03 invoice: 4 days 2026-03-16–2026-03-19',
    );
    // Drafting again with nothing new adds nothing.
    const again = await correction();
    expect([again.invoice.id, again.linesCharged, again.linesCredited]).toEqual([invoice.id, 0, 0]);
    const { rows } = await server.owner.query(
      'SELECT status, total_amount::text AS total FROM invoice WHERE id = $1',
      [rawId(originalId)],
    );
    expect(rows[0]).toEqual({ status: 'SENT', total: '130200.00' });
    // Still stale until the correction is sent, and the query names the draft.
    expect((await stale())[0]!.draftCorrection).toEqual({ id: invoice.id });

    await approveAndSend(invoice.id);
    expect(await marchNet()).toBe(9_300_000);
    expect(await stale()).toEqual([]);
  });

  it('corrects the correction: a ready notice re-sent later nets March to exactly 74 400', async () => {
    // A's ready notice of Mon 2 March is annulled and sent again on Wed 4 March: day 3 is
    // Sat 7, so A is paid 7, 8 and 9 March: 3 days = 27 900. March: 27 900 + 46 500 = 74 400.
    const [annulment] = await appendEvents(server.owner, a.caseId, [
      {
        type: 'MESSAGE_ANNULLED',
        at: at('2026-04-12', '09:00'),
        payload: { eventId: a.eventIds[1] },
      },
      { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-04', '10:00') },
    ]);
    const drafted = await correction();
    expect(drafted.invoice).toMatchObject({ correction: 2, totalAmount: '-18600.00' });
    expect(drafted.invoice.lines).toHaveLength(1);
    const credit = drafted.invoice.lines![0]!;
    expect(credit).toMatchObject({
      kind: 'CREDIT',
      days: -2,
      dates: ['2026-03-05', '2026-03-06'],
      correctsLineId: rawId(lineA),
    });
    expect(credit.description).toContain('free day');
    expect(credit.eventIds).toContain(annulment);
    await approveAndSend(drafted.invoice.id);
    // 130 200 − 37 200 − 18 600 = 74 400 SEK.
    expect(await marchNet()).toBe(7_440_000);
    const stats = await finance.request(PaymentStatisticsDocument, {
      input: { from: '2026-03', to: '2026-03', municipalityId: orgId(SOLNA) },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    const amount = stats.paymentStatistics.data.series.find((s) => s.indicator === 'paymentAmount')!
      .points[0]!.value;
    expect(amount).toBe(74_400);
  });

  it('charges days back when a later correction supports them again', async () => {
    // B's discharge on the 16th was itself wrong: B left on Wed 18 March, so 16 and 17
    // March are paid again: 2 days = 18 600 on a charge line; March nets 93 000.
    await correctDischarge(b.caseId, bDischargeOn16th, at('2026-03-18', '11:00'));
    const found = await stale();
    expect(found[0]).toMatchObject({
      invoicedAmount: '74400.00',
      supportedAmount: '93000.00',
      difference: '18600.00',
    });
    const drafted = await correction();
    expect(drafted.invoice).toMatchObject({ correction: 3, totalAmount: '18600.00' });
    expect(drafted.invoice.lines).toEqual([
      expect.objectContaining({
        kind: 'CHARGE',
        days: 2,
        dates: ['2026-03-16', '2026-03-17'],
        amount: '18600.00',
        correctsLineId: null,
      }),
    ]);
    await approveAndSend(drafted.invoice.id);
    expect(await marchNet()).toBe(9_300_000);
    expect(await stale()).toEqual([]);
  });

  it('refuses a municipality’s finance: only the region invoices', async () => {
    const district = await server.clientFor(SOC_SODERMALM, { roles: ['FINANCE'] });
    const result = await district.request(DraftCorrectionInvoiceDocument, {
      input: { municipalityId: orgId(SODERMALM), month: '2026-03' },
    });
    expect(result.draftCorrectionInvoice).toMatchObject({ code: 'NOT_A_CREDITOR' });
  });
});

describe('the average model priced exactly', () => {
  it('invoices (16/3 − 2) × 9 300 = 31 000.00 SEK, not 3.33 × 9 300 = 30 969.00', async () => {
    await createAgreement({
      name: 'Rinkeby-Kista – genomsnitt över tre månader',
      model: 'AVERAGE',
      municipalityId: orgId(RINKEBY_KISTA),
      parameters: {
        allowedAverageDays: 2,
        sameDayDischarge: 'EXCLUDED',
        windowMonths: 3,
        settlement: 'SAME_MONTH',
      },
    });
    // January 5 days, February 5 days, March 6 days: 16 days / 3 stays; 1 stay in March.
    const stays: [string, string, string][] = [
      ['2026-01-08', '2026-01-10', '2026-01-15'],
      ['2026-02-08', '2026-02-10', '2026-02-15'],
      ['2026-03-08', '2026-03-10', '2026-03-16'],
    ];
    for (const [i, [admitted, ready, discharged]] of stays.entries()) {
      await insertCase(server.owner, {
        homeOrganizationId: org.get(RINKEBY_KISTA)!,
        reference: `BR-AVG-${i + 1}`,
        admittedAt: at(admitted, '08:00'),
        events: [
          { type: 'ADMISSION_NOTICE_SENT', at: at(admitted, '09:00') },
          { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at(ready, '10:00') },
          { type: 'DISCHARGED', at: at(discharged, '15:00') },
        ],
      });
    }
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(RINKEBY_KISTA), month: '2026-03' },
    });
    if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(result.draftInvoiceBasis));
    }
    const { invoice } = result.draftInvoiceBasis.data;
    expect(invoice.totalAmount).toBe('31000.00');
    expect(invoice.lines![0]!.description).toContain('10/3 (≈ 3.33) days × 9300.00 SEK');
  });
});

describe('the monthly job', () => {
  it('reports the stale months in its summary and warns in the job log', async () => {
    // Solna's March is corrected and sent. Then B's last discharge is annulled: B is still
    // in hospital and ready, so 11 … 31 March are 21 paid days = 195 300; with A's 27 900
    // March supports 223 200 against 93 000 invoiced.
    const { rows: discharge } = await server.owner.query<{ id: string; case_id: string }>(
      `SELECT e.id, e.case_id FROM case_event e JOIN "case" c ON c.id = e.case_id
       WHERE c.reference = 'BR-CORR-B' AND e.type = 'DISCHARGED' ORDER BY e.sequence DESC LIMIT 1`,
    );
    await appendEvents(server.owner, discharge[0]!.case_id, [
      {
        type: 'MESSAGE_ANNULLED',
        at: at('2026-04-20', '09:00'),
        payload: { eventId: discharge[0]!.id },
      },
    ]);
    await server.owner.query(
      `UPDATE "case" SET discharged_at = NULL, status = 'READY_FOR_DISCHARGE' WHERE id = $1`,
      [discharge[0]!.case_id],
    );
    await runJobNow(
      { DATABASE_URL: server.databaseUrl, DATABASE_APP_ROLE: 'brygga_app', LOG_LEVEL: 'error' },
      'monthly-invoicing',
      { month: '2026-04' },
    );
    const { rows } = await server.owner.query<{
      summary: { staleInvoices: { month: string; municipalityId: string; difference: string }[] };
      warnings: string[];
    }>(
      `SELECT summary, warnings FROM job_run WHERE job = 'monthly-invoicing' AND run_key = '2026-04'`,
    );
    expect(rows[0]!.summary.staleInvoices).toEqual([
      {
        regionId: expect.any(String),
        municipalityId: org.get(SOLNA),
        month: '2026-03',
        invoiced: '93000.00',
        supported: '223200.00',
        difference: '130200.00',
      },
    ]);
    expect(rows[0]!.warnings).toEqual([
      expect.stringContaining('2026-03 invoice basis for Solna stad differs from the event list'),
    ]);
  });
});

describe('the monthly job, when a sent month cannot be computed now', () => {
  it('warns that the month could not be checked instead of calling it current', async () => {
    // A Solna case of March whose ready notice is before its admission: March's basis
    // cannot be computed, so the sent March cannot be compared with the event list.
    await insertCase(server.owner, {
      homeOrganizationId: org.get(SOLNA)!,
      reference: 'BR-CORR-BROKEN',
      admittedAt: at('2026-03-12', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-12', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-11', '10:00') },
      ],
    });
    await runJobNow(
      { DATABASE_URL: server.databaseUrl, DATABASE_APP_ROLE: 'brygga_app', LOG_LEVEL: 'error' },
      'monthly-invoicing',
      { month: '2026-05' },
    );
    const { rows } = await server.owner.query<{ status: string; warnings: string[] }>(
      `SELECT status, warnings FROM job_run WHERE job = 'monthly-invoicing' AND run_key = '2026-05'`,
    );
    expect(rows[0]!.status).toBe('SUCCEEDED');
    expect(rows[0]!.warnings).toEqual([
      expect.stringMatching(
        /could not be checked against the event list: \[EVENTS_OUT_OF_ORDER\] .*BR-CORR-BROKEN/,
      ),
    ]);
  });
});

describe('the share of admission notices within 24 h', () => {
  it('counts a case without a notice as late, and says so in the indicator', async () => {
    // Huddinge, May 2026: one notice after 2 h, one case never notified: 1 of 2 in time.
    await insertCase(server.owner, {
      homeOrganizationId: org.get(HUDDINGE)!,
      reference: 'BR-NOTICE-1',
      admittedAt: at('2026-05-04', '08:00'),
      events: [{ type: 'ADMISSION_NOTICE_SENT', at: at('2026-05-04', '10:00') }],
    });
    await insertCase(server.owner, {
      homeOrganizationId: org.get(HUDDINGE)!,
      reference: 'BR-NOTICE-2',
      admittedAt: at('2026-05-05', '08:00'),
      events: [{ type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-05-07', '10:00') }],
    });
    const stats = await finance.request(PaymentStatisticsDocument, {
      input: { from: '2026-05', to: '2026-05', municipalityId: orgId(HUDDINGE) },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    const series = stats.paymentStatistics.data.series.find(
      (s) => s.indicator === 'admissionNoticeWithin24hShare',
    )!;
    expect(series.points[0]!.value).toBe(0.5);
    expect(series.label).toContain('cases without a notice count as late');
  });
});
