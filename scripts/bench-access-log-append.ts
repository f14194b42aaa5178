/**
 * What the per-day patient set (migration 20261207300000_access_log_day_patients) costs
 * every access-log append: `access_log_append` timed with the set and with
 * `access_log_day_patient_add` replaced by a function that does nothing, in alternating
 * rounds on one scratch database, so both see the same machine load and the same log.
 *
 *   npm run bench:append -- [rounds 20] [calls per round 25]
 *
 * Three kinds of call, as the API makes them: 50 rows of one user for the same 50 patients
 * again (a list page read again: every set row already there), 50 rows for 50 patients new
 * that day (every set row inserted) and one row (a case read). Prints JSON: per kind and
 * variant the median and p95 of the call's time in ms, measured by the client around one
 * `SELECT access_log_append(...)` with synchronous_commit off (the commit's flush is not the
 * set's cost), and, with the database on this machine, the backend's CPU time per call. BENCH_DATABASE_URL names the server (default the
 * machine's); the scratch database is dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { processCpuMs } from './bench/process-cpu.js';

const rounds = Number(process.argv[2] ?? 20);
const callsPerRound = Number(process.argv[3] ?? 25);
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_append_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${name}`;

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** In place of the set's writer: the append as it was before the set. */
const WITHOUT_SET = `CREATE OR REPLACE FUNCTION access_log_day_patient_add(appended access_log[]) RETURNS void
LANGUAGE plpgsql AS $$ BEGIN END $$`;

function entry(user: number, patientId: string) {
  return {
    activity: 'READ',
    outcome: 'SUCCESS',
    user_hsa_id: `SE2321000016-U${String(user).padStart(4, '0')}`,
    user_name: 'Bench User',
    unit_hsa_id: 'SE2321000016-KS01',
    provider_hsa_id: 'SE2321000016-0001',
    commission_hsa_id: 'SE2321000016-KS01C1',
    purpose: 'Vård och behandling',
    patient_id: patientId,
    personal_identity_number: '191212121212',
    case_id: null,
    categories: ['IDENTITY', 'PLANNING'],
    request_id: randomUUID(),
    operation_name: 'BenchAppend',
    emergency_access: false,
    out_of_hours: false,
  };
}

const samePatients = Array.from({ length: 50 }, () => randomUUID());
const KINDS = {
  'page read again (50 rows, set rows exist)': () => samePatients.map((p) => entry(1, p)),
  'new patients (50 rows, 50 set rows added)': () =>
    Array.from({ length: 50 }, () => entry(2, randomUUID())),
  'one row': () => [entry(3, randomUUID())],
} as const;
type Kind = keyof typeof KINDS;

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { calls: sorted.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)) };
}
const round = (n: number) => Math.round(n * 1000) / 1000;

await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await adminQuery(`CREATE DATABASE ${name}`);
const client = new pg.Client({ connectionString: url.toString() });
try {
  await migrate(url.toString());
  await client.connect();
  // The set's writer as migrated, to put back in the rounds that have it.
  const { rows } = await client.query<{ definition: string }>(
    `SELECT pg_get_functiondef('access_log_day_patient_add(access_log[])'::regprocedure) AS definition`,
  );
  const WITH_SET = rows[0]!.definition;
  // The commit's WAL flush is the same with and without the set and, on a shared disk, is
  // most of a call's time (tens of ms) and most of its noise: left out, so what is timed is
  // the function's own work, chain lock included.
  await client.query('SET synchronous_commit = off');
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
    .pid;
  const loadBefore = loadavg();
  const times: Record<string, number[]> = {};
  const cpu: Record<string, number | null> = {};
  // Warm-up: the first calls plan the function's statements and create the month.
  for (const make of Object.values(KINDS)) {
    await client.query('SELECT access_log_append(now(), $1::jsonb)', [JSON.stringify(make())]);
  }
  for (let round = 0; round < rounds; round++) {
    // Alternate which variant goes first, so neither always follows the other.
    const order = round % 2 === 0 ? ['with set', 'without set'] : ['without set', 'with set'];
    for (const variant of order) {
      await client.query(variant === 'with set' ? WITH_SET : WITHOUT_SET);
      for (const [kind, make] of Object.entries(KINDS) as [Kind, () => unknown[]][]) {
        const key = `${kind} | ${variant}`;
        times[key] ??= [];
        const bodies = Array.from({ length: callsPerRound }, () => JSON.stringify(make()));
        const cpu0 = processCpuMs(backend);
        for (const body of bodies) {
          const t0 = performance.now();
          await client.query('SELECT access_log_append(now(), $1::jsonb)', [body]);
          times[key].push(performance.now() - t0);
        }
        const cpu1 = processCpuMs(backend);
        cpu[key] = cpu0 === null || cpu1 === null ? null : (cpu[key] ?? 0) + cpu1 - cpu0;
      }
    }
  }
  const results = Object.fromEntries(
    Object.entries(times).map(([k, v]) => [
      k,
      { ...summary(v), backendCpuMsPerCall: cpu[k] == null ? null : round(cpu[k]! / v.length) },
    ]),
  );
  process.stdout.write(
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        cores: cpus().length,
        loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
        rounds,
        callsPerRound,
        results,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await client.end().catch(() => undefined);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
