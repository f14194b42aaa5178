import { decodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startServer } from '../../../src/http/app.js';
import { CLOSE } from '../../../src/subscriptions/close-codes.js';
import {
  AddNoteDocument,
  CaseActivityDocument,
  type CaseActivitySubscription,
  OpenEmergencyAccessDocument,
  ResumeCaseActivityDocument,
  type ResumeCaseActivitySubscription,
} from '../../generated/graphql.js';
import {
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import {
  type LiveClient,
  liveClient,
  untilSubscribers,
  untilSubscribersAtMost,
} from '../../support/live.js';
import { openCaseFor, sendPlanningBasisAs } from '../../support/live-cases.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Live delivery over a real WebSocket (graphql-ws client) against a started server and
 * real PostgreSQL: sign-in in connection_init, a revoked session's socket closing, an
 * event reaching the right unit and no other, redaction and the access log per delivery.
 * Nothing waits for a duration: each test waits for an event or a close.
 */
let server: TestServer;
let ward: GraphQLClient;
const open: LiveClient[] = [];

interface Delivery<Data = CaseActivitySubscription> {
  data?: Data | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

const subscriptionQuery = print(CaseActivityDocument);

async function connect(unitHsaId: string, roles: Parameters<typeof principalFor>[1]) {
  const principal = principalFor(unitHsaId, roles, `Live ${unitHsaId}`);
  const token = await server.tokenFor(principal);
  const live = liveClient(server, token);
  open.push(live);
  return { live, principal };
}

function deliveries(live: LiveClient): AsyncIterator<Delivery> {
  return live.client
    .iterate({ query: subscriptionQuery, operationName: 'CaseActivity' })
    [Symbol.asyncIterator]() as AsyncIterator<Delivery>;
}

async function next<D extends Delivery<unknown>>(iterator: AsyncIterator<D>): Promise<D> {
  const result = await iterator.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}

const openCase = (resident: number, municipalityUnit: string) =>
  openCaseFor(ward, server.owner, resident, municipalityUnit);

const sendPlanningBasis = (caseId: string) => sendPlanningBasisAs(ward, caseId);

beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_SESSION_CHECK_SECONDS: '1' });
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
});

afterAll(async () => {
  for (const live of open) await live.client.dispose();
  await server?.close();
});

describe('signing in on the socket', () => {
  it('closes a socket without an access token with 4401', async () => {
    const live = liveClient(server);
    open.push(live);
    expect(await live.closed).toMatchObject({ code: CLOSE.UNAUTHORIZED.code });
  });

  it('closes a socket with a forged or malformed token with 4401', async () => {
    const live = liveClient(server, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln');
    open.push(live);
    expect(await live.closed).toMatchObject({ code: CLOSE.UNAUTHORIZED.code });
  });

  it('closes the socket with 4440 once the session is revoked', async () => {
    const { live, principal } = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    const iterator = deliveries(live);
    const before = server.feed.subscriberCount;
    const pending = iterator.next();
    await untilSubscribers(server, before + 1);
    await server.identity.sessions.revoke(
      principal.sessionId,
      'test',
      'card reported lost',
      new Date(),
    );
    expect(await live.closed).toMatchObject({
      code: CLOSE.SESSION_ENDED.code,
      reason: CLOSE.SESSION_ENDED.reason,
    });
    await pending.catch(() => undefined);
  });
});

describe('ending a subscription', () => {
  it('lets go of the feed as soon as the client completes it or closes its socket, with no event to wake it', async () => {
    // The earlier tests' sockets close first, and their streams end (or this hangs too).
    for (const live of open.splice(0)) await live.client.dispose();
    await untilSubscribersAtMost(server, 0);
    const before = 0;
    const completing = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    const closing = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    const completed = deliveries(completing.live);
    const waitingA = completed.next();
    const waitingB = deliveries(closing.live).next();
    await untilSubscribers(server, before + 2);

    // No command is sent from here on: a stream that only ends at its next event hangs.
    await completed.return?.();
    await untilSubscribersAtMost(server, before + 1);
    await closing.live.client.dispose();
    await untilSubscribersAtMost(server, before);
    expect(await waitingA).toMatchObject({ done: true });
    await waitingB.catch(() => undefined);
  });
});

describe('delivery', () => {
  it("reaches the party's subscriber with its fields redacted as in a query, not another unit's, and is logged", async () => {
    const solnaCase = await openCase(12, SOC_SOLNA);
    const sodermalmCase = await openCase(13, SOC_SODERMALM);
    const solna = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    const sodermalm = await connect(SOC_SODERMALM, ['SOCIAL_SERVICES_STAFF']);
    const before = server.feed.subscriberCount;
    const solnaEvents = deliveries(solna.live);
    const sodermalmEvents = deliveries(sodermalm.live);
    const solnaFirst = next(solnaEvents);
    const sodermalmFirst = next(sodermalmEvents);
    await untilSubscribers(server, before + 2);

    // A command on Solna's case, then one on Södermalm's: each subscriber's events come in
    // commit order, so Södermalm's first delivery being its own case shows it never got Solna's.
    await sendPlanningBasis(solnaCase);
    await sendPlanningBasis(sodermalmCase);

    const delivered = await solnaFirst;
    expect(delivered.errors).toBeUndefined();
    const activity = delivered.data!.caseActivity;
    expect(activity.case?.id).toBe(solnaCase);
    expect(activity.event?.type).toBe('PLANNING_BASIS_SENT');
    expect(activity.forYourUnit).toBe(true);
    expect(activity.case?.patient?.givenName).toBe(residentWithoutCase(12).givenName);
    // The planning basis is health information: social services without consent get null
    // and the reason, as in a query.
    expect(activity.event?.payload).toBeNull();
    expect(delivered.extensions?.redactions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ['caseActivity', 'event', 'payload'],
          category: 'MEDICAL',
          reason: 'CONSENT_REQUIRED',
        }),
      ]),
    );

    const other = await sodermalmFirst;
    expect(other.data!.caseActivity.case?.id).toBe(sodermalmCase);

    const requestId = delivered.extensions?.requestId as string;
    const { rows } = await server.owner.query<{
      activity: string;
      outcome: string;
      categories: string[];
      operation_name: string;
      unit_hsa_id: string;
    }>(
      `SELECT activity, outcome, categories, operation_name, unit_hsa_id
         FROM access_log WHERE request_id = $1 ORDER BY outcome`,
      [requestId],
    );
    expect(rows.map((r) => r.outcome).sort()).toEqual(['DENIED', 'SUCCESS']);
    for (const row of rows) {
      expect(row).toMatchObject({
        activity: 'READ',
        operation_name: 'CaseActivity',
        unit_hsa_id: SOC_SOLNA,
      });
    }
    expect(rows.find((r) => r.outcome === 'DENIED')!.categories).toEqual(['MEDICAL']);
    const { rows: logged } = await server.owner.query(
      `SELECT 1 FROM access_log WHERE operation_name = 'CaseActivity' AND case_id = $1 AND unit_hsa_id = $2`,
      [decodeGlobalID(solnaCase).id, SOC_SODERMALM],
    );
    expect(logged).toEqual([]);
  });

  it("reaches a subscriber of another API process on the same database (a ward's command on one, the municipality's socket on the other)", async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: server.databaseUrl,
      LOG_LEVEL: 'error',
      IDENTITY_SESSION_CACHE_SECONDS: '0',
    });
    const second = await startServer({ ...config, DATABASE_URL: server.databaseUrl });
    try {
      const caseId = await openCase(14, SOC_SOLNA);
      const principal = principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Live other process');
      await server.tokenFor(principal);
      const token = (await second.tokens.issueAccessToken(principal)).token;
      const live = liveClient(second, token);
      open.push(live);
      const iterator = deliveries(live);
      const first = next(iterator);
      await untilSubscribers(second, 1);
      await sendPlanningBasis(caseId);
      const delivered = await first;
      expect(delivered.data!.caseActivity.case?.id).toBe(caseId);
      expect(delivered.data!.caseActivity.event?.type).toBe('PLANNING_BASIS_SENT');
      await live.client.dispose();
    } finally {
      await second.close();
    }
  });

  it("reaches only the holder of an emergency grant among its unit's subscribers (the unit's reads are shared, the grant is the holder's own)", async () => {
    const caseId = await openCase(0, SOC_SOLNA);
    const outsider = async (hsaId: string) => {
      const principal = {
        ...principalFor(WARD_SODERSJUKHUSET_MEDICIN, ['WARD_STAFF'], `Live ${hsaId}`),
        hsaId,
      };
      const live = liveClient(server, await server.tokenFor(principal));
      open.push(live);
      const http = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN, { hsaId });
      return { live, http };
    };
    const openEmergencyAccess = (http: GraphQLClient) =>
      http.request(OpenEmergencyAccessDocument, {
        input: {
          personalIdentityNumber: residentWithoutCase(0).personalIdentityNumber,
          reason: 'Medvetslös patient, behöver läkemedelslistan',
        },
      });
    const holder = await outsider(`${WARD_SODERSJUKHUSET_MEDICIN}P7`);
    const colleague = await outsider(`${WARD_SODERSJUKHUSET_MEDICIN}P8`);
    const opened = await openEmergencyAccess(holder.http);
    expect(opened.openEmergencyAccess.__typename).toBe('OpenEmergencyAccessSuccess');
    const before = server.feed.subscriberCount;
    const holderFirst = next(deliveries(holder.live));
    const colleagueFirst = next(deliveries(colleague.live));
    await untilSubscribers(server, before + 2);

    await sendPlanningBasis(caseId);
    const delivered = await holderFirst;
    expect(delivered.data!.caseActivity.case?.id).toBe(caseId);
    expect(delivered.data!.caseActivity.event?.type).toBe('PLANNING_BASIS_SENT');

    // The colleague opens a grant of their own only now; its first delivery is a later
    // event of the case, never the planning basis it could not see when it was committed.
    expect((await openEmergencyAccess(colleague.http)).openEmergencyAccess.__typename).toBe(
      'OpenEmergencyAccessSuccess',
    );
    const note = await ward.request(AddNoteDocument, {
      input: { caseId, text: 'Efter nödöppning' },
    });
    expect(note.addNote.__typename).toBe('AddNoteSuccess');
    const theirs = await colleagueFirst;
    expect(theirs.data!.caseActivity.case?.id).toBe(caseId);
    expect(theirs.data!.caseActivity.event?.type).not.toBe('PLANNING_BASIS_SENT');
  });

  it('refuses queries and mutations on the socket: they go to POST /graphql', async () => {
    const { live } = await connect(HSL_SOLNA, ['MUNICIPAL_HEALTH_CARE_STAFF']);
    const iterator = live.client
      .iterate({ query: '{ __typename }' })
      [Symbol.asyncIterator]() as AsyncIterator<Delivery>;
    await expect(iterator.next()).rejects.toSatisfy(
      (errors: unknown) =>
        Array.isArray(errors) && String(errors[0]?.message).includes('Only subscriptions'),
    );
  });
});

describe('resuming after a reconnect', () => {
  type Resumed = Delivery<ResumeCaseActivitySubscription>;

  function resumed(live: LiveClient, after?: string): AsyncIterator<Resumed> {
    return live.client
      .iterate({
        query: print(ResumeCaseActivityDocument),
        operationName: 'ResumeCaseActivity',
        variables: after === undefined ? {} : { after },
      })
      [Symbol.asyncIterator]() as AsyncIterator<Resumed>;
  }

  const seen = (d: Resumed) => {
    expect(d.errors).toBeUndefined();
    const a = d.data!.caseActivity;
    return { case: a.case?.id, type: a.event?.type, forYourUnit: a.forYourUnit };
  };

  it('replays exactly the events missed while away, in commit order and once each, then continues live; each delivery carries its cursor and is logged', async () => {
    const first = await openCase(15, SOC_SOLNA);
    const solna = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    let before = server.feed.subscriberCount;
    const events = resumed(solna.live);
    const pending = next(events);
    await untilSubscribers(server, before + 1);
    await sendPlanningBasis(first);
    const received = await pending;
    expect(seen(received)).toEqual({ case: first, type: 'PLANNING_BASIS_SENT', forYourUnit: true });
    const cursor = received.data!.caseActivity.cursor;
    await solna.live.client.dispose();
    expect(await solna.live.closed).toBeDefined();

    // While away: two events of a new Solna case, one of Södermalm's that Solna never sees,
    // and one more of the first case.
    const second = await openCase(16, SOC_SOLNA);
    await sendPlanningBasis(second);
    const elsewhere = await openCase(17, SOC_SODERMALM);
    await sendPlanningBasis(first);

    const again = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    before = server.feed.subscriberCount;
    const resumedEvents = resumed(again.live, cursor);
    const replay = [next(resumedEvents)];
    await untilSubscribers(server, before + 1);
    // Sent once the resumed subscriber listens, possibly while the replay is still running:
    // it must come exactly once, after the replayed events.
    await sendPlanningBasis(elsewhere);
    await sendPlanningBasis(second);
    const deliveries = [await replay[0]!];
    for (let i = 0; i < 3; i += 1) deliveries.push(await next(resumedEvents));

    expect(deliveries.map(seen)).toEqual([
      { case: second, type: 'ADMISSION_NOTICE_SENT', forYourUnit: true },
      { case: second, type: 'PLANNING_BASIS_SENT', forYourUnit: true },
      { case: first, type: 'PLANNING_BASIS_SENT', forYourUnit: true },
      // live: Södermalm's planning basis was never for Solna, so next is the second case's
      { case: second, type: 'PLANNING_BASIS_SENT', forYourUnit: true },
    ]);
    const cursors = [cursor, ...deliveries.map((d) => d.data!.caseActivity.cursor)].map(BigInt);
    for (let i = 1; i < cursors.length; i += 1) expect(cursors[i]! > cursors[i - 1]!).toBe(true);

    // A replayed delivery is logged like a live one: its own request id, Solna's rows.
    const requestIds = deliveries.map((d) => d.extensions?.requestId as string);
    expect(new Set(requestIds).size).toBe(requestIds.length);
    const { rows } = await server.owner.query<{ request_id: string; unit_hsa_id: string }>(
      `SELECT DISTINCT request_id, unit_hsa_id FROM access_log
        WHERE request_id = ANY ($1::text[]) AND operation_name = 'ResumeCaseActivity'`,
      [requestIds],
    );
    expect(rows.map((r) => r.request_id).sort()).toEqual([...requestIds].sort());
    expect(new Set(rows.map((r) => r.unit_hsa_id))).toEqual(new Set([SOC_SOLNA]));
  });

  it('replays nothing another unit may not see: Södermalm resuming from the same cursor gets only its own case', async () => {
    const solnaCase = await openCase(18, SOC_SOLNA);
    const sodermalmCase = await openCase(19, SOC_SODERMALM);
    const { rows } = await server.owner.query<{ position: string }>(
      `SELECT p.position::text FROM case_event_position p JOIN case_event e ON e.id = p.event_id
        WHERE e.case_id = $1`,
      [decodeGlobalID(solnaCase).id],
    );
    const cursor = (BigInt(rows[0]!.position) - 1n).toString();
    const sodermalm = await connect(SOC_SODERMALM, ['SOCIAL_SERVICES_STAFF']);
    const replayed = await next(resumed(sodermalm.live, cursor));
    expect(seen(replayed)).toEqual({
      case: sodermalmCase,
      type: 'ADMISSION_NOTICE_SENT',
      forYourUnit: true,
    });
  });

  it.each([
    ['not a cursor', 'abc'],
    ['negative', '-1'],
    ['beyond the last committed event', '900000000000000000'],
  ])('refuses an after that is %s with INVALID_CURSOR', async (_why, after) => {
    const { live } = await connect(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']);
    const outcome = await resumed(live, after)
      .next()
      .then(
        (result) => result.value as Resumed,
        (errors: unknown) => ({ errors }) as Resumed,
      );
    expect(outcome.data ?? null).toBeNull();
    expect(outcome.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
    ]);
  });

  it('numbers events in the order their transactions commit, not the order they were written, so a cursor never passes an event still to come', async () => {
    const { rows: some } = await server.owner.query<{ case_id: string }>(
      'SELECT case_id FROM case_event WHERE sequence = 1 LIMIT 1',
    );
    const caseId = some[0]!.case_id;
    const copy = (sequence: number) =>
      `INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
       SELECT case_id, ${sequence}, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload
         FROM case_event WHERE case_id = $1 AND sequence = 1 RETURNING id`;
    const [early, late] = [
      new pg.Client({ connectionString: server.databaseUrl }),
      new pg.Client({ connectionString: server.databaseUrl }),
    ];
    await Promise.all([early.connect(), late.connect()]);
    try {
      await early.query('BEGIN');
      const writtenFirst = (await early.query<{ id: string }>(copy(1001), [caseId])).rows[0]!.id;
      await late.query('BEGIN');
      const writtenSecond = (await late.query<{ id: string }>(copy(1002), [caseId])).rows[0]!.id;
      await late.query('COMMIT');
      await early.query('COMMIT');
      const { rows } = await server.owner.query<{ event_id: string }>(
        'SELECT event_id FROM case_event_position WHERE event_id = ANY ($1::uuid[]) ORDER BY position',
        [[writtenFirst, writtenSecond]],
      );
      expect(rows.map((r) => r.event_id)).toEqual([writtenSecond, writtenFirst]);
    } finally {
      await Promise.all([early.end(), late.end()]);
    }
  });
});
