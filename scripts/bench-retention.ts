/**
 * Purges 1,000,000 expired cases with their events while the API serves reads, and
 * reports the total time, the longest lock the purge held, and the API's latency before
 * and during the purge (issue: retention). Creates its own database in the PostgreSQL of
 * BENCH_DATABASE_URL (default: the machine's, 127.0.0.1:5432), seeds it, drops it after.
 *
 *   npx tsx scripts/bench-retention.ts [cases, default 1000000] [largest batch, default 1000]
 *
 * BENCH_RETENTION_DATABASE=<name> reuses a database an earlier run left (it is then kept):
 * expired cases are topped up to the number asked for, and an unfinished run is closed.
 *
 * The batch size is the most a batch may take; the runner sizes batches to ~400 ms.
 * Writes docs/bench/retention.json and prints a markdown summary.
 */
process.env.NODE_ENV = 'production';

import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { encodeGlobalID } from '@pothos/plugin-relay';
import cliProgress from 'cli-progress';
import { print } from 'graphql';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { seedDemoRegion } from '../src/db/seed/demo-region.js';
import type { RunReport } from '../src/retention/run.js';
import { CaseByIdDocument } from '../test/generated/graphql.js';
import { insertClosedCasesBulk } from '../test/support/retention-fixtures.js';
import { startInProcessApi } from './bench/in-process-api.js';
import type { LoadResult } from './bench/load.js';
import { failedBesidesStatus } from './bench/load-results.js';
import { authorized, postGraphql } from './bench/scenarios.js';

const cases = Number(process.argv[2] ?? 1_000_000);
const batchSize = Number(process.argv[3] ?? 1000);
const READ_RATE = 20;
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const reuse = process.env.BENCH_RETENTION_DATABASE;
const name = reuse ?? `brygga_bench_retention_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const SOCIAL_SOLNA = 'SE2120000183-SOC1';
const SOCIAL_HUDDINGE = 'SE2120000175-SOC1';

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql);
  await client.end();
}

if (!reuse) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
}
try {
  await migrate(databaseUrl);
  if (!reuse) await seedDemoRegion(databaseUrl);
  const owner = new pg.Client({ connectionString: databaseUrl });
  owner.on('error', () => undefined);
  await owner.connect();
  // A run an earlier, interrupted benchmark left is closed, so this one starts afresh.
  await owner.query(
    `INSERT INTO retention_run_event (run_id, kind, actor, login, error)
     SELECT id, 'FAILED', 'bench-retention', session_user, 'benchmark interrupted'
     FROM retention_run_record WHERE status = 'RUNNING'`,
  );
  const present = Number(
    (await owner.query(`SELECT count(*) AS n FROM "case" WHERE reference LIKE 'BULK-%'`)).rows[0].n,
  );
  const seedStarted = performance.now();
  // Numbers already used by an earlier run are skipped (the fixture ignores them).
  let offset = reuse ? 1_200_000 + (Date.now() % 2_000_000) : 0;
  const bar = new cliProgress.SingleBar({
    format: 'seeding [{bar}] {value}/{total} expired cases',
  });
  bar.start(cases, present);
  for (let have = present; have < cases; ) {
    const count = Math.min(25_000, cases - have);
    await insertClosedCasesBulk(owner, {
      count,
      offset,
      unitHsaId: SOCIAL_HUDDINGE,
      lastEntryAt: new Date('2019-06-01T10:00:00Z'),
      events: 3,
    });
    offset += count;
    have = Number(
      (await owner.query(`SELECT count(*) AS n FROM "case" WHERE reference LIKE 'BULK-%'`)).rows[0]
        .n,
    );
    bar.update(have);
  }
  bar.stop();
  await owner.query('VACUUM ANALYZE');
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const rowsBefore = (
    await owner.query<{ cases: string; events: string }>(
      `SELECT (SELECT count(*) FROM "case") AS cases, (SELECT count(*) FROM case_event) AS events`,
    )
  ).rows[0]!;

  // The API, reading a demo case of a unit in Solna in full (untouched by the purge).
  const readCase = (
    await owner.query<{ id: string }>(
      `SELECT cp.case_id AS id FROM case_party cp JOIN unit u ON u.id = cp.unit_id
       WHERE u.hsa_id = $1 AND cp.left_at IS NULL LIMIT 1`,
      [SOCIAL_SOLNA],
    )
  ).rows[0]!.id;
  const { server, token: freshToken } = await startInProcessApi(databaseUrl, SOCIAL_SOLNA);
  // A fresh access token per window: a purge outlasts a token's lifetime.
  const reads = async (duration: number) => {
    const token = await freshToken();
    const body = JSON.stringify({
      query: print(CaseByIdDocument),
      variables: { id: encodeGlobalID('Case', readCase) },
    });
    // Evenly paced (scripts/bench/paced-load.ts): a read every 50 ms, not 20 at each second's start.
    return postGraphql(
      server.url,
      { connections: 4, duration },
      authorized(token),
      () => body,
      READ_RATE,
    );
  };
  const latency = (r: LoadResult) => ({
    requests: r.requests,
    p50ms: r.latencyMs.p50,
    p99ms: r.latencyMs.p99,
    maxMs: r.latencyMs.max,
    non2xx: r.non2xx,
    // Socket errors, timeouts and GraphQL errors: a read answered with errors during the
    // purge (status 200) failed as much as one that never came back.
    errors: failedBesidesStatus(r),
  });
  await reads(5);
  const baseline = latency(await reads(15));

  // The purge, in its own process as an operator would start it, while the API reads.
  // A watcher samples how long the purge's open transaction has been running.
  let longestObservedMs = 0;
  const watcher = new pg.Client({ connectionString: databaseUrl });
  watcher.on('error', () => undefined);
  await watcher.connect();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const { rows } = await watcher.query<{ ms: number | null }>(
        `SELECT max(extract(epoch FROM clock_timestamp() - xact_start) * 1000)::float AS ms
         FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'brygga-retention'
           AND state <> 'idle' AND backend_xid IS NOT NULL`,
      );
      longestObservedMs = Math.max(longestObservedMs, rows[0]?.ms ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const purgeStarted = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/retention.ts',
      'run',
      '--batch-size',
      String(batchSize),
      '--started-by',
      'bench',
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: `${databaseUrl}?application_name=brygga-retention`,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const finished = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const duringResults: LoadResult[] = [];
  let purging = true;
  void finished.then(() => (purging = false));
  while (purging) duringResults.push(await reads(10));
  const exitCode = await finished;
  const purgeSeconds = (performance.now() - purgeStarted) / 1000;
  watching = false;
  await watch;
  await watcher.end();
  if (exitCode !== 0) throw new Error(`retention exited ${exitCode}`);
  const refused = duringResults.reduce((sum, r) => sum + r.non2xx, 0);
  if (refused > 0) process.stderr.write(`bench: ${refused} reads were refused during the purge\n`);
  const report = JSON.parse(stdout) as RunReport;

  const all = duringResults.flatMap((r) => [r]);
  const during = {
    windows: all.length,
    requests: all.reduce((s, r) => s + r.requests, 0),
    p50msWorstWindow: Math.max(...all.map((r) => r.latencyMs.p50)),
    p99msWorstWindow: Math.max(...all.map((r) => r.latencyMs.p99)),
    p99msMedianWindow: all.map((r) => r.latencyMs.p99).sort((a, b) => a - b)[
      Math.floor(all.length / 2)
    ],
    maxMs: Math.max(...all.map((r) => r.latencyMs.max)),
    non2xx: all.reduce((s, r) => s + r.non2xx, 0),
    errors: all.reduce((s, r) => s + failedBesidesStatus(r), 0),
  };
  const rowsAfter = (
    await owner.query<{ cases: string; events: string }>(
      `SELECT (SELECT count(*) FROM "case") AS cases, (SELECT count(*) FROM case_event) AS events`,
    )
  ).rows[0]!;
  await owner.end();
  await server.close();

  const caseLine = report.items.find((i) => i.recordClass === 'CASE' && i.purged > 0);
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    expiredCases: cases,
    eventsPerCase: 3,
    batchSize,
    seedSeconds: Math.round(seedSeconds),
    before: rowsBefore,
    after: rowsAfter,
    purge: {
      seconds: Math.round(purgeSeconds * 10) / 10,
      casesPerSecond: Math.round((caseLine?.purged ?? 0) / purgeSeconds),
      purged: caseLine?.purged ?? 0,
      rows: caseLine?.rows ?? {},
      batches: report.stats.batches,
      longestPurgeTransactionMs: Math.round(report.stats.longestTransactionMs),
      longestObservedTransactionMs: Math.round(longestObservedMs),
      status: report.status,
    },
    api: { readRatePerSecond: READ_RATE, baseline, during },
  };
  await mkdir('docs/bench', { recursive: true });
  await writeFile('docs/bench/retention.json', `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `\n## Retention purge: ${cases.toLocaleString('en')} expired cases, ${result.purge.rows.case_event ?? 0} events\n\n` +
      `| measure | value |\n|---|---|\n` +
      `| total purge time | ${result.purge.seconds} s (${result.purge.casesPerSecond} cases/s) |\n` +
      `| batches (adaptive, at most ${batchSize} cases) | ${result.purge.batches} |\n` +
      `| longest purge transaction (row locks held) | ${result.purge.longestPurgeTransactionMs} ms |\n` +
      `| longest retention transaction seen by pg_stat_activity | ${result.purge.longestObservedTransactionMs} ms |\n` +
      `| API reads (${READ_RATE}/s) before: p50 / p99 | ${baseline.p50ms} / ${baseline.p99ms} ms |\n` +
      `| API reads during, median window p99 / worst window p99 / max | ${during.p99msMedianWindow} / ${during.p99msWorstWindow} / ${during.maxMs} ms |\n` +
      `| API failed reads (errors, timeouts, GraphQL errors) / non-2xx during | ${during.errors} / ${during.non2xx} |\n`,
  );
} finally {
  if (!reuse) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
