import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOC_SOLNA, SOLNA } from '../../support/demo.js';
import { insertClosedCase, insertInvoice, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, item 3: the database itself refuses to purge what a hold keeps or what is not
 * yet due under the policy in force, whoever calls: here the purge role directly, as a bug
 * in the runner or a stolen purge login would, bypassing the runner's own judgement.
 */
let server: TestServer;

/** Runs statements as `role` in a transaction that is rolled back; the error message or null. */
async function as(role: string, ...statements: string[]): Promise<string | null> {
  const client = server.owner;
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL ROLE ${role}`);
    for (const statement of statements) await client.query(statement);
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.query('ROLLBACK');
  }
}

const purgeCase = (id: string) => `SELECT retention_purge_cases(ARRAY['${id}']::uuid[])`;
const purgeInvoice = (id: string) => `SELECT retention_purge_invoices(ARRAY['${id}']::uuid[])`;
const LONG_AGO = new Date('2019-01-01T10:00:00Z');

async function placeHold(target: 'CASE' | 'PATIENT' | 'ORGANIZATION', id: string) {
  await server.owner.query(
    `INSERT INTO legal_hold (target, ${target.toLowerCase()}_id, reason, placed_for_organization_id, placed_by_hsa_id, placed_by_name)
     SELECT $1, $2, 'Tvist om betalningsansvar, bevaras', o.id, 'SE2120000183-INFO1', 'Ägare'
     FROM organization o WHERE o.hsa_id = $3`,
    [target, id, SOLNA],
  );
}

let due = '';
let discharged = '';
let heldCase = '';
let heldPatientCase = '';
let research = '';
let closedToday = '';
let open = '';

beforeAll(async () => {
  server = await startTestServer();
  const old = (day: number) =>
    insertClosedCase(server.owner, {
      pin: pinBornOn(day),
      units: [SOC_SOLNA],
      lastEntryAt: LONG_AGO,
    });
  due = (await old(16)).caseId;
  // A discharged case names its DISCHARGED event (a foreign key from the case to the event),
  // and the purge deletes the events before the case.
  discharged = (await old(16)).caseId;
  await server.owner.query(
    `INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
     SELECT case_id, 2, 'DISCHARGED', author_hsa_id, author_name, author_unit_id, occurred_at, '{}'
     FROM case_event WHERE case_id = $1 AND sequence = 1`,
    [discharged],
  );
  heldCase = (await old(16)).caseId;
  await placeHold('CASE', heldCase);
  const patientHeld = await old(17);
  heldPatientCase = patientHeld.caseId;
  await placeHold('PATIENT', patientHeld.patientId);
  // Born on the 15th: the municipalities' default keeps it for research.
  research = (await old(15)).caseId;
  closedToday = (
    await insertClosedCase(server.owner, {
      pin: pinBornOn(16),
      units: [SOC_SOLNA],
      lastEntryAt: new Date(),
    })
  ).caseId;
  open = (await old(16)).caseId;
  await server.owner.query(
    `UPDATE "case" SET closed_at = NULL, close_reason = NULL, status = 'PLANNING' WHERE id = $1`,
    [open],
  );
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('retention_purge_cases, called directly as the purge role', () => {
  it('purges a due case', async () => {
    expect(await as('brygga_retention', purgeCase(due))).toBeNull();
  });

  it('purges a due case that names its discharge event', async () => {
    const { rows } = await server.owner.query(
      'SELECT 1 FROM "case" WHERE id = $1 AND discharge_event_id IS NOT NULL',
      [discharged],
    );
    expect(rows.length).toBe(1);
    // The foreign key is checked at commit, and `as` rolls back: ask for the check now.
    expect(
      await as('brygga_retention', purgeCase(discharged), 'SET CONSTRAINTS ALL IMMEDIATE'),
    ).toBeNull();
  });

  it('refuses a case under a hold, on the case or on its patient', async () => {
    expect(await as('brygga_retention', purgeCase(heldCase))).toMatch(`${heldCase} (held)`);
    expect(await as('brygga_retention', purgeCase(heldPatientCase))).toMatch(
      `${heldPatientCase} (held)`,
    );
  });

  it('refuses a case not yet due, one still open, and one kept for research', async () => {
    expect(await as('brygga_retention', purgeCase(closedToday))).toMatch(
      `${closedToday} (not due under the policy in force)`,
    );
    expect(await as('brygga_retention', purgeCase(open))).toMatch(`${open} (not closed)`);
    expect(await as('brygga_retention', purgeCase(research))).toMatch(
      `${research} (kept for research)`,
    );
  });

  it('refuses the whole batch when one case of it may not go', async () => {
    expect(
      await as(
        'brygga_retention',
        `SELECT retention_purge_cases(ARRAY['${due}', '${heldCase}']::uuid[])`,
      ),
    ).toMatch(/refuses/);
  });

  it('follows the policy in force: a longer decision keeps a case the default let go', async () => {
    await server.owner.query('BEGIN');
    try {
      await server.owner.query(
        `UPDATE retention_policy SET superseded_at = now()
         WHERE record_class = 'CASE' AND organization_kind = 'MUNICIPALITY' AND superseded_at IS NULL`,
      );
      await server.owner.query(
        `INSERT INTO retention_policy (record_class, organization_kind, retain_months, decision)
         VALUES ('CASE', 'MUNICIPALITY', 120, 'Kommunstyrelsen 2026-11-30 §12: tio år')`,
      );
      await server.owner.query('SET LOCAL ROLE brygga_retention');
      await expect(server.owner.query(purgeCase(due))).rejects.toThrow(/not due/);
    } finally {
      await server.owner.query('ROLLBACK');
    }
  });

  it('leaves the purge role no way around the function', async () => {
    for (const sql of [
      `DELETE FROM case_event WHERE case_id = '${heldCase}'`,
      `DELETE FROM note WHERE case_id = '${heldCase}'`,
      `DELETE FROM "case" WHERE id = '${heldCase}'`,
      'DELETE FROM patient',
      'DELETE FROM invoice_line',
      'DELETE FROM invoice',
      `SELECT set_config('brygga.retention_purge', 'guarded', true); DELETE FROM case_event`,
    ]) {
      expect(await as('brygga_retention', sql), sql).toMatch(/permission denied/);
    }
  });
});

describe('retention_purge_invoices, called directly as the purge role', () => {
  it('purges an invoice seven years after its fiscal year, refuses a newer or held one', async () => {
    const old = await insertInvoice(server.owner, { debtorHsaId: SOLNA, period: '2017-06-01' });
    const recent = await insertInvoice(server.owner, { debtorHsaId: SOLNA, period: '2024-06-01' });
    const held = await insertInvoice(server.owner, {
      debtorHsaId: SOLNA,
      period: '2017-07-01',
      caseId: heldCase,
    });
    expect(await as('brygga_retention', purgeInvoice(old.invoiceId))).toBeNull();
    expect(await as('brygga_retention', purgeInvoice(recent.invoiceId))).toMatch(
      `${recent.invoiceId} (not due under the policy in force)`,
    );
    expect(await as('brygga_retention', purgeInvoice(held.invoiceId))).toMatch(
      `${held.invoiceId} (held)`,
    );
  });
});

describe('identity events, deleted directly by the purge role', () => {
  it('go only once due under the policy in force', async () => {
    const { rows } = await server.owner.query<{ id: string; reason: string }>(
      `INSERT INTO identity_event (occurred_at, type, outcome, subject, reason) VALUES
         (now() - interval '6 years', 'LOGIN', 'SUCCESS', 'SE2120000183-STAF1', 'old'),
         (now() - interval '1 day', 'LOGIN', 'SUCCESS', 'SE2120000183-STAF1', 'recent')
       RETURNING id, reason`,
    );
    const id = (reason: string) => rows.find((r) => r.reason === reason)!.id;
    expect(
      await as('brygga_retention', `DELETE FROM identity_event WHERE id = '${id('old')}'`),
    ).toBeNull();
    expect(
      await as('brygga_retention', `DELETE FROM identity_event WHERE id = '${id('recent')}'`),
    ).toMatch(/not due under the policy in force/);
    expect(await as('brygga_retention', 'DELETE FROM identity_event')).toMatch(/not due/);
  });
});
