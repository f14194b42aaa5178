/**
 * CPU per request of the bench's (a) 50-case nested list and (b) one case in full detail,
 * on the seed:scale database (DATABASE_URL), with the API in this process: on a machine
 * shared with other work, the CPU a request costs moves much less than its rate.
 *
 *   npm run bench:scale-cpu -- [seconds, 10] [connections, 8] [rounds, 1] [scenarios, a,b]
 *
 * Scenarios: a, b, and d (the log review of one patient, as a security officer).
 * Each round runs (a), (b) and (d), those asked for, after one warm-up of each; the lines are JSON, one per
 * run, with the API process's CPU (this process, so the load generator's small share is
 * included, the same for every variant) and the database backends' CPU per request.
 * With `postgraphile` among the scenarios, PostGraphile (scripts/bench/postgraphile-server.ts,
 * as `npm run bench` starts it) then runs the same two on the same data, its CPU read
 * from its own process (so without the load generator's share).
 * To see where the time goes, `npm run bench:profile`; to compare with another commit on
 * this drifting machine, `npm run bench:ab`. Every request is authorized and logged as in
 * production, so each run adds access-log rows (one per patient and request): use a bench
 * database.
 */
// graphql-js skips its development-only checks when NODE_ENV is production at load time;
// everything that loads graphql is imported after this line.
process.env.NODE_ENV = 'production';

const { default: pg } = await import('pg');
const { existsSync } = await import('node:fs');
const { analyzeLikeAutovacuum } = await import('./bench/autoanalyze.js');
const { IN_PROCESS_SCENARIOS, startInProcessScenarios } = await import(
  './bench/in-process-scenarios.js'
);
const { failedBesidesStatus } = await import('./bench/load-results.js');
const { processCpuMs } = await import('./bench/process-cpu.js');
const { startPostGraphile } = await import('./bench/processes.js');
const scenarios = await import('./bench/scenarios.js');

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 1);
const only = new Set((process.argv[5] ?? 'a,b').split(','));
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';

const owner = new pg.Client({ connectionString: databaseUrl });
await owner.connect();

/** Whether PostgreSQL runs on this machine: its backends' CPU is then in /proc. */
const postgresHere = existsSync(
  `/proc/${(await owner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid}`,
);

/**
 * The CPU of this database's client backends per pid so far, from /proc. A backend that
 * ended since the list was read is left out.
 */
async function backendCpuMs(): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>(
    // Client backends only: autovacuum of the log's partitions would count at random.
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
       AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) cpu.set(pid, ms);
    else if (existsSync(`/proc/${pid}`)) throw new Error(`cannot read /proc/${pid}/stat`);
  }
  return cpu;
}

/**
 * The backends' CPU over `run`, sampled every half second: the pool closes a connection
 * that has been idle for ten seconds, and its backend's CPU would otherwise drop out of
 * the sum (making a run look cheaper than it was); its last sample is its final figure.
 */
async function postgresCpuOver<T>(
  run: () => Promise<T>,
): Promise<{ result: T; ms: number | null }> {
  if (!postgresHere) return { result: await run(), ms: null };
  const start = await backendCpuMs();
  const last = new Map(start);
  const sample = async () => {
    for (const [pid, ms] of await backendCpuMs()) last.set(pid, ms);
  };
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample);
  }, 500);
  try {
    const result = await run();
    clearInterval(timer);
    await sampling;
    await sample();
    let ms = 0;
    for (const [pid, end] of last) ms += end - (start.get(pid) ?? 0);
    return { result, ms };
  } finally {
    clearInterval(timer);
  }
}

const api = await startInProcessScenarios(owner, databaseUrl, only);
const { fixtures } = api;
const settings = { connections, duration: seconds };

/** This process's CPU, or another's (PostGraphile's) when `pid` is given. */
function cpuMs(pid?: number): number {
  if (pid !== undefined) {
    const ms = processCpuMs(pid);
    if (ms === null) throw new Error(`cannot read /proc/${pid}/stat`);
    return ms;
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(
  label: string,
  run: () => ReturnType<typeof scenarios.caseList>,
  pid?: number,
) {
  // As autovacuum would have by now (off on this machine): see scripts/bench/autoanalyze.ts.
  await analyzeLikeAutovacuum(owner);
  const cpuBefore = cpuMs(pid);
  const { result, ms: pgMs } = await postgresCpuOver(run);
  const cpu = cpuMs(pid) - cpuBefore;
  const requests = Math.max(result.requests, 1);
  const line = {
    label,
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    p50ms: result.latencyMs.p50,
    failed: result.non2xx + failedBesidesStatus(result),
    nodeCpuMsPerRequest: Number((cpu / requests).toFixed(2)),
    postgresCpuMsPerRequest: pgMs === null ? null : Number((pgMs / requests).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

try {
  const asked = IN_PROCESS_SCENARIOS.filter((scenario) => only.has(scenario));
  const warm = { ...settings, duration: Math.min(5, seconds) };
  for (const scenario of asked) await api.run(scenario, warm);
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of asked) {
      await measure(`(${scenario}) round ${round}`, () => api.run(scenario, settings));
    }
  }
} finally {
  await api.close();
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
