import pg from 'pg';

/**
 * Test databases live in the PostgreSQL named by TEST_DATABASE_URL (default: the
 * machine's, 127.0.0.1:5432, trust auth). global-setup.ts migrates and seeds a template
 * once; each test file clones it, which takes a fraction of a second.
 */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** One template per test run (global-setup sets it), so concurrent runs never collide. */
export function templateDatabase(): string {
  const name = process.env.BRYGGA_TEST_TEMPLATE;
  if (!name)
    throw new Error('BRYGGA_TEST_TEMPLATE is unset: run tests through vitest (global-setup.ts)');
  return name;
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabaseFromTemplate(name: string): Promise<string> {
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);
  });
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
