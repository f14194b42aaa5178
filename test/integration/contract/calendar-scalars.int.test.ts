import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: calendar days are `Date` and months `YearMonth`, on outputs and inputs, so a
 * client's generated types say what the value is; a value of the wrong form is refused
 * before the operation runs, with a stable code.
 */
let server: TestServer;
let finance = '';

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.tokenFor(principalFor(WARD_KAROLINSKA_GERIATRIK, ['FINANCE'], 'Ekonom'));
});
afterAll(() => server?.close());

async function post(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${finance}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** The named type of a field or input field, read by introspection over HTTP. */
async function typeOf(typeName: string, field: string): Promise<string> {
  const { data } = await post(
    `query ($name: String!) { __type(name: $name) {
      fields { name type { name ofType { name ofType { name ofType { name } } } } }
      inputFields { name type { name ofType { name ofType { name ofType { name } } } } } } }`,
    { name: typeName },
  );
  const all = [...(data?.__type.fields ?? []), ...(data?.__type.inputFields ?? [])];
  let type = all.find((f: { name: string }) => f.name === field)?.type;
  while (type && !type.name) type = type.ofType;
  return type?.name;
}

describe('calendar scalars', () => {
  it.each([
    ['Invoice', 'period', 'YearMonth'],
    ['InvoiceFilter', 'period', 'YearMonth'],
    ['DraftInvoiceBasisInput', 'month', 'YearMonth'],
    ['DraftCostSharingInput', 'month', 'YearMonth'],
    ['PaymentStatisticsInput', 'from', 'YearMonth'],
    ['StatisticsPoint', 'month', 'YearMonth'],
    ['PaymentStatistics', 'months', 'YearMonth'],
    ['StaleInvoicesInput', 'to', 'YearMonth'],
    ['AccessReviewSample', 'month', 'YearMonth'],
    ['DrawAccessLogSampleInput', 'month', 'YearMonth'],
    ['UnusualAccessActivity', 'day', 'Date'],
    ['RecordRetentionDecisionInput', 'decidedOn', 'Date'],
  ])('%s.%s is %s', async (type, field, scalar) => {
    expect(await typeOf(type, field)).toBe(scalar);
  });

  it('refuses a month of the wrong form before anything runs (BAD_USER_INPUT), and takes a right one', async () => {
    const statistics = `query ($from: YearMonth!, $to: YearMonth!) {
      paymentStatistics(input: { from: $from, to: $to }) {
        __typename ... on PaymentStatisticsSuccess { data { months } } } }`;
    for (const from of ['2026-13', '2026-1', '202601', 'januari']) {
      const refused = await post(statistics, { from, to: '2026-02' });
      expect(refused.data ?? null, from).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code, from).toBe('BAD_USER_INPUT');
    }
    const answered = await post(statistics, { from: '2025-11', to: '2026-01' });
    expect(answered.errors).toBeUndefined();
    expect(answered.data?.paymentStatistics.data.months).toEqual(['2025-11', '2025-12', '2026-01']);
  });
});
