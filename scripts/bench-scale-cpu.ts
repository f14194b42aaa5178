/**
 * CPU per request of the bench's (a) 50-case nested list and (b) one case in full detail,
 * on the seed:scale database (DATABASE_URL), with the API in this process: on a machine
 * shared with other work, the CPU a request costs moves much less than its rate.
 *
 *   npm run bench:scale-cpu -- [seconds, 10] [connections, 8] [rounds, 1] [scenarios, a,b]
 *
 * Each round runs (a) and then (b) after one warm-up of each; the lines are JSON, one per
 * run, with the API process's CPU (this process, so the load generator's small share is
 * included, the same for every variant) and the database backends' CPU per request.
 * With `postgraphile` among the scenarios, PostGraphile (scripts/bench/postgraphile-server.ts,
 * as `npm run bench` starts it) then runs the same two on the same data, its CPU read
 * from its own process (so without the load generator's share).
 * To profile, run the script under `node --cpu-prof --import tsx`. Every request is
 * authorized and logged as in production, so each run adds access-log rows (one per
 * patient and request): use a bench database.
 */
// graphql-js skips its development-only checks when NODE_ENV is production at load time;
// everything that loads graphql is imported after this line.
process.env.NODE_ENV = 'production';

const { default: pg } = await import('pg');
const { readFileSync } = await import('node:fs');
const { chooseFixtures } = await import('./bench/fixtures.js');
const { startInProcessApi } = await import('./bench/in-process-api.js');
const { startPostGraphile } = await import('./bench/processes.js');
const scenarios = await import('./bench/scenarios.js');

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 1);
const only = new Set((process.argv[5] ?? 'a,b').split(','));
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';

const owner = new pg.Client({ connectionString: databaseUrl });
await owner.connect();
const fixtures = await chooseFixtures(owner);

/** The CPU of this database's backends so far, from /proc (null when PostgreSQL is elsewhere). */
async function postgresCpuMs(): Promise<number | null> {
  const { rows } = await owner.query<{ pid: number }>(
    // Client backends only: autovacuum of the log's partitions would count at random.
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
       AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  let ms = 0;
  for (const { pid } of rows) {
    try {
      ms += processCpuMs(pid);
    } catch {
      return null;
    }
  }
  return ms;
}

const { server, token: mint } = await startInProcessApi(databaseUrl, fixtures.listUnit.hsaId, {
  DATABASE_POOL_SIZE: '10',
});
const token = await mint();
const settings = { connections, duration: seconds };

/** User and system CPU of a process so far, in ms, from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
}

/** This process's CPU, or another's (PostGraphile's) when `pid` is given. */
function cpuMs(pid?: number): number {
  if (pid !== undefined) return processCpuMs(pid);
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(
  label: string,
  run: () => ReturnType<typeof scenarios.caseList>,
  pid?: number,
) {
  const cpuBefore = cpuMs(pid);
  const pgBefore = await postgresCpuMs();
  const result = await run();
  const cpu = cpuMs(pid) - cpuBefore;
  const pgAfter = await postgresCpuMs();
  const requests = Math.max(result.requests, 1);
  const line = {
    label,
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    p50ms: result.latencyMs.p50,
    failed: result.non2xx + result.errors + result.timeouts + result.graphqlErrors,
    nodeCpuMsPerRequest: Number((cpu / requests).toFixed(2)),
    postgresCpuMsPerRequest:
      pgBefore === null || pgAfter === null
        ? null
        : Number(((pgAfter - pgBefore) / requests).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

try {
  const warm = { ...settings, duration: Math.min(5, seconds) };
  if (only.has('a')) await scenarios.caseList(server.url, token, warm);
  if (only.has('b')) await scenarios.caseDetail(server.url, token, fixtures, warm);
  for (let round = 1; round <= rounds; round++) {
    if (only.has('a'))
      await measure(`(a) round ${round}`, () => scenarios.caseList(server.url, token, settings));
    if (only.has('b'))
      await measure(`(b) round ${round}`, () =>
        scenarios.caseDetail(server.url, token, fixtures, settings),
      );
  }
} finally {
  await server.close();
}
try {
  if (only.has('postgraphile')) {
    const graphile = await startPostGraphile(databaseUrl, 10);
    try {
      const warm = { ...settings, duration: Math.min(5, seconds) };
      const list = () => scenarios.pgCaseList(graphile.url, fixtures.listUnit.id, settings);
      const detail = () => scenarios.pgCaseDetail(graphile.url, fixtures, settings);
      await scenarios.pgCaseList(graphile.url, fixtures.listUnit.id, warm);
      await scenarios.pgCaseDetail(graphile.url, fixtures, warm);
      for (let round = 1; round <= rounds; round++) {
        if (only.has('a')) await measure(`PostGraphile (a) round ${round}`, list, graphile.pid);
        if (only.has('b')) await measure(`PostGraphile (b) round ${round}`, detail, graphile.pid);
      }
    } finally {
      await graphile.stop();
    }
  }
} finally {
  await owner.end();
}
