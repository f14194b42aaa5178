import { encodeGlobalID } from '@pothos/plugin-relay';
import type pg from 'pg';
import { demoResidents } from '../../src/db/seed/demo-reference-data.js';

export * from '../../src/db/seed/demo-reference-data.js';

/** Relay id of a demo unit, looked up by HSA-ID. */
export async function unitGlobalId(owner: pg.Client, hsaId: string): Promise<string> {
  const { rows } = await owner.query<{ id: string }>('SELECT id FROM unit WHERE hsa_id = $1', [
    hsaId,
  ]);
  if (!rows[0]) throw new Error(`no demo unit ${hsaId}`);
  return encodeGlobalID('Unit', rows[0].id);
}

/** Every organisation's database id by its HSA-ID. */
export async function organizationIds(owner: pg.Client): Promise<Map<string, string>> {
  const { rows } = await owner.query<{ id: string; hsa_id: string }>(
    'SELECT id, hsa_id FROM organization',
  );
  return new Map(rows.map((r) => [r.hsa_id, r.id]));
}

/** Residents 60–79 of the demo register have no case yet: tests open cases for them. */
export function residentWithoutCase(index: number) {
  const resident = demoResidents(80)[60 + index];
  if (!resident) throw new Error('only 20 residents are kept free of cases');
  return resident;
}

export function globalId(typename: string, id: string): string {
  return encodeGlobalID(typename, id);
}
