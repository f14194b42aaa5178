import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddNoteDocument,
  CreateCarePlanDocument,
  SendAdmissionNoticeDocument,
  type SendAdmissionNoticeInput,
} from '../../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, step 4: a retry of a command that succeeded (the answer was lost) answers the
 * original success and acts once; the same client id with another input is refused with
 * IDEMPOTENCY_CONFLICT naming the field the id came from, and writes nothing.
 */
let server: TestServer;
let ward: GraphQLClient;
let social: GraphQLClient;
let admission: SendAdmissionNoticeInput & { caseId: string };

const count = async (sql: string, values: unknown[]) =>
  (await server.owner.query<{ n: number }>(sql, values)).rows[0]!.n;

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  admission = {
    caseId: randomUUID(),
    personalIdentityNumber: residentWithoutCase(3).personalIdentityNumber,
    admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
    municipalityParties: [
      { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
    ],
  };
});
afterAll(() => server?.close());

describe('sendAdmissionNotice retried with the same caseId', () => {
  it('answers the first success and opens one case; another input is IDEMPOTENCY_CONFLICT on caseId', async () => {
    const first = await ward.request(SendAdmissionNoticeDocument, { input: admission });
    expect(first.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    const again = await ward.request(SendAdmissionNoticeDocument, {
      input: { ...admission, caseId: admission.caseId.toUpperCase() },
    });
    expect(again.sendAdmissionNotice).toEqual(first.sendAdmissionNotice);
    expect(
      await count('SELECT count(*)::int AS n FROM "case" WHERE id = $1', [admission.caseId]),
    ).toBe(1);
    const events = await count('SELECT count(*)::int AS n FROM case_event WHERE case_id = $1', [
      admission.caseId,
    ]);
    expect(events).toBe(1);

    const other = await ward.request(SendAdmissionNoticeDocument, {
      input: { ...admission, expectedNeeds: 'Korttidsboende' },
    });
    expect(other.sendAdmissionNotice).toMatchObject({
      __typename: 'CommandError',
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'caseId',
    });
    expect(
      await count('SELECT count(*)::int AS n FROM case_event WHERE case_id = $1', [
        admission.caseId,
      ]),
    ).toBe(events);
  });
});

describe('addNote retried with the same noteId', () => {
  it('answers the original success, however the id is spelt, and adds the note once', async () => {
    // A retry of the admission notice answers the case it opened.
    const caseGlobalId = (
      (await ward.request(SendAdmissionNoticeDocument, { input: admission }))
        .sendAdmissionNotice as {
        case: { id: string };
      }
    ).case.id;
    const noteId = randomUUID();
    const input = { caseId: caseGlobalId, noteId, text: 'Hemtjänst beviljad från måndag' };
    const first = await social.request(AddNoteDocument, { input });
    expect(first.addNote.__typename).toBe('AddNoteSuccess');
    const retry = await social.request(AddNoteDocument, { input });
    expect(retry.addNote).toEqual(first.addNote);
    const upper = await social.request(AddNoteDocument, {
      input: { ...input, noteId: noteId.toUpperCase() },
    });
    expect(upper.addNote).toEqual(first.addNote);
    // The global id of the note is the same id as its raw UUID (the older, deprecated form).
    const global = await social.request(AddNoteDocument, {
      input: { ...input, noteId: globalId('Note', noteId) },
    });
    expect(global.addNote).toEqual(first.addNote);
    expect(await count('SELECT count(*)::int AS n FROM note WHERE id = $1', [noteId])).toBe(1);
    const caseUuid = decodeGlobalID(caseGlobalId).id;
    expect(
      await count(
        `SELECT count(*)::int AS n FROM case_event WHERE case_id = $1 AND type = 'NOTE_ADDED'`,
        [caseUuid],
      ),
    ).toBe(1);

    const changed = await social.request(AddNoteDocument, { input: { ...input, text: 'Annat' } });
    expect(changed.addNote).toMatchObject({
      __typename: 'CommandError',
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'noteId',
    });
    const locked = await social.request(AddNoteDocument, {
      input: { ...input, lockedToOrganization: true },
    });
    expect(locked.addNote).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'noteId' });
    expect(await count('SELECT count(*)::int AS n FROM note WHERE id = $1', [noteId])).toBe(1);
    const { rows } = await server.owner.query<{ text: string }>(
      'SELECT text FROM note WHERE id = $1',
      [noteId],
    );
    expect(rows[0]!.text).toBe('Hemtjänst beviljad från måndag');
  });
});

describe('client-chosen ids as global ids', () => {
  it('opens a case under the Case global id chosen, and a retry with its raw UUID is the same request', async () => {
    const uuid = randomUUID();
    const input = {
      ...admission,
      caseId: globalId('Case', uuid),
      personalIdentityNumber: residentWithoutCase(4).personalIdentityNumber,
    };
    const first = await ward.request(SendAdmissionNoticeDocument, { input });
    expect(first.sendAdmissionNotice).toMatchObject({ case: { id: globalId('Case', uuid) } });
    const raw = await ward.request(SendAdmissionNoticeDocument, {
      input: { ...input, caseId: uuid },
    });
    expect(raw.sendAdmissionNotice).toEqual(first.sendAdmissionNotice);
    expect(await count('SELECT count(*)::int AS n FROM "case" WHERE id = $1', [uuid])).toBe(1);
    const wrongType = await ward.request(SendAdmissionNoticeDocument, {
      input: { ...input, caseId: globalId('Note', uuid) },
    });
    expect(wrongType.sendAdmissionNotice).toMatchObject({ code: 'INVALID_ID', field: 'caseId' });
  });

  it('creates a care plan under the CarePlan global id chosen', async () => {
    const caseId = (
      (await ward.request(SendAdmissionNoticeDocument, { input: admission }))
        .sendAdmissionNotice as {
        case: { id: string };
      }
    ).case.id;
    const uuid = randomUUID();
    const plan = {
      caseId,
      kind: 'CARE_PLAN' as const,
      summary: 'Plan',
      items: [],
      participants: [],
      status: 'DRAFT' as const,
    };
    const first = await ward.request(CreateCarePlanDocument, {
      input: { ...plan, carePlanId: globalId('CarePlan', uuid) },
    });
    expect(first.createCarePlan.__typename).toBe('CreateCarePlanSuccess');
    const raw = await ward.request(CreateCarePlanDocument, {
      input: { ...plan, carePlanId: uuid },
    });
    expect(raw.createCarePlan).toEqual(first.createCarePlan);
    expect(await count('SELECT count(*)::int AS n FROM care_plan WHERE id = $1', [uuid])).toBe(1);
  });
});
