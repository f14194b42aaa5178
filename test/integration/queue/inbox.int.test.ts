import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgementDue,
  planningBasisDue,
  STATUTORY_DEADLINES,
} from '../../../src/domain/deadlines/rules.js';
import {
  AcknowledgeDocument,
  CaseDeadlinesDocument,
  InboxDocument,
  type InboxQuery,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { loadNode } from '../../support/node.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * A unit's work queue through GraphQL over HTTP: what the municipality must acknowledge,
 * what the ward owes, the deadlines of both, and that a unit that is not a party sees none
 * of it.
 */
let server: TestServer;
let ward: GraphQLClient;
let social: GraphQLClient;
let otherDistrict: GraphQLClient;
let caseId = '';
let caseUuid = '';
let noticeId = '';
let noticeAt = new Date(0);
let admissionNoticeAt = new Date(0);

type Item = InboxQuery['inbox']['edges'][number]['node'];

async function inbox(client: GraphQLClient, variables: Parameters<typeof inboxVars>[0] = {}) {
  return (await client.request(InboxDocument, inboxVars(variables))).inbox;
}
const inboxVars = (v: { first?: number; after?: string; filter?: Record<string, unknown> }) => ({
  first: v.first ?? 100,
  ...v,
});

const ofCase = (items: readonly { node: Item }[]) =>
  items.map((e) => e.node).filter((n) => n.case?.id === caseId);

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  otherDistrict = await server.clientFor(SOC_SODERMALM, { roles: ['SOCIAL_SERVICES_STAFF'] });
  const resident = residentWithoutCase(11);
  const opened = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: resident.personalIdentityNumber,
      admittedAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
        { unitId: await unitGlobalId(server.owner, HSL_SOLNA), role: 'MUNICIPAL_HEALTH_CARE' },
      ],
      expectedNeeds: 'Hemtjänst',
    },
  });
  if (!('case' in opened.sendAdmissionNotice)) throw new Error('admission notice refused');
  caseId = opened.sendAdmissionNotice.case.id;
  caseUuid = decodeGlobalID(caseId).id;
  admissionNoticeAt = new Date(opened.sendAdmissionNotice.case.admissionNoticeAt!);
  const { rows } = await server.owner.query<{ id: string; occurred_at: Date }>(
    `SELECT id, occurred_at FROM case_event WHERE case_id = $1 AND type = 'ADMISSION_NOTICE_SENT'`,
    [caseUuid],
  );
  noticeId = rows[0]!.id;
  noticeAt = rows[0]!.occurred_at;
});

afterAll(() => server?.close());

describe('inbox', () => {
  it('gives the municipality the admission notice to acknowledge, due by the end of the next working day', async () => {
    const page = await inbox(social);
    const items = ofCase(page.edges);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'MESSAGE',
      step: 'ACKNOWLEDGEMENT',
      messageType: 'ADMISSION_NOTICE_SENT',
      overdue: false,
      message: { type: 'ADMISSION_NOTICE_SENT' },
    });
    expect(items[0]!.dueAt).toBe(acknowledgementDue(STATUTORY_DEADLINES, noticeAt).toISOString());
    expect(decodeGlobalID(items[0]!.message!.id).id).toBe(noticeId);
    expect(page.totalCount).toBe(page.edges.length);
  });

  it('gives the ward the steps it owes, the planning basis due 48 h after the notice, and the late admission notice nowhere (it is done)', async () => {
    const items = ofCase((await inbox(ward)).edges);
    expect(items.map((i) => i.step)).toEqual(['PLANNING_BASIS']);
    expect(items[0]).toMatchObject({ kind: 'NEXT_STEP', overdue: false, message: null });
    expect(items[0]!.dueAt).toBe(
      planningBasisDue(STATUTORY_DEADLINES, admissionNoticeAt).toISOString(),
    );
  });

  it('shows the case its deadlines: the admission notice sent 30 h after admission is late', async () => {
    const { case: c } = await ward.request(CaseDeadlinesDocument, { id: caseId });
    const notice = c!.deadlines!.find((d) => d.step === 'ADMISSION_NOTICE')!;
    expect(notice).toMatchObject({ overdue: true, owedByYourUnit: false });
    expect(notice.doneAt).toBe(admissionNoticeAt.toISOString());
    const basis = c!.deadlines!.find((d) => d.step === 'PLANNING_BASIS')!;
    expect(basis).toMatchObject({ overdue: false, owedByYourUnit: true, doneAt: null });
  });

  it('shows nothing of the case to a unit that is not a party', async () => {
    expect(ofCase((await inbox(otherDistrict)).edges)).toEqual([]);
    const { case: c } = await otherDistrict.request(CaseDeadlinesDocument, { id: caseId });
    expect(c).toBeNull();
  });

  it('pages in deadline order with stable cursors, the pages adding up to the whole list', async () => {
    const whole = await inbox(ward);
    const dues = whole.edges.map((e) => e.node.dueAt ?? '9999');
    expect([...dues].sort()).toEqual(dues);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await inbox(ward, { first: 7, ...(after ? { after } : {}) });
      expect(page.totalCount).toBe(whole.totalCount);
      paged.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(paged).toEqual(whole.edges.map((e) => e.node.id));
  });

  it('filters by kind, step, message type, age and lateness', async () => {
    const messages = await inbox(social, { filter: { kinds: ['MESSAGE'] } });
    expect(messages.edges.every((e) => e.node.kind === 'MESSAGE')).toBe(true);
    const steps = await inbox(ward, { filter: { steps: ['PLANNING_BASIS'] } });
    expect(steps.edges.every((e) => e.node.step === 'PLANNING_BASIS')).toBe(true);
    expect(ofCase(steps.edges)).toHaveLength(1);
    const byType = await inbox(social, { filter: { messageTypes: ['PLANNING_BASIS_SENT'] } });
    expect(ofCase(byType.edges)).toEqual([]);
    const older = await inbox(social, { filter: { before: noticeAt.toISOString() } });
    expect(ofCase(older.edges)).toEqual([]);
    const newer = await inbox(social, { filter: { since: noticeAt.toISOString() } });
    expect(ofCase(newer.edges)).toHaveLength(1);
    const overdue = await inbox(social, { filter: { overdue: true } });
    expect(overdue.edges.every((e) => e.node.overdue)).toBe(true);
    expect(ofCase(overdue.edges)).toEqual([]);
  });

  it('logs the read of every patient listed, as the case list does', async () => {
    await inbox(social, { filter: { since: noticeAt.toISOString() } });
    const { rows } = await server.owner.query<{ activity: string; categories: string[] }>(
      `SELECT activity, categories FROM access_log
        WHERE operation_name = 'Inbox' AND case_id = $1 AND unit_hsa_id = $2`,
      [caseUuid, SOC_SOLNA],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ activity: 'READ' });
    expect(rows[0]!.categories).toContain('PLANNING');
  });

  describe('items as nodes', () => {
    const ITEM = 'kind step messageType since dueAt overdue case { id } message { id }';
    const FRAGMENTS = `... on InboxItem { ${ITEM} }`;
    type Row = Record<string, unknown> & { id: string; case: { id: string } | null };
    const listed = async (client: GraphQLClient): Promise<Row[]> =>
      (
        await client.request<{ inbox: { edges: { node: Row }[] } }>(
          `{ inbox(first: 100) { edges { node { __typename id ${ITEM} } } } }`,
        )
      ).inbox.edges
        .map((e) => e.node)
        .filter((n) => n.case?.id === caseId);
    let message: Row;
    let step: Row;

    beforeAll(async () => {
      message = (await listed(social))[0]!;
      step = (await listed(ward))[0]!;
    });

    it('are global ids of the message or the case’s step, which node(id:) computes as the inbox lists them', async () => {
      expect(decodeGlobalID(message.id)).toEqual({ typename: 'InboxItem', id: `m:${noticeId}` });
      expect(decodeGlobalID(step.id)).toEqual({
        typename: 'InboxItem',
        id: `s:${caseUuid}:PLANNING_BASIS`,
      });
      for (const [client, row] of [
        [social, message],
        [ward, step],
      ] as const) {
        const answer = await loadNode(client, FRAGMENTS, row.id);
        expect(answer.codes).toEqual([]);
        expect(answer.node).toEqual(row);
      }
    });

    it('logs the read of the patient, as the inbox does', async () => {
      const count = async () =>
        (
          await server.owner.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM access_log WHERE case_id = $1 AND unit_hsa_id = $2`,
            [caseUuid, SOC_SOLNA],
          )
        ).rows[0]!.n;
      const before = await count();
      await loadNode(social, FRAGMENTS, message.id);
      expect(await count()).toBeGreaterThan(before);
    });

    it('are null to a unit whose queue they are not in: not a party, or not owing it', async () => {
      for (const [client, row] of [
        [otherDistrict, message],
        [otherDistrict, step],
        [ward, message],
        [social, step],
      ] as const) {
        const answer = await loadNode(client, FRAGMENTS, row.id);
        expect(answer).toMatchObject({ node: null, codes: [] });
        expect(answer.raw).not.toContain(caseId);
      }
    });

    it('refuse a role without planning (FORBIDDEN) and no sign-in (UNAUTHENTICATED), as the inbox does; INVALID_ID for anything but an item id', async () => {
      const finance = await server.clientFor(SOC_SOLNA, { roles: ['FINANCE'] });
      expect(await loadNode(finance, FRAGMENTS, message.id)).toMatchObject({
        node: null,
        codes: ['FORBIDDEN'],
      });
      expect(await loadNode(server.anonymousClient(), FRAGMENTS, message.id)).toMatchObject({
        node: null,
        codes: ['UNAUTHENTICATED'],
      });
      const garbage = [
        globalId('InboxItem', 'not-an-item'),
        globalId('InboxItem', 'm:not-a-uuid'),
        globalId('InboxItem', `s:${caseUuid}:NO_SUCH_STEP`),
        globalId('InboxItem', `s:${caseUuid}`),
        // The id's form before it was a global id.
        Buffer.from(`m:${noticeId}`).toString('base64url'),
      ];
      for (const id of garbage) {
        expect(await loadNode(social, FRAGMENTS, id), id).toMatchObject({
          node: null,
          codes: ['INVALID_ID'],
        });
      }
      const nothing = globalId('InboxItem', 'm:00000000-0000-4000-8000-000000000000');
      expect(await loadNode(social, FRAGMENTS, nothing)).toMatchObject({ node: null, codes: [] });
    });
  });

  it('drops the message once the unit acknowledged it, and the message shows when it was done', async () => {
    const { acknowledge } = await social.request(AcknowledgeDocument, {
      input: { caseId, eventId: globalId('CaseEvent', noticeId) },
    });
    expect(acknowledge.__typename).toBe('AcknowledgeSuccess');
    expect(ofCase((await inbox(social)).edges)).toEqual([]);
    const { case: c } = await social.request(CaseDeadlinesDocument, { id: caseId });
    const notice = c!.events!.edges.find((e) => e.node.type === 'ADMISSION_NOTICE_SENT')!;
    expect(notice.node.acknowledgementDeadline).toMatchObject({
      step: 'ACKNOWLEDGEMENT',
      overdue: false,
    });
    expect(notice.node.acknowledgementDeadline!.doneAt).not.toBeNull();
    // Its item's id, kept by a client, now loads nothing.
    const item = await loadNode(social, '', globalId('InboxItem', `m:${noticeId}`));
    expect(item).toMatchObject({ node: null, codes: [] });
  });

  it('refuses a role that does not take part in planning, and a malformed cursor', async () => {
    const finance = await server.clientFor(SOC_SOLNA, { roles: ['FINANCE'] });
    await expect(finance.request(InboxDocument, { first: 5 })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ClientError && e.response.errors?.[0]?.extensions?.code === 'FORBIDDEN',
    );
    await expect(
      ward.request(InboxDocument, { first: 5, after: 'bm90LWEtY3Vyc29y' }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ClientError && e.response.errors?.[0]?.extensions?.code === 'INVALID_CURSOR',
    );
    await expect(server.anonymousClient().request(InboxDocument, { first: 5 })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ClientError && e.response.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
    );
  });
});
