import type { Role } from './roles.js';

/**
 * A commission (medarbetaruppdrag): the unit a person works for, under which care
 * provider, and for what purpose. Access follows the acting commission, not the person.
 */
export interface Commission {
  /** The commission's own HSA-ID where the directory has one (commissionHsaId). */
  hsaId: string | null;
  name: string | null;
  unitHsaId: string;
  providerHsaId: string;
  /** E.g. "Vård och behandling", "Administration", "Statistik". */
  purpose: string;
  rights: string[];
}

/** The person behind a request, as the identity gateway established them at login. */
export interface Principal {
  /** Employee HSA-ID (the token's `sub`). */
  hsaId: string;
  name: string;
  sessionId: string;
  idpId: string;
  levelOfAssurance: string | null;
  roles: Role[];
  commissions: Commission[];
  /** The commission chosen after login; null until the person has chosen one. */
  actingCommission: Commission | null;
}
