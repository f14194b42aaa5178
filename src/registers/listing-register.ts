import type { PrismaClient } from '../db/client.js';
import type { PersonalIdentityNumber } from '../domain/personal-identity-number.js';

/**
 * The primary-care listing service (listningstjänst): where a resident is listed. Like
 * the population register, an interface with a database-backed implementation.
 */
export interface Listing {
  unitHsaId: string;
  listedSince: Date;
}

export interface ListingRegister {
  listingOf(personalIdentityNumber: PersonalIdentityNumber): Promise<Listing | null>;
}

export class DatabaseListingRegister implements ListingRegister {
  constructor(private readonly prisma: PrismaClient) {}

  async listingOf(personalIdentityNumber: PersonalIdentityNumber): Promise<Listing | null> {
    const row = await this.prisma.primaryCareListing.findUnique({
      where: { personalIdentityNumber },
      select: { listedSince: true, unit: { select: { hsaId: true } } },
    });
    return row ? { unitHsaId: row.unit.hsaId, listedSince: row.listedSince } : null;
  }
}
