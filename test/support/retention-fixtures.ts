/**
 * Old records for the retention tests, written straight into the database as the owner:
 * the workflow cannot create a case closed five years ago. Each helper writes what the
 * real tables hold for such a record, with every timestamp at the instant given, so the
 * case's last entry is exactly where the test puts it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { REGION } from '../../src/db/seed/demo-reference-data.js';

let serial = 0;

/** A personnummer-shaped number (the database checks the shape) born on `day` of a month. */
export function pinBornOn(day: number): string {
  serial += 1;
  return `1940${String((serial % 12) + 1).padStart(2, '0')}${String(day).padStart(2, '0')}${String(serial).padStart(4, '0')}`;
}

async function idOf(
  owner: pg.ClientBase,
  table: 'unit' | 'organization',
  hsaId: string,
): Promise<string> {
  const { rows } = await owner.query<{ id: string }>(`SELECT id FROM ${table} WHERE hsa_id = $1`, [
    hsaId,
  ]);
  if (!rows[0]) throw new Error(`no ${table} ${hsaId}`);
  return rows[0].id;
}

export async function insertPatient(owner: pg.ClientBase, pin: string): Promise<string> {
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO patient (personal_identity_number, identity_kind, given_name, family_name,
       home_municipality_code, home_organization_id, created_at, updated_at)
     VALUES ($1, 'PERSONNUMMER', 'Gallring', 'Testsson', '0184', $2, '2010-01-01', '2010-01-01')
     ON CONFLICT (personal_identity_number) DO UPDATE SET given_name = EXCLUDED.given_name
     RETURNING id`,
    [pin, await idOf(owner, 'organization', REGION)],
  );
  return rows[0]!.id;
}

const ROLE_BY_UNIT = (hsaId: string): string =>
  hsaId.includes('-SOC')
    ? 'MUNICIPAL_SOCIAL_SERVICES'
    : hsaId.includes('-HSL')
      ? 'MUNICIPAL_HEALTH_CARE'
      : hsaId.includes('-VC')
        ? 'PRIMARY_CARE'
        : 'WARD';

export interface OldCase {
  caseId: string;
  patientId: string;
  eventId: string;
}

/**
 * A closed case whose parties are `units`, with an event, a recipient, an acknowledgement,
 * a care plan with an item and a participant, and (optionally) a note, all at or before
 * `lastEntryAt`; the case closed at `closedAt` (default: the last entry).
 */
export async function insertClosedCase(
  owner: pg.ClientBase,
  options: {
    pin: string;
    units: string[];
    lastEntryAt: Date;
    closedAt?: Date;
    noteAt?: Date;
  },
): Promise<OldCase> {
  const patientId = await insertPatient(owner, options.pin);
  const closedAt = options.closedAt ?? options.lastEntryAt;
  const admittedAt = new Date(closedAt.getTime() - 10 * 86_400_000);
  const unitIds: string[] = [];
  for (const unit of options.units) unitIds.push(await idOf(owner, 'unit', unit));
  const author = unitIds[0]!;
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO "case" (reference, patient_id, status, admitted_at, closed_at, close_reason,
       created_at, updated_at)
     VALUES ($1, $2, 'CLOSED', $3, $4, 'NO_SUPPORT_NEEDED', $3, $4) RETURNING id`,
    [`GALL-${randomUUID().slice(0, 8)}`, patientId, admittedAt, closedAt],
  );
  const caseId = rows[0]!.id;
  for (const [i, unitId] of unitIds.entries()) {
    await owner.query(
      `INSERT INTO case_party (case_id, unit_id, role, joined_at) VALUES ($1, $2, $3, $4)`,
      [caseId, unitId, ROLE_BY_UNIT(options.units[i]!), admittedAt],
    );
  }
  const event = await owner.query<{ id: string }>(
    `INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
     VALUES ($1, 1, 'ADMISSION_NOTICE_SENT', 'SE2321000016-STAF1', 'Ward Nurse', $2, $3, '{}') RETURNING id`,
    [caseId, author, options.lastEntryAt],
  );
  const eventId = event.rows[0]!.id;
  const recipient = unitIds[1] ?? author;
  await owner.query('INSERT INTO case_event_recipient (event_id, unit_id) VALUES ($1, $2)', [
    eventId,
    recipient,
  ]);
  await owner.query(
    `INSERT INTO case_event_acknowledgement (event_id, unit_id, acknowledged_at, by_hsa_id, by_name)
     VALUES ($1, $2, $3, 'SE2120000183-STAF1', 'Handläggare')`,
    [eventId, recipient, admittedAt],
  );
  const plan = await owner.query<{ id: string }>(
    `INSERT INTO care_plan (case_id, kind, created_at) VALUES ($1, 'CARE_PLAN', $2) RETURNING id`,
    [caseId, admittedAt],
  );
  const version = await owner.query<{ id: string }>(
    `INSERT INTO care_plan_version (care_plan_id, version, status, summary, author_hsa_id, author_name,
       author_unit_id, created_at)
     VALUES ($1, 1, 'AGREED', 'Hemtjänst två gånger dagligen', 'SE2321000016-STAF1', 'Ward Nurse', $2, $3)
     RETURNING id`,
    [plan.rows[0]!.id, author, admittedAt],
  );
  await owner.query(
    `INSERT INTO care_plan_item (version_id, position, responsible_unit_id, action) VALUES ($1, 1, $2, 'Hemtjänst')`,
    [version.rows[0]!.id, recipient],
  );
  await owner.query(
    `INSERT INTO care_plan_participant (version_id, position, name, role, unit_id) VALUES ($1, 1, 'Ward Nurse', 'Sjuksköterska', $2)`,
    [version.rows[0]!.id, author],
  );
  if (options.noteAt) {
    await owner.query(
      `INSERT INTO note (case_id, text, author_hsa_id, author_name, author_unit_id, author_organization_id, created_at)
       SELECT $1, 'Anteckning efter avslut', 'SE2321000016-STAF1', 'Ward Nurse', u.id, u.organization_id, $3
       FROM unit u WHERE u.id = $2`,
      [caseId, author, options.noteAt],
    );
  }
  return { caseId, patientId, eventId };
}

/** An invoice with one charge line (for `caseId` when given) between a municipality and the region. */
export async function insertInvoice(
  owner: pg.ClientBase,
  options: { debtorHsaId: string; period: string; caseId?: string; eventIds?: string[] },
): Promise<{ invoiceId: string; lineId: string }> {
  const debtor = await idOf(owner, 'organization', options.debtorHsaId);
  const creditor = await idOf(owner, 'organization', REGION);
  const invoice = await owner.query<{ id: string }>(
    `INSERT INTO invoice (kind, debtor_id, creditor_id, period, status, total_amount, created_at, sent_at)
     VALUES ('PAYMENT_RESPONSIBILITY', $1, $2, $3::date, 'SENT', 9850, $3::date, $3::date) RETURNING id`,
    [debtor, creditor, options.period],
  );
  const line = await owner.query<{ id: string }>(
    `INSERT INTO invoice_line (invoice_id, position, kind, case_id, description, days, dates, price_per_day, amount, event_ids)
     VALUES ($1, 1, 'CHARGE', $2, 'Ärende GALL: 1 dag', 1, ARRAY[$3::date], 9850, 9850, $4::uuid[]) RETURNING id`,
    [invoice.rows[0]!.id, options.caseId ?? null, options.period, options.eventIds ?? []],
  );
  return { invoiceId: invoice.rows[0]!.id, lineId: line.rows[0]!.id };
}

/** Appends `count` access-log rows at `time` about a patient, through the log's own append function. */
export async function appendAccessLog(
  owner: pg.ClientBase,
  time: Date,
  patient: { id: string; pin: string; caseId?: string },
  count = 2,
): Promise<void> {
  const entry = {
    activity: 'READ',
    outcome: 'SUCCESS',
    user_hsa_id: 'SE2321000016-STAF1',
    user_name: 'Ward Nurse',
    unit_hsa_id: 'SE2321000016-KS01',
    provider_hsa_id: REGION,
    commission_hsa_id: null,
    purpose: 'Vård och behandling',
    patient_id: patient.id,
    personal_identity_number: patient.pin,
    case_id: patient.caseId ?? null,
    categories: ['IDENTITY'],
    request_id: randomUUID(),
    operation_name: 'Gallring',
    emergency_access: false,
    out_of_hours: false,
  };
  await owner.query('SELECT access_log_append($1, $2::jsonb)', [
    time,
    JSON.stringify(Array.from({ length: count }, () => entry)),
  ]);
}

/**
 * `count` closed cases of one unit, each with its own patient and `events` events (each
 * with a recipient), all last touched at `lastEntryAt`: bulk, in one statement per call,
 * for the resume test and the purge benchmark. `offset` keeps numbers unique across calls.
 */
export async function insertClosedCasesBulk(
  owner: pg.ClientBase,
  options: {
    count: number;
    offset?: number;
    unitHsaId: string;
    lastEntryAt: Date;
    events?: number;
  },
): Promise<void> {
  const offset = options.offset ?? 0;
  await owner.query(
    `WITH u AS (SELECT id FROM unit WHERE hsa_id = $3),
     pat AS (
       INSERT INTO patient (personal_identity_number, identity_kind, given_name, family_name,
         home_municipality_code, home_organization_id, created_at, updated_at)
       SELECT (1900 + (g / 120000) % 30)::text || lpad(((g / 10000) % 12 + 1)::text, 2, '0') || '16'
                || lpad((g % 10000)::text, 4, '0'),
              'PERSONNUMMER', 'Bulk', 'Testsson', '0184',
              (SELECT id FROM organization WHERE hsa_id = $6), $4, $4
       FROM generate_series($1::int, $1::int + $2::int - 1) g
       ON CONFLICT (personal_identity_number) DO NOTHING
       RETURNING id
     ), cas AS (
       INSERT INTO "case" (reference, patient_id, status, admitted_at, closed_at, close_reason, created_at, updated_at)
       SELECT 'BULK-' || gen_random_uuid(), pat.id, 'CLOSED', $4::timestamptz - interval '10 days', $4, 'NO_SUPPORT_NEEDED', $4, $4
       FROM pat
       RETURNING id
     ), party AS (
       INSERT INTO case_party (case_id, unit_id, role, joined_at)
       SELECT cas.id, u.id, 'MUNICIPAL_SOCIAL_SERVICES', $4::timestamptz - interval '10 days' FROM cas, u
     ), ev AS (
       INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
       SELECT cas.id, s, 'ADMISSION_NOTICE_SENT', 'SE2321000016-STAF1', 'Ward Nurse', u.id,
              $4::timestamptz - (($5::int - s) * interval '1 day'), '{}'
       FROM cas, u, generate_series(1, $5::int) s
       RETURNING id, author_unit_id
     )
     INSERT INTO case_event_recipient (event_id, unit_id) SELECT id, author_unit_id FROM ev`,
    [offset, options.count, options.unitHsaId, options.lastEntryAt, options.events ?? 3, REGION],
  );
}
