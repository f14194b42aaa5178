/**
 * Why a second API process gains nothing on this machine, and what more cores would give
 * (issue 17, "scale out"): (a), the 50-case nested list, with 1 and 2 API processes, the
 * API pinned to cores of its own where the machine has them (taskset), the database's
 * backends of this run and this process (the load generator) pinned to the others, and
 * the CPU time each of the three spends per request counted from /proc. On a shared
 * machine the rates say little; the CPU per request says how many cores each part needs
 * for a given rate, whatever else ran.
 *
 *   DATABASE_URL=…/brygga_scale npm run bench:scale-out -- [--duration 10] [--connections 8]
 *     [--runs 1@0,2@0,2@0-1]     (API processes @ the API's cores)
 *     [--others 1]               (cores of the database backends and the load generator)
 *
 * Needs the database server on this machine (its backends are pinned and measured) and
 * taskset (util-linux). Prints JSON.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { chooseFixtures, connectIdentity, tokenFor } from './bench/fixtures.js';
import { failedBesidesStatus } from './bench/load-results.js';
import { processCpuMs } from './bench/process-cpu.js';
import { startBrygga } from './bench/processes.js';
import * as scenarios from './bench/scenarios.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    runs: { type: 'string', default: '1@0,2@0,2@0-1' },
    others: { type: 'string', default: '1' },
  },
});
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';
const settings = { duration: Number(flags.duration), connections: Number(flags.connections) };
const identityEnv = {
  PUBLIC_URL: 'https://127.0.0.1:4999',
  IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  IDENTITY_ACCESS_TOKEN_SECONDS: '3600',
};
const log = (line: string) => process.stderr.write(`scale-out: ${line}\n`);

/** A process and its children (the API's primary and its cluster workers). */
function tree(root: number): number[] {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === `${root}`;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [root, ...children.flatMap(tree)];
}

/** The backends serving this database (the API's pool and this process's connections). */
async function backends(owner: pg.Client): Promise<number[]> {
  const { rows } = await owner.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows.map((r) => r.pid);
}

const sum = (pids: number[]) => pids.reduce((t, p) => t + (processCpuMs(p) ?? 0), 0);

async function main(): Promise<void> {
  // The load generator (this process, autocannon runs in it) on the other cores.
  execFileSync('taskset', ['-a', '-p', '-c', flags.others, String(process.pid)]);
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  const fixtures = await chooseFixtures(owner);
  const results = [];
  for (const run of flags.runs.split(',')) {
    const [processes, apiCpus] = run.split('@') as [string, string];
    const server = await startBrygga(
      {
        ...identityEnv,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '10',
        LOG_LEVEL: 'error',
        SCHEDULER_ENABLED: 'false',
        TRUSTED_DOCUMENTS: 'off',
        SEED_DEMO: 'false',
      },
      Number(processes),
      apiCpus.replace('-', ','),
    );
    const services = await connectIdentity(databaseUrl, identityEnv);
    try {
      const staff = await tokenFor(services, fixtures.listUnit.hsaId, ['SOCIAL_SERVICES_STAFF']);
      await scenarios.caseList(server.url, staff, { ...settings, duration: 5 }); // warm-up
      // The pools have their connections now: their backends go to the other cores.
      const db = await backends(owner);
      for (const pid of db) execFileSync('taskset', ['-p', '-c', flags.others, String(pid)]);
      const api = tree(server.pid);
      const before = { api: sum(api), db: sum(db), load: process.cpuUsage(), load1: loadavg()[0]! };
      const a = await scenarios.caseList(server.url, staff, settings);
      const load = process.cpuUsage(before.load);
      const perRequest = (ms: number) => Math.round((ms / Math.max(1, a.requests)) * 100) / 100;
      const result = {
        processes: Number(processes),
        apiCores: apiCpus,
        otherCores: flags.others,
        requestsPerSecond: a.requestsPerSecond,
        latencyMs: a.latencyMs,
        requests: a.requests,
        failed: a.non2xx + failedBesidesStatus(a),
        cpuMsPerRequest: {
          api: perRequest(sum(api) - before.api),
          database: perRequest(sum(db) - before.db),
          loadGenerator: perRequest((load.user + load.system) / 1000),
        },
        loadAverage: { start: before.load1, end: loadavg()[0]! },
      };
      log(JSON.stringify(result));
      results.push(result);
    } finally {
      await services.db.close();
      await server.stop();
    }
  }
  await owner.end();
  process.stdout.write(
    `${JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, settings, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`scale-out: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
