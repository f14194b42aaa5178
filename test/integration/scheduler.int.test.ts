import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccessLogPartitions } from '../../src/audit/partitions.js';
import { MAINTENANCE_TASK, startScheduler } from '../../src/jobs/scheduler.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The maintenance the service schedules beside the monthly invoicing: the identity
 * gateway's key rotation, metadata refresh and replay purge, and the access log's
 * partitions ahead — wired as src/main.ts wires it, run through the real queue.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('scheduled maintenance', () => {
  it('is on the crontab and runs the identity and access-log maintenance', async () => {
    const results: unknown[] = [];
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'error',
      maintenance: async () => {
        const result = {
          identity: await server.identity.maintain(),
          accessLogPartitions: await ensureAccessLogPartitions(server.db.pool),
        };
        results.push(result);
        return result;
      },
    });
    try {
      await scheduler.runner.addJob(MAINTENANCE_TASK, {});
      for (let i = 0; i < 100 && results.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        identity: expect.objectContaining({ metadata: expect.anything() }),
        accessLogPartitions: expect.arrayContaining([
          expect.stringMatching(/^access_log_partition\./),
        ]),
      });
      const { rows } = await server.owner.query<{ identifier: string }>(
        'SELECT identifier FROM graphile_worker._private_known_crontabs',
      );
      expect(rows.map((r) => r.identifier)).toEqual(
        expect.arrayContaining(['monthly-invoicing', MAINTENANCE_TASK]),
      );
    } finally {
      await scheduler.stop();
    }
  });
});
