import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ApiLoginNotConfinedError } from '../../../src/db/login-roles.js';
import { startServer } from '../../../src/http/app.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, item 1: the API's database session cannot become the purge role or the owner.
 * The test PostgreSQL trusts local logins, so the server logs in as brygga_api exactly as
 * a deployment with DATABASE_API_URL would; the owner here is a superuser (postgres).
 */
let server: TestServer;
let owner: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = (
    await server.owner.query<{ owner: string }>(
      `SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'case'`,
    )
  ).rows[0]!.owner;
});
afterAll(async () => {
  await server?.close();
});

/** Runs statements on one connection of the API's own pool, then throws it away. */
async function onApiConnection(statements: string[]): Promise<string> {
  const client = await server.db.pool.connect();
  try {
    for (const sql of statements) await client.query(sql);
    return 'succeeded';
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.release(true);
  }
}

describe("the API's database login", () => {
  it('is brygga_api acting as brygga_app, not the owner', async () => {
    const { rows } = await server.db.pool.query<{ login: string; role: string }>(
      'SELECT session_user AS login, current_user AS role',
    );
    expect(rows[0]).toEqual({ login: 'brygga_api', role: 'brygga_app' });
    expect(owner).not.toBe('brygga_api');
  });

  it('cannot SET ROLE to the purge role or the owner, nor get there another way', async () => {
    const attempts = [
      ['SET ROLE brygga_retention'],
      [`SET ROLE ${owner}`],
      ['RESET ROLE', 'SET ROLE brygga_retention'],
      ['RESET ROLE', `SET ROLE ${owner}`],
      ['BEGIN', 'SET LOCAL ROLE brygga_retention'],
      [`SET SESSION AUTHORIZATION ${owner}`],
      [`SELECT set_config('role', 'brygga_retention', false)`],
    ];
    for (const statements of attempts) {
      expect(await onApiConnection(statements), statements.join('; ')).toMatch(/permission denied/);
    }
  });

  it('cannot call the purge function nor delete what only the purge role may', async () => {
    expect(await onApiConnection([`SELECT retention_purge_cases('{}'::uuid[])`])).toMatch(
      /permission denied/,
    );
    expect(await onApiConnection(['DELETE FROM identity_event'])).toMatch(/permission denied/);
  });
});

describe('the start refuses an API login that reaches more than the application role', () => {
  const config = (databaseApiUrl: string) => ({
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: server.databaseUrl,
      DATABASE_API_URL: databaseApiUrl,
    }),
    DATABASE_URL: server.databaseUrl,
  });

  it('refuses the owner login (the old set-up: DATABASE_URL for everything)', async () => {
    await expect(startServer(config(server.databaseUrl))).rejects.toBeInstanceOf(
      ApiLoginNotConfinedError,
    );
  });

  it('refuses a plain login that was also granted the purge role', async () => {
    const login = `brygga_t_login_${randomBytes(4).toString('hex')}`;
    await server.owner.query(`CREATE ROLE ${login} LOGIN`);
    try {
      await server.owner.query(`GRANT brygga_app, brygga_retention TO ${login}`);
      const url = new URL(server.databaseUrl);
      url.username = login;
      await expect(startServer(config(url.toString()))).rejects.toThrow(/brygga_retention/);
    } finally {
      await server.owner.query(`DROP ROLE ${login}`);
    }
  });
});
