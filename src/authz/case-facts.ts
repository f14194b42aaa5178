import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/client.js';

/**
 * What field decisions need to know of a case, loaded once per request for all the cases
 * a response touches (one statement, however many cases and fields).
 */
export interface CaseFacts {
  caseId: string;
  patientId: string;
  protectedIdentity: boolean;
  consentGiven: boolean;
  /** Units and organisations taking part in the case now. */
  partyUnitIds: string[];
  partyOrganizationIds: string[];
  /** Organisations whose information the patient has blocked (spärr). */
  blockedOrganizationIds: string[];
}

export type CaseFactsLoader = DataLoader<string, CaseFacts | null>;

export function createCaseFactsLoader(prisma: PrismaClient): CaseFactsLoader {
  return new DataLoader(async (ids: readonly string[]) => {
    const rows = await prisma.case.findMany({
      where: { id: { in: [...ids] } },
      select: {
        id: true,
        patientId: true,
        consent: true,
        parties: {
          where: { leftAt: null },
          select: { unitId: true, unit: { select: { organizationId: true } } },
        },
        patient: {
          select: {
            protectedIdentity: true,
            blocks: { where: { liftedAt: null }, select: { blockedOrganizationId: true } },
          },
        },
      },
    });
    const byId = new Map(
      rows.map((c) => [
        c.id,
        {
          caseId: c.id,
          patientId: c.patientId,
          protectedIdentity: c.patient.protectedIdentity,
          consentGiven: c.consent === 'GIVEN',
          partyUnitIds: c.parties.map((p) => p.unitId),
          partyOrganizationIds: [...new Set(c.parties.map((p) => p.unit.organizationId))],
          blockedOrganizationIds: c.patient.blocks.map((b) => b.blockedOrganizationId),
        },
      ]),
    );
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * A block (spärr) hides a case's clinical and planning content from a caller outside a
 * blocked organisation that takes part in the case. The case itself, and who the patient
 * is, stay visible so the process can go on.
 */
export function blockedFor(facts: CaseFacts, callerOrganizationId: string): boolean {
  return facts.blockedOrganizationIds.some(
    (org) => org !== callerOrganizationId && facts.partyOrganizationIds.includes(org),
  );
}
