/**
 * Throughput of the 50-case nested list, with and without patient fields in the
 * selection, measured in the same run against one server (authorization and the access
 * log on). Creates its own database in the PostgreSQL of BENCH_DATABASE_URL (default: the
 * machine's, 127.0.0.1:5432), migrates and seeds it, and drops it afterwards.
 *
 *   npx tsx scripts/bench-case-list.ts [seconds per run, default 15] [connections, default 8] [requests/s]
 *
 * With a request rate, the requests are offered at that fixed rate, evenly spaced
 * (scripts/bench/paced-load.ts), instead of as many as the connections allow, so the
 * latencies are those of a server under a known load rather than of a saturated one.
 *
 * BENCH_EXTRA_CASES=200000 first bulk-inserts that many closed cases of another unit
 * (social services of Huddinge), as a region's year of cases would be, so the run shows
 * whether one page of the list costs the same however many cases the database holds.
 */
// graphql-js skips its development-only checks when NODE_ENV is production at load time.
// Static imports are hoisted above any statement, so everything that loads graphql is
// imported dynamically, after this line.
process.env.NODE_ENV = 'production';

const { print } = await import('graphql');
const { default: pg } = await import('pg');
const { readFileSync } = await import('node:fs');
const { migrate } = await import('../src/db/migrate.js');
const { seedDemoRegion } = await import('../src/db/seed/demo-region.js');
const { CaseListNestedDocument } = await import('../test/generated/graphql.js');
const { insertClosedCasesBulk } = await import('../test/support/retention-fixtures.js');
const { startInProcessApi } = await import('./bench/in-process-api.js');
const { failedBesidesStatus } = await import('./bench/load-results.js');
const { authorized, postGraphql } = await import('./bench/scenarios.js');

const seconds = Number(process.argv[2] ?? 15);
const connections = Number(process.argv[3] ?? 8);
const rate = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const extraCases = Number(process.env.BENCH_EXTRA_CASES ?? 0);
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();

const SOCIAL_SOLNA = 'SE2120000183-SOC1';
const SOCIAL_HUDDINGE = 'SE2120000175-SOC1';
const EXTRA_CASES_PER_STATEMENT = 25_000;

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
  if (extraCases > 0) {
    const started = Date.now();
    for (let offset = 0; offset < extraCases; offset += EXTRA_CASES_PER_STATEMENT) {
      await insertClosedCasesBulk(owner, {
        count: Math.min(EXTRA_CASES_PER_STATEMENT, extraCases - offset),
        offset,
        unitHsaId: SOCIAL_HUDDINGE,
        lastEntryAt: new Date('2025-06-01T10:00:00Z'),
        events: 1,
      });
    }
    await owner.query('VACUUM ANALYZE');
    process.stdout.write(
      `${extraCases} extra closed cases of ${SOCIAL_HUDDINGE} in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }
  await owner.end();

  const { server, token: mint } = await startInProcessApi(databaseUrl, SOCIAL_SOLNA, {
    DATABASE_POOL_SIZE: '16',
  });
  const token = await mint();

  const withPatient = print(CaseListNestedDocument);
  const withoutPatient = withPatient.replace(/\n\s+patient \{[^}]*\}/, '');
  if (withoutPatient === withPatient) throw new Error('could not remove the patient selection');

  // CPU time per request, this process (server and load generator) and the database's
  // backends apart: on a shared machine a throughput figure moves with the neighbours'
  // load, the CPU a request costs much less. The backends' time is read from /proc, so it
  // is known only when PostgreSQL runs on this machine (null otherwise).
  const postgresCpuMs = async (): Promise<number | null> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await client.end();
    let ticks = 0;
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        return null;
      }
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  };
  const run = async (label: string, query: string) => {
    const cpuBefore = process.cpuUsage();
    const pgBefore = await postgresCpuMs();
    const body = JSON.stringify({ query, variables: { first: 50 } });
    const result = await postGraphql(
      server.url,
      { connections, duration: seconds },
      authorized(token),
      () => body,
      rate,
    );
    const cpu = process.cpuUsage(cpuBefore);
    const pgAfter = await postgresCpuMs();
    const requests = Math.max(result.requests, 1);
    const line = {
      label,
      requestsPerSecond: result.requestsPerSecond,
      p50ms: result.latencyMs.p50,
      p99ms: result.latencyMs.p99,
      non2xx: result.non2xx,
      errors: failedBesidesStatus(result),
      nodeCpuMsPerRequest: Math.round((cpu.user + cpu.system) / 1000 / requests),
      postgresCpuMsPerRequest:
        pgBefore === null || pgAfter === null ? null : Math.round((pgAfter - pgBefore) / requests),
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
      `  with patient fields:    ${a.requestsPerSecond.toFixed(1)} req/s (p50 ${a.p50ms} ms, p99 ${a.p99ms} ms; CPU per request: ${a.nodeCpuMsPerRequest} ms node, ${a.postgresCpuMsPerRequest} ms postgres)\n` +
      `  without patient fields: ${b.requestsPerSecond.toFixed(1)} req/s (p50 ${b.p50ms} ms, p99 ${b.p99ms} ms; CPU per request: ${b.nodeCpuMsPerRequest} ms node, ${b.postgresCpuMsPerRequest} ms postgres)\n`,
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
