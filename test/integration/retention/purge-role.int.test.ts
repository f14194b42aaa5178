import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOC_SOLNA, SOLNA } from '../../support/demo.js';
import {
  appendAccessLog,
  insertClosedCase,
  insertInvoice,
  type OldCase,
  pinBornOn,
} from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The one exception to the append-only tables is the purge role, and it is narrow: the
 * API role can neither delete nor become the purge role, and the purge role cannot touch
 * the access log, its seals, the purge record, or an invoice line's amounts.
 */
let server: TestServer;
let old: OldCase;
let lineId = '';

/** Runs statements in a transaction acting as `role`, always rolled back; the error message or null. */
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

beforeAll(async () => {
  server = await startTestServer();
  old = await insertClosedCase(server.owner, {
    pin: pinBornOn(16),
    units: [SOC_SOLNA],
    lastEntryAt: new Date('2019-01-01T10:00:00Z'),
  });
  lineId = (
    await insertInvoice(server.owner, {
      debtorHsaId: SOLNA,
      period: '2024-02-01',
      caseId: old.caseId,
    })
  ).lineId;
  const pin = (
    await server.owner.query('SELECT personal_identity_number FROM patient WHERE id = $1', [
      old.patientId,
    ])
  ).rows[0].personal_identity_number;
  await appendAccessLog(server.owner, new Date('2021-01-15T10:00:00Z'), { id: old.patientId, pin });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('the API role', () => {
  it('cannot delete from the event list, cases or patients', async () => {
    expect(
      await as('brygga_app', `DELETE FROM case_event WHERE case_id = '${old.caseId}'`),
    ).toMatch(/permission denied|append-only/);
    expect(await as('brygga_app', `DELETE FROM "case" WHERE id = '${old.caseId}'`)).toMatch(
      /permission denied/,
    );
    expect(await as('brygga_app', `DELETE FROM patient WHERE id = '${old.patientId}'`)).toMatch(
      /permission denied/,
    );
  });

  it('cannot become the purge role, nor call the purge functions', async () => {
    // Membership is what a login of the API role would need to SET ROLE (the tests connect
    // as a superuser, for whom SET ROLE always works, so the catalogue is asked).
    const { rows } = await server.owner.query(
      `SELECT pg_has_role('brygga_app', 'brygga_retention', 'MEMBER') AS member,
              pg_has_role('brygga_app', 'brygga_retention', 'USAGE') AS usage`,
    );
    expect(rows[0]).toEqual({ member: false, usage: false });
    expect(
      await as('brygga_app', `SELECT retention_purge_cases(ARRAY['${old.caseId}']::uuid[])`),
    ).toMatch(/permission denied/);
    expect(await as('brygga_app', 'SELECT retention_purge_invoices(ARRAY[]::uuid[])')).toMatch(
      /permission denied/,
    );
  });

  it('cannot change the purge record or a policy’s substance', async () => {
    expect(await as('brygga_app', `UPDATE retention_run SET started_by = 'x'`)).toMatch(
      /permission denied/,
    );
    expect(await as('brygga_app', 'UPDATE retention_policy SET retain_months = 1')).toMatch(
      /permission denied/,
    );
    expect(await as('brygga_app', 'DELETE FROM legal_hold')).toMatch(/permission denied/);
  });
});

describe('the purge role', () => {
  it('may delete a case with everything on it', async () => {
    expect(
      await as('brygga_retention', `SELECT retention_purge_cases(ARRAY['${old.caseId}']::uuid[])`),
    ).toBeNull();
  });

  it('cannot delete or truncate the access log, nor remove seals or the purge record', async () => {
    for (const sql of [
      'DELETE FROM access_log',
      'TRUNCATE access_log',
      'DELETE FROM access_log_seal',
      'DELETE FROM retention_run_item',
      'DELETE FROM legal_hold',
      'TRUNCATE case_event',
    ]) {
      expect(await as('brygga_retention', sql), sql).toMatch(/permission denied|append-only/);
    }
  });

  it('may clear an invoice line’s pointers into a purged case, and nothing else of it', async () => {
    expect(
      await as(
        'brygga_retention',
        `UPDATE invoice_line SET case_id = NULL, event_ids = '{}' WHERE id = '${lineId}'`,
      ),
    ).toBeNull();
    expect(
      await as('brygga_retention', `UPDATE invoice_line SET amount = 0 WHERE id = '${lineId}'`),
    ).toMatch(/permission denied|append-only/);
    expect(
      await as(
        'brygga_retention',
        `UPDATE invoice_line SET case_id = NULL, event_ids = '{}', description = 'x' WHERE id = '${lineId}'`,
      ),
    ).toMatch(/permission denied|append-only/);
  });

  it('cannot edit the event list it may delete', async () => {
    expect(
      await as(
        'brygga_retention',
        `UPDATE case_event SET payload = '{}' WHERE case_id = '${old.caseId}'`,
      ),
    ).toMatch(/permission denied|append-only/);
  });
});
