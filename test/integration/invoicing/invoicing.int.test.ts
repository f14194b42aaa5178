import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  firstDayOfMonth,
  minDate,
  monthOf,
  stockholmDate,
  stockholmInstant,
  yearOf,
} from '../../../src/domain/calendar.js';
import { paymentResponsibilityDays } from '../../../src/domain/payment/responsibility.js';
import { loadAgreements, loadCases } from '../../../src/invoicing/load.js';
import { runJobNow, startScheduler } from '../../../src/jobs/scheduler.js';
import {
  ApproveInvoiceDocument,
  CreatePaymentAgreementDocument,
  CreditInvoiceLineDocument,
  DraftCostSharingInvoicesDocument,
  DraftInvoiceBasisDocument,
  InvoiceCsvDocument,
  InvoiceHtmlDocument,
  MarkInvoiceSentDocument,
  PaymentStatisticsDocument,
  SetPopulationFiguresDocument,
  StatisticsCsvDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HUDDINGE,
  organizationIds,
  REGION,
  RINKEBY_KISTA,
  SOC_SODERMALM,
  SODERMALM,
  SOLNA,
  VARMDO,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { insertCase as insertCaseRows } from '../../support/invoicing-cases.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let finance: GraphQLClient;
let ward: GraphQLClient;
const org = new Map<string, string>();
const orgId = (hsaId: string) => globalId('Organization', org.get(hsaId)!);
const today = stockholmDate(new Date());
const rawId = (relayId: string) => Buffer.from(relayId, 'base64').toString().split(':')[1]!;
const currentMonth = monthOf(today);
/** The month in the middle of the demo cases (spread over the 25 days before the run). */
const demoMonth = monthOf(addDays(today, -12));
/** Prices for 2026 (the worked examples) and for the demo month's year. */
const PRICES = [...new Set([2026, yearOf(firstDayOfMonth(demoMonth))])].map((year) => ({
  year,
  pricePerDay: '9300.00',
}));

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  for (const [hsaId, id] of await organizationIds(server.owner)) org.set(hsaId, id);
});
afterAll(() => server?.close());

const INDIVIDUAL_PARAMETERS = {
  freeDays: { somatic: 0, psychiatric: 0 },
  dayZeroCounts: true,
  noticeCutoff: null,
  dischargeDayCounts: true,
  exclusions: { lateAdmissionNotice: null, readyWithdrawn: true, supportDeclined: true },
};

async function createAgreement(input: Record<string, unknown>) {
  const result = await finance.request(CreatePaymentAgreementDocument, {
    input: {
      name: 'Test',
      model: 'INDIVIDUAL',
      validFrom: '2026-01-01',
      prices: PRICES,
      decision: 'RS 2025/123',
      ...input,
    } as never,
  });
  return result.createPaymentAgreement;
}

/** A case of a past month written straight into the tables, as the workflow would have. */
function insertCase(options: {
  home: string;
  reference: string;
  events: { type: string; at: Date; payload?: object }[];
  admittedAt: Date;
}): Promise<{ caseId: string; eventIds: string[] }> {
  const { home, ...rest } = options;
  return insertCaseRows(server.owner, { ...rest, homeOrganizationId: org.get(home)! });
}

async function invoiceCount(): Promise<number> {
  const { rows } = await server.owner.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM invoice',
  );
  return rows[0]!.n;
}

describe('access', () => {
  it('refuses users without the FINANCE role', async () => {
    const attempt = ward.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(SOLNA), month: currentMonth },
    });
    await expect(attempt).rejects.toBeInstanceOf(ClientError);
    const error = await attempt.catch((e: ClientError) => e.response.errors?.[0]?.extensions?.code);
    expect(error).toBe('FORBIDDEN');
    const stats = await ward
      .request(PaymentStatisticsDocument, { input: { from: currentMonth, to: currentMonth } })
      .catch((e: ClientError) => e.response.errors?.[0]?.extensions?.code);
    expect(stats).toBe('FORBIDDEN');
  });
});

describe('a municipality’s finance', () => {
  it('sees the statistics of its own residents only, and cannot draft invoices', async () => {
    const district = await server.clientFor(SOC_SODERMALM, { roles: ['FINANCE'] });
    const stats = await district.request(PaymentStatisticsDocument, {
      input: { from: currentMonth, to: currentMonth },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    expect(new Set(stats.paymentStatistics.data.series.map((s) => s.municipalityHsaId))).toEqual(
      new Set([SODERMALM]),
    );
    const draft = await district.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(SODERMALM), month: currentMonth },
    });
    expect(draft.draftInvoiceBasis).toMatchObject({ code: 'NOT_A_CREDITOR' });
  });
});

describe('payment agreements', () => {
  it('creates versions and refuses overlaps and unknown parameters, naming what to fix', async () => {
    const regionWide = await createAgreement({
      name: 'Region Stockholm – individuell modell 2026',
      parameters: INDIVIDUAL_PARAMETERS,
    });
    expect(regionWide.__typename).toBe('CreatePaymentAgreementSuccess');
    const solna = await createAgreement({
      name: 'Solna – lagens grundregel',
      model: 'STATUTORY_DEFAULT',
      municipalityId: orgId(SOLNA),
    });
    expect(solna.__typename).toBe('CreatePaymentAgreementSuccess');

    const overlapping = await createAgreement({
      name: 'Dubblett',
      validFrom: '2026-06-01',
      parameters: INDIVIDUAL_PARAMETERS,
    });
    expect(overlapping).toMatchObject({
      __typename: 'InvoicingError',
      code: 'OVERLAPPING_AGREEMENTS',
    });
    expect((overlapping as { message: string }).message).toContain('end one (validTo)');

    const misspelt = await createAgreement({
      name: 'Felstavad',
      municipalityId: orgId(HUDDINGE),
      parameters: { ...INDIVIDUAL_PARAMETERS, freeDayz: 2 },
    });
    expect(misspelt).toMatchObject({ __typename: 'InvoicingError', code: 'INVALID_AGREEMENT' });
    expect((misspelt as { message: string }).message).toContain("'freeDayz'");

    // Värmdö: priced for 2025 only, so any 2026 month is refused at drafting.
    const varmdo = await createAgreement({
      name: 'Värmdö – utan pris för 2026',
      model: 'STATUTORY_DEFAULT',
      municipalityId: orgId(VARMDO),
      prices: [{ year: 2025, pricePerDay: '9300.00' }],
      validFrom: '2025-01-01',
    });
    expect(varmdo.__typename).toBe('CreatePaymentAgreementSuccess');
  });
});

describe('the monthly job through the scheduler', () => {
  it('drafts the invoice basis of every municipality with cases and snapshots the statistics', async () => {
    await runJobNow(
      { DATABASE_URL: server.databaseUrl, DATABASE_APP_ROLE: 'brygga_app', LOG_LEVEL: 'error' },
      'monthly-invoicing',
      { month: demoMonth },
    );
    const { rows: runs } = await server.owner.query<{
      status: string;
      summary: { invoicesDrafted: number; failed: { code: string }[] };
    }>(`SELECT status, summary FROM job_run WHERE job = 'monthly-invoicing' AND run_key = $1`, [
      demoMonth,
    ]);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('SUCCEEDED');
    // Värmdö has no 2026 price: reported (when it has cases), the others drafted.
    for (const failure of runs[0]!.summary.failed) expect(failure.code).toBe('MISSING_PRICE');
    expect(runs[0]!.summary.failed.length).toBeLessThanOrEqual(1);
    const { rows } = await server.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM invoice WHERE kind = 'PAYMENT_RESPONSIBILITY' AND period = $1`,
      [`${demoMonth}-01`],
    );
    expect(rows[0]!.n).toBe(runs[0]!.summary.invoicesDrafted);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(3);
    const { rows: snapshots } = await server.owner.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM statistics_snapshot WHERE month = $1',
      [`${demoMonth}-01`],
    );
    expect(snapshots[0]!.n).toBeGreaterThanOrEqual(3);
  });
});

describe('invoice basis of the demo cases', () => {
  it('reproduces the calculator day by day, and drafting again adds nothing', async () => {
    const agreements = await loadAgreements(server.db.prisma);
    const until = minDate(firstDayOfMonth(addMonths(demoMonth, 1)), addDays(today, 1));
    const cases = await loadCases(server.db.prisma, {
      from: addMonths(demoMonth, -1),
      until,
    });
    let compared = 0;
    for (const home of [SODERMALM, RINKEBY_KISTA, SOLNA, HUDDINGE]) {
      const result = await finance.request(DraftInvoiceBasisDocument, {
        input: { municipalityId: orgId(home), month: demoMonth },
      });
      if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
        throw new Error(JSON.stringify(result.draftInvoiceBasis));
      }
      const { invoice, linesCharged, linesCredited } = result.draftInvoiceBasis.data;
      // The job drafted the same month already: nothing changed since.
      expect([linesCharged, linesCredited]).toEqual([0, 0]);
      const expected = new Map<string, string[]>();
      for (const c of cases.filter((c) => c.municipalityId === org.get(home))) {
        const days = paymentResponsibilityDays({ ...c, until }, agreements);
        if (!days.ok) throw new Error(days.error.message);
        const dates = days.value.days.map((d) => d.date).filter((d) => monthOf(d) === demoMonth);
        if (dates.length > 0) expected.set(c.caseId, dates);
      }
      const actual = new Map(invoice.lines!.map((l) => [l.case!.id, l.dates] as const));
      expect(new Map([...actual].map(([id, dates]) => [id.length > 0 ? id : id, dates])).size).toBe(
        expected.size,
      );
      for (const line of invoice.lines!) {
        expect(line.dates).toEqual(expected.get(rawId(line.case!.id)));
        expect(line.days).toBe(line.dates!.length);
        expect(Number(line.amount)).toBe(line.dates!.length * 9300);
        expect(line.eventIds!.length).toBeGreaterThan(0);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('refuses a missing price before drafting anything', async () => {
    const before = await invoiceCount();
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(VARMDO), month: demoMonth },
    });
    expect(result.draftInvoiceBasis).toMatchObject({
      __typename: 'InvoicingError',
      code: 'MISSING_PRICE',
    });
    expect((result.draftInvoiceBasis as { message: string }).message).toContain(
      `add the price for ${yearOf(firstDayOfMonth(demoMonth))}`,
    );
    expect(await invoiceCount()).toBe(before);
  });

  it('refuses to approve a month that has not ended', async () => {
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(SODERMALM), month: currentMonth },
    });
    if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') throw new Error();
    const approve = await finance.request(ApproveInvoiceDocument, {
      input: { invoiceId: result.draftInvoiceBasis.data.invoice.id },
    });
    expect(approve.approveInvoice).toMatchObject({ code: 'MONTH_NOT_ENDED' });
  });
});

describe('a worked example in a past month (lag 2017:612 default, Solna)', () => {
  const at = (date: string, time: string) => stockholmInstant(date, time);
  let caseId = '';
  let invoiceId = '';
  let lineId = '';

  it('charges days 3 to 6 after a Monday ready notice, not the discharge day', async () => {
    // Admitted Fri 27 Feb, ready Mon 2 March 10:00, discharged Mon 9 March 14:00:
    // day 3 = Thu 5 March … day 6 = Sun 8 March; the discharge day is not a care day.
    const inserted = await insertCase({
      home: SOLNA,
      reference: 'BR-TEST-000001',
      admittedAt: at('2026-02-27', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-02-27', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-02', '10:00') },
        { type: 'DISCHARGED', at: at('2026-03-09', '14:00') },
      ],
    });
    caseId = inserted.caseId;
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(SOLNA), month: '2026-03' },
    });
    if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(result.draftInvoiceBasis));
    }
    const { invoice } = result.draftInvoiceBasis.data;
    invoiceId = invoice.id;
    expect(invoice).toMatchObject({ status: 'DRAFT', period: '2026-03' });
    expect(Number(invoice.totalAmount)).toBe(37200);
    expect(invoice.lines).toHaveLength(1);
    const line = invoice.lines![0]!;
    lineId = line.id;
    expect(line).toMatchObject({
      kind: 'CHARGE',
      days: 4,
      dates: ['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'],
    });
    expect([Number(line.pricePerDay), Number(line.amount)]).toEqual([9300, 37200]);
    expect(line.case?.reference).toBe('BR-TEST-000001');
    expect(new Set(line.eventIds)).toEqual(new Set(inserted.eventIds.slice(0, 2)));
    // The same events as global ids, beside the deprecated raw ids.
    expect(line.eventGlobalIds).toEqual(
      line.eventIds!.map((id) => Buffer.from(`CaseEvent:${id}`).toString('base64')),
    );
    for (const day of line.payableDays!) {
      expect(day.eventGlobalIds.map((id) => decodeGlobalID(id))).toEqual(
        day.eventIds.map((id) => ({ typename: 'CaseEvent', id })),
      );
      expect(day.readyNoticeGlobalId && decodeGlobalID(day.readyNoticeGlobalId)).toEqual(
        day.readyNoticeId && { typename: 'CaseEvent', id: day.readyNoticeId },
      );
    }
  });

  it('reconciles with the statistics of the same month', async () => {
    const stats = await finance.request(PaymentStatisticsDocument, {
      input: { from: '2026-01', to: '2026-03', municipalityId: orgId(SOLNA) },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    const { series, months } = stats.paymentStatistics.data;
    expect(months).toEqual(['2026-01', '2026-02', '2026-03']);
    const value = (indicator: string) =>
      series.find((s) => s.indicator === indicator)!.points.find((p) => p.month === '2026-03')!
        .value;
    expect(value('paymentAmount')).toBe(37200);
    expect(value('paymentDays')).toBe(4);
    expect(value('discharges')).toBe(1);
    expect(value('readyDaysAverageNational')).toBe(7);
    expect(series.find((s) => s.indicator === 'rollingAverageLocal')!.definition).toBe('LOCAL');
    const csv = await finance.request(StatisticsCsvDocument, {
      input: { from: '2026-03', to: '2026-03', municipalityId: orgId(SOLNA) },
    });
    if (csv.statisticsCsv.__typename !== 'StatisticsCsvSuccess') throw new Error();
    expect(csv.statisticsCsv.data).toContain(
      `2026-03;${SOLNA};Solna stad;paymentAmount;COMMON;SEK;37200`,
    );
  });

  it('renders CSV and printable HTML', async () => {
    const csv = await finance.request(InvoiceCsvDocument, { invoiceId });
    if (csv.invoiceCsv.__typename !== 'InvoiceCsvSuccess') throw new Error();
    const [header, row] = csv.invoiceCsv.data.split('\r\n');
    expect(header).toBe(
      'position;kind;case;personal_identity_number;patient;days;first_date;last_date;dates;price_per_day;amount;corrects_line;event_ids;description',
    );
    expect(row).toContain(';CHARGE;BR-TEST-000001;');
    expect(row).toContain(
      ';4;2026-03-05;2026-03-08;2026-03-05 2026-03-06 2026-03-07 2026-03-08;9300.00;37200.00;',
    );
    const { rows: logged } = await server.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM access_log WHERE activity = 'PRINT' AND case_id = $1`,
      [caseId],
    );
    expect(logged[0]!.n).toBe(1);
    const html = await finance.request(InvoiceHtmlDocument, { invoiceId });
    if (html.invoiceHtml.__typename !== 'InvoiceHtmlSuccess') throw new Error();
    expect(html.invoiceHtml.data).toContain('<h1>Faktureringsunderlag – betalningsansvar</h1>');
    expect(html.invoiceHtml.data).toContain('37\u00a0200,00');
    expect(html.invoiceHtml.data).not.toContain('<script');

    // A patient with protected identity: finance may not see who it is (the policy grants
    // it no PROTECTED_IDENTITY), so the export shows the case reference only.
    const { rows: patient } = await server.owner.query<{ id: string; pnr: string; name: string }>(
      `UPDATE patient SET protected_identity = true
       WHERE id = (SELECT patient_id FROM "case" WHERE id = $1)
       RETURNING id, personal_identity_number AS pnr, given_name || ' ' || family_name AS name`,
      [caseId],
    );
    const hidden = await finance.request(InvoiceCsvDocument, { invoiceId });
    if (hidden.invoiceCsv.__typename !== 'InvoiceCsvSuccess') throw new Error();
    expect(hidden.invoiceCsv.data).toContain(';BR-TEST-000001;;Skyddade personuppgifter;');
    expect(hidden.invoiceCsv.data).not.toContain(patient[0]!.pnr);
    const hiddenHtml = await finance.request(InvoiceHtmlDocument, { invoiceId });
    if (hiddenHtml.invoiceHtml.__typename !== 'InvoiceHtmlSuccess') throw new Error();
    expect(hiddenHtml.invoiceHtml.data).not.toContain(patient[0]!.pnr);
    expect(hiddenHtml.invoiceHtml.data).not.toContain(patient[0]!.name);
    expect(hiddenHtml.invoiceHtml.data).toContain('Skyddade personuppgifter');
    await server.owner.query('UPDATE patient SET protected_identity = false WHERE id = $1', [
      patient[0]!.id,
    ]);
  });

  it('moves draft → approved → sent, refusing every other step', async () => {
    const sendDraft = await finance.request(MarkInvoiceSentDocument, { input: { invoiceId } });
    expect(sendDraft.markInvoiceSent).toMatchObject({ code: 'INVALID_TRANSITION' });
    const approved = await finance.request(ApproveInvoiceDocument, { input: { invoiceId } });
    expect(approved.approveInvoice).toMatchObject({ data: { status: 'APPROVED' } });
    const again = await finance.request(ApproveInvoiceDocument, { input: { invoiceId } });
    expect(again.approveInvoice).toMatchObject({ code: 'INVALID_TRANSITION' });
    const redraft = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(SOLNA), month: '2026-03' },
    });
    expect(redraft.draftInvoiceBasis).toMatchObject({ code: 'INVOICE_NOT_DRAFT' });
    const sent = await finance.request(MarkInvoiceSentDocument, { input: { invoiceId } });
    expect(sent.markInvoiceSent).toMatchObject({ data: { status: 'SENT' } });
    expect(caseId).not.toBe('');
  });

  it('corrects a sent invoice with a credit line on the next draft, never an edit', async () => {
    const credited = await finance.request(CreditInvoiceLineDocument, {
      input: { lineId, reason: 'Utskrivningsklar makulerad i efterhand' },
    });
    if (credited.creditInvoiceLine.__typename !== 'CreditInvoiceLineSuccess') {
      throw new Error(JSON.stringify(credited.creditInvoiceLine));
    }
    const next = credited.creditInvoiceLine.data;
    expect(next).toMatchObject({ period: '2026-04', status: 'DRAFT' });
    expect(Number(next.totalAmount)).toBe(-37200);
    expect(next.lines![0]).toMatchObject({
      kind: 'CREDIT',
      days: -4,
      correctsLineId: rawId(lineId),
    });
    expect(Number(next.lines![0]!.amount)).toBe(-37200);
    const { rows } = await server.owner.query<{ total_amount: string; status: string }>(
      'SELECT total_amount, status FROM invoice WHERE period = $1 AND debtor_id = $2 AND kind = $3',
      ['2026-03-01', org.get(SOLNA), 'PAYMENT_RESPONSIBILITY'],
    );
    expect(rows[0]).toEqual({ total_amount: '37200.00', status: 'SENT' });
    const twice = await finance.request(CreditInvoiceLineDocument, {
      input: { lineId, reason: 'igen' },
    });
    expect(twice.creditInvoiceLine).toMatchObject({ code: 'ALREADY_CREDITED' });
  });

  it('refuses a case whose events are out of order, naming the case and event', async () => {
    await insertCase({
      home: HUDDINGE,
      reference: 'BR-TEST-000002',
      admittedAt: at('2026-02-10', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-02-10', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-02-12', '10:00') },
        { type: 'DISCHARGED', at: at('2026-02-09', '14:00') },
      ],
    });
    const before = await invoiceCount();
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(HUDDINGE), month: '2026-02' },
    });
    expect(result.draftInvoiceBasis).toMatchObject({
      __typename: 'InvoicingError',
      code: 'EVENTS_OUT_OF_ORDER',
    });
    expect((result.draftInvoiceBasis as { message: string }).message).toContain('BR-TEST-000002');
    expect(await invoiceCount()).toBe(before);
  });
});

describe('cost sharing', () => {
  it('shares the system cost by population, to the öre', async () => {
    const set = await finance.request(SetPopulationFiguresDocument, {
      input: {
        year: 2026,
        source: 'SCB folkmängd 1 november 2025 (test)',
        figures: [
          { organizationId: orgId(SOLNA), population: 85_000 },
          { organizationId: orgId(HUDDINGE), population: 115_000 },
          { organizationId: orgId(VARMDO), population: 47_000 },
          { organizationId: orgId(SODERMALM), population: 140_000 },
          { organizationId: orgId(RINKEBY_KISTA), population: 50_000 },
        ],
      },
    });
    expect(set.setPopulationFigures).toMatchObject({ data: 5 });
    const result = await finance.request(DraftCostSharingInvoicesDocument, {
      input: { month: '2026-01', systemCost: { amount: '615312.00', populationYear: 2026 } },
    });
    if (result.draftCostSharingInvoices.__typename !== 'DraftCostSharingInvoicesSuccess') {
      throw new Error(JSON.stringify(result.draftCostSharingInvoices));
    }
    const invoices = result.draftCostSharingInvoices.data;
    expect(invoices).toHaveLength(5);
    const total = invoices.reduce((s, i) => s + Math.round(Number(i.totalAmount) * 100), 0);
    expect(total).toBe(61_531_200);
    const solna = invoices.find((i) => i.debtor!.hsaId === SOLNA)!;
    // 615 312 × 85 000 / 437 000 = 119 683.36…
    expect(Number(solna.totalAmount)).toBeCloseTo((615_312 * 85_000) / 437_000, 1);
    expect(solna.lines![0]!.description).toContain('85000 of 437000 residents');
    expect(solna.kind).toBe('COST_SHARING');
  });

  it('caps a debtor’s share of the system cost, leaving the rest with the region', async () => {
    const result = await finance.request(DraftCostSharingInvoicesDocument, {
      input: {
        month: '2026-02',
        systemCost: { amount: '615312.00', populationYear: 2026, capPerDebtor: '100000.00' },
      },
    });
    if (result.draftCostSharingInvoices.__typename !== 'DraftCostSharingInvoicesSuccess') {
      throw new Error(JSON.stringify(result.draftCostSharingInvoices));
    }
    const byDebtor = new Map(
      result.draftCostSharingInvoices.data.map((i) => [i.debtor!.hsaId, i] as const),
    );
    // Södermalm 197 126, Huddinge 161 963 and Solna 119 683 SEK are over the cap.
    for (const capped of [SODERMALM, HUDDINGE, SOLNA]) {
      expect(Number(byDebtor.get(capped)!.totalAmount)).toBe(100_000);
      expect(byDebtor.get(capped)!.lines![0]!.description).toContain('capped at 100');
    }
    expect(Number(byDebtor.get(VARMDO)!.totalAmount)).toBeCloseTo((615_312 * 47_000) / 437_000, 1);
    expect(Number(byDebtor.get(RINKEBY_KISTA)!.totalAmount)).toBeCloseTo(
      (615_312 * 50_000) / 437_000,
      1,
    );
  });

  it('shares the support cost per user counted from login records at the reference date', async () => {
    const { rows: ruleSets } = await server.owner.query<{ id: string }>(
      `INSERT INTO identity_mapping_rule_set (name, current_version) VALUES ('test-costs', 1) RETURNING id`,
    );
    const { rows: idps } = await server.owner.query<{ id: string }>(
      `INSERT INTO identity_provider (slug, display_name, entity_id, sso_url, signing_certificates, rule_set_id)
       VALUES ('test-costs', 'Test', 'https://idp.test/costs', 'https://idp.test/sso', '{MIIBtest}', $1) RETURNING id`,
      [ruleSets[0]!.id],
    );
    const login = (subject: string, unitHsaId: string, at: string) =>
      server.owner.query(
        `INSERT INTO identity_session (idp_id, subject, name_id, attributes, acting_commission, refresh_token_hash, created_at, refreshed_at, expires_at)
         VALUES ($1, $2, $2, '{}', $3, 'x', $4, $4, $4)`,
        [idps[0]!.id, subject, JSON.stringify({ unitHsaId, providerHsaId: REGION }), at],
      );
    await login('SE2120001439-U1', SOC_SODERMALM, '2026-03-01T08:00:00Z');
    await login('SE2120001439-U1', SOC_SODERMALM, '2026-09-01T08:00:00Z');
    await login('SE2120001439-U2', SOC_SODERMALM, '2026-09-30T21:59:00Z');
    await login('SE2321000016-U3', WARD_KAROLINSKA_GERIATRIK, '2026-05-01T08:00:00Z');
    await login('SE2321000016-U4', WARD_KAROLINSKA_GERIATRIK, '2026-05-01T08:00:00Z');
    // After the reference date (2 October 00:30 in Stockholm) and long before: not counted.
    await login('SE2120001439-U5', SOC_SODERMALM, '2026-10-01T22:30:00Z');
    await login('SE2120001439-U6', SOC_SODERMALM, '2025-09-30T08:00:00Z');
    const result = await finance.request(DraftCostSharingInvoicesDocument, {
      input: { month: '2026-10', supportCost: { amount: '1000.00', referenceDate: '2026-10-01' } },
    });
    if (result.draftCostSharingInvoices.__typename !== 'DraftCostSharingInvoicesSuccess') {
      throw new Error(JSON.stringify(result.draftCostSharingInvoices));
    }
    // 4 users, 250 SEK each: Södermalm's 2 are invoiced, the region bears its own 2.
    expect(
      result.draftCostSharingInvoices.data.map((i) => [i.debtor!.hsaId, Number(i.totalAmount)]),
    ).toEqual([[SODERMALM, 500]]);
    const { rows } = await server.owner.query<{ users: number }>(
      'SELECT users FROM user_count WHERE reference_date = $1 ORDER BY users',
      ['2026-10-01'],
    );
    expect(rows.map((r) => r.users)).toEqual([2, 2]);
  });
});

describe('the average model (Västra Götaland style: 3-month window, settled next month)', () => {
  const at = (date: string, time: string) => stockholmInstant(date, time);
  const stay = (reference: string, admitted: string, ready: string, discharged: string) =>
    insertCase({
      home: RINKEBY_KISTA,
      reference,
      admittedAt: at(admitted, '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at(admitted, '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at(ready, '10:00') },
        { type: 'DISCHARGED', at: at(discharged, '15:00') },
      ],
    });

  it('invoices the excess over the agreed average, and reconciles with the statistics', async () => {
    const agreement = await createAgreement({
      name: 'Rinkeby-Kista – genomsnittsmodell H1 2026',
      model: 'AVERAGE',
      municipalityId: orgId(RINKEBY_KISTA),
      validTo: '2026-06-30',
      parameters: {
        allowedAverageDays: 2,
        sameDayDischarge: 'COUNTED_AS_DAY_0',
        windowMonths: 3,
        settlement: 'NEXT_MONTH',
      },
    });
    expect(agreement.__typename).toBe('CreatePaymentAgreementSuccess');
    // January: one stay of 5 days. February: 4 days and a same-day discharge (0 days).
    await stay('BR-TEST-000101', '2026-01-03', '2026-01-05', '2026-01-10');
    await stay('BR-TEST-000102', '2026-01-30', '2026-02-02', '2026-02-06');
    await stay('BR-TEST-000103', '2026-02-08', '2026-02-10', '2026-02-10');

    // February's window Dec–Feb: 9 days / 3 stays = 3.00, 1.00 over the agreed 2 × 2
    // February stays = 2.00 days × 9 300 = 18 600 SEK, settled in March.
    const march = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(RINKEBY_KISTA), month: '2026-03' },
    });
    if (march.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(march.draftInvoiceBasis));
    }
    const { invoice } = march.draftInvoiceBasis.data;
    expect(Number(invoice.totalAmount)).toBe(18_600);
    expect(invoice.lines).toHaveLength(1);
    expect(invoice.lines![0]).toMatchObject({ case: null, days: 0, dates: [] });
    expect(invoice.lines![0]!.description).toContain('3.00 days (9 days / 3 stays)');
    expect(invoice.lines![0]!.eventIds).toHaveLength(4);

    // January's window Nov–Jan: one stay of 5 days, 3.00 over × 1 = 27 900 SEK in February.
    const february = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(RINKEBY_KISTA), month: '2026-02' },
    });
    if (february.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') throw new Error();
    expect(Number(february.draftInvoiceBasis.data.invoice.totalAmount)).toBe(27_900);

    const stats = await finance.request(PaymentStatisticsDocument, {
      input: { from: '2026-01', to: '2026-03', municipalityId: orgId(RINKEBY_KISTA) },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    const series = (indicator: string) =>
      stats.paymentStatistics.__typename === 'PaymentStatisticsSuccess'
        ? stats.paymentStatistics.data.series
            .find((s) => s.indicator === indicator)!
            .points.map((p) => p.value)
        : [];
    expect(series('paymentAmount')).toEqual([0, 27_900, 18_600]);
    expect(series('readyDaysAverageLocal')).toEqual([5, 2, null]);
    expect(series('readyDaysAverageNational')).toEqual([5, 4, null]);
    expect(series('rollingAverageLocal')).toEqual([5, 3, 3]);
  });
});

describe('concurrent drafting', () => {
  it('writes each line once when two drafts of the same invoice race', async () => {
    const draft = () =>
      finance.request(DraftInvoiceBasisDocument, {
        input: { municipalityId: orgId(SOLNA), month: '2026-05' },
      });
    await insertCase({
      home: SOLNA,
      reference: 'BR-TEST-000201',
      admittedAt: stockholmInstant('2026-05-04', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: stockholmInstant('2026-05-04', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: stockholmInstant('2026-05-11', '11:00') },
        { type: 'DISCHARGED', at: stockholmInstant('2026-05-20', '12:00') },
      ],
    });
    const results = await Promise.all([draft(), draft(), draft()]);
    const charged = results.map((r) =>
      r.draftInvoiceBasis.__typename === 'DraftInvoiceBasisSuccess'
        ? r.draftInvoiceBasis.data.linesCharged
        : -1,
    );
    expect(charged.sort()).toEqual([0, 0, 1]);
    const { rows } = await server.owner.query<{ n: number; total: string }>(
      `SELECT count(l.*)::int AS n, i.total_amount::text AS total FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id
       WHERE i.period = '2026-05-01' AND i.debtor_id = $1 GROUP BY i.total_amount`,
      [org.get(SOLNA)],
    );
    // Statutory default: ready Mon 11 May, paid 14–19 May (days 3–8), not the discharge day.
    expect(rows).toEqual([{ n: 1, total: '55800.00' }]);
  });
});

describe('the long-running scheduler', () => {
  it('works a queued monthly run and stops cleanly', async () => {
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'error',
    });
    try {
      await scheduler.runner.addJob('monthly-invoicing', { month: '2026-05' });
      let status: string | undefined;
      for (let i = 0; i < 100 && status !== 'SUCCEEDED'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const { rows } = await server.owner.query<{ status: string }>(
          `SELECT status FROM job_run WHERE run_key = '2026-05' ORDER BY started_at DESC LIMIT 1`,
        );
        status = rows[0]?.status;
      }
      expect(status).toBe('SUCCEEDED');
      const { rows: crons } = await server.owner.query<{ identifier: string }>(
        'SELECT identifier FROM graphile_worker._private_known_crontabs',
      );
      expect(crons.map((c) => c.identifier)).toContain('monthly-invoicing');
    } finally {
      await scheduler.stop();
    }
  });
});

describe('the individual model (Stockholm routine) replacing an agreement mid-year', () => {
  const at = (date: string, time: string) => stockholmInstant(date, time);

  it('ends the replaced version and counts free days, the noon cut-off and declined support', async () => {
    const { rows: before } = await server.owner.query<{ id: string }>(
      'SELECT id FROM payment_agreement WHERE municipality_id = $1',
      [org.get(VARMDO)],
    );
    const created = await createAgreement({
      name: 'Värmdö – Stockholms rutin från juli 2026',
      municipalityId: orgId(VARMDO),
      validFrom: '2026-07-01',
      replacesAgreementId: globalId('PaymentAgreement', before[0]!.id),
      parameters: {
        freeDays: { somatic: 2, psychiatric: 5 },
        dayZeroCounts: true,
        noticeCutoff: '12:00',
        dischargeDayCounts: false,
        exclusions: { lateAdmissionNotice: null, readyWithdrawn: true, supportDeclined: true },
      },
    });
    expect(created.__typename).toBe('CreatePaymentAgreementSuccess');
    const { rows: ended } = await server.owner.query<{ valid_to: string }>(
      `SELECT valid_to::text FROM payment_agreement WHERE id = $1`,
      [before[0]!.id],
    );
    expect(ended[0]!.valid_to).toBe('2026-06-30');

    // Ready notice Mon 6 July 13:00, after the noon cut-off: day 0 is Tue 7 July, and with
    // 2 free days including day 0 Thu 9 July is the first paid day. The patient declines
    // support on Sat 11 July and accepts again on Sun 12 July; discharged Mon 13 July.
    // Paid: 9, 10 and 12 July = 3 × 9 300 = 27 900 SEK.
    await insertCase({
      home: VARMDO,
      reference: 'BR-TEST-000301',
      admittedAt: at('2026-07-01', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-07-01', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-07-06', '13:00') },
        {
          type: 'CONSENT_RECORDED',
          at: at('2026-07-11', '08:00'),
          payload: { supportDeclined: true },
        },
        {
          type: 'CONSENT_RECORDED',
          at: at('2026-07-12', '09:00'),
          payload: { supportDeclined: false },
        },
        { type: 'DISCHARGED', at: at('2026-07-13', '10:00') },
      ],
    });
    const result = await finance.request(DraftInvoiceBasisDocument, {
      input: { municipalityId: orgId(VARMDO), month: '2026-07' },
    });
    if (result.draftInvoiceBasis.__typename !== 'DraftInvoiceBasisSuccess') {
      throw new Error(JSON.stringify(result.draftInvoiceBasis));
    }
    const { invoice } = result.draftInvoiceBasis.data;
    expect(invoice.lines!.map((l) => l.dates)).toEqual([
      ['2026-07-09', '2026-07-10', '2026-07-12'],
    ]);
    expect(Number(invoice.totalAmount)).toBe(27_900);
    expect(invoice.lines![0]!.description).toContain('at or after the 12:00 cut-off');
  });
});
