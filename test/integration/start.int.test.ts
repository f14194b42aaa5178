import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { generateSelfSignedCertificate } from '../../src/identity/certificates.js';
import {
  embeddedDatabase,
  killStarted,
  listening,
  start,
  startedOutput,
} from '../support/api-process.js';
import { createDatabaseFromTemplate, dropDatabase } from '../support/database.js';
import { keepOutputOf } from '../support/log-capture.js';
import { patientDataIn } from '../support/patient-data-in-logs.js';
import { makeTestPki } from '../support/patient-portal/certificates.js';

/**
 * The README's first command: `npm start` with no DATABASE_URL starts an embedded
 * PostgreSQL, migrates, seeds the demo region and serves GraphQL. A bad setting stops
 * the process with one clear line. SIGTERM lets the requests in flight finish, also those
 * whose client has gone, and stops what is still starting before the database goes;
 * table locks hold a request or a start in place so each case is met for certain.
 */
afterAll(() => {
  killStarted();
  // No line any of these processes logged names a patient or carries a personnummer.
  expect(patientDataIn(startedOutput())).toEqual([]);
});

/** Settings a production start needs; Apollo Server, too, acts on signals in production. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://127.0.0.1:4999',
  IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

async function federation(env: Record<string, string>, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/federation.ts', ...args], {
    env: { ...process.env, ...env },
  });
  keepOutputOf(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`federation ${args.join(' ')} exited ${code}: ${output}`);
}

/**
 * Returns once a query of the server waits on the lock `locker` holds. The bound only
 * keeps a broken start from hanging the suite; a loaded machine may take its time.
 */
async function untilWaitingOnLock(locker: pg.Client): Promise<void> {
  const until = Date.now() + 150_000;
  for (;;) {
    // Inside the locker's transaction the activity view is a snapshot unless cleared.
    await locker.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await locker.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.n > 0) return;
    if (Date.now() > until) throw new Error('no request came to wait on the lock');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('starting Brygga', () => {
  it('stops with one line naming a bad setting', async () => {
    const run = start({ PORT: 'eighty', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(await run.exited).toBe(78);
    const lines = run.output().trim().split('\n');
    expect(lines).toEqual([
      'brygga: invalid configuration: PORT: Invalid input: expected number, received NaN',
    ]);
  });

  it('stops with one line naming where DATABASE_URL points when that database cannot be reached', async () => {
    const run = start({ PORT: '0', DATABASE_URL: 'postgresql://nobody:s3cret@127.0.0.1:1/none' });
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output().trim().split('\n')).toContain(
      'brygga: failed to start: the database in DATABASE_URL (127.0.0.1:1/none) cannot be reached: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(run.output()).not.toContain('s3cret');
  });

  it('refuses, in one line, to run the demo IdP or plain http in production', {
    timeout: 120_000,
  }, async () => {
    const production = {
      ...PRODUCTION,
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    };
    const demo = start({ ...production, DEMO_IDP: 'true' });
    expect(await demo.exited).toBe(78);
    expect(demo.output().trim().split('\n')).toEqual([
      'brygga: invalid configuration: DEMO_IDP: the demo IdP signs in anyone; it never runs with NODE_ENV=production',
    ]);
    const http = start({ ...production, PUBLIC_URL: 'http://brygga.example' });
    expect(await http.exited).toBe(78);
    expect(http.output().trim().split('\n')).toEqual([
      'brygga: invalid configuration: PUBLIC_URL: must be https in production',
    ]);
  });

  it('stops with one line naming a GetCarePlans certificate file that is missing, not PEM or not the pair', {
    timeout: 120_000,
  }, async () => {
    const pki = await makeTestPki();
    try {
      const producer = {
        DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
        CARE_PLANS_PRODUCER_PORT: '0',
        CARE_PLANS_PRODUCER_TLS_CERT_FILE: pki.server.certFile,
        CARE_PLANS_PRODUCER_TLS_KEY_FILE: pki.server.keyFile,
        CARE_PLANS_PRODUCER_CLIENT_CA_FILE: pki.ca.certFile,
        CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: pki.platform.fingerprint,
        CARE_PLANS_PLATFORM_HSA_ID: 'SE5565594230-B8N',
        CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES: 'SE2321000016-BRYG',
        CARE_PLANS_SOURCE_SYSTEM_HSA_ID: 'SE2321000016-BRYS',
      };
      const missing = join(pki.dir, 'gone.pem');
      const refusals: [Record<string, string>, string][] = [
        [
          { CARE_PLANS_PRODUCER_TLS_CERT_FILE: missing },
          `CARE_PLANS_PRODUCER_TLS_CERT_FILE: cannot read ${missing} (no such file)`,
        ],
        [
          { CARE_PLANS_PRODUCER_CLIENT_CA_FILE: pki.server.keyFile },
          'CARE_PLANS_PRODUCER_CLIENT_CA_FILE: is not a PEM certificate',
        ],
        [
          { CARE_PLANS_PRODUCER_TLS_KEY_FILE: pki.server.certFile },
          'CARE_PLANS_PRODUCER_TLS_KEY_FILE: is not a PEM private key',
        ],
        [
          { CARE_PLANS_PRODUCER_TLS_KEY_FILE: pki.platform.keyFile },
          'CARE_PLANS_PRODUCER_TLS_KEY_FILE: is not the private key of the certificate in CARE_PLANS_PRODUCER_TLS_CERT_FILE',
        ],
      ];
      for (const [setting, line] of refusals) {
        const run = start({ ...producer, ...setting });
        expect(await run.exited, run.output()).toBe(78);
        expect(run.output().trim().split('\n')).toEqual([`brygga: invalid configuration: ${line}`]);
      }
    } finally {
      await pki.remove();
    }
  });

  it('runs on an embedded PostgreSQL with the demo region when DATABASE_URL is unset', {
    timeout: 120_000,
  }, async () => {
    const embedded = await embeddedDatabase('embedded', 21_000);
    try {
      const run = start(embedded.env);
      const base = await listening(run, 100_000);
      expect(run.output()).not.toMatch(/started without/);
      const health = await fetch(`${base}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const anonymous = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ cases { edges { node { id } } } }' }),
      });
      expect(
        ((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!
          .extensions.code,
      ).toBe('UNAUTHENTICATED');

      const db = new pg.Client({ connectionString: embedded.ownerUrl });
      await db.connect();
      const { rows } = await db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM "case" GROUP BY 1',
      );
      await db.end();
      expect(rows.map((r) => r.status).sort()).toEqual([
        'CLOSED',
        'DISCHARGED',
        'DISCHARGE_ANNOUNCED',
        'PLANNING',
        'READY_FOR_DISCHARGE',
      ]);
      expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(60);
      // The demo IdP comes with the embedded default.
      const metadata = await fetch(`${base}/demo-idp/metadata`);
      expect(metadata.status).toBe(200);
      expect(await metadata.text()).toContain('IDPSSODescriptor');

      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).toBe(0);
    } finally {
      await rm(embedded.dataDir, { recursive: true, force: true });
    }
  });

  it('stops with one line when the embedded PostgreSQL finds its port taken', {
    timeout: 120_000,
  }, async () => {
    const embedded = await embeddedDatabase('taken', 25_000);
    // What an earlier start's PostgreSQL, left running, would do to the next start.
    const holder = createServer();
    await new Promise<void>((listened) => holder.listen(embedded.port, '127.0.0.1', listened));
    try {
      const run = start(embedded.env);
      expect(await run.exited, run.output()).toBe(1);
      expect(run.output().trim().split('\n')).toContain(
        `brygga: failed to start: the embedded PostgreSQL did not start on 127.0.0.1:${embedded.port}: the port is in use (a PostgreSQL left running, or another Brygga?); stop what listens there or set EMBEDDED_PG_PORT`,
      );
    } finally {
      holder.close();
      await rm(embedded.dataDir, { recursive: true, force: true });
    }
  });

  it('stops with one line when another PostgreSQL runs on the embedded data folder', {
    timeout: 120_000,
  }, async () => {
    const first = await embeddedDatabase('shared-dir', 26_000);
    const running = await startEmbeddedPostgres({ dataDir: first.dataDir, port: first.port });
    try {
      // A second start on the same folder, on a port of its own.
      const second = await embeddedDatabase('shared-dir-second', 27_000);
      await rm(second.dataDir, { recursive: true, force: true });
      const run = start({ ...second.env, EMBEDDED_PG_DIR: first.dataDir });
      expect(await run.exited, run.output()).toBe(1);
      expect(run.output().trim().split('\n')).toContain(
        `brygga: failed to start: the embedded PostgreSQL did not start on 127.0.0.1:${second.port}: another postgres is running on its data folder ${first.dataDir}; stop it or set EMBEDDED_PG_DIR`,
      );
    } finally {
      await running.stop();
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });

  it('lets the requests in flight finish when SIGTERM arrives, then exits 0', {
    timeout: 60_000,
  }, async () => {
    const name = `brygga_t_drain_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await createDatabaseFromTemplate(name);
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      const run = start({
        ...PRODUCTION,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        LOG_LEVEL: 'info',
        SCHEDULER_ENABLED: 'false',
      });
      const base = await listening(run);
      // The request waits on a table lock, so it is surely in flight when the signal comes.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE identity_provider IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${base}/auth/saml/nobody/metadata`);
      await untilWaitingOnLock(locker);
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(run.child.exitCode, run.output()).toBeNull();
      await locker.query('COMMIT');
      const response = await inFlight;
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('No such identity provider.');
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).not.toMatch(/Cannot use a pool|"level":"error"/);
    } finally {
      await locker.end();
      await dropDatabase(name);
    }
  });

  it('finishes a request its client gave up on before closing the database', {
    timeout: 90_000,
  }, async () => {
    const name = `brygga_t_abandon_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await createDatabaseFromTemplate(name);
    const dir = await mkdtemp(join(tmpdir(), 'brygga-abandon-'));
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      // An IdP to start a login at: the login looks it up, then stores its request.
      const { certificatePem } = await generateSelfSignedCertificate('abandoned');
      await writeFile(join(dir, 'idp.pem'), certificatePem);
      await writeFile(
        join(dir, 'rules.json'),
        JSON.stringify({ roleRules: [], commissions: { profile: 'INERA' } }),
      );
      const env = { ...PRODUCTION, DATABASE_URL: databaseUrl };
      await federation(env, ['rules', 'create', 'plain', '--file', join(dir, 'rules.json')]);
      await federation(env, [
        ...['idp', 'create', '--slug', 'kommun', '--name', 'Kommunen'],
        ...['--entity-id', 'urn:kommun:idp', '--sso-url', 'https://idp.invalid/sso'],
        ...['--cert', join(dir, 'idp.pem'), '--rule-set', 'plain'],
      ]);
      const run = start({ ...env, PORT: '0', LOG_LEVEL: 'info', SCHEDULER_ENABLED: 'false' });
      const base = await listening(run);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE identity_provider IN ACCESS EXCLUSIVE MODE');
      const client = new AbortController();
      const abandoned = fetch(`${base}/auth/saml/kommun/login`, {
        signal: client.signal,
        redirect: 'manual',
      }).catch(() => 'gave up');
      await untilWaitingOnLock(locker);
      client.abort();
      expect(await abandoned).toBe('gave up');
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(run.child.exitCode, run.output()).toBeNull();
      await locker.query('COMMIT');
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).not.toMatch(/Cannot use a pool|not written|"level":"error"/);
      // The login it started was stored: the handler ran to its end.
      const stored = await locker.query('SELECT count(*)::int AS n FROM identity_saml_request');
      expect(stored.rows[0].n).toBe(1);
    } finally {
      await locker.end();
      await dropDatabase(name);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops a scheduler that is still starting when SIGTERM arrives, then exits 0', {
    timeout: 400_000,
  }, async () => {
    const embedded = await embeddedDatabase('early', 23_000);
    const locker = new pg.Client({ connectionString: embedded.ownerUrl });
    locker.on('error', () => undefined);
    try {
      // Embedded: its database stops last, so a scheduler left starting would have its
      // connections cut under it.
      const run = start(embedded.env);
      // The scheduler starts after the server listens. On a new database it first installs
      // its own schema, then looks for an unfinished retention run: the lock holds it there.
      await listening(run, 200_000);
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE retention_run IN ACCESS EXCLUSIVE MODE');
      await untilWaitingOnLock(locker);
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      // Released only now: a shutdown that waits for the scheduler's start lets it finish.
      await locker.query('COMMIT').catch(() => undefined);
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).not.toMatch(/ERROR|failed|Node\.js v|"level":"error"/);
    } finally {
      await locker.end().catch(() => undefined);
      await rm(embedded.dataDir, { recursive: true, force: true });
    }
  });

  it("starts nothing more once SIGTERM came during the server's start", {
    timeout: 200_000,
  }, async () => {
    const name = `brygga_t_starting_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await createDatabaseFromTemplate(name);
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      // The server's start checks its token keys: the lock holds it there.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE identity_signing_key IN ACCESS EXCLUSIVE MODE');
      const run = start({
        ...PRODUCTION,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        LOG_LEVEL: 'info',
        SCHEDULER_ENABLED: 'true',
      });
      await untilWaitingOnLock(locker);
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await locker.query('COMMIT');
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain('stopping (SIGTERM)');
      expect(run.output()).not.toMatch(/Worker connected|ERROR|failed|"level":"error"/);
    } finally {
      await locker.end();
      await dropDatabase(name);
    }
  });
});
