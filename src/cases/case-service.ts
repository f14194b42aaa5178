import { randomUUID } from 'node:crypto';
import {
  ConcurrentModificationError,
  insertOpenedCase,
  loadCaseState,
  saveDecision,
  type Tx,
} from '../db/case-repository.js';
import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import type { UnitDirectory, UnitRef } from '../db/unit-directory.js';
import { type SendAdmissionNoticeInput, sendAdmissionNotice } from '../domain/case/commands.js';
import type {
  Actor,
  CaseState,
  CompulsoryCare,
  Decision,
  PartyRole,
  Result,
} from '../domain/case/model.js';
import { parsePersonalIdentityNumber } from '../domain/personal-identity-number.js';
import type { PopulationRegister } from '../registers/population-register.js';
import { CommandError } from './command-error.js';
import { type IdempotencyClaim, rememberKey, replayedCaseId } from './idempotency.js';

/** A workflow command of src/domain/case, decided on the case as it stands. */
export type CaseCommand<I> = (
  state: CaseState,
  actor: Actor,
  input: I,
  now: Date,
) => Result<Decision>;

/** Checks a command needs beyond the domain's: that units exist and are of the right kind. */
export type UnitCheck = (units: UnitDirectory) => Promise<void>;

/** How a command runs beyond its input. */
export interface CommandOptions {
  checkUnits?: UnitCheck;
  /** The client's key: a retry of a committed command answers its result, not a second act. */
  idempotency?: IdempotencyClaim | null;
  /**
   * The transaction's last statements: the command's access-log rows (src/audit). If they
   * fail, the transaction rolls back and nothing of the command is written. Last, so the
   * log's chain lock is held only until the commit right after it.
   */
  writeAccessLog?: (tx: Tx, caseId: string) => Promise<void>;
}

/** What a command did: `replayed` when a retry was answered by the first attempt's result. */
export interface CommandOutcome {
  caseId: string;
  replayed: boolean;
}

export interface OpenCaseRequest {
  caseId?: string;
  personalIdentityNumber: string;
  admittedAt: Date;
  psychiatric?: boolean | null;
  compulsoryCare: CompulsoryCare;
  municipalityParties: {
    unitId: string;
    role: 'MUNICIPAL_SOCIAL_SERVICES' | 'MUNICIPAL_HEALTH_CARE';
  }[];
  /** When omitted, the unit where the patient is listed (listningstjänsten), if any. */
  primaryCareUnitId?: string | null;
  expectedNeeds?: string | null;
}

/** The unit kinds that can hold each party role. */
export const KINDS_FOR_ROLE: Record<PartyRole, UnitRef['kind'][]> = {
  WARD: ['WARD_SOMATIC', 'WARD_PSYCHIATRIC'],
  PRIMARY_CARE: ['PRIMARY_CARE'],
  MUNICIPAL_SOCIAL_SERVICES: ['MUNICIPAL_SOCIAL_SERVICES'],
  MUNICIPAL_HEALTH_CARE: ['MUNICIPAL_HEALTH_CARE'],
};

/**
 * Runs workflow commands: loads the case, lets the domain decide, and writes the
 * decision in one transaction guarded by the case's version. A refused command, a
 * conflict or any failure writes nothing.
 */
export class CaseService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly population: PopulationRegister,
    private readonly units: UnitDirectory,
    private readonly now: () => Date,
  ) {}

  /** Inskrivningsmeddelande: opens a case for a patient looked up in the population register. */
  async openCase(
    actor: Actor,
    request: OpenCaseRequest,
    options: CommandOptions = {},
  ): Promise<CommandOutcome> {
    const parsed = parsePersonalIdentityNumber(request.personalIdentityNumber);
    if (!parsed.ok) {
      throw new CommandError(
        'INVALID_PERSONAL_IDENTITY_NUMBER',
        parsed.error.message,
        'personalIdentityNumber',
      );
    }
    const person = await this.population.lookup(parsed.value.number);
    if (!person) {
      throw new CommandError(
        'PATIENT_NOT_FOUND',
        'No person with that personal identity number is in the population register.',
        'personalIdentityNumber',
      );
    }
    const ward = await this.requireUnit(actor.unitId, 'WARD', 'actingUnit');
    for (const [i, party] of request.municipalityParties.entries()) {
      await this.requireUnit(party.unitId, party.role, `municipalityParties.${i}.unitId`);
    }
    let primaryCareUnitId = request.primaryCareUnitId ?? null;
    if (primaryCareUnitId) {
      await this.requireUnit(primaryCareUnitId, 'PRIMARY_CARE', 'primaryCareUnitId');
    } else if (request.primaryCareUnitId === undefined) {
      primaryCareUnitId = await this.listedUnitId(parsed.value.number);
    }
    const homeOrganization = await this.prisma.organization.findUnique({
      where: { hsaId: person.homeOrganizationHsaId },
      select: { id: true },
    });
    if (!homeOrganization) {
      throw new CommandError(
        'UNIT_NOT_FOUND',
        `The patient's home organisation ${person.homeOrganizationHsaId} is not known to Brygga.`,
        'personalIdentityNumber',
        { organizationHsaId: person.homeOrganizationHsaId },
      );
    }

    const now = this.now();
    const input: SendAdmissionNoticeInput = {
      caseId: request.caseId ?? randomUUID(),
      admittedAt: request.admittedAt,
      psychiatric: request.psychiatric ?? ward.kind === 'WARD_PSYCHIATRIC',
      compulsoryCare: request.compulsoryCare,
      wardUnitId: ward.id,
      municipalityParties: request.municipalityParties,
      primaryCareUnitId,
      expectedNeeds: request.expectedNeeds ?? null,
    };
    const decided = sendAdmissionNotice(actor, input, now);
    if (!decided.ok) throw CommandError.fromDomain(decided.error);

    return this.transaction(async (tx) => {
      const replayed = options.idempotency && (await replayedCaseId(tx, options.idempotency));
      if (replayed) return { caseId: replayed, replayed: true };
      const existing = await tx.case.findUnique({
        where: { id: input.caseId },
        select: { id: true },
      });
      if (existing) {
        throw new CommandError('INVALID_STATE', 'A case with this id already exists.', 'caseId');
      }
      const patient = await tx.patient.upsert({
        where: { personalIdentityNumber: parsed.value.number },
        create: {
          personalIdentityNumber: parsed.value.number,
          identityKind: parsed.value.kind,
          givenName: person.givenName,
          familyName: person.familyName,
          protectedIdentity: person.protectedIdentity,
          homeMunicipalityCode: person.municipalityCode,
          homeOrganizationId: homeOrganization.id,
        },
        update: {
          givenName: person.givenName,
          familyName: person.familyName,
          protectedIdentity: person.protectedIdentity,
          homeMunicipalityCode: person.municipalityCode,
          homeOrganizationId: homeOrganization.id,
          updatedAt: now,
        },
        select: { id: true },
      });
      const [{ next }] = await tx.$queryRaw<
        [{ next: bigint }]
      >`SELECT nextval('case_reference_seq') AS next`;
      const reference = `BR-${now.getUTCFullYear()}-${String(next).padStart(6, '0')}`;
      await insertOpenedCase(tx, decided.value, patient.id, reference);
      await this.finish(tx, input.caseId, options, now);
      return { caseId: input.caseId, replayed: false };
    });
  }

  /**
   * Runs one command on an existing case. `expectedVersion`, when given, must be the
   * version the caller saw: a client acting on stale data is told so, not overruled.
   */
  async execute<I>(
    caseId: string,
    actor: Actor,
    expectedVersion: number | null | undefined,
    command: CaseCommand<I>,
    input: I,
    options: CommandOptions = {},
  ): Promise<CommandOutcome & { eventIds: string[] }> {
    if (options.checkUnits) await options.checkUnits(this.units);
    return this.transaction(async (tx) => {
      // A retry is answered before the version check: the first attempt moved the version on.
      const replayed = options.idempotency && (await replayedCaseId(tx, options.idempotency));
      if (replayed) return { caseId: replayed, eventIds: [], replayed: true };
      const state = await loadCaseState(tx, caseId);
      // A case the actor takes no part in is reported as missing, not as forbidden:
      // its existence is itself information about a patient.
      if (!state?.parties.some((p) => p.unitId === actor.unitId)) {
        throw new CommandError(
          'CASE_NOT_FOUND',
          'No such case among the cases of your unit.',
          'caseId',
        );
      }
      if (expectedVersion != null && expectedVersion !== state.version) {
        throw new CommandError(
          'CONCURRENT_MODIFICATION',
          `The case has changed since you loaded it (version ${expectedVersion}, now ${state.version}). Reload and try again.`,
          'expectedVersion',
          { expectedVersion, version: state.version },
        );
      }
      const decided = command(state, actor, input, this.now());
      if (!decided.ok) throw CommandError.fromDomain(decided.error);
      const now = this.now();
      const eventIds = await saveDecision(tx, state, decided.value, now);
      await this.finish(tx, caseId, options, now);
      return { caseId, eventIds, replayed: false };
    });
  }

  /** The key and the access-log rows, the access log last (see CommandOptions). */
  private async finish(tx: Tx, caseId: string, options: CommandOptions, now: Date) {
    if (options.idempotency) await rememberKey(tx, options.idempotency, caseId, now);
    if (options.writeAccessLog) await options.writeAccessLog(tx, caseId);
  }

  /** Resolves a unit id the caller sent and checks it can hold `role`. */
  async requireUnit(unitId: string, role: PartyRole, field: string): Promise<UnitRef> {
    const unit = (await this.units.byIds([unitId])).get(unitId);
    if (!unit?.active)
      throw new CommandError('UNIT_NOT_FOUND', `No active unit with that id (${field}).`, field);
    if (!KINDS_FOR_ROLE[role].includes(unit.kind)) {
      throw new CommandError(
        'UNIT_KIND_MISMATCH',
        `Unit ${unit.hsaId} is a ${unit.kind} unit and cannot take the role ${role} (${field}).`,
        field,
        { hsaId: unit.hsaId, kind: unit.kind, role },
      );
    }
    return unit;
  }

  private async listedUnitId(personalIdentityNumber: string): Promise<string | null> {
    const listing = await this.prisma.primaryCareListing.findUnique({
      where: { personalIdentityNumber },
      select: { unitId: true, unit: { select: { active: true } } },
    });
    return listing?.unit.active ? listing.unitId : null;
  }

  /** One transaction; serialization failures and sequence clashes are conflicts, not crashes. */
  private async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(fn, { timeout: 15_000 });
    } catch (error) {
      if (error instanceof ConcurrentModificationError) {
        throw new CommandError(
          'CONCURRENT_MODIFICATION',
          'Someone else changed the case at the same moment. Reload it and try again.',
        );
      }
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new CommandError(
          'CONCURRENT_MODIFICATION',
          'Someone else changed the case at the same moment. Reload it and try again.',
        );
      }
      throw error;
    }
  }
}
