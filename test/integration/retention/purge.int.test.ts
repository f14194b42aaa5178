import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import type { RunItem, RunReport } from '../../../src/retention/run.js';
import {
  HUDDINGE,
  SOC_HUDDINGE,
  SOC_SODERMALM,
  SOC_SOLNA,
  SOLNA,
  STOCKHOLM_STAD,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import {
  appendAccessLog,
  insertClosedCase,
  insertInvoice,
  type OldCase,
  pinBornOn,
} from '../../support/retention-fixtures.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Retention through its command line, on records seeded on both sides of every boundary
 * for the day 2026-11-20 (Europe/Stockholm): exactly the due records go, nothing held or
 * kept for research goes, the dry run reports what the purge then does, and the access
 * log still verifies after its months are dropped.
 */
const AS_OF = '2026-11-20';
let server: TestServer;
let owner: pg.Client;
const at = (date: string, time = '12:00') => stockholmInstant(date, time);

const cases: Record<string, OldCase> = {};
const pins: Record<string, string> = {};
let invoices: Record<string, { invoiceId: string; lineId: string }> = {};
let untouchedCases = 0;
let dryRun: RunReport;
let purge: RunReport;

async function exists(table: string, id: string): Promise<boolean> {
  const { rows } = await owner.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  return rows.length === 1;
}

/** The default case policy of each kind of organisation. */
const casePolicy: Record<string, string> = {};

function item(report: RunReport, recordClass: string, policyId?: string): RunItem {
  const found = report.items.filter(
    (i) => i.recordClass === recordClass && (!policyId || i.policyId === policyId),
  );
  expect(found, `${recordClass} ${policyId ?? ''}`).toHaveLength(1);
  return found[0]!;
}

async function hold(target: 'case' | 'patient' | 'organization', id: string): Promise<string> {
  const column = `${target}_id`;
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO legal_hold (target, ${column}, reason, placed_for_organization_id, placed_by_hsa_id, placed_by_name)
     SELECT $1, $2, 'Tvist om betalningsansvar, bevaras', o.id, 'SE2120000183-INFO1', 'Ägare'
     FROM organization o WHERE o.hsa_id = $3 RETURNING id`,
    [target.toUpperCase(), id, SOLNA],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = server.owner;
  // A session through the real token path, so the test IdP exists for session fixtures.
  await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Seed'));
  for (const row of (
    await owner.query(
      `SELECT id, organization_kind FROM retention_policy WHERE record_class = 'CASE' AND organization_kind IS NOT NULL`,
    )
  ).rows) {
    casePolicy[row.organization_kind] = row.id;
  }
  untouchedCases = Number((await owner.query('SELECT count(*) AS n FROM "case"')).rows[0].n);

  const add = async (
    key: string,
    day: number,
    options: Omit<Parameters<typeof insertClosedCase>[1], 'pin'>,
  ) => {
    pins[key] = pinBornOn(day);
    cases[key] = await insertClosedCase(owner, { pin: pins[key]!, ...options });
  };
  // Municipality only (five years): the last entry late on 19 Nov 2021 goes; 00:30 on
  // 20 Nov, Stockholm time (still the 19th in UTC), stays.
  await add('A', 16, { units: [SOC_SOLNA], lastEntryAt: at('2021-11-19', '23:30') });
  await add('B', 16, { units: [SOC_SOLNA], lastEntryAt: at('2021-11-20', '00:30') });
  // Shared with the region (ten years by default): the longest retention binds.
  await add('C', 16, {
    units: [WARD_KAROLINSKA_GERIATRIK, SOC_SOLNA],
    lastEntryAt: at('2016-11-19'),
  });
  await add('D', 16, {
    units: [WARD_KAROLINSKA_GERIATRIK, SOC_SOLNA],
    lastEntryAt: at('2016-11-20'),
  });
  // Born on the 15th: kept for research.
  await add('E', 15, { units: [SOC_SOLNA], lastEntryAt: at('2015-01-01') });
  // Due, but held: by case, by patient, by organisation.
  await add('F', 16, { units: [SOC_SOLNA], lastEntryAt: at('2020-01-01') });
  await add('G', 16, { units: [SOC_SOLNA], lastEntryAt: at('2020-01-01') });
  await add('H', 16, { units: [SOC_HUDDINGE], lastEntryAt: at('2020-01-01') });
  // A district's case, held by a hold on its municipality (Stockholms stad).
  await add('L', 16, { units: [SOC_SODERMALM], lastEntryAt: at('2020-01-01') });
  // Closed long ago, but a note written later is its last entry.
  await add('I', 16, {
    units: [SOC_SOLNA],
    closedAt: at('2020-01-01'),
    lastEntryAt: at('2020-01-01'),
    noteAt: at('2022-06-01'),
  });
  // One patient, two cases: the due one goes, the patient stays with the other.
  await add('J1', 16, { units: [SOC_SOLNA], lastEntryAt: at('2020-01-01') });
  pins.J2 = pins.J1!;
  cases.J2 = await insertClosedCase(owner, {
    pin: pins.J1!,
    units: [SOC_SOLNA],
    lastEntryAt: at('2024-01-01'),
  });
  // A patient with a block: the block goes with the patient.
  await add('K', 16, { units: [SOC_SOLNA], lastEntryAt: at('2020-01-01') });
  await owner.query(
    `INSERT INTO patient_block (patient_id, blocked_organization_id, registered_by_hsa_id, registered_at)
     SELECT $1, o.id, 'SE2120000183-STAF1', '2019-06-01' FROM organization o WHERE o.hsa_id = $2`,
    [cases.K!.patientId, SOLNA],
  );

  await hold('case', cases.F!.caseId);
  await hold('patient', cases.G!.patientId);
  for (const organization of [HUDDINGE, STOCKHOLM_STAD]) {
    await hold(
      'organization',
      (await owner.query('SELECT id FROM organization WHERE hsa_id = $1', [organization])).rows[0]
        .id,
    );
  }

  invoices = {
    // Still kept (2024), but charges for case A, which goes: the line keeps its amounts.
    keptChargingA: await insertInvoice(owner, {
      debtorHsaId: SOLNA,
      period: '2024-01-01',
      caseId: cases.A!.caseId,
      eventIds: [cases.A!.eventId],
    }),
    // Seven years after the fiscal year: 2018 goes on 2026-01-01, 2019 stays.
    due2018: await insertInvoice(owner, { debtorHsaId: SOLNA, period: '2018-12-01' }),
    kept2019: await insertInvoice(owner, { debtorHsaId: SOLNA, period: '2019-01-01' }),
    heldHuddinge: await insertInvoice(owner, { debtorHsaId: HUDDINGE, period: '2018-06-01' }),
  };

  // Identity events five years; sessions 90 days after they end; replay entries a day.
  await owner.query(
    `INSERT INTO identity_event (occurred_at, type, outcome, subject, reason) VALUES
       ($1, 'LOGIN', 'SUCCESS', 'SE2120000183-STAF1', 'due'),
       ($2, 'LOGIN', 'SUCCESS', 'SE2120000183-STAF1', 'kept')`,
    [new Date('2021-11-19T12:00:00Z'), new Date('2021-11-20T12:00:00Z')],
  );
  const idp = (
    await owner.query<{ id: string }>(`SELECT id FROM identity_provider WHERE slug = 'test'`)
  ).rows[0]!.id;
  await owner.query(
    `INSERT INTO identity_session (idp_id, subject, name_id, attributes, refresh_token_hash, created_at, refreshed_at, expires_at)
     VALUES ($1, 'due', 'due', '{}', 'x', $2, $2, $2), ($1, 'kept', 'kept', '{}', 'x', $3, $3, $3)`,
    [idp, new Date('2026-08-21T10:00:00Z'), new Date('2026-08-22T10:00:00Z')],
  );
  await owner.query(
    `INSERT INTO identity_saml_replay (kind, message_id, idp_id, seen_at, expires_at) VALUES
       ('ASSERTION', '_due', $1, $2, $2), ('ASSERTION', '_kept', $1, $3, $3)`,
    [idp, new Date('2026-11-18T10:00:00Z'), new Date('2026-11-19T10:00:00Z')],
  );

  // Access-log months: 2021-09 holds patient G (held), 2021-10 is due, 2021-11 is not.
  await appendAccessLog(owner, new Date('2021-09-15T08:00:00Z'), {
    id: cases.G!.patientId,
    pin: pins.G!,
    caseId: cases.G!.caseId,
  });
  await appendAccessLog(
    owner,
    new Date('2021-10-15T08:00:00Z'),
    { id: cases.A!.patientId, pin: pins.A!, caseId: cases.A!.caseId },
    3,
  );
  await appendAccessLog(owner, new Date('2021-11-15T08:00:00Z'), {
    id: cases.A!.patientId,
    pin: pins.A!,
    caseId: cases.A!.caseId,
  });

  const dry = await runRetentionCli(server.databaseUrl, [
    'run',
    '--dry-run',
    '--as-of',
    AS_OF,
    '--batch-size',
    '3',
  ]);
  expect(dry.code, dry.stderr).toBe(0);
  dryRun = dry.report!;
  const real = await runRetentionCli(server.databaseUrl, [
    'run',
    '--as-of',
    AS_OF,
    '--batch-size',
    '3',
    '--started-by',
    'test',
  ]);
  expect(real.code, real.stderr).toBe(0);
  purge = real.report!;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('a purge run on 2026-11-20', () => {
  it('removes exactly the due cases with everything that hangs on them', async () => {
    const gone = ['A', 'C', 'J1', 'K'];
    const kept = ['B', 'D', 'E', 'F', 'G', 'H', 'I', 'J2', 'L'];
    for (const key of gone) expect(await exists('"case"', cases[key]!.caseId), key).toBe(false);
    for (const key of kept) expect(await exists('"case"', cases[key]!.caseId), key).toBe(true);
    const goneIds = gone.map((k) => cases[k]!.caseId);
    for (const table of ['case_event', 'care_plan', 'case_party']) {
      const { rows } = await owner.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE case_id = ANY ($1)`,
        [goneIds],
      );
      expect(rows[0].n, table).toBe(0);
    }
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM "case"');
    expect(rows[0].n).toBe(untouchedCases + kept.length);
  });

  it('removes a patient’s identity with the last case that refers to it, and the patient’s blocks', async () => {
    expect(await exists('patient', cases.A!.patientId)).toBe(false);
    expect(await exists('patient', cases.C!.patientId)).toBe(false);
    expect(await exists('patient', cases.K!.patientId)).toBe(false);
    expect(await exists('patient', cases.J1!.patientId)).toBe(true);
    expect(await exists('patient', cases.G!.patientId)).toBe(true);
    const blocks = await owner.query(
      'SELECT count(*)::int AS n FROM patient_block WHERE patient_id = $1',
      [cases.K!.patientId],
    );
    expect(blocks.rows[0].n).toBe(0);
  });

  it('keeps what accounting needs of an invoice line that charged for a purged case', async () => {
    const { rows } = await owner.query(
      'SELECT case_id, event_ids, amount::text, days, description FROM invoice_line WHERE id = $1',
      [invoices.keptChargingA!.lineId],
    );
    expect(rows[0]).toEqual({
      case_id: null,
      event_ids: [],
      amount: '9850.00',
      days: 1,
      description: 'Ärende GALL: 1 dag',
    });
  });

  it('purges the invoice basis seven years after its fiscal year, unless held', async () => {
    expect(await exists('invoice', invoices.due2018!.invoiceId)).toBe(false);
    expect(await exists('invoice_line', invoices.due2018!.lineId)).toBe(false);
    expect(await exists('invoice', invoices.kept2019!.invoiceId)).toBe(true);
    expect(await exists('invoice', invoices.heldHuddinge!.invoiceId)).toBe(true);
  });

  it('purges the system’s own records on their boundaries', async () => {
    const events = await owner.query(
      `SELECT reason FROM identity_event WHERE reason IN ('due', 'kept')`,
    );
    expect(events.rows.map((r) => r.reason)).toEqual(['kept']);
    const sessions = await owner.query(
      `SELECT subject FROM identity_session WHERE subject IN ('due', 'kept')`,
    );
    expect(sessions.rows.map((r) => r.subject)).toEqual(['kept']);
    const replay = await owner.query(`SELECT message_id FROM identity_saml_replay`);
    expect(replay.rows.map((r) => r.message_id)).toEqual(['_kept']);
  });

  it('drops due access-log months after sealing them, keeps held and younger months, and the chain verifies', async () => {
    const partitions = await owner.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'access_log_partition' AND c.relkind = 'r' AND c.relname LIKE 'access_log_2021_%' ORDER BY 1`,
    );
    expect(partitions.rows.map((r) => r.name)).toEqual([
      'access_log_2021_09',
      'access_log_2021_11',
    ]);
    const seals = await owner.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, row_count FROM access_log_seal`,
    );
    expect(seals.rows).toEqual([{ month: '2021-10', row_count: 3 }]);
    const report = await verifyAccessLog(owner);
    expect(report.ok).toBe(true);
    expect(report.sealedAndDropped).toEqual(['2021-10']);
  });

  it('leaves a purge record of counts and decisions, the same in the dry run', () => {
    for (const report of [dryRun, purge]) {
      const municipal = item(report, 'CASE', casePolicy.MUNICIPALITY);
      expect([municipal.purged, municipal.held, municipal.keptForResearch]).toEqual([3, 3, 1]);
      const district = item(report, 'CASE', casePolicy.DISTRICT);
      expect([district.purged, district.held]).toEqual([0, 1]);
      const region = item(report, 'CASE', casePolicy.CARE_PROVIDER);
      expect([region.purged, region.held]).toEqual([1, 0]);
      expect(item(report, 'PATIENT_IDENTITY').purged).toBe(3);
      const invoice = item(report, 'INVOICE_BASIS');
      expect([invoice.purged, invoice.held]).toEqual([1, 1]);
      expect(item(report, 'IDENTITY_EVENT').purged).toBe(1);
      expect(item(report, 'SESSION').purged).toBe(1);
      expect(item(report, 'REPLAY_CACHE').purged).toBe(1);
      const log = item(report, 'ACCESS_LOG');
      expect([log.purged, log.held]).toEqual([3, 2]);
    }
    expect(dryRun.mode).toBe('DRY_RUN');
    expect(purge.mode).toBe('PURGE');
    expect(purge.status).toBe('SUCCEEDED');
    expect(item(purge, 'CASE', casePolicy.MUNICIPALITY).rows).toMatchObject({
      case: 3,
      case_event: 3,
      note: 0,
      care_plan: 3,
    });
    expect(item(purge, 'CASE', casePolicy.MUNICIPALITY).earliest).toBe(
      at('2020-01-01').toISOString(),
    );
  });

  it('keeps no personal data in the record', async () => {
    const { rows } = await owner.query(
      `SELECT r.*, i.* FROM retention_run r JOIN retention_run_item i ON i.run_id = r.id`,
    );
    const text = JSON.stringify(rows);
    for (const pin of Object.values(pins)) expect(text).not.toContain(pin);
    for (const c of Object.values(cases)) {
      expect(text).not.toContain(c.caseId);
      expect(text).not.toContain(c.patientId);
    }
    expect(rows.map((r) => r.started_by)).toContain('cli:test');
  });

  it('was left untouched by the dry run, and a second purge finds nothing more', async () => {
    const again = await runRetentionCli(server.databaseUrl, ['run', '--as-of', AS_OF]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.report!.items.reduce((sum, i) => sum + i.purged, 0)).toBe(0);
    expect(item(again.report!, 'CASE', casePolicy.MUNICIPALITY).held).toBe(3);
  });

  it('purges what a released hold kept, on the next run', async () => {
    await owner.query(
      `UPDATE legal_hold SET released_at = now(), released_by_hsa_id = 'SE2120000183-INFO1', released_reason = 'Tvisten avgjord'
       WHERE patient_id = $1`,
      [cases.G!.patientId],
    );
    const after = await runRetentionCli(server.databaseUrl, ['run', '--as-of', AS_OF]);
    expect(after.code, after.stderr).toBe(0);
    expect(await exists('"case"', cases.G!.caseId)).toBe(false);
    expect(await exists('patient', cases.G!.patientId)).toBe(false);
    const report = await verifyAccessLog(owner);
    expect(report.ok).toBe(true);
    expect(report.sealedAndDropped).toEqual(['2021-09', '2021-10']);
  });

  it('records each access-log month on the line of the policy that binds it', async () => {
    // Two owners' decisions where neither is always the longer: 61 months binds a month
    // ending on 31 March (to 30 April 2026, against 29 April), 60 months and 29 days binds
    // one ending on 31 January (to 1 March 2026, against 28 February, clamped).
    const decide = async (organization: string, months: number, days: number) =>
      (
        await owner.query<{ id: string }>(
          `INSERT INTO retention_policy (record_class, organization_id, retain_months, retain_days, decision)
           SELECT 'ACCESS_LOG', o.id, $2, $3, 'Beslut om loggar, dnr 2026/17' FROM organization o WHERE o.hsa_id = $1
           RETURNING id`,
          [organization, months, days],
        )
      ).rows[0]!.id;
    const months61 = await decide(SOLNA, 61, 0);
    const months60days29 = await decide(STOCKHOLM_STAD, 60, 29);
    const patient = { id: cases.B!.patientId, pin: pins.B!, caseId: cases.B!.caseId };
    await appendAccessLog(owner, new Date('2021-01-15T08:00:00Z'), patient, 4);
    await appendAccessLog(owner, new Date('2021-03-15T08:00:00Z'), patient, 5);
    try {
      const dry = await runRetentionCli(server.databaseUrl, ['run', '--dry-run', '--as-of', AS_OF]);
      expect(dry.code, dry.stderr).toBe(0);
      const january = item(dry.report!, 'ACCESS_LOG', months60days29);
      expect([january.purged, january.earliest]).toEqual([4, '2021-01-01T00:00:00.000Z']);
      const march = item(dry.report!, 'ACCESS_LOG', months61);
      expect([march.purged, march.earliest]).toEqual([5, '2021-03-01T00:00:00.000Z']);
      expect(march.decision).toBe('Beslut om loggar, dnr 2026/17');

      const real = await runRetentionCli(server.databaseUrl, ['run', '--as-of', AS_OF]);
      expect(real.code, real.stderr).toBe(0);
      expect(item(real.report!, 'ACCESS_LOG', months60days29).purged).toBe(4);
      expect(item(real.report!, 'ACCESS_LOG', months61).purged).toBe(5);
      expect((await verifyAccessLog(owner)).sealedAndDropped).toEqual([
        '2021-01',
        '2021-03',
        '2021-09',
        '2021-10',
      ]);
    } finally {
      // Superseded, not deleted: the purge record points at them.
      await owner.query(
        'UPDATE retention_policy SET superseded_at = now() WHERE id = ANY ($1::uuid[])',
        [[months61, months60days29]],
      );
    }
  });

  it('refuses a day in the future and bad arguments with a usage error', async () => {
    const future = await runRetentionCli(server.databaseUrl, ['run', '--as-of', '2999-01-01']);
    expect(future.code).toBe(64);
    expect(future.stderr).toContain('INVALID_AS_OF');
    const bad = await runRetentionCli(server.databaseUrl, ['run', '--batch-size', 'many']);
    expect(bad.code).toBe(64);
  });
});
