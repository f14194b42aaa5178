import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_TASK, startScheduler } from '../../../src/jobs/scheduler.js';
import {
  PurgeRecordOrganizationCountsDocument,
  type PurgeRecordOrganizationCountsQuery,
  RetentionWarningsDocument,
} from '../../generated/graphql.js';
import {
  HUDDINGE,
  REGION,
  SOC_HUDDINGE,
  SOC_SOLNA,
  SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import {
  appendAccessLog,
  insertClosedCase,
  insertInvoice,
  pinBornOn,
} from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, items 9 and 10. Under the municipalities' shared default policy each
 * municipality reads its own counts in the purge record (a case shared with the region
 * counts for both), only its own; and a scheduled run that finds another run holding the
 * lock leaves a warning that security officers and information owners read over GraphQL.
 */
let server: TestServer;
let solnaOwner: GraphQLClient;
let solnaOfficer: GraphQLClient;
let huddingeOwner: GraphQLClient;
let regionOwner: GraphQLClient;
let nurse: GraphQLClient;
const OLD = new Date('2014-03-01T10:00:00Z');

type Record = PurgeRecordOrganizationCountsQuery['purgeRecords'][number];

/** An organisation's counts for a class, summed over the policies it was counted under. */
function countsOf(record: Record, hsaId: string, recordClass: string) {
  const lines = record.organizationCounts.filter(
    (l) => l.organization.hsaId === hsaId && l.recordClass === recordClass,
  );
  return {
    purged: lines.reduce((s, l) => s + l.purged, 0),
    held: lines.reduce((s, l) => s + l.held, 0),
    keptForResearch: lines.reduce((s, l) => s + l.keptForResearch, 0),
    policies: lines.map((l) => l.policy?.organizationKind ?? null).sort(),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  solnaOwner = await server.clientFor(SOC_SOLNA, { roles: ['INFORMATION_OWNER'] });
  solnaOfficer = await server.clientFor(SOC_SOLNA, { roles: ['SECURITY_OFFICER'] });
  huddingeOwner = await server.clientFor(SOC_HUDDINGE, { roles: ['INFORMATION_OWNER'] });
  regionOwner = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, {
    roles: ['INFORMATION_OWNER'],
  });
  nurse = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['WARD_STAFF'] });

  // Solna: three cases of its own, one shared with the region's ward, one held.
  for (let i = 0; i < 3; i += 1) {
    await insertClosedCase(server.owner, {
      pin: pinBornOn(16),
      units: [SOC_SOLNA],
      lastEntryAt: OLD,
    });
  }
  const sharedPin = pinBornOn(16);
  const shared = await insertClosedCase(server.owner, {
    pin: sharedPin,
    units: [WARD_KAROLINSKA_GERIATRIK, SOC_SOLNA],
    lastEntryAt: OLD,
  });
  const held = await insertClosedCase(server.owner, {
    pin: pinBornOn(16),
    units: [SOC_SOLNA],
    lastEntryAt: OLD,
  });
  await server.owner.query(
    `INSERT INTO legal_hold (target, case_id, reason, placed_for_organization_id, placed_by_hsa_id, placed_by_name)
     SELECT 'CASE', $1, 'Tvist om betalningsansvar, dnr 2026/1', id, 'SE2120000183-STAF1', 'Ägare'
     FROM organization WHERE hsa_id = $2`,
    [held.caseId, SOLNA],
  );
  // Huddinge: two of its own, and one kept for research (born on the 5th).
  for (let i = 0; i < 2; i += 1) {
    await insertClosedCase(server.owner, {
      pin: pinBornOn(16),
      units: [SOC_HUDDINGE],
      lastEntryAt: OLD,
    });
  }
  await insertClosedCase(server.owner, {
    pin: pinBornOn(5),
    units: [SOC_HUDDINGE],
    lastEntryAt: OLD,
  });
  // Invoices: Solna's and Huddinge's, both to the region, seven years past their fiscal year.
  await insertInvoice(server.owner, { debtorHsaId: SOLNA, period: '2015-03-01' });
  await insertInvoice(server.owner, { debtorHsaId: HUDDINGE, period: '2015-04-01' });
  // An access-log month of the region's accesses (provider: the region) about the shared case.
  await appendAccessLog(
    server.owner,
    new Date('2015-02-10T10:00:00Z'),
    { id: shared.patientId, pin: sharedPin, caseId: shared.caseId },
    3,
  );
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('counts per organisation in the purge record', () => {
  it('let each municipality report its own counts under the shared default, in a dry run and in the purge', async () => {
    for (const args of [['run', '--dry-run'], ['run']]) {
      const run = await runRetentionCli(server.databaseUrl, [...args, '--started-by', 'org-test']);
      expect(run.code, run.stderr).toBe(0);
      const [record] = (
        await solnaOwner.request(PurgeRecordOrganizationCountsDocument, { limit: 1 })
      ).purgeRecords;
      expect(record!.mode).toBe(args.length === 2 ? 'DRY_RUN' : 'PURGE');
      // The shared case counts for Solna under the region's (binding, longer) policy.
      expect(countsOf(record!, SOLNA, 'CASE')).toEqual({
        purged: 4,
        held: 1,
        keptForResearch: 0,
        policies: ['CARE_PROVIDER', 'MUNICIPALITY'],
      });
      expect(countsOf(record!, SOLNA, 'INVOICE_BASIS')).toMatchObject({ purged: 1 });
      // Solna's owner sees Solna's counts only, not Huddinge's or the region's.
      expect(new Set(record!.organizationCounts.map((l) => l.organization.hsaId))).toEqual(
        new Set([SOLNA]),
      );
      // The line under the shared default counts both municipalities' cases once each.
      const defaultLine = record!.items.find(
        (i) => i.recordClass === 'CASE' && i.policy?.organizationKind === 'MUNICIPALITY',
      );
      expect(defaultLine).toMatchObject({ purged: 5, held: 1, keptForResearch: 1 });

      const theirs = (
        await huddingeOwner.request(PurgeRecordOrganizationCountsDocument, { limit: 1 })
      ).purgeRecords[0]!;
      expect(countsOf(theirs, HUDDINGE, 'CASE')).toEqual({
        purged: 2,
        held: 0,
        keptForResearch: 1,
        policies: ['MUNICIPALITY'],
      });
      expect(theirs.organizationCounts.some((l) => l.organization.hsaId === SOLNA)).toBe(false);

      const region = (
        await regionOwner.request(PurgeRecordOrganizationCountsDocument, { limit: 1 })
      ).purgeRecords[0]!;
      expect(countsOf(region, REGION, 'CASE')).toMatchObject({ purged: 1 });
      expect(countsOf(region, REGION, 'INVOICE_BASIS')).toMatchObject({ purged: 2 });
      expect(countsOf(region, REGION, 'ACCESS_LOG')).toMatchObject({ purged: 3 });
    }
    const { rows } = await server.owner.query(
      `SELECT count(*)::int AS n FROM "case" WHERE reference LIKE 'GALL-%'`,
    );
    expect(rows[0].n).toBe(2); // the held case and the research case
  });

  it('are appended only, and sealed with the run: a change behind the triggers is found', async () => {
    await expect(
      server.owner.query('UPDATE retention_run_organization_item SET purged = 0'),
    ).rejects.toThrow(/append-only/);
    await expect(server.owner.query('DELETE FROM retention_run_organization_item')).rejects.toThrow(
      /append-only/,
    );
    const clean = await runRetentionCli(server.databaseUrl, ['verify']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);

    await server.owner.query(
      'ALTER TABLE retention_run_organization_item DISABLE TRIGGER retention_run_organization_item_immutable',
    );
    try {
      await server.owner.query(
        `UPDATE retention_run_organization_item SET purged = purged + 1
         WHERE seq = (SELECT max(seq) FROM retention_run_organization_item WHERE kind = 'BATCH')`,
      );
    } finally {
      await server.owner.query(
        'ALTER TABLE retention_run_organization_item ENABLE TRIGGER retention_run_organization_item_immutable',
      );
    }
    const tampered = await runRetentionCli(server.databaseUrl, ['verify']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('SEAL_MISMATCH');
  });
});

describe('a scheduled run skipped because another run holds the lock', () => {
  it('is a warning security officers and information owners read over GraphQL', async () => {
    const before = (await solnaOfficer.request(RetentionWarningsDocument, {})).retentionWarnings;
    const lock = await server.owner.query('SELECT pg_advisory_lock(730050, 1)');
    expect(lock.rowCount).toBe(1);
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'error',
    });
    try {
      await scheduler.runner.addJob(RETENTION_TASK, {});
      for (let i = 0; i < 300; i += 1) {
        const { rows } = await server.owner.query('SELECT 1 FROM retention_warning');
        if (rows.length > before.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await scheduler.stop();
      await server.owner.query('SELECT pg_advisory_unlock(730050, 1)');
    }
    const login = new URL(server.databaseUrl).username;
    for (const reader of [solnaOfficer, solnaOwner, huddingeOwner]) {
      const { retentionWarnings } = await reader.request(RetentionWarningsDocument, {});
      expect(retentionWarnings).toHaveLength(before.length + 1);
      expect(retentionWarnings[0]).toMatchObject({
        kind: 'RUN_SKIPPED',
        actor: expect.stringMatching(/^scheduler:\d+$/),
        run: null,
      });
      // Who held the lock, as PostgreSQL saw it.
      expect(retentionWarnings[0]!.message).toContain(`login ${login}`);
    }
    await expect(nurse.request(RetentionWarningsDocument, {})).rejects.toMatchObject({
      response: { errors: [{ extensions: { code: 'FORBIDDEN' } }] },
    });
    await expect(
      server.owner.query('UPDATE retention_warning SET message = $1', ['x']),
    ).rejects.toThrow(/append-only/);
    await expect(server.owner.query('DELETE FROM retention_warning')).rejects.toThrow(
      /append-only/,
    );
  });
});
