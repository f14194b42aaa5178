import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessLogTotalDocument,
  AddNoteDocument,
  CaseCountDocument,
  CaseListDocument,
  type CaseListQuery,
  type CaseListQueryVariables,
  ConnectionTotalsDocument,
  NotifyReadyForDischargeDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, step 3: the case list a ward's front end needs — sorted by waiting time and
 * other orders with stable cursors, "page x of y" from totalCount, free text that finds
 * only what the caller may read, date ranges both ways and changedSince.
 */
let server: TestServer;
let ward: GraphQLClient;
let finance: GraphQLClient;
let social: GraphQLClient;
type Row = CaseListQuery['cases']['edges'][number]['node'];
const opened: Record<string, string> = {};
/** Several cases share one admission time, so orders by it must break ties. */
const SAME_ADMISSION = new Date(Date.now() - 30 * 3_600_000).toISOString();

async function open(index: number, admittedAt: string): Promise<string> {
  const resident = residentWithoutCase(index);
  const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: resident.personalIdentityNumber,
      admittedAt,
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
    },
  });
  if (!('case' in sendAdmissionNotice)) throw new Error(JSON.stringify(sendAdmissionNotice));
  return sendAdmissionNotice.case.id;
}

async function allPages(client: GraphQLClient, variables: CaseListQueryVariables, size = 3) {
  const rows: Row[] = [];
  const totals = new Set<number>();
  let after: string | null | undefined;
  for (;;) {
    const { cases } = await client.request(CaseListDocument, { ...variables, first: size, after });
    totals.add(cases.totalCount);
    rows.push(...cases.edges.map((e) => e.node));
    if (!cases.pageInfo.hasNextPage) break;
    after = cases.pageInfo.endCursor;
  }
  return { rows, totals: [...totals] };
}

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientError)
      return error.response.errors?.[0]?.extensions?.code as string | undefined;
    throw error;
  }
  return undefined;
}

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  for (const index of [0, 1, 2, 3]) opened[`same${index}`] = await open(index, SAME_ADMISSION);
  // residentWithoutCase(11) has a protected identity (skyddade personuppgifter).
  opened.protected = await open(11, new Date(Date.now() - 10 * 3_600_000).toISOString());
  for (const [key, minutesAgo] of [
    ['same1', 50],
    ['same2', 50],
    ['protected', 20],
  ] as const) {
    const result = await ward.request(NotifyReadyForDischargeDocument, {
      input: {
        caseId: opened[key]!,
        readyAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      },
    });
    if (!('case' in result.notifyReadyForDischarge)) throw new Error('fixture: ready refused');
  }
});
afterAll(() => server?.close());

const ORDERS = [
  ['REFERENCE', (r: Row) => r.reference!],
  ['ADMITTED', (r: Row) => r.admittedAt!],
  ['READY_SINCE', (r: Row) => r.readyForDischargeAt!],
  ['LAST_EVENT', (r: Row) => r.updatedAt!],
] as const;

describe('cases: order, paging and totalCount', () => {
  for (const [field, key] of ORDERS) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`pages by ${field} ${direction} in that order, ties by reference, every case once`, async () => {
        const orderBy = { field, direction };
        const { rows, totals } = await allPages(ward, { orderBy });
        const { cases: whole } = await ward.request(CaseListDocument, { orderBy, first: 100 });
        expect(rows.map((r) => r.id)).toEqual(whole.edges.map((e) => e.node.id));
        const sign = direction === 'ASC' ? 1 : -1;
        const sorted = [...rows].sort(
          (a, b) =>
            sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) ||
            sign * a.reference!.localeCompare(b.reference!),
        );
        expect(rows.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        // "Page x of y": the same total on every page, the number of rows in the list.
        expect(totals).toEqual([rows.length]);
        if (field === 'READY_SINCE') {
          expect(rows.every((r) => r.readyForDischargeAt !== null)).toBe(true);
          expect(rows.length).toBeGreaterThanOrEqual(3);
        }
      });
    }
  }

  it('breaks ties of equal admission times so pages neither skip nor repeat', async () => {
    const { rows } = await allPages(
      ward,
      {
        orderBy: { field: 'ADMITTED', direction: 'ASC' },
        filter: {
          admittedSince: SAME_ADMISSION,
          admittedBefore: new Date(Date.parse(SAME_ADMISSION) + 1).toISOString(),
        },
      },
      1,
    );
    expect(rows.map((r) => r.id).sort()).toEqual(
      ['same0', 'same1', 'same2', 'same3'].map((k) => opened[k]).sort(),
    );
  });

  it('pages backward with last/before in the same order', async () => {
    const orderBy = { field: 'ADMITTED', direction: 'DESC' } as const;
    const { cases: whole } = await ward.request(CaseListDocument, { orderBy, first: 100 });
    const ids = whole.edges.map((e) => e.node.id);
    const tail = whole.edges.at(-1)!.cursor;
    const { cases: back } = await ward.request(CaseListDocument, {
      orderBy,
      last: 3,
      before: tail,
    });
    expect(back.edges.map((e) => e.node.id)).toEqual(ids.slice(-4, -1));
  });

  it('refuses first with last, and a page above 100, instead of answering other rows', async () => {
    expect(await refusal(ward.request(CaseListDocument, { first: 2, last: 2 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await refusal(ward.request(CaseListDocument, { first: 101 }))).toBe('INVALID_ARGUMENT');
    expect(await refusal(ward.request(CaseListDocument, { last: 101 }))).toBe('INVALID_ARGUMENT');
  });

  it('counts with the filter and writes no access-log row for a count alone', async () => {
    const before = await server.owner.query('SELECT count(*)::int AS n FROM access_log');
    const { cases } = await ward.request(CaseCountDocument, {
      filter: { statuses: ['READY_FOR_DISCHARGE'] },
    });
    const after = await server.owner.query('SELECT count(*)::int AS n FROM access_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const { rows } = await allPages(ward, { filter: { statuses: ['READY_FOR_DISCHARGE'] } }, 50);
    expect(cases.totalCount).toBe(rows.length);
    expect(cases.totalCount).toBeGreaterThanOrEqual(3);
  });
});

describe('totalCount on the other connections', () => {
  it('counts units, a case’s events (both ways in) and a patient’s cases as the database holds them', async () => {
    const totals = await ward.request(ConnectionTotalsDocument, { caseId: opened.same1! });
    const count = async (sql: string, values: unknown[] = []) =>
      (await server.owner.query<{ n: number }>(sql, values)).rows[0]!.n;
    expect(totals.units.totalCount).toBe(
      await count('SELECT count(*)::int AS n FROM unit WHERE active'),
    );
    const node = totals.node as {
      events: { totalCount: number };
      patient: { cases: { totalCount: number } };
    };
    expect(totals.caseEvents.totalCount).toBe(node.events.totalCount);
    // Admission notice and ready notice.
    expect(node.events.totalCount).toBe(2);
    expect(node.patient.cases.totalCount).toBe(1);
  });
});

describe('totalCount on the access log', () => {
  it('counts the organisation’s whole log, as the database holds it', async () => {
    const officer = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, {
      roles: ['SECURITY_OFFICER'],
    });
    const { accessLog } = await officer.request(AccessLogTotalDocument);
    // The officer's own read of that page is logged after it was counted.
    const { rows } = await server.owner.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM access_log WHERE provider_hsa_id = 'SE2321000016-0001'",
    );
    expect(accessLog.totalCount).toBeGreaterThan(0);
    expect([rows[0]!.n, rows[0]!.n - 1]).toContain(accessLog.totalCount);
  });
});

describe('cases: free text', () => {
  it('finds a case by the start of its reference and by the patient’s name', async () => {
    const { cases } = await ward.request(CaseListDocument, { first: 100 });
    const target = cases.edges.find((e) => e.node.id === opened.same2)!.node;
    const byReference = await ward.request(CaseListDocument, {
      filter: { text: target.reference!.toLowerCase() },
      first: 10,
    });
    expect(byReference.cases.edges.map((e) => e.node.id)).toEqual([opened.same2]);
    const family = residentWithoutCase(2).familyName;
    const byName = await ward.request(CaseListDocument, { filter: { text: family }, first: 100 });
    expect(byName.cases.edges.map((e) => e.node.id)).toContain(opened.same2);
    expect(
      byName.cases.edges.every((e) =>
        [e.node.patient?.givenName, e.node.patient?.familyName].some((n) =>
          n?.toLowerCase().startsWith(family.toLowerCase()),
        ),
      ),
    ).toBe(true);
  });

  it('never matches a protected name for a role that may not read it, though the case is listed', async () => {
    const family = residentWithoutCase(11).familyName;
    const asWard = await ward.request(CaseListDocument, { filter: { text: family }, first: 100 });
    expect(asWard.cases.edges.map((e) => e.node.id)).toContain(opened.protected);
    // Finance reads identity but not protected identity: the name must not find the case,
    // not even as a count, while the case itself is in finance's list.
    const asFinance = await finance.request(CaseListDocument, {
      filter: { text: family },
      first: 100,
    });
    expect(asFinance.cases.edges.map((e) => e.node.id)).not.toContain(opened.protected);
    const counted = await finance.request(CaseCountDocument, { filter: { text: family } });
    expect(counted.cases.totalCount).toBe(asFinance.cases.edges.length);
    const all = await finance.request(CaseListDocument, { first: 100 });
    expect(all.cases.edges.map((e) => e.node.id)).toContain(opened.protected);
  });

  it('refuses text shorter than 2 characters', async () => {
    expect(
      await refusal(ward.request(CaseListDocument, { filter: { text: ' B ' }, first: 5 })),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('cases: date ranges and changedSince', () => {
  it('takes since (inclusive) and before (exclusive) for admission and ready times', async () => {
    const at = Date.parse(SAME_ADMISSION);
    const ids = async (filter: object) =>
      (await ward.request(CaseListDocument, { filter, first: 100 })).cases.edges.map(
        (e) => e.node.id,
      );
    const exactly = await ids({
      admittedSince: SAME_ADMISSION,
      admittedBefore: new Date(at + 1).toISOString(),
    });
    expect(exactly.sort()).toEqual(
      ['same0', 'same1', 'same2', 'same3'].map((k) => opened[k]).sort(),
    );
    expect(await ids({ admittedSince: SAME_ADMISSION, admittedBefore: SAME_ADMISSION })).toEqual(
      [],
    );
    const readyLately = await ids({ readySince: new Date(Date.now() - 30 * 60_000).toISOString() });
    expect(readyLately).toContain(opened.protected);
    expect(readyLately).not.toContain(opened.same1);
    const readyEarlier = await ids({
      readyBefore: new Date(Date.now() - 30 * 60_000).toISOString(),
    });
    expect(readyEarlier).toEqual(expect.arrayContaining([opened.same1, opened.same2]));
    expect(readyEarlier).not.toContain(opened.protected);
  });

  it('answers only the cases changed since a time, for refreshing a list', async () => {
    const { cases } = await social.request(CaseListDocument, { first: 100 });
    const latest = Math.max(...cases.edges.map((e) => Date.parse(e.node.updatedAt!)));
    const since = new Date(latest + 1).toISOString();
    const changed = async () =>
      (
        await social.request(CaseListDocument, { filter: { changedSince: since }, first: 100 })
      ).cases.edges.map((e) => e.node.id);
    expect(await changed()).toEqual([]);
    const note = await social.request(AddNoteDocument, {
      input: { caseId: opened.same3!, text: 'Hemtjänst beviljad' },
    });
    expect(note.addNote.__typename).toBe('AddNoteSuccess');
    expect(await changed()).toEqual([opened.same3]);
  });
});
