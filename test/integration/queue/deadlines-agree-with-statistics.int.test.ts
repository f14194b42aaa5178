import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, stockholmDate, stockholmInstant } from '../../../src/domain/calendar.js';
import {
  CaseDeadlinesDocument,
  type CaseDeadlinesQuery,
  InboxDocument,
  PaymentStatisticsDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  organizationIds,
  SOC_SOLNA,
  SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { type CaseEventInput, insertCase } from '../../support/invoicing-cases.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 18's "done when": the statistics' 24-hour and 3-day indicators (computed from the
 * event list, src/domain/payment/statistics.ts) agree with the deadlines the ward sees on
 * the same cases (`Case.deadlines`) and with its inbox, including the edges: a notice at
 * exactly 24 h is in time, a minute later is late, a case without a notice is late, a SIP
 * call in the last minute of the 3rd day is in time and one just after midnight is late.
 */
let server: TestServer;
let finance: GraphQLClient;
let ward: GraphQLClient;
const at = (date: string, time: string) => stockholmInstant(date, time);
const MONTH = '2026-04';

interface Story {
  admittedAt: Date;
  notice?: Date;
  ready?: Date;
  sipCalled?: Date;
}

const stories: Story[] = [
  {
    admittedAt: at('2026-04-06', '08:00'),
    notice: at('2026-04-06', '10:00'),
    ready: at('2026-04-13', '10:00'),
    sipCalled: at('2026-04-16', '23:59'),
  },
  {
    admittedAt: at('2026-04-07', '08:00'),
    notice: at('2026-04-08', '08:00'),
    ready: at('2026-04-14', '10:00'),
    sipCalled: at('2026-04-18', '00:30'),
  },
  {
    admittedAt: at('2026-04-08', '08:00'),
    notice: at('2026-04-09', '08:01'),
    ready: at('2026-04-15', '10:00'),
    sipCalled: at('2026-04-15', '15:00'),
  },
  { admittedAt: at('2026-04-09', '08:00') },
];

/**
 * A case as the workflow leaves it: its events, the dates the deadlines are read from,
 * and the municipality as a party (a SIP call is owed only when it must act).
 */
async function insertStory(story: Story, index: number, solnaId: string): Promise<string> {
  const events: CaseEventInput[] = [];
  if (story.notice) events.push({ type: 'ADMISSION_NOTICE_SENT', at: story.notice });
  if (story.ready) events.push({ type: 'READY_FOR_DISCHARGE_NOTIFIED', at: story.ready });
  if (story.sipCalled) events.push({ type: 'SIP_CALLED', at: story.sipCalled });
  const { caseId } = await insertCase(server.owner, {
    homeOrganizationId: solnaId,
    reference: `BR-AGREE-${index}`,
    admittedAt: story.admittedAt,
    events,
  });
  await server.owner.query(
    `UPDATE "case" SET status = $2, ready_for_discharge_at = $3, sip_called_at = $4 WHERE id = $1`,
    [
      caseId,
      story.ready ? 'READY_FOR_DISCHARGE' : 'PLANNING',
      story.ready ?? null,
      story.sipCalled ?? null,
    ],
  );
  await server.owner.query(
    `INSERT INTO case_party (case_id, unit_id, role, joined_at)
     SELECT $1, id, 'MUNICIPAL_SOCIAL_SERVICES', $2 FROM unit WHERE hsa_id = $3`,
    [caseId, story.admittedAt, SOC_SOLNA],
  );
  return globalId('Case', caseId);
}

beforeAll(async () => {
  server = await startTestServer();
  finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
});
afterAll(() => server?.close());

describe("the statistics' indicators and the inbox's deadlines", () => {
  it('agree for the same cases', async () => {
    const solnaId = (await organizationIds(server.owner)).get(SOLNA)!;
    const caseIds: string[] = [];
    for (const [i, story] of stories.entries()) caseIds.push(await insertStory(story, i, solnaId));

    const stats = await finance.request(PaymentStatisticsDocument, {
      input: { from: MONTH, to: MONTH, municipalityId: globalId('Organization', solnaId) },
    });
    if (stats.paymentStatistics.__typename !== 'PaymentStatisticsSuccess') throw new Error();
    const indicator = (name: string) =>
      stats.paymentStatistics.__typename === 'PaymentStatisticsSuccess'
        ? stats.paymentStatistics.data.series.find((s) => s.indicator === name)!.points[0]!.value
        : null;

    type Deadline = NonNullable<NonNullable<CaseDeadlinesQuery['case']>['deadlines']>[number];
    const deadlines: (Deadline & { caseId: string })[] = [];
    for (const id of caseIds) {
      const { case: found } = await ward.request(CaseDeadlinesDocument, { id });
      deadlines.push(...(found?.deadlines ?? []).map((d) => ({ ...d, caseId: id })));
    }
    // The month a step's clock started in is the month the statistics count it in.
    const inMonth = (since: string | null) =>
      since !== null && monthOf(stockholmDate(new Date(since))) === MONTH;
    const inTime = (d: { doneAt?: string | null; overdue?: boolean | null }) =>
      d.doneAt != null && d.overdue === false;
    const share = (steps: typeof deadlines) => steps.filter(inTime).length / steps.length;

    const notices = deadlines.filter((d) => d.step === 'ADMISSION_NOTICE' && inMonth(d.since));
    expect(notices).toHaveLength(4);
    expect(indicator('admissionNoticeWithin24hShare')).toBe(share(notices));
    const calls = deadlines.filter(
      (d) => d.step === 'SIP_CALL' && d.doneAt != null && inMonth(d.since),
    );
    expect(calls).toHaveLength(3);
    expect(indicator('sipCallWithin3DaysShare')).toBe(share(calls));
    // Not vacuous: the edges above decide these numbers.
    expect([share(notices), share(calls)]).toEqual([0.5, 2 / 3]);

    // What the ward still owes is in its inbox with the same due time and lateness.
    const owed = deadlines.filter((d) => d.owedByYourUnit && d.dueAt != null);
    expect(owed.map((d) => [d.caseId, d.step])).toContainEqual([caseIds[3], 'ADMISSION_NOTICE']);
    const { inbox } = await ward.request(InboxDocument, {
      first: 100,
      filter: { kinds: ['NEXT_STEP'], steps: ['ADMISSION_NOTICE'] },
    });
    for (const d of owed.filter((o) => o.step === 'ADMISSION_NOTICE')) {
      const item = inbox.edges.find((e) => e.node.case?.id === d.caseId && e.node.step === d.step);
      expect(item?.node).toMatchObject({ dueAt: d.dueAt, overdue: d.overdue });
    }
  });
});
