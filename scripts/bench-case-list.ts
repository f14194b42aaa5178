/**
 * Throughput of the 50-case nested list, with and without patient fields in the
 * selection, measured in the same run against one server (authorization and the access
 * log on). Creates its own database in the PostgreSQL of BENCH_DATABASE_URL (default: the
 * machine's, 127.0.0.1:5432), migrates and seeds it, and drops it afterwards.
 *
 *   npx tsx scripts/bench-case-list.ts [seconds per run, default 15] [connections, default 8]
 */
// graphql-js skips its development-only checks when NODE_ENV is production at load time.
process.env.NODE_ENV = 'production';

import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { print } from 'graphql';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { seedDemoRegion } from '../src/db/seed/demo-region.js';
import { startServer } from '../src/http/app.js';
import { CaseListNestedDocument } from '../test/generated/graphql.js';
import { openTestSession } from '../test/support/idp/test-sessions.js';
import { principalFor } from '../test/support/server.js';

const seconds = Number(process.argv[2] ?? 15);
const connections = Number(process.argv[3] ?? 8);
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();

const SOCIAL_SOLNA = 'SE2120000183-SOC1';

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql);
  await client.end();
}

await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await adminQuery(`CREATE DATABASE ${name}`);
try {
  await migrate(databaseUrl);
  await seedDemoRegion(databaseUrl);
  // One unit takes part in every demo case, so its list has 50+ cases.
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  await owner.query(
    `INSERT INTO case_party (case_id, unit_id, role, joined_at)
     SELECT c.id, u.id, 'MUNICIPAL_SOCIAL_SERVICES', now() FROM "case" c, unit u
     WHERE u.hsa_id = $1 AND NOT EXISTS (
       SELECT 1 FROM case_party p WHERE p.case_id = c.id AND p.unit_id = u.id AND p.left_at IS NULL)`,
    [SOCIAL_SOLNA],
  );
  await owner.query(`UPDATE "case" SET consent = 'GIVEN'`);
  await owner.end();

  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
    SCHEDULER_ENABLED: 'false',
    IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    TRUSTED_DOCUMENTS: 'off',
    DATABASE_POOL_SIZE: '16',
  });
  const server = await startServer({ ...config, DATABASE_URL: databaseUrl });
  const principal = {
    ...principalFor(SOCIAL_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Bench'),
    sessionId: randomUUID(),
  };
  await openTestSession(server.identity, server.db.prisma, principal);
  const token = (await server.tokens.issueAccessToken({ ...principal })).token;

  const withPatient = print(CaseListNestedDocument);
  const withoutPatient = withPatient.replace(/\n\s+patient \{[^}]*\}/, '');
  if (withoutPatient === withPatient) throw new Error('could not remove the patient selection');

  const run = async (label: string, query: string) => {
    const result = await autocannon({
      url: `${server.url}/graphql`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { first: 50 } }),
    });
    const line = {
      label,
      requestsPerSecond: result.requests.average,
      p50ms: result.latency.p50,
      p99ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return line;
  };
  // Warm up, then measure both in the same run.
  await run('warm-up', withPatient);
  const a = await run('with patient fields', withPatient);
  const b = await run('without patient fields', withoutPatient);
  process.stdout.write(
    `\n50-case nested list, ${connections} connections, ${seconds} s each:\n` +
      `  with patient fields:    ${a.requestsPerSecond.toFixed(1)} req/s (p50 ${a.p50ms} ms, p99 ${a.p99ms} ms)\n` +
      `  without patient fields: ${b.requestsPerSecond.toFixed(1)} req/s (p50 ${b.p50ms} ms, p99 ${b.p99ms} ms)\n`,
  );
  const logRows = new pg.Client({ connectionString: databaseUrl });
  await logRows.connect();
  const { rows } = await logRows.query<{ n: string }>('SELECT count(*) AS n FROM access_log');
  process.stdout.write(`  access-log rows written during the run: ${rows[0]!.n}\n`);
  await logRows.end();
  await server.close();
} finally {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
