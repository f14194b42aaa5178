import { decodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { subscriptionDeliveriesAwaitingLog } from '../../../src/metrics/registry.js';
import { CaseActivityDocument, type CaseActivitySubscription } from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { type LiveClient, liveClient, untilSubscribers } from '../../support/live.js';
import { openCaseFor, sendPlanningBasisAs } from '../../support/live-cases.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * The deliveries of one event are logged together (src/audit/append-batches.ts): once
 * executed, a delivery gives up its slot and waits for its access-log rows, written with
 * the others' in one statement. Over real WebSockets against a started server: the test
 * holds the month's chain lock, so the first statement waits; all six deliveries of one
 * event must then be executed and held (none sent), which with five delivery slots
 * happens only if a delivery waiting for its log holds no slot; then the lock is let go.
 * Nothing waits for a duration: the test polls the held-deliveries gauge.
 */
interface Delivery {
  data?: CaseActivitySubscription | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

let server: TestServer;
let ward: GraphQLClient;
let holder: pg.Client;
const open: LiveClient[] = [];
// Five Solna users, one of them with two sockets: six deliveries of Solna's event.
const SOLNA_USERS = [7, 8, 9, 10, 11].map((n) => `${SOC_SOLNA}P${n}`);
const SOLNA_SOCKETS = [...SOLNA_USERS, SOLNA_USERS[0]!];

const chainLockKey = () => {
  const now = new Date();
  return now.getUTCFullYear() * 100 + now.getUTCMonth() + 1;
};

async function subscribe(unitHsaId: string, hsaId: string) {
  const principal = {
    ...principalFor(unitHsaId, ['SOCIAL_SERVICES_STAFF'], `Live ${hsaId}`),
    hsaId,
  };
  const live = liveClient(server, await server.tokenFor(principal));
  open.push(live);
  const received: Delivery[] = [];
  const first = new Promise<Delivery>((resolve, reject) => {
    live.client.subscribe(
      { query: print(CaseActivityDocument), operationName: 'CaseActivity' },
      {
        next: (delivery) => {
          received.push(delivery as Delivery);
          resolve(delivery as Delivery);
        },
        error: reject,
        complete: () => reject(new Error('the subscription ended')),
      },
    );
  });
  // A socket that gets nothing ends with its test: not an error of the test.
  first.catch(() => undefined);
  return { hsaId, received, first };
}

async function awaitingLog(): Promise<number> {
  return (await subscriptionDeliveriesAwaitingLog.get()).values[0]?.value ?? 0;
}

async function untilAwaitingLog(count: number): Promise<void> {
  while ((await awaitingLog()) < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

const openCase = (resident: number) => openCaseFor(ward, server.owner, resident, SOC_SOLNA);

const sendPlanningBasis = (caseId: string) => sendPlanningBasisAs(ward, caseId);

/**
 * Subscribes Solna's six sockets and one of Södermalm's, takes the month's chain lock and
 * commits one more event of the case (a copy of its planning basis, written as the owner:
 * a command would itself wait for the lock to log); returns once all six deliveries are
 * executed and held for the log.
 */
async function eventWithLogHeld(caseId: string) {
  await sendPlanningBasis(caseId);
  const before = server.feed.subscriberCount;
  const solna = await Promise.all(SOLNA_SOCKETS.map((hsaId) => subscribe(SOC_SOLNA, hsaId)));
  const sodermalm = await subscribe(SOC_SODERMALM, `${SOC_SODERMALM}P7`);
  await untilSubscribers(server, before + SOLNA_SOCKETS.length + 1);
  await holder.query('SELECT pg_advisory_lock(730040, $1)', [chainLockKey()]);
  await server.owner.query(
    `INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
     SELECT case_id, (SELECT max(sequence) + 1 FROM case_event WHERE case_id = $1), type,
            author_hsa_id, author_name, author_unit_id, now(), payload
       FROM case_event WHERE case_id = $1 AND type = 'PLANNING_BASIS_SENT'`,
    [decodeGlobalID(caseId).id],
  );
  await untilAwaitingLog(SOLNA_SOCKETS.length);
  return { solna, sodermalm };
}

/** Closes the sockets of a test, so the next test's event has only its own subscribers. */
async function closeAll(): Promise<void> {
  for (const live of open.splice(0)) {
    await live.client.dispose();
    await live.closed;
  }
}

const releaseChainLock = () =>
  holder.query('SELECT pg_advisory_unlock(730040, $1)', [chainLockKey()]);

beforeAll(async () => {
  // The first statement waits for the test's chain lock rather than failing at once.
  server = await startTestServer({ ACCESS_LOG_LOCK_TIMEOUT_MS: '60000' });
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
});

afterAll(async () => {
  for (const live of open) await live.client.dispose();
  await holder?.end();
  await server?.close();
});

describe("one event's deliveries logged together", () => {
  it('sends none before its rows are written, then each with exactly its own rows, all in at most two statements', async () => {
    const caseId = await openCase(0);
    const { solna, sodermalm } = await eventWithLogHeld(caseId);
    try {
      // Six deliveries executed and held; not one left before its log.
      expect(await awaitingLog()).toBe(SOLNA_SOCKETS.length);
      expect(solna.flatMap((s) => s.received)).toEqual([]);
    } finally {
      await releaseChainLock();
    }
    const deliveries = await Promise.all(solna.map((s) => s.first));
    for (const delivery of deliveries) {
      expect(delivery.errors).toBeUndefined();
      expect(delivery.data?.caseActivity.case?.id).toBe(caseId);
    }
    const requestIds = deliveries.map((d) => d.extensions?.requestId as string);
    expect(new Set(requestIds).size).toBe(SOLNA_SOCKETS.length);

    const { rows } = await server.owner.query<{
      request_id: string;
      user_hsa_id: string;
      unit_hsa_id: string;
      outcome: string;
      time: Date;
    }>(
      `SELECT request_id, user_hsa_id, unit_hsa_id, outcome, time FROM access_log
        WHERE operation_name = 'CaseActivity' AND case_id = $1`,
      [decodeGlobalID(caseId).id],
    );
    // Exactly the six deliveries' rows: each its subscriber's, as one delivery alone writes
    // them (the case read, the planning basis withheld), and nothing for Södermalm.
    expect(new Set(rows.map((r) => r.request_id))).toEqual(new Set(requestIds));
    solna.forEach((subscriber, i) => {
      const own = rows.filter((r) => r.request_id === requestIds[i]);
      expect(own.map((r) => r.outcome).sort()).toEqual(['DENIED', 'SUCCESS']);
      for (const row of own) {
        expect(row).toMatchObject({ user_hsa_id: subscriber.hsaId, unit_hsa_id: SOC_SOLNA });
      }
    });
    expect(sodermalm.received).toEqual([]);
    // The first statement (waiting for the lock) and one with every delivery held behind it.
    expect(new Set(rows.map((r) => r.time.getTime())).size).toBeLessThanOrEqual(2);
    expect((await verifyAccessLog(server.owner)).ok).toBe(true);
    await closeAll();
  });

  it('delivers nothing of a batch whose statement fails: every delivery of it is ACCESS_LOG_UNAVAILABLE and no row is written', async () => {
    const caseId = await openCase(1);
    const { solna } = await eventWithLogHeld(caseId);
    await server.owner.query(`CREATE FUNCTION test_refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (test)'; END $$`);
    await server.owner.query(
      'CREATE TRIGGER test_refuse_log BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION test_refuse_log()',
    );
    try {
      await releaseChainLock();
      const deliveries = await Promise.all(solna.map((s) => s.first));
      for (const delivery of deliveries) {
        expect(delivery.data ?? null).toBeNull();
        expect(delivery.errors?.map((e) => e.extensions?.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
        const sent = JSON.stringify(delivery);
        expect(sent).not.toContain(residentWithoutCase(1).personalIdentityNumber);
        expect(sent).not.toContain('disk full');
      }
    } finally {
      await server.owner.query('DROP TRIGGER test_refuse_log ON access_log');
      await server.owner.query('DROP FUNCTION test_refuse_log()');
    }
    const { rows } = await server.owner.query(
      `SELECT 1 FROM access_log WHERE operation_name = 'CaseActivity' AND case_id = $1`,
      [decodeGlobalID(caseId).id],
    );
    expect(rows).toEqual([]);
    expect(await awaitingLog()).toBe(0);
    await closeAll();
  });
});
