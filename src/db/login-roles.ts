import type pg from 'pg';

/**
 * Which PostgreSQL login each part of Brygga uses. The owner login (DATABASE_URL) applies
 * migrations and runs the scheduler and the retention runner; the API's HTTP requests use a
 * login of their own (DATABASE_API_URL), a member of the application role only, so that
 * no statement an API session can send — `SET ROLE`, `RESET ROLE`, `SET SESSION
 * AUTHORIZATION` — reaches the owner or the purge role (brygga_retention).
 */

/** The API's login, created by the migration 20261203126100_api_login_role. */
export const API_LOGIN = 'brygga_api';

export class ApiLoginUrlMissingError extends Error {
  constructor() {
    super(
      `DATABASE_URL logs in with a password, so the API's login ${API_LOGIN} needs one too: ` +
        `set its password and DATABASE_API_URL (README "Database roles")`,
    );
    this.name = 'ApiLoginUrlMissingError';
  }
}

/**
 * The API's connection string: DATABASE_API_URL when given; otherwise DATABASE_URL's
 * server and database with the user brygga_api and no password, which serves a PostgreSQL
 * that trusts local logins (tests, development). A DATABASE_URL with a password says the
 * server does not trust them: that start is refused by name rather than failing later in
 * the driver's SCRAM exchange.
 */
export function apiDatabaseUrl(config: {
  DATABASE_URL: string;
  DATABASE_API_URL?: string | undefined;
}): string {
  if (config.DATABASE_API_URL) return config.DATABASE_API_URL;
  const url = new URL(config.DATABASE_URL);
  if (url.password !== '') throw new ApiLoginUrlMissingError();
  url.username = API_LOGIN;
  url.password = '';
  return url.toString();
}

export class ApiLoginNotConfinedError extends Error {
  constructor(login: string, reaches: string) {
    super(
      `the API's database login ${login} must be a member of the application role only, but it reaches ${reaches}; ` +
        'give the API a login of its own (DATABASE_API_URL, README "Database roles")',
    );
    this.name = 'ApiLoginNotConfinedError';
  }
}

/**
 * Refuses to serve through a login that could become more than the application role: a
 * superuser, a role with BYPASSRLS or CREATEROLE, or a member (directly or through others)
 * of any role but `appRole`, the owner and brygga_retention included.
 */
export async function assertApiLoginConfined(pool: pg.Pool, appRole: string): Promise<void> {
  const { rows } = await pool.query<{ login: string; privileged: boolean; reaches: string[] }>(
    `SELECT session_user AS login,
            (SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = session_user) AS privileged,
            ARRAY(SELECT r.rolname::text FROM pg_roles r
                  WHERE r.rolname NOT IN (session_user, $1)
                    AND pg_has_role(session_user, r.oid, 'MEMBER')
                  ORDER BY r.rolname) AS reaches`,
    [appRole],
  );
  const row = rows[0]!;
  if (row.privileged) throw new ApiLoginNotConfinedError(row.login, 'superuser-like rights');
  if (row.reaches.length > 0) throw new ApiLoginNotConfinedError(row.login, row.reaches.join(', '));
}
