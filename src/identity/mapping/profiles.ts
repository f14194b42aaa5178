import type { AttributeNames, CommissionProfile } from './rules.js';

/** Attribute names of the identity profiles met in the Swedish health-care federation. */

const INERA = 'http://sambi.se/attributes/1/';
const SAMBI = 'urn:sambi:names:attribute:';

export const LEVEL_OF_ASSURANCE_ATTRIBUTE = `${SAMBI}levelOfAssurance`;
/** Personal identity numbers are never stored with a session nor shown by a dry-run. */
export const PERSONAL_IDENTITY_NUMBER_ATTRIBUTES = [
  `${INERA}personalIdentityNumber`,
  `${SAMBI}personalIdentityNumber`,
];

export const PROFILE_ATTRIBUTES: Record<Exclude<CommissionProfile, 'CUSTOM'>, AttributeNames> = {
  INERA: {
    employeeHsaId: `${INERA}employeeHsaId`,
    givenName: `${INERA}givenName`,
    surname: `${INERA}surname`,
    commissionHsaId: `${INERA}commissionHsaId`,
    commissionName: `${INERA}commissionName`,
    commissionPurpose: `${INERA}commissionPurpose`,
    commissionRight: `${INERA}commissionRight`,
    unitHsaId: `${INERA}healthCareUnitHsaId`,
    providerHsaId: `${INERA}healthCareProviderHsaId`,
    levelOfAssurance: LEVEL_OF_ASSURANCE_ATTRIBUTE,
  },
  SAMBI_LEGACY: {
    employeeHsaId: `${SAMBI}employeeHsaId`,
    givenName: `${SAMBI}givenName`,
    surname: `${SAMBI}surname`,
    commissionHsaId: `${SAMBI}assignmentHsaId`,
    commissionPurpose: `${SAMBI}commissionPurpose`,
    unitHsaId: `${SAMBI}careUnitHsaId`,
    providerHsaId: `${SAMBI}careProviderHsaId`,
    levelOfAssurance: LEVEL_OF_ASSURANCE_ATTRIBUTE,
  },
};

/** The attribute names a rule set reads commissions from. */
export function attributeNamesFor(
  profile: CommissionProfile,
  overrides: Partial<AttributeNames> | undefined,
): AttributeNames {
  const base: Partial<AttributeNames> =
    profile === 'CUSTOM'
      ? { levelOfAssurance: LEVEL_OF_ASSURANCE_ATTRIBUTE }
      : PROFILE_ATTRIBUTES[profile];
  const merged = { ...base, ...(overrides ?? {}) };
  if (!merged.employeeHsaId || !merged.unitHsaId) {
    throw new Error('attribute names for employeeHsaId and unitHsaId are required');
  }
  return merged as AttributeNames;
}
