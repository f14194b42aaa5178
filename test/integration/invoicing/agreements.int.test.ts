/**
 * Agreements as data (issue 15), through GraphQL over HTTP: free days counted in working
 * days over Easter, prices per care type, the law's default as the agreement that applies
 * when no other does, field-level validation errors, and the documented examples in
 * docs/agreements/ accepted as written. Every expectation is computed by hand below.
 *
 * Easter 2026: långfredagen Fri 3 April, påskdagen Sun 5 April, annandag påsk Mon 6 April.
 */
import { readFileSync } from 'node:fs';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import {
  CreatePaymentAgreementDocument,
  DraftInvoiceBasisDocument,
  PaymentAgreementsDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HUDDINGE,
  organizationIds,
  RINKEBY_KISTA,
  SODERMALM,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { insertCase } from '../../support/invoicing-cases.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let finance: GraphQLClient;
const org = new Map<string, string>();
const orgId = (hsaId: string) => globalId('Organization', org.get(hsaId)!);
const at = (date: string, time: string) => stockholmInstant(date, time);
const example = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../docs/agreements/${file}`, import.meta.url), 'utf8'));

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  for (const [hsaId, id] of await organizationIds(server.owner)) org.set(hsaId, id);
});
afterAll(() => server?.close());

async function createAgreement(input: Record<string, unknown>) {
  const result = await finance.request(CreatePaymentAgreementDocument, { input: input as never });
  return result.createPaymentAgreement;
}

async function draft(hsaId: string, month: string) {
  const result = await finance.request(DraftInvoiceBasisDocument, {
    input: { municipalityId: orgId(hsaId), month },
  });
  return result.draftInvoiceBasis;
}

async function agreementCount(): Promise<number> {
  const { rows } = await server.owner.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM payment_agreement',
  );
  return rows[0]!.n;
}

describe('a working-days agreement over Easter, priced per care type', () => {
  it('counts free days in working days, skipping the weekend and Easter’s holidays', async () => {
    const created = await createAgreement({
      ...example('working-days-easter.json'),
      municipalityId: orgId(HUDDINGE),
    });
    expect(created.__typename).toBe('CreatePaymentAgreementSuccess');

    // Somatic, 3 free working days including day 0. Ready Thu 2 April (working day 1);
    // Fri 3 långfredagen, Sat 4, Sun 5 påskdagen, Mon 6 annandag påsk are not working
    // days; Tue 7 is working day 2, Wed 8 working day 3. Paid from Thu 9 April to the day
    // before discharge (Tue 14): 9, 10, 11, 12, 13 April = 5 days × 9 300 = 46 500.00.
    // (Counted in calendar days the first paid day would be Sun 5: 9 days.)
    const somatic = await insertCase(server.owner, {
      homeOrganizationId: org.get(HUDDINGE)!,
      reference: 'BR-EASTER-S',
      admittedAt: at('2026-03-30', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-30', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-04-02', '15:00') },
        { type: 'DISCHARGED', at: at('2026-04-14', '11:00') },
      ],
    });
    // Psychiatric, 5 free working days. Ready Wed 1 April: Wed 1 (1), Thu 2 (2), Tue 7 (3),
    // Wed 8 (4), Thu 9 (5). Paid Fri 10 … Tue 14 (discharged Wed 15): 5 days at the
    // psychiatric price, 5 × 11 000 = 55 000.00.
    const psychiatric = await insertCase(server.owner, {
      homeOrganizationId: org.get(HUDDINGE)!,
      reference: 'BR-EASTER-P',
      care: 'PSYCHIATRIC',
      admittedAt: at('2026-03-28', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-28', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-04-01', '10:00') },
        { type: 'DISCHARGED', at: at('2026-04-15', '11:00') },
      ],
    });
    // Bound for compulsory outpatient care (ÖPT): psychiatric free days (5), the
    // compulsory-care price. Ready Thu 2 April: Thu 2 (1), Tue 7 (2), Wed 8 (3), Thu 9 (4),
    // Fri 10 (5). Paid Sat 11, Sun 12 (discharged Mon 13): 2 × 12 000 = 24 000.00.
    const compulsory = await insertCase(server.owner, {
      homeOrganizationId: org.get(HUDDINGE)!,
      reference: 'BR-EASTER-T',
      care: 'OPT',
      admittedAt: at('2026-03-31', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-31', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-04-02', '09:00') },
        { type: 'DISCHARGED', at: at('2026-04-13', '11:00') },
      ],
    });

    const result = await draft(HUDDINGE, '2026-04');
    if (result.__typename !== 'DraftInvoiceBasisSuccess') throw new Error(JSON.stringify(result));
    const invoice = result.data.invoice;
    const byCase = new Map((invoice.lines ?? []).map((l) => [l.case?.id, l]));
    const line = (caseId: string) => byCase.get(globalId('Case', caseId));

    expect(line(somatic.caseId)).toMatchObject({
      days: 5,
      dates: ['2026-04-09', '2026-04-10', '2026-04-11', '2026-04-12', '2026-04-13'],
      pricePerDay: '9300.00',
      amount: '46500.00',
    });
    expect(line(psychiatric.caseId)).toMatchObject({
      days: 5,
      dates: ['2026-04-10', '2026-04-11', '2026-04-12', '2026-04-13', '2026-04-14'],
      pricePerDay: '11000.00',
      amount: '55000.00',
    });
    expect(line(compulsory.caseId)).toMatchObject({
      days: 2,
      dates: ['2026-04-11', '2026-04-12'],
      pricePerDay: '12000.00',
      amount: '24000.00',
    });
    // 46 500 + 55 000 + 24 000
    expect(invoice.totalAmount).toBe('125500.00');
  });
});

describe('the law’s default when nothing is agreed', () => {
  it('is listed as the national version 1, with the prices confirmed for it', async () => {
    const { paymentAgreements } = await finance.request(PaymentAgreementsDocument);
    const national = paymentAgreements.filter((a) => a.nationalDefault);
    expect(national).toHaveLength(1);
    expect(national[0]).toMatchObject({
      model: 'STATUTORY_DEFAULT',
      validFrom: '2018-01-01',
      validTo: null,
      prices: [
        { year: 2019, careType: null, pricePerDay: '7800.00' },
        { year: 2022, careType: null, pricePerDay: '9300.00' },
      ],
    });
  });

  it('charges a district without any agreement by the law: days 3 … the day before discharge', async () => {
    // Södermalm has no agreement and the region none that covers it. Ready Tue 1 March
    // 2022 (day 0); days 3, 4, 5 are Fri 4, Sat 5, Sun 6; discharged Mon 7 (not paid):
    // 3 days × 9 300 (2022) = 27 900.00.
    const stay = await insertCase(server.owner, {
      homeOrganizationId: org.get(SODERMALM)!,
      reference: 'BR-LAW-2022',
      admittedAt: at('2022-02-27', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2022-02-27', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2022-03-01', '10:00') },
        { type: 'DISCHARGED', at: at('2022-03-07', '13:00') },
      ],
    });
    const result = await draft(SODERMALM, '2022-03');
    if (result.__typename !== 'DraftInvoiceBasisSuccess') throw new Error(JSON.stringify(result));
    expect(result.data.invoice.totalAmount).toBe('27900.00');
    expect(result.data.invoice.lines).toEqual([
      expect.objectContaining({
        case: expect.objectContaining({ id: globalId('Case', stay.caseId) }),
        dates: ['2022-03-04', '2022-03-05', '2022-03-06'],
        pricePerDay: '9300.00',
        amount: '27900.00',
      }),
    ]);
  });

  it('refuses a year the law’s default has no confirmed price for, naming the agreement and year', async () => {
    await insertCase(server.owner, {
      homeOrganizationId: org.get(RINKEBY_KISTA)!,
      reference: 'BR-LAW-2025',
      admittedAt: at('2025-03-01', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2025-03-01', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2025-03-03', '10:00') },
        { type: 'DISCHARGED', at: at('2025-03-12', '13:00') },
      ],
    });
    const result = await draft(RINKEBY_KISTA, '2025-03');
    expect(result).toMatchObject({ __typename: 'InvoicingError', code: 'MISSING_PRICE' });
    const message = (result as { message: string }).message;
    expect(message).toContain('Lag (2017:612) 5 kap.');
    expect(message).toContain('for 2025');
  });
});

describe('validation with field-level errors', () => {
  it('names every field at fault and writes nothing', async () => {
    const before = await agreementCount();
    const result = await createAgreement({
      ...example('working-days-easter.json'),
      municipalityId: orgId(RINKEBY_KISTA),
      validFrom: '2026-05-01',
      validTo: '2026-04-30',
      parameters: {
        ...example('working-days-easter.json').parameters,
        freeDays: { somatic: -1, psychiatric: 5 },
        freeDayCounting: 'BUSINESS_DAYS',
      },
      prices: [
        { year: 2026, pricePerDay: '9300.00' },
        { year: 2026, pricePerDay: '9400.00' },
      ],
    });
    expect(result).toMatchObject({ __typename: 'InvoicingError', code: 'INVALID_AGREEMENT' });
    const fields = (result as { fieldErrors: { field: string; message: string }[] }).fieldErrors;
    expect(fields.map((f) => f.field).sort()).toEqual([
      'parameters.freeDayCounting',
      'parameters.freeDays.somatic',
    ]);
    expect(fields.find((f) => f.field === 'parameters.freeDayCounting')?.message).toBe(
      'freeDayCounting must be CALENDAR_DAYS or WORKING_DAYS',
    );
    expect(await agreementCount()).toBe(before);

    // With the fields valid, the checks across fields speak: the period and the prices.
    const crossField = await createAgreement({
      ...example('working-days-easter.json'),
      municipalityId: orgId(RINKEBY_KISTA),
      validFrom: '2026-05-01',
      validTo: '2026-04-30',
      prices: [
        { year: 2026, pricePerDay: '9300.00' },
        { year: 2026, pricePerDay: '9400.00' },
      ],
    });
    expect(crossField).toMatchObject({ __typename: 'InvoicingError', code: 'INVALID_AGREEMENT' });
    const crossFields = (crossField as { fieldErrors: { field: string; message: string }[] })
      .fieldErrors;
    expect(crossFields).toEqual([
      { field: 'validTo', message: 'validTo 2026-04-30 is before validFrom 2026-05-01' },
      { field: 'prices[1].year', message: 'the price for 2026 is given twice; keep one' },
    ]);

    const averageByCare = await createAgreement({
      ...example('vastra-gotaland-average.json'),
      municipalityId: orgId(RINKEBY_KISTA),
      prices: [{ year: 2020, careType: 'PSYCHIATRIC', pricePerDay: '12000.00' }],
    });
    expect(averageByCare).toMatchObject({
      __typename: 'InvoicingError',
      code: 'INVALID_AGREEMENT',
      field: 'prices[0].careType',
    });
    expect(await agreementCount()).toBe(before);
  });
});

describe('the documented examples (docs/agreements/)', () => {
  it('are accepted as written: Stockholm 2019, the law’s default 2022, Västra Götaland', async () => {
    // One region, three periods that do not overlap; region-wide (no municipalityId).
    for (const file of [
      'stockholm-individual-2019.json',
      'law-default-2022.json',
      'vastra-gotaland-average.json',
    ]) {
      const result = await createAgreement(example(file));
      expect(result.__typename, file).toBe('CreatePaymentAgreementSuccess');
    }
  });
});
