import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  PurgeRecordArchivePackagesDocument,
  RecordRetentionDecisionDocument,
} from '../../generated/graphql.js';
import { SOC_HUDDINGE, SOC_SOLNA, SOLNA } from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { insertClosedCase, type OldCase, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Hand-over (issue 16): cases a retention decision marks for archiving are exported as a
 * package for the e-archive before they are purged (docs/archive-package.md), the purge
 * record names the package, and without an archive folder they are not purged at all.
 */
let server: TestServer;
let solnaOwner: GraphQLClient;
let solnaOfficer: GraphQLClient;
let huddingeOwner: GraphQLClient;
let archiveDir = '';
let solnaCase: OldCase;
let huddingeCase: OldCase;
const solnaPin = pinBornOn(16);
const OLD = new Date('2014-03-01T10:00:00Z');

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

async function exists(caseId: string): Promise<boolean> {
  const { rows } = await server.owner.query('SELECT 1 FROM "case" WHERE id = $1', [caseId]);
  return rows.length === 1;
}

beforeAll(async () => {
  delete process.env.RETENTION_ARCHIVE_DIR;
  server = await startTestServer();
  archiveDir = await mkdtemp(join(tmpdir(), 'brygga-archive-'));
  solnaOwner = await server.clientFor(SOC_SOLNA, { roles: ['INFORMATION_OWNER'] });
  solnaOfficer = await server.clientFor(SOC_SOLNA, { roles: ['SECURITY_OFFICER'] });
  huddingeOwner = await server.clientFor(SOC_HUDDINGE, { roles: ['INFORMATION_OWNER'] });
  solnaCase = await insertClosedCase(server.owner, {
    pin: solnaPin,
    units: [SOC_SOLNA],
    lastEntryAt: OLD,
    noteAt: OLD,
  });
  huddingeCase = await insertClosedCase(server.owner, {
    pin: pinBornOn(16),
    units: [SOC_HUDDINGE],
    lastEntryAt: OLD,
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (archiveDir) await rm(archiveDir, { recursive: true, force: true });
});

it('is marked by the owner’s decision, for cases only', async () => {
  const refused = await solnaOwner.request(RecordRetentionDecisionDocument, {
    input: {
      recordClass: 'ACCESS_LOG',
      reference: 'KS 2026/5',
      decidedOn: '2026-03-01',
      decidedBy: 'Kommunstyrelsen',
      archiveBeforePurge: true,
    },
  });
  expect(refused.recordRetentionDecision).toMatchObject({ code: 'ARCHIVE_NOT_SUPPORTED' });
  const marked = await solnaOwner.request(RecordRetentionDecisionDocument, {
    input: {
      recordClass: 'CASE',
      reference: 'SN 2026/40 § 7',
      decidedOn: '2026-03-01',
      decidedBy: 'Socialnämnden',
      archiveBeforePurge: true,
    },
  });
  expect(marked.recordRetentionDecision).toMatchObject({
    __typename: 'RecordRetentionDecisionSuccess',
  });
});

it('keeps every case when no archive folder is given: the dry run and the purge fail alike', async () => {
  for (const args of [['run', '--dry-run'], ['run']]) {
    const run = await runRetentionCli(server.databaseUrl, args);
    expect(run.code, args.join(' ')).toBe(1);
    expect(run.report?.error).toMatch(/to be archived before they are purged.*no archive folder/);
  }
  expect(await exists(solnaCase.caseId)).toBe(true);
  expect(await exists(huddingeCase.caseId)).toBe(true);
  expect(await readdir(archiveDir)).toEqual([]);
});

it('hands the case over as a package with verifiable checksums, then purges it; the record names the package', async () => {
  const run = await runRetentionCli(server.databaseUrl, ['run', '--archive-dir', archiveDir]);
  expect(run.code, run.stderr).toBe(0);
  expect(await exists(solnaCase.caseId)).toBe(false);
  expect(await exists(huddingeCase.caseId)).toBe(false);

  const folders = await readdir(archiveDir);
  expect(folders).toHaveLength(1); // Huddinge's case was not marked: no package
  expect(run.report!.archivePackages).toEqual(folders);
  const folder = join(archiveDir, folders[0]!);
  const manifestBytes = await readFile(join(folder, 'manifest.json'));
  expect(await readFile(join(folder, 'manifest.json.sha256'), 'utf8')).toBe(
    `${sha256(manifestBytes)}  manifest.json\n`,
  );
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  expect(manifest).toMatchObject({
    format: 'brygga-archive-package/1',
    package: folders[0],
    organization: { hsaId: SOLNA },
    decision: { reference: 'SN 2026/40 § 7', decidedOn: '2026-03-01', decidedBy: 'Socialnämnden' },
    recordClass: 'CASE',
    records: 1,
  });
  expect(await readdir(join(folder, 'records'))).toEqual([`${solnaCase.caseId}.json`]);
  for (const file of manifest.files) {
    const bytes = await readFile(join(folder, file.path));
    expect(sha256(bytes)).toBe(file.sha256);
    expect(bytes.length).toBe(file.bytes);
  }
  const record = JSON.parse(await readFile(join(folder, manifest.files[0].path), 'utf8'));
  expect(record.case.id).toBe(solnaCase.caseId);
  expect(record.patient.personal_identity_number).toBe(solnaPin);
  expect(record.events.map((e: { id: string }) => e.id)).toEqual([solnaCase.eventId]);
  expect(record.events[0].recipients).toHaveLength(1);
  expect(record.carePlans[0].versions[0].items).toHaveLength(1);
  expect(record.notes).toHaveLength(1);

  const { purgeRecords } = await solnaOfficer.request(PurgeRecordArchivePackagesDocument, {
    limit: 1,
    mode: 'PURGE',
  });
  expect(purgeRecords[0]).toMatchObject({
    status: 'SUCCEEDED',
    archivePackages: [
      {
        name: folders[0],
        records: 1,
        recordClass: 'CASE',
        manifestSha256: sha256(manifestBytes),
        organization: { hsaId: SOLNA },
        decision: { reference: 'SN 2026/40 § 7', archiveBeforePurge: true },
      },
    ],
  });
  const theirs = await huddingeOwner.request(PurgeRecordArchivePackagesDocument, {
    limit: 1,
    mode: 'PURGE',
  });
  expect(theirs.purgeRecords[0]!.archivePackages).toEqual([]);
});

it('names the package under the run’s seal: a renamed package no longer verifies', async () => {
  expect((await runRetentionCli(server.databaseUrl, ['verify'])).code).toBe(0);
  await expect(
    server.owner.query(`UPDATE retention_archive_package SET name = 'elsewhere'`),
  ).rejects.toThrow(/append-only/);
  await server.owner.query('BEGIN');
  await server.owner.query('SET LOCAL session_replication_role = replica');
  await server.owner.query(`UPDATE retention_archive_package SET name = 'elsewhere'`);
  await server.owner.query('COMMIT');
  const verify = await runRetentionCli(server.databaseUrl, ['verify']);
  expect(verify.code).toBe(1);
  expect(verify.stdout).toContain('SEAL_MISMATCH');
});
