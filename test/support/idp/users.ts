/** Test people as the directory describes them, in the attribute names of each profile. */

export const INERA = 'http://sambi.se/attributes/1/';
export const SAMBI = 'urn:sambi:names:attribute:';
export const LOA = `${SAMBI}levelOfAssurance`;

export interface TestUser {
  nameId: string;
  attributes: Record<string, string[]>;
  authnContextClassRef?: string;
  /**
   * The AttributeStatements exactly as an IdP (or an attribute aggregator) might send them:
   * each a list of Attribute elements, names may repeat. samlify only; when set, the
   * assertion carries these instead of `attributes`.
   */
  attributeStatements?: [name: string, values: string[]][][];
}

/** A ward nurse at a region's hospital, as Inera's IdP sends her (current names). */
export function ineraNurse(overrides: Record<string, string[]> = {}): TestUser {
  return {
    nameId: 'SE2321000016-N001',
    attributes: {
      [`${INERA}employeeHsaId`]: ['SE2321000016-N001'],
      [`${INERA}givenName`]: ['Sara'],
      [`${INERA}surname`]: ['Lind'],
      [`${INERA}commissionHsaId`]: ['SE2321000016-C001', 'SE2321000016-C002'],
      [`${INERA}commissionName`]: ['Avd 12 vård', 'Avd 12 statistik'],
      [`${INERA}commissionPurpose`]: ['Vård och behandling', 'Statistik'],
      [`${INERA}healthCareUnitHsaId`]: ['SE2321000016-W012', 'SE2321000016-W012'],
      [`${INERA}healthCareProviderHsaId`]: ['SE2321000016-0001', 'SE2321000016-0001'],
      [`${INERA}healthcareProfessionalLicense`]: ['SJK'],
      [`${INERA}personalIdentityNumber`]: ['197705232382'],
      [LOA]: ['http://id.sambi.se/loa/loa3'],
      ...overrides,
    },
    authnContextClassRef: 'http://id.sambi.se/loa/loa3',
  };
}

/** The same person as the ward nurse, with the log-review right and no licence: a security officer. */
export function ineraSecurityOfficer(): TestUser {
  return ineraNurse({
    [`${INERA}commissionRight`]: ['Logggranskning'],
    [`${INERA}healthcareProfessionalLicense`]: [],
  });
}

/** A municipal case officer, as her municipality's IdP sends her (its own names). */
export function municipalOfficer(overrides: Record<string, string[]> = {}): TestUser {
  return {
    nameId: 'anna.berg@kommun.example',
    attributes: {
      'urn:kommun:hsaid': ['SE2120001234-K042'],
      'urn:kommun:fornamn': ['Anna'],
      'urn:kommun:efternamn': ['Berg'],
      'urn:kommun:enhet': ['SE2120001234-SOC1'],
      'urn:kommun:grupp': ['bistandshandlaggare', 'alla'],
      [LOA]: ['http://id.sambi.se/loa/loa3'],
      ...overrides,
    },
    authnContextClassRef: 'http://id.sambi.se/loa/loa3',
  };
}

/** An identity administrator of the region (Inera names, an admin right on her commission). */
export function identityAdmin(): TestUser {
  return {
    nameId: 'SE2321000016-A001',
    attributes: {
      [`${INERA}employeeHsaId`]: ['SE2321000016-A001'],
      [`${INERA}givenName`]: ['Ida'],
      [`${INERA}surname`]: ['Admin'],
      [`${INERA}commissionHsaId`]: ['SE2321000016-C900'],
      [`${INERA}commissionPurpose`]: ['Vård och behandling'],
      [`${INERA}commissionRight`]: ['Identitetsadministration'],
      [`${INERA}healthCareUnitHsaId`]: ['SE2321000016-IT01'],
      [`${INERA}healthCareProviderHsaId`]: ['SE2321000016-0001'],
      [LOA]: ['http://id.sambi.se/loa/loa3'],
    },
    authnContextClassRef: 'http://id.sambi.se/loa/loa3',
  };
}

/** The same nurse under the older urn:sambi profile (careUnitHsaId, assignmentHsaId …). */
export function legacyNurse(): TestUser {
  return {
    nameId: 'SE2321000016-N002',
    attributes: {
      [`${SAMBI}employeeHsaId`]: ['SE2321000016-N002'],
      [`${SAMBI}givenName`]: ['Olle'],
      [`${SAMBI}surname`]: ['Ek'],
      [`${SAMBI}assignmentHsaId`]: ['SE2321000016-C010'],
      [`${SAMBI}commissionPurpose`]: ['Vård och behandling'],
      [`${SAMBI}careUnitHsaId`]: ['SE2321000016-W020'],
      [`${SAMBI}careProviderHsaId`]: ['SE2321000016-0001'],
      [`${SAMBI}systemRole`]: ['BRYGGA;avdelning'],
      [LOA]: ['http://id.sambi.se/loa/loa3'],
    },
  };
}
