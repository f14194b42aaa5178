import { decodeGlobalID } from '@pothos/plugin-relay';
/**
 * Cost sharing as the seed agreements write it (issue 15), through GraphQL over HTTP:
 * residents without a district spread over the districts by rule, ties broken by HSA-ID
 * and said on the invoice, a rate per resident derived from a contract cap, the cap over
 * the whole contract period carried across runs, and fixed amounts per district. Every
 * expectation is computed by hand below.
 *
 * Population 2026 (test figures): Stockholms stad 1 000 (residents without a district),
 * its districts Södermalm 3 000 and Rinkeby-Kista 1 000; Solna 2 000.
 * HSA-IDs: Solna SE2120000183-0001 < Södermalm SE2120001439-SDF1 < Rinkeby-Kista …-SDF2.
 */
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostSharingContractsDocument,
  CreateCostSharingContractDocument,
  DraftCostSharingInvoicesDocument,
  SetPopulationFiguresDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  organizationIds,
  RINKEBY_KISTA,
  SOC_SOLNA,
  SODERMALM,
  SOLNA,
  STOCKHOLM_STAD,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let finance: GraphQLClient;
const org = new Map<string, string>();
const orgId = (hsaId: string) => globalId('Organization', org.get(hsaId)!);

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  for (const [hsaId, id] of await organizationIds(server.owner)) org.set(hsaId, id);
  await setPopulation(2026, [
    [STOCKHOLM_STAD, 1_000],
    [SODERMALM, 3_000],
    [RINKEBY_KISTA, 1_000],
    [SOLNA, 2_000],
  ]);
  await setPopulation(2027, [
    [STOCKHOLM_STAD, 1_000],
    [SODERMALM, 3_000],
    [RINKEBY_KISTA, 1_000],
    [SOLNA, 1_500],
  ]);
});
afterAll(() => server?.close());

async function setPopulation(year: number, figures: [string, number][]) {
  const set = await finance.request(SetPopulationFiguresDocument, {
    input: {
      year,
      source: 'testsiffror',
      figures: figures.map(([hsaId, population]) => ({ organizationId: orgId(hsaId), population })),
    },
  });
  expect(set.setPopulationFigures).toMatchObject({ data: figures.length });
}

async function share(input: Record<string, unknown>) {
  const result = await finance.request(DraftCostSharingInvoicesDocument, { input: input as never });
  return result.draftCostSharingInvoices;
}

async function shares(input: Record<string, unknown>) {
  const result = await share(input);
  if (result.__typename !== 'DraftCostSharingInvoicesSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return new Map(
    result.data.map((i) => [
      i.debtor!.hsaId,
      { total: i.totalAmount, description: i.lines![0]!.description },
    ]),
  );
}

describe('residents without a district', () => {
  it('refuses to count the city and its districts twice unless told how to spread', async () => {
    const result = await share({
      month: '2026-01',
      systemCost: { amount: '70000.01', populationYear: 2026 },
    });
    expect(result).toMatchObject({
      __typename: 'InvoicingError',
      code: 'DOUBLE_COUNTED_POPULATION',
      field: 'systemCost.unassignedResidents',
    });
  });

  it('spreads them in proportion to the districts, and the öre left to the largest remainder', async () => {
    // 1 000 spread 3 000 : 1 000 → Södermalm + 750 = 3 750, Rinkeby-Kista + 250 = 1 250;
    // Solna 2 000; 7 000 residents. 7 000 001 öre: Södermalm 3 750 000.54 → 3 750 000,
    // Rinkeby-Kista 1 250 000.18 → 1 250 000, Solna 2 000 000.29 → 2 000 000; the 1 öre
    // left goes to the largest remainder, Södermalm's.
    const byDebtor = await shares({
      month: '2026-01',
      systemCost: {
        amount: '70000.01',
        populationYear: 2026,
        unassignedResidents: 'PROPORTIONAL',
      },
    });
    expect([...byDebtor.keys()].sort()).toEqual([SOLNA, SODERMALM, RINKEBY_KISTA].sort());
    expect(byDebtor.get(SODERMALM)!.total).toBe('37500.01');
    expect(byDebtor.get(RINKEBY_KISTA)!.total).toBe('12500.00');
    expect(byDebtor.get(SOLNA)!.total).toBe('20000.00');
    expect(byDebtor.get(SODERMALM)!.description).toContain(
      'by population: 3000 + 750 of Stockholms stad’s 1\u00a0000 residents without a district (spread in proportion to the districts’ residents; whole residents, residents left after rounding down go to the largest remainders, equal remainders to the lowest HSA-ID) = 3750 of 7000 residents × 70\u00a0000,01 SEK = 37\u00a0500,01 SEK',
    );
    expect(byDebtor.get(SODERMALM)!.description).toContain('this share got 1 öre');
  });

  it('spreads them equally, and breaks an equal remainder by the lowest HSA-ID, saying so', async () => {
    // 2027: 1 000 spread equally → Södermalm 3 500, Rinkeby-Kista 1 500; Solna 1 500;
    // 6 500 residents. 102 öre: Södermalm 54.92, Rinkeby-Kista 23.54, Solna 23.54; floors
    // 54 + 23 + 23 = 100, 2 öre left: Södermalm (0.92), then Rinkeby-Kista and Solna tie at
    // 0.54 and Solna has the lower HSA-ID: 55, 23, 24.
    const byDebtor = await shares({
      month: '2027-01',
      systemCost: { amount: '1.02', populationYear: 2027, unassignedResidents: 'EQUAL' },
    });
    expect(byDebtor.get(SODERMALM)!.total).toBe('0.55');
    expect(byDebtor.get(RINKEBY_KISTA)!.total).toBe('0.23');
    expect(byDebtor.get(SOLNA)!.total).toBe('0.24');
    const rule =
      'öre left after rounding down go to the largest remainders, equal remainders to the lowest HSA-ID';
    expect(byDebtor.get(SOLNA)!.description).toContain(`${rule}; this share got 1 öre`);
    expect(byDebtor.get(RINKEBY_KISTA)!.description).toContain(
      `${rule}; no öre added to this share`,
    );
    expect(byDebtor.get(RINKEBY_KISTA)!.description).toContain('spread equally over 2 districts');
  });
});

describe('a contract cap over eight years (615 312 SEK, seed 002)', () => {
  let contractId = '';
  /** A month's 700 000 SEK of system cost by population, under the contract. */
  const run = (month: string) =>
    shares({
      month,
      systemCost: {
        amount: '700000.00',
        populationYear: 2026,
        unassignedResidents: 'PROPORTIONAL',
        contractId,
      },
    });

  it('records the contract and refuses one that does not cover whole months', async () => {
    const bad = await finance.request(CreateCostSharingContractDocument, {
      input: {
        name: 'Systemavtal',
        validFrom: '2020-01-15',
        validTo: '2027-12-31',
        capPerDebtor: '615312.00',
        decision: 'RS 2019/100',
      },
    });
    expect(bad.createCostSharingContract).toMatchObject({
      __typename: 'InvoicingError',
      code: 'INVALID_INPUT',
      field: 'validFrom',
    });
    const municipality = await server.clientFor(SOC_SOLNA, { roles: ['FINANCE'] });
    const notRegion = await municipality.request(CreateCostSharingContractDocument, {
      input: {
        name: 'Solnas eget tak',
        validFrom: '2020-01-01',
        validTo: '2027-12-31',
        capPerDebtor: '1.00',
        decision: 'KS 2020/1',
      },
    });
    expect(notRegion.createCostSharingContract).toMatchObject({
      __typename: 'InvoicingError',
      code: 'NOT_A_CREDITOR',
    });
    const created = await finance.request(CreateCostSharingContractDocument, {
      input: {
        name: 'Systemavtal 2020–2027',
        validFrom: '2020-01-01',
        validTo: '2027-12-31',
        capPerDebtor: '615312.00',
        decision: 'RS 2019/100',
      },
    });
    if (created.createCostSharingContract.__typename !== 'CreateCostSharingContractSuccess') {
      throw new Error(JSON.stringify(created.createCostSharingContract));
    }
    contractId = created.createCostSharingContract.data.id;
    const { costSharingContracts } = await finance.request(CostSharingContractsDocument);
    expect(costSharingContracts).toEqual([
      {
        id: contractId,
        name: 'Systemavtal 2020–2027',
        validFrom: '2020-01-01',
        validTo: '2027-12-31',
        capPerDebtor: '615312.00',
      },
    ]);
  });

  it('derives the rate per resident from the cap for the largest district', async () => {
    // A year of 96 months: 615 312 × 12 / 96 = 76 914 SEK for Södermalm (3 750 residents,
    // the largest): 20.5104 SEK per resident, below 1 000 000 / 7 000 = 142.86.
    // Södermalm 3 750 × 20.5104 = 76 914.00; Rinkeby-Kista 1 250 × = 25 638.00;
    // Solna 2 000 × = 41 020.80. The region bears the rest.
    const byDebtor = await shares({
      month: '2025-12',
      systemCost: {
        amount: '1000000.00',
        populationYear: 2026,
        unassignedResidents: 'PROPORTIONAL',
        contractId,
        rateFromCapMonths: 12,
      },
    });
    expect(byDebtor.get(SODERMALM)!.total).toBe('76914.00');
    expect(byDebtor.get(RINKEBY_KISTA)!.total).toBe('25638.00');
    expect(byDebtor.get(SOLNA)!.total).toBe('41020.80');
    expect(byDebtor.get(SOLNA)!.description).toContain(
      '× 20.5104 SEK per resident (≈) (the contract cap 615\u00a0312,00 SEK × 12/96 months over the 3\u00a0750 residents of Södermalm',
    );
  });

  it('carries the cap across runs: what earlier months invoiced under it counts', async () => {
    // February by population: 375 000, 125 000, 200 000; all within what is left.
    const february = await run('2026-02');
    expect(february.get(SODERMALM)!.total).toBe('375000.00');
    // March: Södermalm had 76 914 + 375 000 = 451 914 invoiced; 615 312 − 451 914 =
    // 163 398 left. Rinkeby-Kista (150 638 before) and Solna (241 020.80) stay under.
    const march = await run('2026-03');
    expect(march.get(SODERMALM)!.total).toBe('163398.00');
    expect(march.get(SODERMALM)!.description).toContain(
      'capped at 163\u00a0398,00 SEK: Systemavtal 2020–2027 caps the contract period at 615\u00a0312,00 SEK and 451\u00a0914,00 SEK was invoiced under it before',
    );
    expect(march.get(RINKEBY_KISTA)!.total).toBe('125000.00');
    expect(march.get(SOLNA)!.total).toBe('200000.00');
    // Drafting March again does not count March itself as "before".
    expect((await run('2026-03')).get(SODERMALM)!.total).toBe('163398.00');
    // April: Södermalm has reached the cap.
    expect((await run('2026-04')).get(SODERMALM)!.total).toBe('0.00');
  });

  it('never spends the same remainder twice when two months are drafted at once', async () => {
    // Rinkeby-Kista had 25 638 + 125 000 × 3 = 400 638 invoiced under the contract:
    // 615 312 − 400 638 = 214 674 left. July and August drafted at the same moment would
    // each see all of it and charge 125 000 twice (250 000); taking turns, one gets
    // 125 000 and the other the 89 674 that is left.
    const [july, august] = await Promise.all([run('2026-07'), run('2026-08')]);
    const both = [july.get(RINKEBY_KISTA)!.total, august.get(RINKEBY_KISTA)!.total].sort();
    expect(both).toEqual(['125000.00', '89674.00']);
    const { rows } = await server.owner.query<{ total: string }>(
      `SELECT sum(l.amount)::text AS total FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
       WHERE l.cost_sharing_contract_id = $1 AND i.debtor_id = $2`,
      [decodeGlobalID(contractId).id, org.get(RINKEBY_KISTA)],
    );
    expect(rows[0]!.total).toBe('615312.00');
  });

  it('refuses a month outside the contract', async () => {
    const result = await share({
      month: '2028-01',
      systemCost: {
        amount: '1000.00',
        populationYear: 2026,
        unassignedResidents: 'PROPORTIONAL',
        contractId,
      },
    });
    expect(result).toMatchObject({
      __typename: 'InvoicingError',
      code: 'INVALID_INPUT',
      field: 'month',
    });
  });
});

describe('fixed amounts per district (seed 001’s appendix)', () => {
  it('invoices each named district the same amount, naming what it rests on', async () => {
    const byDebtor = await shares({
      month: '2026-06',
      fixedAmount: {
        amount: '44278.00',
        organizationIds: [orgId(SODERMALM), orgId(RINKEBY_KISTA)],
        basis: 'avtalets bilaga: 44 278 kr per stadsdelsområde',
      },
    });
    expect([...byDebtor.entries()].map(([hsaId, i]) => [hsaId, i.total]).sort()).toEqual(
      [
        [SODERMALM, '44278.00'],
        [RINKEBY_KISTA, '44278.00'],
      ].sort(),
    );
    expect(byDebtor.get(SODERMALM)!.description).toBe(
      'Fixed amount per district: 44\u00a0278,00 SEK (avtalets bilaga: 44 278 kr per stadsdelsområde)',
    );
  });
});
