import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from '../../../src/jobs/scheduler.js';
import type {
  NotificationSender,
  OutgoingNotification,
} from '../../../src/notifications/sender.js';
import {
  AddNotificationSubscriptionDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The outbox as the service runs it: the scheduler (src/main.ts's startScheduler) hears the
 * command's commit, fans the event out and sends, with nobody queueing anything by hand.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the scheduler sends notifications', () => {
  it('sends a subscribed unit its notification after a command commits', async () => {
    const social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const subscribed = await social.request(AddNotificationSubscriptionDocument, {
      input: { channel: 'SMS', address: '+46705550101' },
    });
    expect(subscribed.addNotificationSubscription.__typename).toBe(
      'AddNotificationSubscriptionSuccess',
    );
    const sent: OutgoingNotification[] = [];
    const sender: NotificationSender = { name: 'recording', send: async (n) => void sent.push(n) };
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'error',
      notificationSender: sender,
    });
    try {
      const answer = await ward.request(SendAdmissionNoticeDocument, {
        input: {
          personalIdentityNumber: residentWithoutCase(19).personalIdentityNumber,
          admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
          municipalityParties: [
            {
              unitId: await unitGlobalId(server.owner, SOC_SOLNA),
              role: 'MUNICIPAL_SOCIAL_SERVICES',
            },
            { unitId: await unitGlobalId(server.owner, HSL_SOLNA), role: 'MUNICIPAL_HEALTH_CARE' },
          ],
        },
      });
      expect(answer.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
      for (let i = 0; i < 300 && sent.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ channel: 'SMS', address: '+46705550101' });
      const { rows } = await server.owner.query<{ status: string }>(
        'SELECT status FROM notification_outbox',
      );
      expect(rows).toEqual([{ status: 'SENT' }]);
    } finally {
      await scheduler.stop();
    }
  });
});
