import { publishedVersions } from '../db/case-repository.js';
import type { PrismaClient } from '../db/client.js';
import type { CarePlanKind, CarePlanStatus, CompulsoryCare } from '../domain/case/model.js';
import type { CarePlanPublishedPayload } from '../domain/case/payloads.js';
import { contractDate, type GetCarePlansRequest } from './contract.js';

/** One care-plan version as the patient's portal gets it. */
export interface PublishedPlan {
  carePlanId: string;
  kind: CarePlanKind;
  versionId: string;
  version: number;
  status: CarePlanStatus;
  summary: string;
  followUpOn: Date | null;
  writtenAt: Date;
  author: { hsaId: string; name: string };
  authorUnit: UnitInfo;
  /** The care giver (vårdgivare) or municipality of the author's unit. */
  careGiverHsaId: string;
  publishedAt: Date;
  items: { action: string; dueOn: Date | null; unit: UnitInfo }[];
  participants: { name: string; role: string; unit: UnitInfo | null }[];
  caseId: string;
  caseReference: string;
  compulsoryCare: CompulsoryCare;
}

export interface UnitInfo {
  hsaId: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
}

/** Why a patient's plans were not delivered although published (docs/patient-portal.md). */
export type Withheld = 'PROTECTED_IDENTITY' | 'BLOCKED';

export interface PatientPlans {
  patient: { id: string; personalIdentityNumber: string } | null;
  plans: PublishedPlan[];
  withheld: { caseId: string; reason: Withheld }[];
}

const UNIT_SELECT = { hsaId: true, name: true, phone: true, email: true, address: true } as const;

/**
 * The versions that stand published to the patient (the last publication event of each
 * plan), after the law's rules and the request's filters:
 * - a patient with protected identity (skyddade personuppgifter) gets nothing through the
 *   national platform: the answer could reveal where the patient is cared for;
 * - a case that involves an organisation whose information the patient blocked (spärr)
 *   is withheld whole: the plan is written jointly, and the producer cannot tell which
 *   consumer behind the platform will show it;
 * - `careUnitHSAId` keeps plans whose accountable unit (the author's) is listed,
 *   `datePeriod` those written within it (Stockholm days, inclusive), `careContactId`
 *   those of the listed cases (by reference), and a `sourceSystemHSAId` other than ours
 *   keeps none.
 */
export async function publishedPlansOf(
  prisma: PrismaClient,
  personalIdentityNumber: string,
  request: GetCarePlansRequest,
  sourceSystemHsaId: string,
): Promise<PatientPlans> {
  const patient = await prisma.patient.findUnique({
    where: { personalIdentityNumber },
    select: {
      id: true,
      personalIdentityNumber: true,
      protectedIdentity: true,
      blocks: { where: { liftedAt: null }, select: { blockedOrganizationId: true } },
      cases: {
        orderBy: { admittedAt: 'asc' },
        select: {
          id: true,
          reference: true,
          compulsoryCare: true,
          parties: { select: { unit: { select: { organizationId: true } } } },
          events: {
            where: {
              type: { in: ['CARE_PLAN_PUBLISHED_TO_PATIENT', 'CARE_PLAN_PUBLICATION_WITHDRAWN'] },
            },
            orderBy: { sequence: 'asc' },
            select: { type: true, payload: true, occurredAt: true },
          },
        },
      },
    },
  });
  if (!patient) return { patient: null, plans: [], withheld: [] };
  const who = { id: patient.id, personalIdentityNumber: patient.personalIdentityNumber };
  if (request.sourceSystemHsaId !== null && request.sourceSystemHsaId !== sourceSystemHsaId) {
    return { patient: who, plans: [], withheld: [] };
  }
  const blocked = new Set(patient.blocks.map((block) => block.blockedOrganizationId));
  const withheld: PatientPlans['withheld'] = [];
  const wanted: { caseIndex: number; carePlanId: string; version: number; publishedAt: Date }[] =
    [];
  for (const [caseIndex, stay] of patient.cases.entries()) {
    const current = [...publishedVersions(stay.events)].filter(
      (entry): entry is [string, number] => entry[1] !== null,
    );
    if (current.length === 0) continue;
    if (patient.protectedIdentity) {
      withheld.push({ caseId: stay.id, reason: 'PROTECTED_IDENTITY' });
      continue;
    }
    if (stay.parties.some((party) => blocked.has(party.unit.organizationId))) {
      withheld.push({ caseId: stay.id, reason: 'BLOCKED' });
      continue;
    }
    for (const [carePlanId, version] of current) {
      const publication = stay.events.findLast(
        (event) =>
          event.type === 'CARE_PLAN_PUBLISHED_TO_PATIENT' &&
          (event.payload as CarePlanPublishedPayload).carePlanId === carePlanId,
      )!;
      wanted.push({ caseIndex, carePlanId, version, publishedAt: publication.occurredAt });
    }
  }
  if (wanted.length === 0) return { patient: who, plans: [], withheld };

  const versions = await prisma.carePlanVersion.findMany({
    where: { OR: wanted.map(({ carePlanId, version }) => ({ carePlanId, version })) },
    select: {
      id: true,
      carePlanId: true,
      version: true,
      status: true,
      summary: true,
      followUpOn: true,
      authorHsaId: true,
      authorName: true,
      authorUnitId: true,
      createdAt: true,
      carePlan: { select: { kind: true } },
      items: {
        orderBy: { position: 'asc' },
        select: { action: true, dueOn: true, responsibleUnit: { select: UNIT_SELECT } },
      },
      participants: {
        orderBy: { position: 'asc' },
        select: { name: true, role: true, unit: { select: UNIT_SELECT } },
      },
    },
  });
  const authorUnits = new Map(
    (
      await prisma.unit.findMany({
        where: { id: { in: [...new Set(versions.map((v) => v.authorUnitId))] } },
        select: { id: true, ...UNIT_SELECT, organization: { select: { hsaId: true } } },
      })
    ).map((unit) => [unit.id, unit]),
  );
  const byKey = new Map(versions.map((v) => [`${v.carePlanId}:${v.version}`, v]));
  const plans = wanted.flatMap(({ caseIndex, carePlanId, version, publishedAt }) => {
    const row = byKey.get(`${carePlanId}:${version}`);
    const stay = patient.cases[caseIndex]!;
    const unit = row ? authorUnits.get(row.authorUnitId) : undefined;
    if (!row || !unit) return [];
    const { organization, id: _id, ...authorUnit } = unit;
    const plan: PublishedPlan = {
      carePlanId,
      kind: row.carePlan.kind,
      versionId: row.id,
      version,
      status: row.status,
      summary: row.summary,
      followUpOn: row.followUpOn,
      writtenAt: row.createdAt,
      author: { hsaId: row.authorHsaId, name: row.authorName },
      authorUnit,
      careGiverHsaId: organization.hsaId,
      publishedAt,
      items: row.items.map((item) => ({
        action: item.action,
        dueOn: item.dueOn,
        unit: item.responsibleUnit,
      })),
      participants: row.participants,
      caseId: stay.id,
      caseReference: stay.reference,
      compulsoryCare: stay.compulsoryCare,
    };
    return [plan];
  });
  return { patient: who, plans: plans.filter((plan) => matches(plan, request)), withheld };
}

function matches(plan: PublishedPlan, request: GetCarePlansRequest): boolean {
  if (request.careUnitHsaIds.length > 0 && !request.careUnitHsaIds.includes(plan.authorUnit.hsaId))
    return false;
  if (request.careContactIds.length > 0 && !request.careContactIds.includes(plan.caseReference))
    return false;
  const period = request.datePeriod;
  if (period) {
    const written = contractDate(plan.writtenAt);
    if (written < period.start || written > period.end) return false;
  }
  return true;
}
