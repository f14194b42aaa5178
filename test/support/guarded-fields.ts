import { spawnSync } from 'node:child_process';
import type pg from 'pg';
import { globalId, SOC_SODERMALM, WARD_KAROLINSKA_GERIATRIK } from './demo.js';

/**
 * The guarded fields of some types, for tests that query every one of them: each field's
 * category from the one field/category table (scripts/authz-docs.ts --json, the source of
 * docs/authorization.md), and which of them need a sub-selection (asked of the schema by
 * introspection, which is on outside production).
 */
export interface GuardedFields {
  categories: Record<string, Record<string, string>>;
  /** Selects every guarded field of the type; object fields as `{ __typename }`. */
  selection(type: string): string;
}

export async function guardedFields(url: string, types: readonly string[]): Promise<GuardedFields> {
  const docs = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/authz-docs.ts', '--json'], {
    encoding: 'utf8',
  });
  const categories = JSON.parse(docs.stdout).fields as Record<string, Record<string, string>>;
  const introspection = (await (
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ ${types.map((t) => `${t}: __type(name: "${t}") { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } }`).join(' ')} }`,
      }),
    })
  ).json()) as { data: Record<string, { fields: { name: string; type: unknown }[] }> };
  const isObject = (t: unknown): boolean => {
    let cur = t as { kind: string; ofType?: unknown } | undefined;
    while (cur && (cur.kind === 'NON_NULL' || cur.kind === 'LIST')) cur = cur.ofType as typeof cur;
    return cur?.kind === 'OBJECT' || cur?.kind === 'INTERFACE' || cur?.kind === 'UNION';
  };
  const objectFields = Object.fromEntries(
    types.map((t) => [
      t,
      new Set(introspection.data[t]!.fields.filter((f) => isObject(f.type)).map((f) => f.name)),
    ]),
  );
  return {
    categories,
    selection: (type) =>
      Object.keys(categories[type]!)
        .map((f) => (objectFields[type]!.has(f) ? `${f} { __typename }` : f))
        .join(' '),
  };
}

/**
 * A demo case of the Karolinska geriatric ward that Södermalm's social services take part
 * in now, with a care plan, an open note and a planning basis (MEDICAL content): its raw
 * ids, and the global ids of it and of those objects for `node(id:)`.
 */
export async function wardCaseWithSocialServices(owner: pg.Client): Promise<{
  caseId: string;
  patientId: string;
  ids: Record<'Case' | 'Patient' | 'CarePlan' | 'Note' | 'CaseEvent', string>;
}> {
  const { rows } = await owner.query<{ id: string; patient_id: string }>(
    `SELECT c.id, c.patient_id FROM "case" c
     JOIN case_party p ON p.case_id = c.id JOIN unit u ON u.id = p.unit_id
     WHERE u.hsa_id = $1 AND p.left_at IS NULL AND EXISTS (SELECT 1 FROM care_plan WHERE case_id = c.id)
       AND EXISTS (SELECT 1 FROM note WHERE case_id = c.id AND NOT locked_to_organization)
       AND EXISTS (SELECT 1 FROM case_event WHERE case_id = c.id AND type = 'PLANNING_BASIS_SENT')
       AND EXISTS (SELECT 1 FROM case_party q JOIN unit v ON v.id = q.unit_id
                   WHERE q.case_id = c.id AND q.left_at IS NULL AND v.hsa_id = $2)
     LIMIT 1`,
    [WARD_KAROLINSKA_GERIATRIK, SOC_SODERMALM],
  );
  const { id: caseId, patient_id: patientId } = rows[0]!;
  const one = async (sql: string) => (await owner.query<{ id: string }>(sql, [caseId])).rows[0]!.id;
  return {
    caseId,
    patientId,
    ids: {
      Case: globalId('Case', caseId),
      Patient: globalId('Patient', patientId),
      CarePlan: globalId(
        'CarePlan',
        await one('SELECT id FROM care_plan WHERE case_id = $1 LIMIT 1'),
      ),
      Note: globalId(
        'Note',
        await one('SELECT id FROM note WHERE case_id = $1 AND NOT locked_to_organization LIMIT 1'),
      ),
      CaseEvent: globalId(
        'CaseEvent',
        await one(
          `SELECT id FROM case_event WHERE case_id = $1 AND type = 'PLANNING_BASIS_SENT' LIMIT 1`,
        ),
      ),
    },
  };
}
