import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddNoteDocument,
  CasePageDocument,
  ReadyNoticeDocument,
  SendAdmissionNoticeDocument,
  StartScreenDocument,
  WardReadyListDocument,
  WriteNoteDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, "done when": the day-one screens of a regional front end, each one request of
 * a typed document in test/operations/day-one.graphql, driven over HTTP. Every request goes
 * through a counting fetch, so "one request" is measured, not assumed.
 */
let server: TestServer;
let ward: GraphQLClient;
let social: GraphQLClient;
let wardUnit = '';
const ids: Record<string, string> = {};
const requests = { count: 0 };

/** The case ids opened here, in the order their patients became ready (oldest first). */
const opened: string[] = [];

async function openReadyCase(index: number, readyHoursAgo: number): Promise<string> {
  const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(index).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 48 * 3_600_000).toISOString(),
      municipalityParties: [{ unitId: ids[SOC_SOLNA]!, role: 'MUNICIPAL_SOCIAL_SERVICES' }],
      primaryCareUnitId: ids[VC_SOLNA]!,
    },
  });
  if (sendAdmissionNotice.__typename !== 'SendAdmissionNoticeSuccess') {
    throw new Error(`fixture: ${JSON.stringify(sendAdmissionNotice)}`);
  }
  const caseId = sendAdmissionNotice.case.id;
  const { notifyReadyForDischarge } = await ward.request(ReadyNoticeDocument, {
    input: { caseId, readyAt: new Date(Date.now() - readyHoursAgo * 3_600_000).toISOString() },
  });
  if (notifyReadyForDischarge.__typename === 'CommandError') {
    throw new Error(`fixture: ${JSON.stringify(notifyReadyForDischarge)}`);
  }
  return caseId;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const hsaId of [WARD_KAROLINSKA_GERIATRIK, SOC_SOLNA, VC_SOLNA]) {
    ids[hsaId] = await unitGlobalId(server.owner, hsaId);
  }
  wardUnit = ids[WARD_KAROLINSKA_GERIATRIK]!;
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  // Ready 30, 20, 10 hours ago, opened in another order than they became ready.
  const hours = [20, 30, 10];
  const byHours = new Map<number, string>();
  for (const [i, h] of hours.entries()) byHours.set(h, await openReadyCase(i + 10, h));
  opened.push(byHours.get(30)!, byHours.get(20)!, byHours.get(10)!);
  // Count requests from here on: each screen below must be exactly one.
  for (const client of [ward, social]) {
    const original = client.request.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { request: typeof original }).request = (...args) => {
      requests.count++;
      return original(...args);
    };
  }
});
afterAll(() => server?.close());

/** Runs one screen's work and checks it took exactly one request. */
async function oneRequest<T>(work: () => Promise<T>): Promise<T> {
  const before = requests.count;
  const result = await work();
  expect(requests.count - before, 'requests for one screen').toBe(1);
  return result;
}

describe('day-one operations, one request each', () => {
  it('start screen: viewer and acting unit, open cases newest change first with viewerCan, ready count', async () => {
    const screen = await oneRequest(() =>
      ward.request(StartScreenDocument, { unitId: wardUnit, first: 10 }),
    );
    expect(screen.viewer?.actingUnit).toMatchObject({
      id: wardUnit,
      hsaId: WARD_KAROLINSKA_GERIATRIK,
    });
    expect(screen.viewer?.roles).toContain('WARD_STAFF');
    const open = screen.open.edges.map((e) => e.node);
    expect(screen.open.totalCount).toBeGreaterThanOrEqual(3);
    expect(open.length).toBe(Math.min(10, screen.open.totalCount));
    // Newest change first.
    const changed = open.map((c) => Date.parse(c.updatedAt!));
    expect(changed).toEqual([...changed].sort((a, b) => b - a));
    // The case changed last in the fixture is the ready notice of the last one opened.
    expect(open.map((c) => c.id)).toContain(opened[2]);
    for (const c of open) {
      expect(c.viewerCan, c.reference!).not.toBeNull();
      expect(c.viewerCan!.notifyReadyForDischarge).toBe(c.status === 'PLANNING');
    }
    expect(screen.ready.totalCount).toBeGreaterThanOrEqual(3);
  });

  it('case page: summary, parties, messages with viewerCan, notes and care plans', async () => {
    const page = await oneRequest(() => ward.request(CasePageDocument, { id: opened[0]! }));
    const c = page.node as Extract<typeof page.node, { __typename?: 'Case' }> & {
      events: { totalCount: number; edges: { node: { type: string; viewerCan: unknown } }[] };
    };
    expect(c).toMatchObject({ id: opened[0], status: 'READY_FOR_DISCHARGE', version: 2 });
    expect(c.events.totalCount).toBe(2);
    expect(c.events.edges.map((e) => e.node.type)).toEqual([
      'ADMISSION_NOTICE_SENT',
      'READY_FOR_DISCHARGE_NOTIFIED',
    ]);
    // The ward wrote the admission notice: nothing to acknowledge, and it is not annullable.
    expect(c.events.edges[0]!.node.viewerCan).toEqual({ acknowledge: false, annulMessage: false });
    // Social services received it: they may acknowledge it.
    const theirs = await oneRequest(() => social.request(CasePageDocument, { id: opened[0]! }));
    const received = (
      theirs.node as unknown as { events: { edges: { node: { viewerCan: unknown } }[] } }
    ).events.edges[0]!.node.viewerCan;
    expect(received).toEqual({ acknowledge: true, annulMessage: false });
  });

  it('ready notice: refused on a stale version with the version in params, then sent on the current one', async () => {
    const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(14).personalIdentityNumber,
        admittedAt: new Date(Date.now() - 24 * 3_600_000).toISOString(),
        municipalityParties: [{ unitId: ids[SOC_SOLNA]!, role: 'MUNICIPAL_SOCIAL_SERVICES' }],
      },
    });
    if (sendAdmissionNotice.__typename !== 'SendAdmissionNoticeSuccess') throw new Error('fixture');
    const caseId = sendAdmissionNotice.case.id;
    // Someone else changes the case after the user loaded version 1.
    await social.request(AddNoteDocument, { input: { caseId, text: 'Hemtjänst kontaktad' } });
    const readyAt = new Date(Date.now() - 60_000).toISOString();
    const stale = await oneRequest(() =>
      ward.request(ReadyNoticeDocument, { input: { caseId, readyAt, expectedVersion: 1 } }),
    );
    expect(stale.notifyReadyForDischarge).toMatchObject({
      __typename: 'CommandError',
      code: 'CONCURRENT_MODIFICATION',
    });
    const params = Object.fromEntries(
      (stale.notifyReadyForDischarge as { params: { name: string; value: string }[] }).params.map(
        (p) => [p.name, p.value],
      ),
    );
    expect(params).toMatchObject({ expectedVersion: '1', version: '2' });
    const sent = await oneRequest(() =>
      ward.request(ReadyNoticeDocument, { input: { caseId, readyAt, expectedVersion: 2 } }),
    );
    expect(sent.notifyReadyForDischarge).toMatchObject({
      __typename: 'NotifyReadyForDischargeSuccess',
      case: {
        id: caseId,
        version: 3,
        status: 'READY_FOR_DISCHARGE',
        readyForDischargeAt: readyAt,
        viewerCan: { notifyReadyForDischarge: false, withdrawReadyForDischarge: true },
      },
    });
  });

  it('note: written once with a client-chosen id, a retry answers the same', async () => {
    const noteId = randomUUID();
    const input = { caseId: opened[1]!, noteId, text: 'Anhörig informerad', expectedVersion: 2 };
    const written = await oneRequest(() => ward.request(WriteNoteDocument, { input }));
    expect(written.addNote).toMatchObject({ __typename: 'AddNoteSuccess', case: { version: 3 } });
    const notes = (written.addNote as { case: { notes: { text: string }[] } }).case.notes;
    expect(notes.map((n) => n.text)).toEqual(['Anhörig informerad']);
    const retried = await oneRequest(() => ward.request(WriteNoteDocument, { input }));
    expect(retried.addNote).toEqual(written.addNote);
  });

  it('ward ready list: longest waiting first, page x of y from totalCount, each page one request', async () => {
    const first = 2;
    const pages: { readyForDischargeAt: string | null; id: string }[][] = [];
    let after: string | null = null;
    let total = -1;
    for (;;) {
      const { cases } = await oneRequest(() =>
        ward.request(WardReadyListDocument, { unitId: wardUnit, first, after }),
      );
      if (total === -1) total = cases.totalCount;
      // The count does not change while paging (nothing else writes here).
      expect(cases.totalCount).toBe(total);
      pages.push(cases.edges.map((e) => e.node));
      const pageOf = `page ${pages.length} of ${Math.ceil(total / first)}`;
      if (!cases.pageInfo.hasNextPage) {
        expect(pageOf).toBe(`page ${Math.ceil(total / first)} of ${Math.ceil(total / first)}`);
        break;
      }
      expect(cases.edges).toHaveLength(first);
      after = cases.pageInfo.endCursor ?? null;
    }
    const rows = pages.flat();
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    const readyTimes = rows.map((r) => Date.parse(r.readyForDischargeAt!));
    expect(readyTimes).toEqual([...readyTimes].sort((a, b) => a - b));
    // The three cases of the fixture come in the order their patients became ready.
    const ours = rows.map((r) => r.id).filter((id) => opened.includes(id));
    expect(ours).toEqual(opened);
  });
});
