import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddNoteOutcomeDocument,
  CreateCarePlanOutcomeDocument,
  NotifyReadyOutcomeDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, step 5: a refusal a client can act on without parsing English. When one input
 * field is at fault, `field` names it as a dotted path; the values the message names are
 * in `params`.
 */
let server: TestServer;
let ward: GraphQLClient;
let caseId = '';
const admittedAt = new Date(Date.now() - 5 * 3_600_000).toISOString();

/** The params of a CommandError as an object; a success has none. */
const paramsOf = (
  answer: { __typename: string } & { params?: { name: string; value: string }[] },
) =>
  Object.fromEntries(
    ('params' in answer ? (answer.params ?? []) : []).map((p) => [p.name, p.value]),
  );

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(4).personalIdentityNumber,
      admittedAt,
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
    },
  });
  if (!('case' in sendAdmissionNotice)) throw new Error('fixture');
  caseId = sendAdmissionNotice.case.id;
});
afterAll(() => server?.close());

describe('CommandError field and params', () => {
  it('names the text of a note, and the limit it broke', async () => {
    const empty = (await ward.request(AddNoteOutcomeDocument, { input: { caseId, text: '   ' } }))
      .addNote;
    expect(empty).toMatchObject({ code: 'INVALID_INPUT', field: 'text', params: [] });
    const long = (
      await ward.request(AddNoteOutcomeDocument, { input: { caseId, text: 'x'.repeat(10_001) } })
    ).addNote;
    expect(long).toMatchObject({ code: 'INVALID_INPUT', field: 'text' });
    expect(paramsOf(long)).toEqual({ max: '10000' });
  });

  it('names a client-chosen id that is neither a Note global id nor a UUID', async () => {
    for (const noteId of ['not-a-uuid', globalId('Case', randomUUID())]) {
      const answer = (
        await ward.request(AddNoteOutcomeDocument, { input: { caseId, noteId, text: 'Hej' } })
      ).addNote;
      expect(answer, noteId).toMatchObject({ code: 'INVALID_ID', field: 'noteId' });
    }
  });

  it('names readyAt in the future and before admission, with the time it must not precede', async () => {
    const future = (
      await ward.request(NotifyReadyOutcomeDocument, {
        input: { caseId, readyAt: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).notifyReadyForDischarge;
    expect(future).toMatchObject({ code: 'TIME_ORDER', field: 'readyAt' });
    const early = (
      await ward.request(NotifyReadyOutcomeDocument, {
        input: { caseId, readyAt: new Date(Date.parse(admittedAt) - 60_000).toISOString() },
      })
    ).notifyReadyForDischarge;
    expect(early).toMatchObject({ code: 'TIME_ORDER', field: 'readyAt' });
    expect(paramsOf(early)).toEqual({ earliestField: 'admittedAt', earliest: admittedAt });
  });

  it('names a list entry by its position as a dotted path, and the unit it named', async () => {
    const outsider = await unitGlobalId(server.owner, VC_SODERMALM);
    const answer = (
      await ward.request(CreateCarePlanOutcomeDocument, {
        input: {
          caseId,
          kind: 'CARE_PLAN',
          summary: 'Plan',
          items: [{ responsibleUnitId: outsider, action: 'Hemtjänst' }],
          participants: [],
          status: 'DRAFT',
        },
      })
    ).createCarePlan;
    expect(answer).toMatchObject({ code: 'INVALID_INPUT', field: 'items.0.responsibleUnitId' });
    expect(Object.keys(paramsOf(answer))).toEqual(['unitId']);
  });

  it('leaves field null when no input is at fault, and gives the state in params', async () => {
    const readyAt = new Date(Date.now() - 60_000).toISOString();
    const first = (await ward.request(NotifyReadyOutcomeDocument, { input: { caseId, readyAt } }))
      .notifyReadyForDischarge;
    expect(first.__typename).toBe('NotifyReadyForDischargeSuccess');
    const twice = (await ward.request(NotifyReadyOutcomeDocument, { input: { caseId, readyAt } }))
      .notifyReadyForDischarge;
    expect(twice).toMatchObject({ code: 'INVALID_STATE', field: null });
    expect(paramsOf(twice)).toEqual({
      command: 'notifyReadyForDischarge',
      status: 'READY_FOR_DISCHARGE',
      allowed: 'PLANNING',
    });
  });

  it('names expectedVersion with both versions when the case moved on', async () => {
    const stale = (
      await ward.request(AddNoteOutcomeDocument, {
        input: { caseId, text: 'Sent på stale data', expectedVersion: 1 },
      })
    ).addNote;
    expect(stale).toMatchObject({ code: 'CONCURRENT_MODIFICATION', field: 'expectedVersion' });
    expect(paramsOf(stale)).toEqual({ expectedVersion: '1', version: '2' });
  });
});
