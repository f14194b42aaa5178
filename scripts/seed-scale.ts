/**
 * Seeds a region-year at scale, deterministically: the same sizes and seed give the same
 * data, byte for byte. 30 municipalities and districts, 60 wards, 200 primary-care units,
 * 13 000 users, 100 000 cases decided by the real workflow commands, and 10 million
 * hash-chained access-log rows, bulk-loaded with COPY. See docs/performance.md.
 *
 *   DATABASE_URL=postgresql://…/brygga_scale npm run seed:scale -- [--cases 100000]
 *     [--log-rows 10000000] [--users 13000] [--areas 30] [--wards 60] [--primary-care 200]
 *     [--residents N] [--end 2026-11-01] [--days 365] [--seed brygga] [--jobs 2] [--reset] [--json]
 *     [--digest]
 *
 * Without DATABASE_URL it uses (and creates) brygga_scale on postgresql://postgres@127.0.0.1:5432.
 * The database is migrated first; it must hold no organisations yet (--reset drops and
 * recreates it). --json prints a summary (sizes, counts, timings, digests with --digest).
 */
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { type LoggedCase, loadMonth, monthsOf } from './seed-scale-access-log.js';
import { type SimulatedCase, simulateCase } from './seed-scale-cases.js';
import { digestTables, type TableDigest } from './seed-scale-digest.js';
import { TableFiles } from './seed-scale-files.js';
import { Prng } from './seed-scale-prng.js';
import { buildRegion, type ScaleRegion } from './seed-scale-region.js';

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    'log-rows': { type: 'string', default: '10000000' },
    users: { type: 'string', default: '13000' },
    areas: { type: 'string', default: '30' },
    wards: { type: 'string', default: '60' },
    'primary-care': { type: 'string', default: '200' },
    residents: { type: 'string' },
    end: { type: 'string', default: '2026-11-01' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: 'brygga' },
    reset: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    digest: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '2' },
  },
});

function count(name: string, min: number): number {
  const value = Number(flags[name as keyof typeof flags]);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`seed-scale: --${name} must be an integer of at least ${min}\n`);
    process.exit(64);
  }
  return value;
}

const sizes = {
  cases: count('cases', 1),
  logRows: count('log-rows', 0),
  users: count('users', 1),
  areas: count('areas', 1),
  wards: count('wards', 1),
  primaryCareUnits: count('primary-care', 1),
  residents: flags.residents ? count('residents', 1) : 0,
  days: count('days', 1),
  jobs: count('jobs', 1),
};
if (!sizes.residents) sizes.residents = Math.max(1, Math.round(sizes.cases * 0.8));
const end = new Date(`${flags.end}T00:00:00Z`);
if (Number.isNaN(end.getTime())) {
  process.stderr.write('seed-scale: --end must be a date, YYYY-MM-DD\n');
  process.exit(64);
}
const start = new Date(end.getTime() - sizes.days * 86_400_000);

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';

async function ensureDatabase(): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    if (flags.reset) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

const timings: Record<string, number> = {};
async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = Math.round(performance.now() - t0) / 1000;
  }
}

const TABLES: Record<string, readonly string[]> = {
  organization: [
    'id',
    'hsa_id',
    'name',
    'kind',
    'org_number',
    'municipality_code',
    'parent_id',
    'created_at',
  ],
  unit: [
    'id',
    'hsa_id',
    'name',
    'kind',
    'organization_id',
    'municipality_code',
    'phone',
    'email',
    'address',
    'created_at',
  ],
  population_register_entry: [
    'personal_identity_number',
    'given_name',
    'family_name',
    'protected_identity',
    'municipality_code',
    'home_organization_hsa_id',
    'updated_at',
  ],
  primary_care_listing: ['personal_identity_number', 'unit_id', 'listed_since'],
  patient: [
    'id',
    'personal_identity_number',
    'identity_kind',
    'given_name',
    'family_name',
    'protected_identity',
    'home_municipality_code',
    'home_organization_id',
    'created_at',
    'updated_at',
  ],
  case: [
    'id',
    'reference',
    'patient_id',
    'status',
    'psychiatric',
    'compulsory_care',
    'consent',
    'fixed_care_contact_name',
    'fixed_care_contact_hsa_id',
    'fixed_care_contact_unit_id',
    'admitted_at',
    'admission_notice_at',
    'planning_basis_at',
    'ready_for_discharge_at',
    'ready_withdrawn_at',
    'sip_called_at',
    'sip_meeting_at',
    'planned_discharge_at',
    'discharged_at',
    'closed_at',
    'close_reason',
    'version',
    'created_at',
    'updated_at',
  ],
  case_party: ['id', 'case_id', 'unit_id', 'role', 'joined_at', 'left_at'],
  case_event: [
    'id',
    'case_id',
    'sequence',
    'type',
    'author_hsa_id',
    'author_name',
    'author_unit_id',
    'occurred_at',
    'payload',
  ],
  case_event_recipient: ['event_id', 'unit_id'],
  case_event_acknowledgement: ['event_id', 'unit_id', 'acknowledged_at', 'by_hsa_id', 'by_name'],
  care_plan: ['id', 'case_id', 'kind', 'created_at'],
  care_plan_version: [
    'id',
    'care_plan_id',
    'version',
    'status',
    'summary',
    'follow_up_on',
    'author_hsa_id',
    'author_name',
    'author_unit_id',
    'created_at',
  ],
  care_plan_item: ['id', 'version_id', 'position', 'responsible_unit_id', 'action', 'due_on'],
  care_plan_participant: ['id', 'version_id', 'position', 'name', 'role', 'unit_id'],
  note: [
    'id',
    'case_id',
    'text',
    'locked_to_organization',
    'author_hsa_id',
    'author_name',
    'author_unit_id',
    'author_organization_id',
    'created_at',
  ],
};

async function writeReferenceData(files: TableFiles, region: ScaleRegion): Promise<void> {
  for (const o of region.organizations) {
    await files.write('organization', [
      o.id,
      o.hsaId,
      o.name,
      o.kind,
      o.orgNumber,
      o.municipalityCode,
      o.parentId,
      start,
    ]);
  }
  for (const u of region.units) {
    await files.write('unit', [
      u.id,
      u.hsaId,
      u.name,
      u.kind,
      u.organizationId,
      u.municipalityCode,
      u.phone,
      u.email,
      u.address,
      start,
    ]);
  }
  for (const r of region.residents) {
    const area = region.areas[r.area]!;
    await files.write('population_register_entry', [
      r.personalIdentityNumber,
      r.givenName,
      r.familyName,
      r.protectedIdentity,
      area.municipalityCode,
      area.organization.hsaId,
      start,
    ]);
    if (r.listedAt !== null) {
      await files.write('primary_care_listing', [
        r.personalIdentityNumber,
        region.units[r.listedAt]!.id,
        '2015-01-01',
      ]);
    }
  }
}

/** The rows persistence (src/db/case-repository.ts) writes for a case's decisions. */
async function writeCase(
  files: TableFiles,
  c: SimulatedCase,
  patientId: string,
  prng: Prng,
): Promise<void> {
  const s = c.state;
  const last = c.decisions.at(-1)!.decision.events[0]!.occurredAt;
  await files.write('case', [
    c.id,
    c.reference,
    patientId,
    s.status,
    s.psychiatric,
    s.compulsoryCare,
    s.consent,
    s.fixedCareContact?.name ?? null,
    s.fixedCareContact?.hsaId ?? null,
    s.fixedCareContact?.unitId ?? null,
    s.admittedAt,
    s.admissionNoticeAt,
    s.planningBasisAt,
    s.readyForDischargeAt,
    s.readyWithdrawnAt,
    s.sipCalledAt,
    s.sipMeetingAt,
    s.plannedDischargeAt,
    s.dischargedAt,
    s.closedAt,
    s.closeReason,
    s.version,
    c.createdAt,
    last,
  ]);
  for (const p of s.parties) {
    await files.write('case_party', [prng.uuid(), c.id, p.unitId, p.role, p.joinedAt, p.leftAt]);
  }
  for (const { decision, eventId, sequence } of c.decisions) {
    if (decision.events.length !== 1)
      throw new Error('a seeded command appended more than one event');
    const event = decision.events[0]!;
    const author = event.author;
    await files.write('case_event', [
      eventId,
      c.id,
      sequence,
      event.type,
      author.hsaId,
      author.name,
      author.unitId,
      event.occurredAt,
      JSON.stringify(event.payload),
    ]);
    for (const unitId of new Set(event.recipientUnitIds)) {
      await files.write('case_event_recipient', [eventId, unitId]);
    }
    const at = event.occurredAt;
    if (decision.acknowledgement) {
      const ack = decision.acknowledgement;
      await files.write('case_event_acknowledgement', [
        ack.eventId,
        ack.unitId,
        at,
        author.hsaId,
        author.name,
      ]);
    }
    if (decision.carePlanVersion) {
      const plan = decision.carePlanVersion;
      if (plan.createdPlanKind)
        await files.write('care_plan', [plan.carePlanId, c.id, plan.createdPlanKind, at]);
      const versionId = prng.uuid();
      await files.write('care_plan_version', [
        versionId,
        plan.carePlanId,
        plan.version,
        plan.status,
        plan.summary,
        plan.followUpOn,
        author.hsaId,
        author.name,
        author.unitId,
        at,
      ]);
      for (const [position, item] of plan.items.entries()) {
        await files.write('care_plan_item', [
          prng.uuid(),
          versionId,
          position,
          item.responsibleUnitId,
          item.action,
          item.dueOn,
        ]);
      }
      for (const [position, p] of plan.participants.entries()) {
        await files.write('care_plan_participant', [
          prng.uuid(),
          versionId,
          position,
          p.name,
          p.role,
          p.unitId,
        ]);
      }
    }
    if (decision.note) {
      const note = decision.note;
      await files.write('note', [
        note.id,
        c.id,
        note.text,
        note.lockedToOrganization,
        author.hsaId,
        author.name,
        author.unitId,
        author.organizationId,
        at,
      ]);
    }
  }
}

/** How long after its last event a case is still read: follow-up after discharge. */
const READ_AFTER_CASE_DAYS = 5;

async function main(): Promise<void> {
  const started = performance.now();
  const bars = new MultiBar(
    {
      format: '{phase} [{bar}] {percentage}% {value}/{total} {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  // cli-progress draws only on a terminal; elsewhere (CI, tests, logs) stay silent.
  const progress = (phase: string, total: number) =>
    process.stderr.isTTY
      ? bars.create(total, 0, { phase: phase.padEnd(12) })
      : { increment: (_n?: number) => undefined, update: (_n: number) => undefined };
  await timed('migrate', async () => {
    await ensureDatabase();
    await migrate(databaseUrl);
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const files = await TableFiles.create();
  const digests: Record<string, TableDigest> = {};
  try {
    await client.query("SET timezone = 'UTC'; SET synchronous_commit = off");
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organization',
    );
    if (rows[0]!.n > 0) throw new Error('the database already has data: use --reset to start over');

    const root = new Prng(flags.seed!);
    const region = buildRegion(sizes, root.fork('region'));
    for (const [name, columns] of Object.entries(TABLES)) files.table(name, columns);
    const logged: LoggedCase[] = [];
    await timed('generate cases', async () => {
      await writeReferenceData(files, region);
      const prng = root.fork('cases');
      // Admissions spread over the year, in order, so references follow admission order.
      const admissions = Array.from(
        { length: sizes.cases },
        () => start.getTime() + prng.int(sizes.days * 86_400_000 - 3_600_000),
      );
      admissions.sort((a, b) => a - b);
      const patients = new Map<number, string>();
      const bar = progress('cases', sizes.cases);
      const endMs = end.getTime();
      const unitIndex = new Map(region.units.map((u) => [u.id, u.index]));
      for (let i = 0; i < sizes.cases; i++) {
        const resident = prng.int(region.residents.length);
        const c = simulateCase({ region, end }, prng, i + 1, resident, new Date(admissions[i]!));
        let patientId = patients.get(resident);
        if (!patientId) {
          patientId = prng.uuid();
          patients.set(resident, patientId);
          const r = region.residents[resident]!;
          const area = region.areas[r.area]!;
          await files.write('patient', [
            patientId,
            r.personalIdentityNumber,
            r.identityKind,
            r.givenName,
            r.familyName,
            r.protectedIdentity,
            area.municipalityCode,
            area.organization.id,
            c.createdAt,
            c.createdAt,
          ]);
        }
        await writeCase(files, c, patientId, prng);
        const r = region.residents[resident]!;
        const lastEvent = c.decisions.at(-1)!.decision.events[0]!.occurredAt.getTime();
        const open = c.state.status !== 'CLOSED';
        logged.push({
          caseId: c.id,
          patientId,
          personalIdentityNumber: r.personalIdentityNumber,
          protectedIdentity: r.protectedIdentity,
          units: c.state.parties.map((p) => unitIndex.get(p.unitId)!),
          from: c.createdAt.getTime(),
          until: open ? endMs : Math.min(endMs, lastEvent + READ_AFTER_CASE_DAYS * 86_400_000),
        });
        if ((i & 255) === 255) bar.increment(256);
      }
      bar.update(sizes.cases);
    });
    await timed('load cases', async () => {
      const tables = Object.keys(TABLES);
      const bar = progress('copy tables', tables.length);
      await client.query('BEGIN');
      await files.load(client, () => bar.increment());
      // New cases opened through the API continue the reference sequence.
      await client.query(`SELECT setval('case_reference_seq', $1)`, [sizes.cases]);
      await client.query('COMMIT');
    });
    await timed('load access log', async () => {
      const prng = root.fork('access log');
      const bar = progress('access log', sizes.logRows);
      // Months are independent chains: `jobs` of them load at once, each on its own
      // connection, so PostgreSQL parses and indexes one while this process hashes another.
      const queue = monthsOf(start, end, sizes.logRows).map((month) => ({
        month,
        prng: prng.fork(month.start.toISOString()),
      }));
      const worker = async () => {
        const connection = new pg.Client({ connectionString: databaseUrl });
        await connection.connect();
        try {
          await connection.query("SET timezone = 'UTC'; SET synchronous_commit = off");
          for (let next = queue.shift(); next; next = queue.shift()) {
            await loadMonth(connection, region, logged, next.month, next.prng, (n) =>
              bar.increment(n),
            );
          }
        } finally {
          await connection.end();
        }
      };
      await Promise.all(Array.from({ length: sizes.jobs }, worker));
    });
    await timed('analyze', async () => {
      await client.query('ANALYZE');
    });
    bars.stop();
    if (flags.digest) Object.assign(digests, await timed('digest', () => digestTables(client)));
    const counts: Record<string, number> = {};
    for (const name of Object.keys(TABLES)) counts[name] = files.rows(name);
    counts.access_log = sizes.logRows;
    const summary = {
      database: new URL(databaseUrl).pathname.slice(1),
      seed: flags.seed,
      period: { from: start.toISOString(), to: end.toISOString() },
      sizes,
      counts,
      seconds: { ...timings, total: Math.round(performance.now() - started) / 1000 },
      ...(flags.digest ? { digests } : {}),
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stderr.write(`seed-scale: done in ${summary.seconds.total} s\n`);
      for (const [name, n] of Object.entries(counts)) process.stderr.write(`  ${name}: ${n}\n`);
      for (const [phase, s] of Object.entries(summary.seconds))
        process.stderr.write(`  ${phase}: ${s} s\n`);
    }
  } finally {
    bars.stop();
    await files.remove();
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed-scale: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
