import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddNoteDocument, CaseListNestedDocument } from '../../generated/graphql.js';
import { SOC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, item 5: a log write waits for the month's chain lock (or a lock on the
 * month's partition) for ACCESS_LOG_LOCK_TIMEOUT_MS at most, then fails closed. Another
 * connection holds the lock; the test asserts the outcome, not a duration.
 */
let server: TestServer;
let holder: pg.Client;
const tokens: Record<string, string> = {};

async function send(as: string, document: Parameters<typeof print>[0], variables: object) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[as]}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  return { status: response.status, body };
}

function thisMonth() {
  const now = new Date();
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return {
    partition: `access_log_partition.access_log_${year}_${String(month).padStart(2, '0')}`,
    lockKey: year * 100 + month,
  };
}

async function aCaseOfSolna(): Promise<string> {
  const { rows } = await server.owner.query<{ id: string }>(
    `SELECT c.id FROM "case" c JOIN case_party p ON p.case_id = c.id JOIN unit u ON u.id = p.unit_id
     WHERE u.hsa_id = $1 AND p.left_at IS NULL AND c.status <> 'CLOSED' LIMIT 1`,
    [SOC_SOLNA],
  );
  return Buffer.from(`Case:${rows[0]!.id}`).toString('base64');
}

beforeAll(async () => {
  server = await startTestServer({ ACCESS_LOG_LOCK_TIMEOUT_MS: '300' });
  holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
  tokens.ward = await server.tokenFor(
    principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Lock Ward'),
  );
  tokens.social = await server.tokenFor(
    principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Lock Social'),
  );
  // The month's partition exists before anyone locks it.
  expect((await send('ward', CaseListNestedDocument, { first: 1 })).status).toBe(200);
});
afterAll(async () => {
  await holder?.end();
  await server?.close();
});

describe('a held chain lock', () => {
  it('the month’s partition locked by another session: a read and a command fail closed, the command writes nothing', async () => {
    const caseId = await aCaseOfSolna();
    const notes = async () =>
      Number(
        (await server.owner.query<{ n: string }>('SELECT count(*) AS n FROM note')).rows[0]!.n,
      );
    const before = await notes();
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${thisMonth().partition} IN ACCESS EXCLUSIVE MODE`);
    try {
      const read = await send('ward', CaseListNestedDocument, { first: 5 });
      expect(read.status).toBe(503);
      expect(read.body.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
      expect(read.body.data ?? null).toBeNull();
      const command = await send('social', AddNoteDocument, {
        input: { caseId, text: 'Under låset' },
      });
      expect(command.status).toBe(503);
      expect(command.body.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
    } finally {
      await holder.query('ROLLBACK');
    }
    expect(await notes()).toBe(before);
    expect((await send('ward', CaseListNestedDocument, { first: 5 })).status).toBe(200);
  });

  it('the advisory chain lock held by another session: the read fails closed, then succeeds once it is free', async () => {
    const { lockKey } = thisMonth();
    await holder.query('SELECT pg_advisory_lock(730040, $1)', [lockKey]);
    try {
      const read = await send('ward', CaseListNestedDocument, { first: 5 });
      expect(read.status).toBe(503);
      expect(read.body.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
    } finally {
      await holder.query('SELECT pg_advisory_unlock(730040, $1)', [lockKey]);
    }
    expect((await send('ward', CaseListNestedDocument, { first: 5 })).status).toBe(200);
  });
});
