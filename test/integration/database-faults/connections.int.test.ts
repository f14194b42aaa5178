import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isConnectionError } from '../../../src/db/connection-errors.js';
import { MAINTENANCE_TASK, startScheduler } from '../../../src/jobs/scheduler.js';
import { AddNoteDocument, CasesDocument } from '../../generated/graphql.js';
import {
  backends,
  databaseOf,
  postGraphQL,
  recordUncaught,
  terminateBackends,
  until,
} from '../../support/database-faults.js';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Each kind of connection the process holds, cut by the server as a failover or an
 * operator cuts it (pg_terminate_backend): an idle pool connection, a checked-out one
 * between queries (node-postgres then emits 'error' on a client nobody listens to, which
 * used to end the process), one in the middle of a query, a Prisma transaction in the
 * middle of a command, and graphile-worker's LISTEN and job connections. Every time: no
 * uncaught exception, the broken connection is not handed out again, the request answers
 * DATABASE_UNAVAILABLE, nothing of a cut transaction is committed, and service resumes.
 */
let server: TestServer;
let database: string;
let uncaught: ReturnType<typeof recordUncaught>;
let logLines: string[];

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'info' });
  database = databaseOf(server.databaseUrl);
});
afterAll(() => server?.close());

beforeEach(() => {
  uncaught = recordUncaught();
  logLines = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest) => {
    logLines.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  uncaught.stop();
  expect(uncaught.errors).toEqual([]);
});

const ready = async () => (await fetch(`${server.url}/readyz`)).status === 200;
const lostCount = () => server.db.availability.stats.lost;
const logged = (message: string) =>
  logLines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.message === message);

async function backendPid(client: { query: (sql: string) => Promise<{ rows: unknown[] }> }) {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return (rows[0] as { pid: number }).pid;
}

describe('a connection the database ends', () => {
  it('idle in the pool: dropped, logged as lost and restored, and the service answers again', async () => {
    const held = await Promise.all([1, 2, 3].map(() => server.db.pool.connect()));
    for (const client of held) client.release();
    const lostBefore = lostCount();

    expect(await terminateBackends(database, 'brygga-api')).toBeGreaterThanOrEqual(3);
    await until('the loss is noticed', () => lostCount() > lostBefore);
    await until('the database is back', () => server.db.availability.available);
    await until('/readyz says ready', ready);

    expect(logged('database connection lost').at(-1)).toMatchObject({
      level: 'warn',
      pool: 'api',
      code: '57P01',
    });
    expect(logged('database connection restored').at(-1)).toMatchObject({
      level: 'info',
      pool: 'api',
      unavailableMs: expect.any(Number),
    });
    const { rows } = await server.db.pool.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('checked out between queries: no uncaught error, and the broken client is never handed out again', async () => {
    const client = await server.db.pool.connect();
    const pid = await backendPid(client);
    const lostBefore = lostCount();

    await terminateBackends(database, 'brygga-api');
    // node-postgres emits 'error' on this client, which no query is waiting on.
    await until('the loss is noticed', () => lostCount() > lostBefore);
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release();

    const next = await server.db.pool.connect();
    try {
      expect(await backendPid(next)).not.toBe(pid);
    } finally {
      next.release();
    }
  });

  it('checked out in the middle of a query: the query fails as a connection failure', async () => {
    const client = await server.db.pool.connect();
    const sleeping = client.query('SELECT pg_sleep(60)').then(
      () => null,
      (error: unknown) => error,
    );
    await until('the query runs', async () =>
      (await backends(database, 'brygga-api')).some((b) => b.query.includes('pg_sleep')),
    );
    await terminateBackends(database, 'brygga-api');
    const error = await sleeping;
    expect(isConnectionError(error)).toBe(true);
    client.release(error as Error);
    await until('/readyz says ready', ready);
  });

  it('in a command’s transaction: 503 DATABASE_UNAVAILABLE with Retry-After, and nothing committed', async () => {
    const token = await server.tokenFor(
      principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Fault Test'),
    );
    const list = await postGraphQL(server.url, token, CasesDocument, { first: 50 });
    const open = list.body.data!.cases.edges.find((e) => e.node.status !== 'CLOSED')!.node;
    const caseRowId = (
      await server.owner.query<{ id: string; version: number; events: number }>(
        `SELECT c.id, c.version, (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id) AS events
         FROM "case" c WHERE c.reference = $1`,
        [open.reference],
      )
    ).rows[0]!;

    // The command updates the case and appends its event, then waits to insert the note.
    await server.owner.query('BEGIN');
    await server.owner.query('LOCK TABLE note IN SHARE MODE');
    const answer = postGraphQL(server.url, token, AddNoteDocument, {
      input: { caseId: open.id, text: 'Kontakta anhörig', noteId: randomUUID() },
    });
    await until('the command waits for the note insert', async () =>
      (await backends(database, 'brygga-api')).some((b) => b.waitingOnLock),
    );
    await terminateBackends(database, 'brygga-api');
    await server.owner.query('ROLLBACK');

    const { status, retryAfter, body } = await answer;
    expect(status).toBe(503);
    expect(retryAfter).toBe('3');
    expect(body.data ?? null).toBeNull();
    expect(body.errors!.map((e) => e.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);

    const after = (
      await server.owner.query<{ version: number; events: number; notes: number }>(
        `SELECT c.version,
                (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id) AS events,
                (SELECT count(*)::int FROM note n WHERE n.case_id = c.id AND n.text = 'Kontakta anhörig') AS notes
         FROM "case" c WHERE c.id = $1`,
        [caseRowId.id],
      )
    ).rows[0]!;
    expect(after).toEqual({ version: caseRowId.version, events: caseRowId.events, notes: 0 });

    // The same command sent again once the database is back goes through.
    await until('/readyz says ready', ready);
    const retried = await postGraphQL(server.url, token, AddNoteDocument, {
      input: { caseId: open.id, text: 'Kontakta anhörig', noteId: randomUUID() },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.data?.addNote.__typename).toBe('AddNoteSuccess');
  });

  // Each cut waits for the worker to reconnect (graphile-worker's own backoff) for up to
  // `until`'s minute, which on a loaded machine can pass the default test timeout: the
  // test fails when a wait gives up, saying which, not when the clock of the suite runs out.
  it('of the scheduler (LISTEN and job connections): jobs run again after each of three cuts', {
    timeout: 200_000,
  }, async () => {
    let runs = 0;
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'info',
      maintenance: async () => {
        // Works through the scheduler's own application-role pool's neighbour, the API's.
        await server.db.pool.query('SELECT 1');
        runs += 1;
        return { runs };
      },
    });
    try {
      await until(
        'the worker listens',
        async () => (await backends(database, 'brygga-scheduler')).length > 0,
      );
      for (let cut = 1; cut <= 3; cut += 1) {
        expect(await terminateBackends(database, 'brygga-scheduler%')).toBeGreaterThan(0);
        // Queued by someone else, so only the worker's own polling or LISTEN can find it.
        await server.owner.query('SELECT graphile_worker.add_job($1)', [MAINTENANCE_TASK]);
        await until(`the job queued after cut ${cut} runs`, () => runs === cut);
      }
      expect(logged('database connection lost').some((l) => l.pool === 'scheduler')).toBe(true);
    } finally {
      await scheduler.stop();
    }
  });
});
