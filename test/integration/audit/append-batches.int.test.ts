import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLogAppendBatches } from '../../../src/audit/append-batches.js';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import type { Queryable } from '../../../src/audit/writer.js';
import { SOC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, patientsOf } from './fixtures.js';

/**
 * AccessLogAppendBatches against the real database, through a connection that counts
 * its statements: requests appended in one turn are written by one access_log_append
 * call, each with exactly its own rows; a request that cannot be logged fails alone, and
 * a failed statement fails every request in it and writes nothing.
 */
let server: TestServer;
let app: pg.Pool;

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
});
afterAll(async () => {
  await app?.end();
  await server?.close();
});

function counting(db: Queryable): Queryable & { statements: number } {
  const counted = {
    statements: 0,
    query: ((text: string, values?: unknown[]) => {
      counted.statements += 1;
      return db.query(text, values);
    }) as Queryable['query'],
  };
  return counted;
}

async function accessesOf(unitHsaId: string) {
  const [one, two] = await patientsOf(server, unitHsaId);
  return [one!, two!].map((p) => ({
    patientId: p.patientId,
    caseId: p.caseId,
    personalIdentityNumber: null,
    categories: ['IDENTITY' as const],
    activity: 'READ' as const,
    outcome: 'SUCCESS' as const,
    emergencyAccess: false,
  }));
}

const request = (requestId: string, unitHsaId: string, hsaId: string) => ({
  requestId,
  operationName: 'CaseActivity',
  principal: { ...principalFor(unitHsaId, ['WARD_STAFF'], `Batch ${hsaId}`), hsaId },
});

describe('AccessLogAppendBatches', () => {
  it('writes the requests of one turn in one statement, each with exactly its own rows', async () => {
    const db = counting(app);
    const batches = new AccessLogAppendBatches(db, null);
    const ward = await accessesOf(WARD_KAROLINSKA_GERIATRIK);
    const social = await accessesOf(SOC_SOLNA);
    await Promise.all([
      batches.append(
        request('batch-a', WARD_KAROLINSKA_GERIATRIK, `${WARD_KAROLINSKA_GERIATRIK}P7`),
        ward,
      ),
      batches.append(
        request('batch-b', WARD_KAROLINSKA_GERIATRIK, `${WARD_KAROLINSKA_GERIATRIK}P8`),
        ward,
      ),
      batches.append(request('batch-c', SOC_SOLNA, `${SOC_SOLNA}P7`), social),
    ]);
    expect(db.statements).toBe(1);
    const { rows } = await server.owner.query<{
      request_id: string;
      user_hsa_id: string;
      patient_id: string;
    }>(
      `SELECT request_id, user_hsa_id, patient_id FROM access_log
        WHERE request_id = ANY ($1::text[]) ORDER BY chain_position`,
      [['batch-a', 'batch-b', 'batch-c']],
    );
    expect(rows.map((r) => [r.request_id, r.user_hsa_id, r.patient_id])).toEqual([
      ...ward.map((a) => ['batch-a', `${WARD_KAROLINSKA_GERIATRIK}P7`, a.patientId]),
      ...ward.map((a) => ['batch-b', `${WARD_KAROLINSKA_GERIATRIK}P8`, a.patientId]),
      ...social.map((a) => ['batch-c', `${SOC_SOLNA}P7`, a.patientId]),
    ]);
    expect((await verifyAccessLog(server.owner)).ok).toBe(true);
  });

  it('fails a request without a principal alone, and every request of a failed statement', async () => {
    const ward = await accessesOf(WARD_KAROLINSKA_GERIATRIK);
    const batches = new AccessLogAppendBatches(app, null);
    const outcomes = await Promise.allSettled([
      batches.append({ requestId: 'batch-anon', operationName: null, principal: null }, ward),
      batches.append(
        request('batch-d', WARD_KAROLINSKA_GERIATRIK, `${WARD_KAROLINSKA_GERIATRIK}P7`),
        ward,
      ),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);

    const refusing: Queryable = { query: () => Promise.reject(new Error('disk full (test)')) };
    const failing = new AccessLogAppendBatches(refusing, null);
    const failed = await Promise.allSettled([
      failing.append(
        request('batch-e', WARD_KAROLINSKA_GERIATRIK, `${WARD_KAROLINSKA_GERIATRIK}P7`),
        ward,
      ),
      failing.append(
        request('batch-f', WARD_KAROLINSKA_GERIATRIK, `${WARD_KAROLINSKA_GERIATRIK}P8`),
        ward,
      ),
    ]);
    expect(failed.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    const { rows } = await server.owner.query(
      `SELECT request_id FROM access_log WHERE request_id = ANY ($1::text[])`,
      [['batch-anon', 'batch-e', 'batch-f']],
    );
    expect(rows).toEqual([]);
  });
});
