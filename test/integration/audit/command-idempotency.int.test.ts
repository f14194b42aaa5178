import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddNoteDocument,
  CaseByIdDocument,
  NotifyReadyForDischargeDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, item 1: a command's answer can be lost after it committed (its answer's read
 * rows failed: 503, a timeout). A retry with the same client id must answer the first
 * success and act once; the same id with another input is refused (IDEMPOTENCY_CONFLICT).
 */
let server: TestServer;
const tokens: Record<string, string> = {};
let caseId = '';

async function send(as: string, document: Parameters<typeof print>[0], variables: object) {
  const requestId = randomUUID();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[as]}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  return { status: response.status, body, requestId };
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await server.owner.query<{ n: string }>(sql, values);
  return Number(rows[0]!.n);
}

const uuidOf = (id: string) => decodeGlobalID(id).id;

/**
 * An answer social services without the patient's consent are partly refused: the
 * discharge information (MEDICAL, not needed for payment responsibility). Its DENIED row is
 * written after the command committed (the command's own row names only what was read).
 */
const AddNoteRefusedInPart = parse(`
  mutation AddNoteRefusedInPart($input: AddNoteInput!) {
    addNote(input: $input) {
      __typename
      ... on AddNoteSuccess { case { id version dischargeInformation { summary } } }
    }
  }
`);

beforeAll(async () => {
  server = await startTestServer();
  tokens.ward = await server.tokenFor(
    principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Idem Ward'),
  );
  tokens.social = await server.tokenFor(
    principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Idem Social'),
  );
});
afterAll(() => server?.close());

describe('a retried command', () => {
  it('sendAdmissionNotice with the same caseId answers the first success and opens one case; another input: IDEMPOTENCY_CONFLICT', async () => {
    const chosen = randomUUID();
    const input = {
      caseId: chosen,
      personalIdentityNumber: residentWithoutCase(5).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        {
          unitId: await unitGlobalId(server.owner, SOC_SOLNA),
          role: 'MUNICIPAL_SOCIAL_SERVICES',
        },
      ],
    };
    const first = await send('ward', SendAdmissionNoticeDocument, { input });
    expect(first.body.data?.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    caseId = first.body.data!.sendAdmissionNotice.case.id;
    expect(uuidOf(caseId)).toBe(chosen);
    const events = await count('SELECT count(*) AS n FROM case_event WHERE case_id = $1', [chosen]);

    const retry = await send('ward', SendAdmissionNoticeDocument, { input });
    expect(retry.body.data?.sendAdmissionNotice).toEqual(first.body.data?.sendAdmissionNotice);
    expect(await count('SELECT count(*) AS n FROM "case" WHERE id = $1', [chosen])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM case_event WHERE case_id = $1', [chosen])).toBe(
      events,
    );
    // The retry wrote nothing, so it has no CREATE row: only the read of its answer.
    const { rows } = await server.owner.query<{ activity: string }>(
      'SELECT activity FROM access_log WHERE request_id = $1',
      [retry.requestId],
    );
    expect(rows.map((r) => r.activity)).toEqual(['READ']);

    const other = await send('ward', SendAdmissionNoticeDocument, {
      input: { ...input, expectedNeeds: 'Något annat' },
    });
    expect(other.body.data?.sendAdmissionNotice).toMatchObject({
      __typename: 'CommandError',
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'caseId',
    });
  });

  it('addNote whose answer could not be logged (503) is committed once; its retry answers the success', async () => {
    const noteId = randomUUID();
    const input = { caseId, noteId, text: 'Hemtjänst beviljad' };
    // The database refuses DENIED rows only: the command's CREATE row (naming what its
    // answer read) and the note commit, the refusal in its answer cannot be logged and the
    // client is told 503.
    await server.owner.query(`CREATE FUNCTION test_refuse_read() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'denied rows refused (test)'; END $$`);
    await server.owner.query(
      `CREATE TRIGGER test_refuse_read BEFORE INSERT ON access_log FOR EACH ROW
       WHEN (NEW.outcome = 'DENIED') EXECUTE FUNCTION test_refuse_read()`,
    );
    let lost: Awaited<ReturnType<typeof send>>;
    try {
      lost = await send('social', AddNoteRefusedInPart, { input });
    } finally {
      await server.owner.query('DROP TRIGGER test_refuse_read ON access_log');
      await server.owner.query('DROP FUNCTION test_refuse_read()');
    }
    expect(lost.status).toBe(503);
    expect(lost.body.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
    expect(await count('SELECT count(*) AS n FROM note WHERE id = $1', [noteId])).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM access_log WHERE request_id = $1 AND activity = 'CREATE'`,
        [lost.requestId],
      ),
    ).toBe(1);

    const retry = await send('social', AddNoteDocument, { input });
    expect(retry.status).toBe(200);
    expect(retry.body.data?.addNote.__typename).toBe('AddNoteSuccess');
    expect(await count('SELECT count(*) AS n FROM note WHERE id = $1', [noteId])).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM case_event WHERE case_id = $1 AND type = 'NOTE_ADDED'`,
        [uuidOf(caseId)],
      ),
    ).toBe(1);

    const changed = await send('social', AddNoteDocument, { input: { ...input, text: 'Annat' } });
    expect(changed.body.data?.addNote).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('a command with an idempotencyKey and an expectedVersion it has since moved on answers its success again, not CONCURRENT_MODIFICATION', async () => {
    const read = await send('ward', CaseByIdDocument, { id: caseId });
    const version = read.body.data!.case.version as number;
    const input = {
      caseId,
      expectedVersion: version,
      idempotencyKey: `ready-${randomUUID()}`,
      readyAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const first = await send('ward', NotifyReadyForDischargeDocument, { input });
    expect(first.body.data?.notifyReadyForDischarge.__typename).toBe(
      'NotifyReadyForDischargeSuccess',
    );
    const events = await count('SELECT count(*) AS n FROM case_event WHERE case_id = $1', [
      uuidOf(caseId),
    ]);
    const retry = await send('ward', NotifyReadyForDischargeDocument, { input });
    expect(retry.body.data?.notifyReadyForDischarge).toEqual(
      first.body.data?.notifyReadyForDischarge,
    );
    expect(
      await count('SELECT count(*) AS n FROM case_event WHERE case_id = $1', [uuidOf(caseId)]),
    ).toBe(events);

    // The key is the caller's: another user with the same key acts as a new command.
    tokens.ward2 = await server.tokenFor({
      ...principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Idem Ward Two'),
      hsaId: `${WARD_KAROLINSKA_GERIATRIK}P9`,
    });
    const someoneElse = await send('ward2', NotifyReadyForDischargeDocument, { input });
    expect(someoneElse.body.data?.notifyReadyForDischarge).toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
    });

    const reused = await send('ward', NotifyReadyForDischargeDocument, {
      input: { ...input, readyAt: new Date().toISOString() },
    });
    expect(reused.body.data?.notifyReadyForDischarge).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
  });
});
