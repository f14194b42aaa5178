/**
 * Hand-over to an e-archive before purging (docs/archive-package.md). Cases whose owner's
 * retention decision says they are to be archived are exported, inside the purge
 * transaction that then deletes them (so the package holds exactly what goes), as one
 * package per batch and archiving organisation: a folder with one JSON file per case, a
 * manifest listing every file with its SHA-256 and size, and the manifest's own SHA-256.
 * The folder is written under a temporary name and renamed when complete, so a package
 * folder is never half-written; the purge record names it (retention_archive_package).
 * A transaction that fails after the rename leaves a package the record does not name:
 * only packages named in the record were handed over.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

export const ARCHIVE_FORMAT = 'brygga-archive-package/1';

export interface ArchiveDecision {
  organizationId: string;
  organizationHsaId: string;
  organizationName: string;
  decisionId: string;
  reference: string;
  decidedOn: string;
  decidedBy: string;
}

export class ArchiveUnavailableError extends Error {
  readonly code = 'RETENTION_ARCHIVE_UNAVAILABLE';
}

/** Every case as one document: the case, its patient, parties, events, care plans and notes. */
const CASE_DOCUMENTS = `
SELECT c.id, jsonb_build_object(
  'case', to_jsonb(c),
  'patient', (SELECT to_jsonb(p) FROM patient p WHERE p.id = c.patient_id),
  'parties', (SELECT coalesce(jsonb_agg(to_jsonb(cp) ORDER BY cp.joined_at, cp.unit_id), '[]')
              FROM case_party cp WHERE cp.case_id = c.id),
  'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object(
                'recipients', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.unit_id), '[]')
                               FROM case_event_recipient r WHERE r.event_id = e.id),
                'acknowledgements', (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.acknowledged_at), '[]')
                                     FROM case_event_acknowledgement a WHERE a.event_id = e.id)
              ) ORDER BY e.sequence), '[]')
             FROM case_event e WHERE e.case_id = c.id),
  'carePlans', (SELECT coalesce(jsonb_agg(to_jsonb(cp) || jsonb_build_object('versions', (
                  SELECT coalesce(jsonb_agg(to_jsonb(v) || jsonb_build_object(
                    'items', (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.position), '[]')
                              FROM care_plan_item i WHERE i.version_id = v.id),
                    'participants', (SELECT coalesce(jsonb_agg(to_jsonb(pp) ORDER BY pp.position), '[]')
                                     FROM care_plan_participant pp WHERE pp.version_id = v.id)
                  ) ORDER BY v.version), '[]')
                  FROM care_plan_version v WHERE v.care_plan_id = cp.id)) ORDER BY cp.created_at), '[]')
                FROM care_plan cp WHERE cp.case_id = c.id),
  'notes', (SELECT coalesce(jsonb_agg(to_jsonb(n) ORDER BY n.created_at, n.id), '[]')
            FROM note n WHERE n.case_id = c.id)
) AS document
FROM "case" c WHERE c.id = ANY ($1::uuid[])
ORDER BY c.id`;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes one package of `caseIds` for the organisation's decision and names it in the
 * purge record, both in the caller's (purge) transaction, before the deletion.
 */
export async function archiveCases(
  client: pg.ClientBase,
  archiveDir: string,
  run: { runId: string; asOf: string },
  decision: ArchiveDecision,
  caseIds: string[],
): Promise<string> {
  const { rows } = await client.query<{ id: string; document: unknown }>(CASE_DOCUMENTS, [caseIds]);
  const name = `brygga-${decision.organizationHsaId}-${run.asOf}-${randomUUID()}`;
  const partial = join(archiveDir, `${name}.partial`);
  await mkdir(join(partial, 'records'), { recursive: true });
  const files: { path: string; record: string; bytes: number; sha256: string }[] = [];
  for (const row of rows) {
    const path = `records/${row.id}.json`;
    const content = Buffer.from(`${JSON.stringify(row.document, null, 2)}\n`, 'utf8');
    await writeFile(join(partial, path), content);
    files.push({ path, record: row.id, bytes: content.length, sha256: sha256(content) });
  }
  const manifest = `${JSON.stringify(
    {
      format: ARCHIVE_FORMAT,
      package: name,
      createdAt: new Date().toISOString(),
      producer: 'Brygga retention (gallring)',
      run: { id: run.runId, asOf: run.asOf },
      organization: { hsaId: decision.organizationHsaId, name: decision.organizationName },
      decision: {
        reference: decision.reference,
        decidedOn: decision.decidedOn,
        decidedBy: decision.decidedBy,
      },
      recordClass: 'CASE',
      records: files.length,
      files,
    },
    null,
    2,
  )}\n`;
  const manifestSha = sha256(manifest);
  await writeFile(join(partial, 'manifest.json'), manifest);
  await writeFile(join(partial, 'manifest.json.sha256'), `${manifestSha}  manifest.json\n`);
  await rename(partial, join(archiveDir, name));
  await client.query(
    `INSERT INTO retention_archive_package (run_id, organization_id, decision_id, record_class, name, records, manifest_sha256)
     VALUES ($1, $2, $3, 'CASE', $4, $5, $6)`,
    [run.runId, decision.organizationId, decision.decisionId, name, files.length, manifestSha],
  );
  return name;
}
