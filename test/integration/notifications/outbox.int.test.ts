import { decodeGlobalID } from '@pothos/plugin-relay';
import { type Job, makeWorkerUtils, runOnce } from 'graphile-worker';
import { ClientError, type GraphQLClient } from 'graphql-request';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/http/logger.js';
import { workerLogger } from '../../../src/jobs/worker-logger.js';
import { registry } from '../../../src/metrics/registry.js';
import type {
  NotificationSender,
  OutgoingNotification,
} from '../../../src/notifications/sender.js';
import { FAN_OUT_TASK, notificationTasks, SEND_TASK } from '../../../src/notifications/tasks.js';
import {
  AddNotificationSubscriptionDocument,
  EndNotificationSubscriptionDocument,
  NotificationOutboxDocument,
  NotificationSubscriptionsDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  UNITS,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { loadNode } from '../../support/node.js';
import { patientDataIn } from '../../support/patient-data-in-logs.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * A unit's e-mail and SMS notifications, end to end: subscriptions through GraphQL over
 * HTTP, a workflow command that sends the unit a message, and the outbox worked by the
 * real graphile-worker queue against PostgreSQL, with a sender that records what it is
 * given (or fails, as a gateway can).
 */
let server: TestServer;
let pool: pg.Pool;
let ward: GraphQLClient;
let social: GraphQLClient;
let healthCare: GraphQLClient;
let otherDistrict: GraphQLClient;
let resident = 0;
/** Every case reference and free text the tests' commands wrote. */
const written: string[] = [];

const unitName = (hsaId: string) => UNITS.find((u) => u.hsaId === hsaId)!.name;

class RecordingSender implements NotificationSender {
  readonly name = 'recording';
  readonly sent: OutgoingNotification[] = [];
  constructor(private readonly fail: string | null = null) {}
  async send(notification: OutgoingNotification) {
    if (this.fail) throw new Error(this.fail);
    this.sent.push(notification);
  }
}

/** A ward's admission notice to Solna's social services and home health care: a message to both. */
async function sendMessageToSolna(): Promise<void> {
  const patient = residentWithoutCase(resident++);
  const needs = `Hemtjänst morgon och kväll ${resident}`;
  const answer = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: patient.personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
        { unitId: await unitGlobalId(server.owner, HSL_SOLNA), role: 'MUNICIPAL_HEALTH_CARE' },
      ],
      expectedNeeds: needs,
    },
  });
  if (!('case' in answer.sendAdmissionNotice)) throw new Error('admission notice refused');
  written.push(needs);
  if (answer.sendAdmissionNotice.case.reference)
    written.push(answer.sendAdmissionNotice.case.reference);
}

/**
 * What the scheduler does after a commit notice: queue the fan-out, then work the queue
 * until nothing is due (the fan-out, and the send jobs it queues due now).
 */
async function runWorker(
  sender: NotificationSender,
  options: { coalesceSeconds?: number; maxAttempts?: number } = {},
): Promise<void> {
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.migrate();
    await utils.addJob(FAN_OUT_TASK, {}, { jobKey: FAN_OUT_TASK });
  } finally {
    await utils.release();
  }
  await runOnce({
    pgPool: pool,
    noHandleSignals: true,
    logger: workerLogger(createLogger('error')),
    taskList: notificationTasks(pool, {
      sender,
      coalesceSeconds: options.coalesceSeconds ?? 600,
      maxAttempts: options.maxAttempts ?? 8,
    }),
  });
}

/** The send job of an outbox row, as graphile-worker keeps it. */
async function sendJob(outboxId: string): Promise<Job | undefined> {
  const { rows } = await pool.query<Job>(`SELECT * FROM graphile_worker.jobs WHERE key = $1`, [
    `${SEND_TASK}:${outboxId}`,
  ]);
  return rows[0];
}

/** Makes a send job due now, as the end of its backoff or window would. */
async function makeDue(outboxId: string): Promise<void> {
  const job = await sendJob(outboxId);
  if (!job) throw new Error(`no send job for ${outboxId}`);
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.rescheduleJobs([job.id], { runAt: new Date() });
  } finally {
    await utils.release();
  }
}

async function subscribe(client: GraphQLClient, channel: 'SMS' | 'EMAIL', address: string) {
  const answer = (
    await client.request(AddNotificationSubscriptionDocument, { input: { channel, address } })
  ).addNotificationSubscription;
  if (answer.__typename !== 'AddNotificationSubscriptionSuccess') {
    throw new Error(`subscription refused: ${JSON.stringify(answer)}`);
  }
  return answer.data;
}

async function outbox(client: GraphQLClient) {
  return (await client.request(NotificationOutboxDocument, { first: 50 })).notificationOutbox;
}

async function attemptsMetric(outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('brygga_notification_attempts_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

async function codeOf(request: Promise<unknown>): Promise<string | undefined> {
  try {
    await request;
  } catch (error) {
    if (error instanceof ClientError) return error.response.errors?.[0]?.extensions?.code as string;
    throw error;
  }
  return undefined;
}

beforeAll(async () => {
  server = await startTestServer();
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 4 });
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  healthCare = await server.clientFor(HSL_SOLNA, { roles: ['MUNICIPAL_HEALTH_CARE_STAFF'] });
  otherDistrict = await server.clientFor(SOC_SODERMALM, { roles: ['SOCIAL_SERVICES_STAFF'] });
});

afterAll(async () => {
  await pool?.end();
  await server?.close();
});

describe('notifications by SMS and e-mail', () => {
  const socialPhone = '+46701234567';
  let socialSubscriptionId = '';

  it('sends a subscribed unit one notification, without patient data, for a message sent to it', async () => {
    const subscription = await subscribe(social, 'SMS', socialPhone);
    socialSubscriptionId = subscription.id;
    expect(subscription).toMatchObject({ channel: 'SMS', address: socialPhone, active: true });
    // Södermalm takes no part in the case below: its subscription must stay silent.
    await subscribe(otherDistrict, 'SMS', '+46709876543');

    await sendMessageToSolna();
    const sender = new RecordingSender();
    const sentBefore = await attemptsMetric('sent');
    await runWorker(sender);

    expect(sender.sent).toEqual([
      {
        channel: 'SMS',
        address: socialPhone,
        unitName: unitName(SOC_SOLNA),
        subject: 'Brygga: ny händelse',
        text: `Ny händelse för ${unitName(SOC_SOLNA)} i Brygga`,
      },
    ]);
    expect(await attemptsMetric('sent')).toBe(sentBefore + 1);

    const page = await outbox(social);
    expect(page.totalCount).toBe(1);
    expect(page.edges[0]!.node).toMatchObject({
      channel: 'SMS',
      maskedAddress: '+46•••••••67',
      subscriptionId: socialSubscriptionId,
      status: 'SENT',
      eventCount: 1,
      attempts: 1,
      lastError: null,
      text: `Ny händelse för ${unitName(SOC_SOLNA)} i Brygga`,
    });
    expect(page.edges[0]!.node.sentAt).not.toBeNull();

    // Run again: nothing new, nothing sent twice.
    await runWorker(sender);
    expect(sender.sent).toHaveLength(1);
  });

  it('never puts a patient’s name, personnummer, case reference or message text in what it sends or keeps', async () => {
    const { rows } = await server.owner.query('SELECT * FROM notification_outbox');
    const kept = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(patientDataIn(kept)).toEqual([]);
    expect(written.length).toBeGreaterThan(0);
    for (const value of written) expect(kept).not.toContain(value);
    const page = JSON.stringify(await outbox(social));
    expect(patientDataIn(page)).toEqual([]);
    for (const value of written) expect(page).not.toContain(value);
  });

  it('gives a unit that is not a party to the case nothing', async () => {
    expect((await outbox(otherDistrict)).totalCount).toBe(0);
    const { rows } = await server.owner.query(
      `SELECT o.id FROM notification_outbox o JOIN unit u ON u.id = o.unit_id WHERE u.hsa_id = $1`,
      [SOC_SODERMALM],
    );
    expect(rows).toEqual([]);
  });

  it('coalesces: one notification at once, then the events of the window in one more', async () => {
    await subscribe(healthCare, 'EMAIL', 'Sjukskoterskor.Solna@Example.se');
    const sender = new RecordingSender();
    await sendMessageToSolna();
    await runWorker(sender);
    const toHealthCare = () => sender.sent.filter((n) => n.channel === 'EMAIL');
    expect(toHealthCare()).toHaveLength(1);
    expect(toHealthCare()[0]).toMatchObject({
      address: 'sjukskoterskor.solna@example.se',
      text: `Ny händelse för ${unitName(HSL_SOLNA)} i Brygga`,
    });

    // Two more messages within the window: they wait for it to end, together.
    await sendMessageToSolna();
    await runWorker(sender);
    await sendMessageToSolna();
    await runWorker(sender);
    expect(toHealthCare()).toHaveLength(1);
    const pending = (await outbox(healthCare)).edges.map((e) => e.node);
    expect(pending.map((n) => [n.status, n.eventCount])).toEqual([
      ['PENDING', 2],
      ['SENT', 1],
    ]);
    const windowMs =
      new Date(pending[0]!.sendAt).getTime() - new Date(pending[1]!.sendAt).getTime();
    expect(windowMs).toBe(600_000);

    // The window ends: one notification for both.
    await makeDue(decodeOutboxId(pending[0]!.id));
    await runWorker(sender);
    expect(toHealthCare()).toHaveLength(2);
    expect(toHealthCare()[1]!.text).toBe(`2 nya händelser för ${unitName(HSL_SOLNA)} i Brygga`);
    expect((await outbox(healthCare)).edges[0]!.node).toMatchObject({
      status: 'SENT',
      eventCount: 2,
      attempts: 1,
    });
  });

  it('tries a failing sender again with graphile-worker’s backoff, records each error, and gives up at the last attempt', async () => {
    const failing = new RecordingSender('gateway answered 503 Service Unavailable');
    const email = await subscribe(social, 'EMAIL', 'mottagning.solna@example.se');
    const failedBefore = await attemptsMetric('failed');
    const abandonedBefore = await attemptsMetric('abandoned');
    await sendMessageToSolna();
    await runWorker(failing, { maxAttempts: 2 });

    const ofEmail = async () =>
      (await outbox(social)).edges.map((e) => e.node).find((n) => n.subscriptionId === email.id)!;
    const first = await ofEmail();
    expect(first).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'gateway answered 503 Service Unavailable',
      sentAt: null,
      text: `Ny händelse för ${unitName(SOC_SOLNA)} i Brygga`,
    });
    const job = await sendJob(decodeOutboxId(first.id));
    expect(job).toMatchObject({ attempts: 1, max_attempts: 2 });
    expect(job!.last_error).toContain('gateway answered 503');
    // graphile-worker put the next attempt off (e^1 s), so a run now does not send it.
    expect(new Date(job!.run_at).getTime()).toBeGreaterThan(
      new Date(first.lastAttemptAt!).getTime(),
    );
    await runWorker(failing, { maxAttempts: 2 });
    expect((await ofEmail()).attempts).toBe(1);

    await makeDue(decodeOutboxId(first.id));
    await runWorker(failing, { maxAttempts: 2 });
    expect(await ofEmail()).toMatchObject({
      status: 'FAILED',
      attempts: 2,
      lastError: 'gateway answered 503 Service Unavailable',
      sentAt: null,
    });
    expect(await attemptsMetric('failed')).toBe(failedBefore + 1);
    expect(await attemptsMetric('abandoned')).toBe(abandonedBefore + 1);
    expect((await outbox(social)).edges.filter((e) => e.node.status === 'FAILED')).toHaveLength(1);
  });

  it('sends nothing more to an ended subscription, and cancels what was due', async () => {
    const sender = new RecordingSender();
    await sendMessageToSolna();
    await runWorker(sender);
    // Solna's SMS was sent a window ago: this message waits for the window's end.
    const due = (await outbox(social)).edges
      .map((e) => e.node)
      .find((n) => n.subscriptionId === socialSubscriptionId && n.status === 'PENDING')!;
    expect(due).toBeDefined();
    const ended = (
      await social.request(EndNotificationSubscriptionDocument, {
        input: { id: socialSubscriptionId },
      })
    ).endNotificationSubscription;
    expect(ended).toMatchObject({
      __typename: 'EndNotificationSubscriptionSuccess',
      data: { active: false },
    });
    await makeDue(decodeOutboxId(due.id));
    await runWorker(sender);
    expect(sender.sent.filter((n) => n.address === socialPhone)).toEqual([]);
    const after = (await outbox(social)).edges.map((e) => e.node).find((n) => n.id === due.id);
    expect(after).toMatchObject({ status: 'CANCELLED', sentAt: null });
    const { notificationSubscriptions } = await social.request(NotificationSubscriptionsDocument, {
      active: true,
    });
    expect(notificationSubscriptions.map((s) => s.id)).not.toContain(socialSubscriptionId);
  });

  it('refuses a phone number not in E.164 form, a malformed e-mail address and a second subscription to the same address, writing nothing', async () => {
    const { rows: before } = await server.owner.query(
      'SELECT count(*)::int AS n FROM notification_subscription',
    );
    for (const [channel, address, code] of [
      ['SMS', '0701234567', 'INVALID_PHONE_NUMBER'],
      ['SMS', '+46 70 123 45 67', 'INVALID_PHONE_NUMBER'],
      ['SMS', '+4670123456789012', 'INVALID_PHONE_NUMBER'],
      ['SMS', 'mottagning.solna@example.se', 'INVALID_PHONE_NUMBER'],
      ['EMAIL', 'mottagning.solna@', 'INVALID_EMAIL_ADDRESS'],
      ['EMAIL', '+46701234567', 'INVALID_EMAIL_ADDRESS'],
      ['EMAIL', 'Mottagning.Solna@example.se', 'ALREADY_SUBSCRIBED'],
    ] as const) {
      const answer = (
        await social.request(AddNotificationSubscriptionDocument, { input: { channel, address } })
      ).addNotificationSubscription;
      expect(answer, `${channel} ${address}`).toMatchObject({
        __typename: 'NotificationError',
        code,
        field: 'input.address',
      });
    }
    const { rows: after } = await server.owner.query(
      'SELECT count(*)::int AS n FROM notification_subscription',
    );
    expect(after).toEqual(before);
  });

  it('refuses to end a subscription of another unit, one already ended, or by an id of another type', async () => {
    const [ofSolna] = (await social.request(NotificationSubscriptionsDocument, { active: true }))
      .notificationSubscriptions;
    const end = (client: GraphQLClient, id: string) =>
      client
        .request(EndNotificationSubscriptionDocument, { input: { id } })
        .then((r) => r.endNotificationSubscription);
    expect(await end(otherDistrict, ofSolna!.id)).toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
    expect(await end(social, socialSubscriptionId)).toMatchObject({
      code: 'SUBSCRIPTION_ALREADY_ENDED',
    });
    expect(await end(social, await unitGlobalId(server.owner, SOC_SOLNA))).toMatchObject({
      code: 'INVALID_ID',
      field: 'input.id',
    });
    expect(
      (await social.request(NotificationSubscriptionsDocument, { active: true }))
        .notificationSubscriptions,
    ).toContainEqual(expect.objectContaining({ id: ofSolna!.id, active: true }));
  });

  describe('as nodes', () => {
    const SUBSCRIPTION = 'channel address active endedAt';
    const NOTIFICATION = 'status eventCount subscriptionId sentAt maskedAddress';
    const FRAGMENTS = `... on NotificationSubscription { ${SUBSCRIPTION} }
      ... on OutboxNotification { ${NOTIFICATION} }`;
    type Row = Record<string, unknown> & { id: string };
    /** Everything a unit's two lists show it, as `node(id:)` must answer each one. */
    async function listed(client: GraphQLClient): Promise<{ subscriptions: Row[]; sent: Row[] }> {
      const data = await client.request<{
        notificationSubscriptions: Row[];
        notificationOutbox: { edges: { node: Row }[] };
      }>(`{
        notificationSubscriptions { __typename id ${SUBSCRIPTION} }
        notificationOutbox(first: 50) { edges { node { __typename id ${NOTIFICATION} } } }
      }`);
      return {
        subscriptions: data.notificationSubscriptions,
        sent: data.notificationOutbox.edges.map((e) => e.node),
      };
    }

    it('load by node(id:) for their own unit as its lists show them, and are null to any other unit', async () => {
      const others = new Map([
        [social, [healthCare, otherDistrict, ward]],
        [healthCare, [social, otherDistrict, ward]],
      ]);
      for (const [client, strangers] of others) {
        const { subscriptions, sent } = await listed(client);
        expect(subscriptions.length).toBeGreaterThan(0);
        expect(sent.length).toBeGreaterThan(0);
        for (const row of [...subscriptions, ...sent]) {
          const answer = await loadNode(client, FRAGMENTS, row.id);
          expect(answer.codes).toEqual([]);
          expect(answer.node).toEqual(row);
          expect(decodeGlobalID(row.id).typename).toBe(row.__typename);
          for (const stranger of strangers) {
            const refused = await loadNode(stranger, FRAGMENTS, row.id);
            expect(refused).toMatchObject({ node: null, codes: [] });
          }
        }
        // A notification's subscriptionId is the global id node(id:) loads the subscription by.
        for (const notification of sent) {
          const subscription = await loadNode(
            client,
            FRAGMENTS,
            String(notification.subscriptionId),
          );
          expect(subscription.node).toEqual(
            subscriptions.find((s) => s.id === notification.subscriptionId),
          );
        }
      }
    });

    it('refuse those without the grant (FORBIDDEN) and no sign-in (UNAUTHENTICATED), as the lists do', async () => {
      const { subscriptions, sent } = await listed(social);
      const finance = await server.clientFor(SOC_SOLNA, { roles: ['FINANCE'] });
      const officer = await server.clientFor(SOC_SOLNA, { roles: ['SECURITY_OFFICER'] });
      const owner = await server.clientFor(SOC_SOLNA, { roles: ['INFORMATION_OWNER'] });
      for (const row of [subscriptions[0]!, sent[0]!]) {
        for (const client of [finance, officer, owner]) {
          const refused = await loadNode(client, FRAGMENTS, row.id);
          expect(refused).toMatchObject({ node: null, codes: ['FORBIDDEN'] });
          expect(refused.raw).not.toContain('example.se');
        }
        expect(await loadNode(server.anonymousClient(), FRAGMENTS, row.id)).toMatchObject({
          node: null,
          codes: ['UNAUTHENTICATED'],
        });
      }
    });

    it('answer null for an id of nothing and INVALID_ID around anything but a UUID; the end command takes only a subscription’s id', async () => {
      for (const type of ['NotificationSubscription', 'OutboxNotification']) {
        expect(
          await loadNode(social, FRAGMENTS, globalId(type, '00000000-0000-4000-8000-000000000000')),
        ).toMatchObject({ node: null, codes: [] });
        expect(await loadNode(social, FRAGMENTS, globalId(type, 'not-a-uuid'))).toMatchObject({
          node: null,
          codes: ['INVALID_ID'],
        });
      }
      const { sent } = await listed(social);
      for (const id of [sent[0]!.id, globalId('NotificationSubscription', 'not-a-uuid')]) {
        const answer = (
          await social.request(EndNotificationSubscriptionDocument, { input: { id } })
        ).endNotificationSubscription;
        expect(answer, id).toMatchObject({
          __typename: 'NotificationError',
          code: 'INVALID_ID',
          field: 'input.id',
        });
      }
    });
  });

  it('refuses everyone without the grant: finance, a security officer, no sign-in', async () => {
    const finance = await server.clientFor(SOC_SOLNA, { roles: ['FINANCE'] });
    const officer = await server.clientFor(SOC_SOLNA, { roles: ['SECURITY_OFFICER'] });
    for (const client of [finance, officer]) {
      expect(
        await codeOf(
          client.request(AddNotificationSubscriptionDocument, {
            input: { channel: 'SMS', address: '+46701112233' },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(await codeOf(client.request(NotificationOutboxDocument, { first: 5 }))).toBe(
        'FORBIDDEN',
      );
      expect(await codeOf(client.request(NotificationSubscriptionsDocument, {}))).toBe('FORBIDDEN');
    }
    expect(
      await codeOf(server.anonymousClient().request(NotificationOutboxDocument, { first: 5 })),
    ).toBe('UNAUTHENTICATED');
    const { rows } = await server.owner.query(
      `SELECT 1 FROM notification_subscription WHERE address = '+46701112233'`,
    );
    expect(rows).toEqual([]);
  });
});

function decodeOutboxId(globalId: string): string {
  return decodeGlobalID(globalId).id;
}
