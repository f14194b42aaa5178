import type { Prisma } from '../db/generated/prisma/client.js';
import type { CaseDeadlineFacts } from '../domain/deadlines/case-deadlines.js';

/** The columns of a case its deadlines are computed from (src/domain/deadlines). */
export const DEADLINE_FACTS_SELECT = {
  id: true,
  patientId: true,
  status: true,
  admittedAt: true,
  admissionNoticeAt: true,
  planningBasisAt: true,
  readyForDischargeAt: true,
  readyWithdrawnAt: true,
  sipCalledAt: true,
  plannedDischargeAt: true,
  dischargedAt: true,
  fixedCareContactName: true,
  fixedCareContactUnitId: true,
  parties: {
    where: { leftAt: null },
    select: { unitId: true, role: true, unit: { select: { organizationId: true } } },
  },
  events: {
    where: { type: 'FIXED_CARE_CONTACT_APPOINTED' },
    orderBy: { sequence: 'desc' },
    take: 1,
    select: { occurredAt: true },
  },
} satisfies Prisma.CaseSelect;

export type DeadlineFactsRow = Prisma.CaseGetPayload<{ select: typeof DEADLINE_FACTS_SELECT }>;

/** The region whose routine applies: the care provider of the ward; none without a ward. */
export function regionOf(row: Pick<DeadlineFactsRow, 'parties'>): string | null {
  return row.parties.find((p) => p.role === 'WARD')?.unit.organizationId ?? null;
}

export function deadlineFacts(row: DeadlineFactsRow): CaseDeadlineFacts {
  return {
    status: row.status,
    regionId: regionOf(row),
    admittedAt: row.admittedAt,
    admissionNoticeAt: row.admissionNoticeAt,
    planningBasisAt: row.planningBasisAt,
    readyForDischargeAt: row.readyForDischargeAt,
    readyWithdrawnAt: row.readyWithdrawnAt,
    sipCalledAt: row.sipCalledAt,
    plannedDischargeAt: row.plannedDischargeAt,
    dischargedAt: row.dischargedAt,
    // An annulled appointment clears the name: then there is no fixed care contact.
    fixedCareContactAppointedAt:
      row.fixedCareContactName !== null ? (row.events[0]?.occurredAt ?? row.admittedAt) : null,
    fixedCareContactUnitId: row.fixedCareContactUnitId,
    parties: row.parties.map((p) => ({ unitId: p.unitId, role: p.role })),
  };
}
