import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../../src/db/embedded-postgres.js';
import { migrate } from '../../../src/db/migrate.js';
import {
  embeddedDatabase,
  killStarted,
  listening,
  start,
  startedOutput,
} from '../../support/api-process.js';
import { recordUncaught, until } from '../../support/database-faults.js';
import {
  expectOnlyDataOrRetryable,
  mintWardToken,
  startLoad,
  tally,
} from '../../support/fault-load.js';
import { patientDataIn } from '../../support/patient-data-in-logs.js';

/**
 * A database restart under load: a PostgreSQL cluster of its own (embedded-postgres, own
 * port and data directory) is stopped while 32 clients read cases and add notes, kept
 * down until /readyz says not ready, and started again. The API process stays up, answers
 * DATABASE_UNAVAILABLE while the database is away, is ready again by itself, serves again,
 * and its scheduler runs a job queued after the restart. The numbers are printed, not
 * asserted.
 */
afterAll(() => {
  killStarted();
  // No line any of these processes logged names a patient or carries a personnummer.
  expect(patientDataIn(startedOutput())).toEqual([]);
});

describe('the database stopped and started again under load', () => {
  it('the process stays up, says not ready, and recovers by itself', {
    timeout: 300_000,
  }, async () => {
    const embedded = await embeddedDatabase('restart', 22_000);
    let database: EmbeddedDatabase | null = await startEmbeddedPostgres({
      dataDir: embedded.dataDir,
      port: embedded.port,
    });
    const uncaught = recordUncaught();
    const owner = () => new pg.Client({ connectionString: embedded.ownerUrl });
    try {
      // As an operator runs Brygga on a database that wants passwords: migrated, and the
      // API's own login (created by the migrations) given its password and DATABASE_API_URL.
      await migrate(database.databaseUrl);
      const env = {
        DATABASE_URL: database.databaseUrl,
        DATABASE_API_URL: await database.enableApiLogin(),
        SEED_DEMO: 'true',
        DEMO_IDP: 'true',
        PORT: '0',
        PUBLIC_URL: 'http://127.0.0.1:4997',
        LOG_LEVEL: 'info',
      };
      const run = start(env);
      const url = await listening(run, 150_000);
      const ready = async () => (await fetch(`${url}/readyz`)).ok;
      await until('ready after the start', ready);
      const token = await mintWardToken(database.databaseUrl, env);
      const load = await startLoad({ url, token, concurrency: 32, maxRequests: 6_000 });
      let measured: Record<string, unknown>;
      // Well-formed (session id and secret), so checking it needs the database.
      const sessionCookie = `${randomUUID()}.${'a'.repeat(43)}`;
      try {
        await until('the load is served', () => load.deliveredSince(0) >= 20);
        const stoppedAt = Date.now();
        await database.stop();
        database = null;
        const readyz = await fetch(`${url}/readyz`);
        expect(readyz.status).toBe(503);
        expect(await readyz.json()).toMatchObject({
          status: 'not ready',
          reasons: ['database unreachable'],
          database: { available: false },
        });
        await until('requests are told to come back', () =>
          load.outcomes.some((o) => o.at > stoppedAt && o.codes[0] === 'DATABASE_UNAVAILABLE'),
        );
        // The identity gateway's routes answer the same way, not with a 500 or a login
        // failure, and leave the session cookie alone.
        const refresh = await fetch(`${url}/auth/refresh`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: `brygga_session=${sessionCookie}`,
          },
          body: '{}',
        });
        expect(refresh.status).toBe(503);
        expect(refresh.headers.get('retry-after')).toBe('3');
        expect(refresh.headers.get('set-cookie')).toBeNull();
        expect(await refresh.json()).toMatchObject({
          errors: [{ extensions: { code: 'DATABASE_UNAVAILABLE' } }],
        });
        const login = await fetch(`${url}/auth/saml/demo/login`, {
          headers: { accept: 'text/html' },
        });
        expect(login.status).toBe(503);
        expect(login.headers.get('retry-after')).toBe('3');
        expect(await login.text()).toContain('The database is not reachable at the moment.');
        const startedAt = Date.now();
        database = await startEmbeddedPostgres({ dataDir: embedded.dataDir, port: embedded.port });
        await until('ready again', ready);
        const msToReady = Date.now() - startedAt;
        // Ready means available: /readyz does not wait for the probe's backoff to say so.
        expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({
          status: 'ready',
          database: { available: true },
        });
        await until('answers with data again', () => load.deliveredSince(startedAt) >= 5);
        // With the database back, the same cookie is simply not a session.
        const refreshedAgain = await fetch(`${url}/auth/refresh`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: `brygga_session=${sessionCookie}`,
          },
          body: '{}',
        });
        expect(refreshedAgain.status).toBe(401);
        const firstDelivery = load.outcomes.find((o) => o.at > startedAt && o.status === 200)?.at;
        measured = {
          msDown: startedAt - stoppedAt,
          whileDown: tally(load.outcomes.filter((o) => o.at > stoppedAt && o.at <= startedAt)),
          msToReady,
          msToFirstData: firstDelivery ? firstDelivery - startedAt : null,
        };
      } finally {
        await load.stop();
      }
      console.log(JSON.stringify({ scenario: 'restart', ...measured, all: tally(load.outcomes) }));
      expect(run.child.exitCode, run.output()).toBeNull();

      const client = owner();
      await client.connect();
      try {
        await expectOnlyDataOrRetryable(load.outcomes, client);
        // The scheduler polls again: a job queued after the restart runs.
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM graphile_worker.add_job('maintenance')`,
        );
        const jobId = rows[0]!.id;
        await until('the job queued after the restart runs', () =>
          run.output().includes(`Completed task ${jobId} (maintenance`),
        );
      } finally {
        await client.end();
      }
      expect(run.output()).toMatch(/"message":"database connection lost"/);
      expect(run.output()).toMatch(/"message":"database connection restored"/);

      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).toBe(0);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await database?.stop();
      await rm(embedded.dataDir, { recursive: true, force: true });
    }
  });
});
