import { afterAll, beforeAll, expect, it } from 'vitest';
import { SOC_SOLNA } from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { insertClosedCase, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, item 6, through the CLI: under a policy of 1 month + 30 days, a case whose
 * last entry was on 31 January is due on 31 March (kept through 28 February + 30 days =
 * 30 March); the candidate search used to stop before it. One a day later is not due.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  // One policy for every owner: the search is bounded by the shortest months and days.
  await server.owner.query(
    `UPDATE retention_policy SET superseded_at = now()
     WHERE record_class = 'CASE' AND superseded_at IS NULL`,
  );
  await server.owner.query(
    `INSERT INTO retention_policy (record_class, retain_months, retain_days, decision)
     VALUES ('CASE', 1, 30, 'Test: en månad och trettio dagar')`,
  );
}, 60_000);
afterAll(async () => {
  await server?.close();
});

it('purges the case last written on 31 January on 31 March, and keeps the one of 1 February', async () => {
  const due = await insertClosedCase(server.owner, {
    pin: pinBornOn(16),
    units: [SOC_SOLNA],
    lastEntryAt: new Date('2026-01-31T10:00:00Z'),
  });
  const kept = await insertClosedCase(server.owner, {
    pin: pinBornOn(16),
    units: [SOC_SOLNA],
    lastEntryAt: new Date('2026-02-01T10:00:00Z'),
  });
  const run = await runRetentionCli(server.databaseUrl, ['run', '--as-of', '2026-03-31']);
  expect(run.code, run.stderr).toBe(0);
  const { rows } = await server.owner.query<{ id: string }>(
    'SELECT id FROM "case" WHERE id = ANY ($1::uuid[])',
    [[due.caseId, kept.caseId]],
  );
  expect(rows.map((r) => r.id)).toEqual([kept.caseId]);
});
