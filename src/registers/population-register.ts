import type { PrismaClient } from '../db/client.js';
import type { PersonalIdentityNumber } from '../domain/personal-identity-number.js';

/**
 * The population register (folkbokföring): name, protected identity and home
 * municipality of a resident. Callers depend on this interface only; a client for the
 * national register (PU) can replace the database-backed implementation without
 * touching them.
 */
export interface PopulationRecord {
  personalIdentityNumber: PersonalIdentityNumber;
  givenName: string;
  familyName: string;
  /** Skyddade personuppgifter: name and address must not be shown beyond need. */
  protectedIdentity: boolean;
  municipalityCode: string;
  homeOrganizationHsaId: string;
}

export interface PopulationRegister {
  lookup(personalIdentityNumber: PersonalIdentityNumber): Promise<PopulationRecord | null>;
}

export class DatabasePopulationRegister implements PopulationRegister {
  constructor(private readonly prisma: PrismaClient) {}

  async lookup(personalIdentityNumber: PersonalIdentityNumber): Promise<PopulationRecord | null> {
    const row = await this.prisma.populationRegisterEntry.findUnique({
      where: { personalIdentityNumber },
    });
    if (!row) return null;
    return {
      personalIdentityNumber,
      givenName: row.givenName,
      familyName: row.familyName,
      protectedIdentity: row.protectedIdentity,
      municipalityCode: row.municipalityCode,
      homeOrganizationHsaId: row.homeOrganizationHsaId,
    };
  }
}
