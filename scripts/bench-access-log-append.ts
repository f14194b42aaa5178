/**
 * What `access_log_append` costs the database per call, its current definition against the
 * one before it: the previous migration's definition is created next to it as
 * `access_log_append_before` (same body, another name) and the two are called in
 * alternating rounds on one connection, so both see the same machine load, the same log
 * and the same warm plans (neither is redefined between rounds).
 *
 *   npm run bench:append -- [rounds 20] [calls per round 25]
 *
 * Three kinds of call, as the API makes them: 50 rows of one user for the same 50 patients
 * again (a list page read again: the per-day patient set's rows already there), 50 rows for
 * 50 patients new that day, and one row without a case (a log review's own row). Prints
 * JSON: per kind and definition the median and p95 of the call's time in ms, measured by
 * the client around one `SELECT access_log_append(...)` with synchronous_commit off (the
 * commit's flush is the same for both), and, with the database on this machine, the
 * backend's CPU time per call.
 *
 * By default on a scratch database (migrated, then dropped): an empty register, so the
 * patient look-ups and party probes find nothing. With BENCH_APPEND_DATABASE_URL, on that
 * database as it is (seed:scale's, migrated): its patients, the unit with the most current
 * case parties, and its month partitions. The rows appended there stay in its log, chained
 * as any others; use a bench database only. BENCH_DATABASE_URL names the server for the
 * scratch database (default the machine's).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../src/db/migrate.js';
import { processCpuMs } from './bench/process-cpu.js';

const rounds = Number(process.argv[2] ?? 20);
const callsPerRound = Number(process.argv[3] ?? 25);
const existing = process.env.BENCH_APPEND_DATABASE_URL ?? null;
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_append_${process.pid}`;
const scratch = new URL(admin);
scratch.pathname = `/${name}`;
const databaseUrl = existing ?? scratch.toString();

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const DEFINITION = 'CREATE OR REPLACE FUNCTION access_log_append(';

/** The definitions of access_log_append in the migrations, oldest first. */
async function definitions(): Promise<{ migration: string; sql: string }[]> {
  const found = [];
  for (const m of await readMigrations()) {
    const sql = await readFile(join(MIGRATIONS_DIR, m.name, 'migration.sql'), 'utf8');
    const start = sql.indexOf(DEFINITION);
    if (start < 0) continue;
    const end = sql.indexOf('\n$$;', start);
    found.push({ migration: m.name, sql: sql.slice(start, end + 4) });
  }
  return found;
}

interface Setting {
  unitHsaId: string;
  patients: string[];
}

function entry(setting: Setting, user: number, patientId: string) {
  return {
    activity: 'READ',
    outcome: 'SUCCESS',
    user_hsa_id: `SE2321000016-U${String(user).padStart(4, '0')}`,
    user_name: 'Bench User',
    unit_hsa_id: setting.unitHsaId,
    provider_hsa_id: 'SE2321000016-0001',
    commission_hsa_id: `${setting.unitHsaId}C1`,
    purpose: 'Vård och behandling',
    patient_id: patientId,
    // The register's personnummer when the patient is in it (looked up by the function).
    personal_identity_number: setting.patients.length > 0 ? null : '191212121212',
    case_id: null,
    categories: ['IDENTITY', 'PLANNING'],
    request_id: randomUUID(),
    operation_name: 'BenchAppend',
    emergency_access: false,
    out_of_hours: false,
  };
}

function kinds(setting: Setting) {
  const pick = () =>
    setting.patients.length > 0
      ? setting.patients[Math.floor(Math.random() * setting.patients.length)]!
      : randomUUID();
  const samePatients = Array.from({ length: 50 }, pick);
  return {
    'page read again (50 rows, set rows exist)': () =>
      samePatients.map((p) => entry(setting, 1, p)),
    // A user of its own per round and call, so its set rows are new.
    'new patients (50 rows, 50 set rows added)': () => {
      const user = 1000 + Math.floor(Math.random() * 8999);
      return Array.from({ length: 50 }, () => entry(setting, user, pick()));
    },
    'one row without a case': () => [entry(setting, 3, pick())],
  };
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { calls: sorted.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)) };
}
const round = (n: number) => Math.round(n * 1000) / 1000;

const all = await definitions();
const current = all.at(-1)!;
const before = all.at(-2)!;
if (!existing) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
}
const client = new pg.Client({ connectionString: databaseUrl });
try {
  if (!existing) await migrate(databaseUrl);
  await client.connect();
  await client.query(
    before.sql.replace(DEFINITION, 'CREATE OR REPLACE FUNCTION access_log_append_before('),
  );
  const unit = await client.query<{ hsa_id: string }>(
    `SELECT u.hsa_id FROM unit u JOIN case_party cp ON cp.unit_id = u.id AND cp.left_at IS NULL
     GROUP BY u.hsa_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const patients = await client.query<{ id: string }>(
    'SELECT id FROM patient ORDER BY id LIMIT 5000',
  );
  const setting: Setting = {
    unitHsaId: unit.rows[0]?.hsa_id ?? 'SE2321000016-KS01',
    patients: patients.rows.map((r) => r.id),
  };
  const KINDS = kinds(setting);
  const FUNCTIONS = {
    [`before (${before.migration})`]: 'access_log_append_before',
    [`after (${current.migration})`]: 'access_log_append',
  };
  // The commit's WAL flush is the same for both and, on a shared disk, is most of a call's
  // time and most of its noise: left out, so what is timed is the function's own work.
  await client.query('SET synchronous_commit = off');
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
    .pid;
  // Warm-up: past PL/pgSQL's first five (custom) plans of every statement, both versions.
  for (const fn of Object.values(FUNCTIONS)) {
    for (let i = 0; i < 8; i++) {
      for (const make of Object.values(KINDS)) {
        await client.query(`SELECT ${fn}(now(), $1::jsonb)`, [JSON.stringify(make())]);
      }
    }
  }
  const loadBefore = loadavg();
  const times: Record<string, number[]> = {};
  const cpu: Record<string, number | null> = {};
  for (let r = 0; r < rounds; r++) {
    // Alternate which definition goes first, so neither always follows the other.
    const order = Object.entries(FUNCTIONS);
    if (r % 2 === 1) order.reverse();
    for (const [label, fn] of order) {
      for (const [kind, make] of Object.entries(KINDS)) {
        const key = `${kind} | ${label}`;
        times[key] ??= [];
        const bodies = Array.from({ length: callsPerRound }, () => JSON.stringify(make()));
        const cpu0 = processCpuMs(backend);
        for (const body of bodies) {
          const t0 = performance.now();
          await client.query(`SELECT ${fn}(now(), $1::jsonb)`, [body]);
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
        database: existing ? new URL(existing).pathname.slice(1) : 'scratch (migrated, empty)',
        patients: setting.patients.length,
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
  await client.query('DROP FUNCTION IF EXISTS access_log_append_before').catch(() => undefined);
  await client.end().catch(() => undefined);
  if (!existing) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
