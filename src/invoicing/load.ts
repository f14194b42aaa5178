/**
 * Reads what the payment rules need from the database: the agreements (validated by
 * src/domain/payment/agreement.ts) and the event lists of the cases that can have days in
 * a period. Nothing here decides anything.
 */
import type { PrismaClient } from '../db/client.js';
import {
  addMonths,
  firstDayOfMonth,
  type IsoDate,
  startOfStockholmDay,
  type YearMonth,
} from '../domain/calendar.js';
import { type PaymentAgreement, parseAgreement } from '../domain/payment/agreement.js';
import type { CaseTimeline } from '../domain/payment/timeline.js';
import { InvoicingError } from './errors.js';

/** A timeline with the reference an invoice line names its case by. */
export interface LoadedCase extends CaseTimeline {
  reference: string;
}

/** The longest average window (12 months) plus a month settled the month after. */
export const LOOK_BACK_MONTHS = 13;

function dateText(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

/** Every agreement of the region(s), validated; an invalid one fails the whole load. */
export async function loadAgreements(
  prisma: PrismaClient,
  regionIds?: readonly string[],
): Promise<PaymentAgreement[]> {
  const rows = await prisma.paymentAgreement.findMany({
    // The law's default for the whole country (no region) is part of every region's set.
    where: regionIds ? { OR: [{ regionId: { in: [...regionIds] } }, { regionId: null }] } : {},
    include: { prices: { orderBy: { year: 'asc' } } },
    orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
  });
  const problems: string[] = [];
  const agreements: PaymentAgreement[] = [];
  for (const row of rows) {
    const parameters =
      typeof row.parameters === 'object' && row.parameters !== null ? row.parameters : {};
    const parsed = parseAgreement({
      id: row.id,
      name: row.name,
      regionId: row.regionId,
      municipalityId: row.municipalityId,
      model: row.model,
      validFrom: dateText(row.validFrom),
      validTo: row.validTo === null ? null : dateText(row.validTo),
      prices: row.prices.map((p) => ({
        year: p.year,
        careType: p.careType === 'ALL' ? null : p.careType,
        pricePerDay: Number(p.pricePerDay),
      })),
      ...(row.model === 'STATUTORY_DEFAULT' ? {} : { parameters }),
    });
    if (parsed.ok) agreements.push(parsed.value);
    else problems.push(parsed.error.message);
  }
  if (problems.length > 0) throw new InvoicingError('INVALID_AGREEMENT', problems.join('\n'));
  return agreements;
}

export interface CaseScope {
  /** Cases of patients whose home organisation is one of these (municipality or district). */
  municipalityIds?: readonly string[];
  /** Cases whose ward belongs to this region (care provider). */
  regionId?: string;
  /** First month that must be covered; cases discharged before it are left out. */
  from: YearMonth;
  /** The first day not calculated. */
  until: IsoDate;
}

/**
 * The cases that can have days or stays in the scope: admitted before `until` and not
 * discharged before the first day of `from`. The region of a case is the organisation of
 * its first ward; its municipality is the patient's home organisation (a district in
 * Stockholm).
 */
export async function loadCases(prisma: PrismaClient, scope: CaseScope): Promise<LoadedCase[]> {
  const rows = await prisma.case.findMany({
    where: {
      admittedAt: { lt: startOfStockholmDay(scope.until) },
      OR: [
        { dischargedAt: null },
        { dischargedAt: { gte: startOfStockholmDay(firstDayOfMonth(scope.from)) } },
      ],
      ...(scope.municipalityIds
        ? { patient: { homeOrganizationId: { in: [...scope.municipalityIds] } } }
        : {}),
      ...(scope.regionId
        ? { parties: { some: { role: 'WARD', unit: { organizationId: scope.regionId } } } }
        : {}),
    },
    select: {
      id: true,
      reference: true,
      psychiatric: true,
      compulsoryCare: true,
      admittedAt: true,
      admissionNoticeAt: true,
      dischargedAt: true,
      patient: {
        select: {
          homeOrganizationId: true,
        },
      },
      parties: {
        where: { role: 'WARD' },
        orderBy: { joinedAt: 'asc' },
        take: 1,
        select: { unit: { select: { organizationId: true } } },
      },
      events: {
        orderBy: { sequence: 'asc' },
        select: { id: true, type: true, occurredAt: true, payload: true },
      },
    },
    orderBy: { reference: 'asc' },
  });
  return rows.map((row) => ({
    caseId: row.id,
    reference: row.reference,
    regionId: row.parties[0]?.unit.organizationId ?? '',
    municipalityId: row.patient.homeOrganizationId,
    psychiatric: row.psychiatric,
    compulsoryCare: row.compulsoryCare !== 'NONE',
    admittedAt: row.admittedAt,
    admissionNoticeAt: row.admissionNoticeAt,
    dischargedAt: row.dischargedAt,
    events: row.events.map((e) => {
      const payload =
        typeof e.payload === 'object' && e.payload !== null && !Array.isArray(e.payload)
          ? (e.payload as Record<string, unknown>)
          : {};
      return {
        id: e.id,
        type: e.type,
        occurredAt: effectiveInstant(e.type, e.occurredAt, payload),
        payload,
      };
    }),
  }));
}

/**
 * When an event takes effect for the payment rules. A discharge may be recorded after the
 * patient left (the DISCHARGED event is written later than `payload.dischargedAt`, which
 * is also the case's dischargedAt): the discharge day is the day the patient left. Every
 * other event counts from when it was sent, which is when the municipality received it.
 */
export function effectiveInstant(
  type: string,
  occurredAt: Date,
  payload: Readonly<Record<string, unknown>>,
): Date {
  if (type === 'DISCHARGED' && typeof payload.dischargedAt === 'string') {
    const left = new Date(payload.dischargedAt);
    if (!Number.isNaN(left.getTime())) return left;
  }
  return occurredAt;
}

/** The first month to load for a month's invoice or statistics. */
export function lookBackFrom(month: YearMonth): YearMonth {
  return addMonths(month, -LOOK_BACK_MONTHS);
}
