import { decodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startServer } from '../../../src/http/app.js';
import { CLOSE } from '../../../src/subscriptions/close-codes.js';
import {
  CaseActivityDocument,
  type CaseActivitySubscription,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
} from '../../generated/graphql.js';
import {
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { type LiveClient, liveClient, untilSubscribers } from '../../support/live.js';
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

interface Delivery {
  data?: CaseActivitySubscription | null;
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

async function next(iterator: AsyncIterator<Delivery>): Promise<Delivery> {
  const result = await iterator.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}

async function openCase(resident: number, municipalityUnit: string) {
  const opened = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(resident).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        {
          unitId: await unitGlobalId(server.owner, municipalityUnit),
          role: 'MUNICIPAL_SOCIAL_SERVICES',
        },
      ],
      expectedNeeds: 'Hemtjänst',
    },
  });
  if (!('case' in opened.sendAdmissionNotice)) throw new Error('refused');
  return opened.sendAdmissionNotice.case.id;
}

async function sendPlanningBasis(caseId: string) {
  const { sendPlanningBasis } = await ward.request(SendPlanningBasisDocument, {
    input: {
      caseId,
      diagnosisSummary: 'Höftfraktur, opererad',
      functionalStatus: 'Går med rollator',
      adl: {
        bathing: 'DEPENDENT',
        dressing: 'PARTLY_DEPENDENT',
        toileting: 'INDEPENDENT',
        transferring: 'PARTLY_DEPENDENT',
        continence: 'INDEPENDENT',
        feeding: 'INDEPENDENT',
      },
      expectedNeeds: 'Hemtjänst morgon och kväll',
    },
  });
  if (sendPlanningBasis.__typename !== 'SendPlanningBasisSuccess') throw new Error('refused');
}

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
