import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { appendAccessLog, insertPatient, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, item 5: access-log partitions are UTC months, the rules count Stockholm days.
 * A row logged at 00:30 on 1 January in Stockholm is 23:30 UTC on 31 December and sits in
 * December's partition; a row at 01:30 on 1 July (summer time) sits in June's. Each
 * partition is kept until the last of its rows has had its five years by its own
 * Stockholm day (src/domain/retention/rules.ts, accessLogPartitionAnchor).
 */
let server: TestServer;

async function partitions(): Promise<string[]> {
  const { rows } = await server.owner.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.access_log'::regclass
       AND c.relname IN ('access_log_2020_12', 'access_log_2021_06') ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function purge(asOf: string, dryRun = false) {
  const run = await runRetentionCli(server.databaseUrl, [
    'run',
    ...(dryRun ? ['--dry-run'] : []),
    '--as-of',
    asOf,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return run.report!.items.find((i) => i.recordClass === 'ACCESS_LOG')?.purged ?? 0;
}

beforeAll(async () => {
  server = await startTestServer();
  const pin = pinBornOn(16);
  const id = await insertPatient(server.owner, pin);
  const newYear = stockholmInstant('2021-01-01', '00:30');
  const midsummer = stockholmInstant('2021-07-01', '01:30');
  expect(newYear.toISOString()).toBe('2020-12-31T23:30:00.000Z');
  expect(midsummer.toISOString()).toBe('2021-06-30T23:30:00.000Z');
  await appendAccessLog(server.owner, newYear, { id, pin }, 2);
  await appendAccessLog(server.owner, midsummer, { id, pin }, 3);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

it('keeps December while its 00:30 1 January row has not had five years, and drops it the day after', {
  timeout: 180_000,
}, async () => {
  expect(await partitions()).toEqual(['access_log_2020_12', 'access_log_2021_06']);
  // On 1 January 2026 the row of 1 January 2021 is still within its five years.
  expect(await purge('2026-01-01', true)).toBe(0);
  expect(await purge('2026-01-01')).toBe(0);
  expect(await partitions()).toEqual(['access_log_2020_12', 'access_log_2021_06']);
  // From 2 January 2026 it may go, and December with it.
  expect(await purge('2026-01-02', true)).toBe(2);
  expect(await purge('2026-01-02')).toBe(2);
  expect(await partitions()).toEqual(['access_log_2021_06']);
});

it('keeps June while its 01:30 1 July (summer time) row has not had five years', {
  timeout: 180_000,
}, async () => {
  expect(await purge('2026-07-01')).toBe(0);
  expect(await partitions()).toEqual(['access_log_2021_06']);
  expect(await purge('2026-07-02')).toBe(3);
  expect(await partitions()).toEqual([]);
  const verified = await verifyAccessLog(server.owner);
  expect(verified.ok).toBe(true);
  expect(verified.sealedAndDropped).toEqual(expect.arrayContaining(['2020-12', '2021-06']));
});
