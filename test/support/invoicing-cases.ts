import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { WARD_KAROLINSKA_GERIATRIK } from './demo.js';

/**
 * Cases of past months for the invoicing tests, written straight into the tables as the
 * workflow would have written them (the workflow itself only records events now).
 */

export interface CaseEventInput {
  type: string;
  at: Date;
  payload?: object;
}

/** Inserts a case of a resident of `homeOrganizationId` on the Karolinska ward, with its events. */
export async function insertCase(
  owner: pg.Client,
  options: {
    homeOrganizationId: string;
    reference: string;
    events: CaseEventInput[];
    admittedAt: Date;
    /** Psychiatric 24-hour care; OPT/ORV: bound for compulsory outpatient care (implies psychiatric). */
    care?: 'SOMATIC' | 'PSYCHIATRIC' | 'OPT' | 'ORV';
  },
): Promise<{ caseId: string; eventIds: string[] }> {
  const { rows: patients } = await owner.query<{ id: string }>(
    'SELECT id FROM patient WHERE home_organization_id = $1 ORDER BY id LIMIT 1',
    [options.homeOrganizationId],
  );
  const { rows: units } = await owner.query<{ id: string }>(
    'SELECT id FROM unit WHERE hsa_id = $1',
    [WARD_KAROLINSKA_GERIATRIK],
  );
  const caseId = randomUUID();
  const notice = options.events.find((e) => e.type === 'ADMISSION_NOTICE_SENT')?.at ?? null;
  const discharged = options.events.find((e) => e.type === 'DISCHARGED')?.at ?? null;
  await owner.query(
    `INSERT INTO "case" (id, reference, patient_id, status, admitted_at, admission_notice_at, discharged_at, psychiatric, compulsory_care)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      caseId,
      options.reference,
      patients[0]!.id,
      discharged ? 'DISCHARGED' : 'READY_FOR_DISCHARGE',
      options.admittedAt,
      notice,
      discharged,
      (options.care ?? 'SOMATIC') !== 'SOMATIC',
      options.care === 'OPT' || options.care === 'ORV' ? options.care : 'NONE',
    ],
  );
  await owner.query(
    `INSERT INTO case_party (case_id, unit_id, role, joined_at) VALUES ($1, $2, 'WARD', $3)`,
    [caseId, units[0]!.id, options.admittedAt],
  );
  const eventIds = await appendEvents(owner, caseId, options.events);
  return { caseId, eventIds };
}

/** Appends events to a case's event list, after the ones it has. */
export async function appendEvents(
  owner: pg.Client,
  caseId: string,
  events: CaseEventInput[],
): Promise<string[]> {
  const { rows: units } = await owner.query<{ id: string }>(
    'SELECT id FROM unit WHERE hsa_id = $1',
    [WARD_KAROLINSKA_GERIATRIK],
  );
  const { rows: last } = await owner.query<{ n: number }>(
    'SELECT coalesce(max(sequence), 0)::int AS n FROM case_event WHERE case_id = $1',
    [caseId],
  );
  const eventIds: string[] = [];
  for (const [i, e] of events.entries()) {
    const id = randomUUID();
    eventIds.push(id);
    await owner.query(
      `INSERT INTO case_event (id, case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
       VALUES ($1, $2, $3, $4, 'SE2321000016-X1', 'Test', $5, $6, $7)`,
      [id, caseId, last[0]!.n + i + 1, e.type, units[0]!.id, e.at, JSON.stringify(e.payload ?? {})],
    );
  }
  return eventIds;
}
