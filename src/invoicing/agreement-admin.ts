/**
 * Payment agreement administration: a new agreement version is validated on its own
 * (src/domain/payment/agreement.ts) and against every agreement of its region (no
 * overlap for the same municipality), and only then written. A successor may end the
 * version it replaces on the day before it starts; nothing else of a version changes.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import { addDays, compareDates } from '../domain/calendar.js';
import {
  type CareType,
  type PaymentAgreement,
  parseAgreement,
  validateAgreementSet,
} from '../domain/payment/agreement.js';
import { InvoicingError } from './errors.js';
import { loadAgreements } from './load.js';
import { dateColumn } from './month.js';

export interface AgreementVersionInput {
  name: string;
  regionId: string;
  municipalityId: string | null;
  model: string;
  validFrom: string;
  validTo: string | null;
  parameters: Record<string, unknown> | null;
  prices: { year: number; careType: CareType | null; pricePerDay: number }[];
  /** The decision the agreement rests on (beslut, diarienummer). */
  decision: string;
  /** An agreement of the same scope to end the day before this one starts. */
  replacesAgreementId: string | null;
}

export async function createAgreementVersion(
  prisma: PrismaClient,
  input: AgreementVersionInput,
): Promise<string> {
  if (input.decision.trim().length === 0) {
    throw new InvoicingError(
      'INVALID_INPUT',
      'decision must name the decision the agreement rests on',
      'decision',
    );
  }
  const scope = await prisma.organization.findMany({
    where: {
      id: { in: [input.regionId, ...(input.municipalityId ? [input.municipalityId] : [])] },
    },
    select: { id: true, kind: true },
  });
  if (scope.find((o) => o.id === input.regionId)?.kind !== 'CARE_PROVIDER') {
    throw new InvoicingError(
      'NOT_A_CREDITOR',
      'an agreement belongs to a region (care provider)',
      'regionId',
    );
  }
  if (
    input.municipalityId !== null &&
    scope.find((o) => o.id === input.municipalityId)?.kind === undefined
  ) {
    throw new InvoicingError(
      'ORGANIZATION_NOT_FOUND',
      'municipalityId must name a municipality or district',
      'municipalityId',
    );
  }
  const id = randomUUID();
  const parsed = parseAgreement({
    id,
    name: input.name,
    regionId: input.regionId,
    municipalityId: input.municipalityId,
    model: input.model,
    validFrom: input.validFrom,
    validTo: input.validTo,
    prices: input.prices,
    ...(input.parameters === null ? {} : { parameters: input.parameters }),
  });
  if (!parsed.ok) throw InvoicingError.fromPayment(parsed.error);
  const agreement = parsed.value;

  const existing = await loadAgreements(prisma, [input.regionId]);
  let replaced: PaymentAgreement | null = null;
  if (input.replacesAgreementId !== null) {
    replaced = existing.find((a) => a.id === input.replacesAgreementId) ?? null;
    if (replaced === null || replaced.municipalityId !== agreement.municipalityId) {
      throw new InvoicingError(
        'AGREEMENT_NOT_FOUND',
        'replacesAgreementId must name an agreement of the same region and municipality',
        'replacesAgreementId',
      );
    }
    if (compareDates(agreement.validFrom, replaced.validFrom) <= 0) {
      throw new InvoicingError(
        'OVERLAPPING_AGREEMENTS',
        `the new version starts ${agreement.validFrom}, not after '${replaced.name}' starts (${replaced.validFrom}); it cannot replace it`,
        'validFrom',
      );
    }
  }
  const endOfReplaced = replaced === null ? null : addDays(agreement.validFrom, -1);
  const set = existing.map((a) =>
    replaced !== null && a.id === replaced.id ? { ...a, validTo: endOfReplaced } : a,
  );
  const checked = validateAgreementSet([...set, agreement] as PaymentAgreement[]);
  if (!checked.ok) throw InvoicingError.fromPayment(checked.error);

  await prisma.$transaction(async (tx) => {
    if (replaced !== null && endOfReplaced !== null) {
      await tx.paymentAgreement.update({
        where: { id: replaced.id },
        data: { validTo: dateColumn(endOfReplaced) },
      });
    }
    await tx.paymentAgreement.create({
      data: {
        id,
        name: agreement.name,
        regionId: input.regionId,
        municipalityId: agreement.municipalityId,
        model: agreement.model,
        validFrom: dateColumn(agreement.validFrom),
        validTo: agreement.validTo === null ? null : dateColumn(agreement.validTo),
        parameters: agreement.model === 'STATUTORY_DEFAULT' ? {} : agreement.parameters,
        decision: input.decision.trim(),
        prices: {
          create: agreement.prices.map((p) => ({
            year: p.year,
            careType: p.careType ?? 'ALL',
            pricePerDay: p.pricePerDay.toFixed(2),
          })),
        },
      },
    });
  });
  return id;
}
