import type { Database } from '../../src/db/client.js';
import type { IdentityServices } from '../../src/identity/index.js';
import { caseGlobalId, type Fixtures, tokenFor } from './fixtures.js';
import { DOCUMENTS } from './scenarios.js';

/**
 * SQL statements per request, read from `extensions.sqlStatements` of a server started
 * with EXPOSE_SQL_COUNT (src/db/sql-statement-counter.ts). The case list is asked at
 * several page sizes: its count must not grow with the page (no N+1).
 */
export interface StatementCounts {
  caseListByPageSize: Record<string, number>;
  caseDetail: number;
  notifyReady: number;
  accessLog: number;
}

async function statementsOf(url: string, token: string, query: string, variables: object) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    errors?: unknown[];
    extensions?: { sqlStatements?: number };
  };
  if (body.errors) throw new Error(`probe failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.extensions?.sqlStatements ?? Number.NaN;
}

export async function probeStatements(
  url: string,
  services: { db: Database; identity: IdentityServices },
  fixtures: Fixtures,
): Promise<StatementCounts> {
  const staff = await tokenFor(services, fixtures.listUnit.hsaId, ['SOCIAL_SERVICES_STAFF']);
  // The least of three: the identity gateway's session cache (a few seconds) adds a
  // session lookup to some requests and not others, whatever the query.
  const leastOfThree = async (query: string, variables: object) => {
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) counts.push(await statementsOf(url, staff, query, variables));
    return Math.min(...counts);
  };
  const caseListByPageSize: Record<string, number> = {};
  for (const first of [10, 25, 50, 100]) {
    caseListByPageSize[first] = await leastOfThree(DOCUMENTS.caseList, { first });
  }
  const caseDetail = await leastOfThree(DOCUMENTS.caseDetail, {
    id: caseGlobalId(fixtures.detailCases[0]!),
  });
  // A PLANNING case the timed run does not use (the list's last), notified and withdrawn.
  const spare = fixtures.planningCases.at(-1)!;
  const ward = await tokenFor(services, spare.wardHsaId, ['WARD_STAFF']);
  const notifyReady = await statementsOf(url, ward, DOCUMENTS.notifyReady, {
    input: { caseId: caseGlobalId(spare.id), readyAt: new Date().toISOString() },
  });
  await statementsOf(url, ward, DOCUMENTS.withdrawReady, {
    input: { caseId: caseGlobalId(spare.id), reason: 'Återställt efter mätningen.' },
  });
  const officer = await tokenFor(services, fixtures.regionUnitHsaId, ['SECURITY_OFFICER']);
  const to = new Date();
  const accessLog = await statementsOf(url, officer, DOCUMENTS.accessLog, {
    filter: {
      patientId: fixtures.logPatients[0],
      from: new Date(to.getTime() - 365 * 86_400_000).toISOString(),
      to: to.toISOString(),
    },
    first: 100,
  });
  return { caseListByPageSize, caseDetail, notifyReady, accessLog };
}
