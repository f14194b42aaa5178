import { luhnCheckDigit } from '../../domain/personal-identity-number.js';
import { FAMILY_NAMES, GIVEN_NAMES } from './sample-content.js';

/**
 * The demo region's organisations, units and residents: a Stockholm-like region with
 * three hospitals, a psychiatric clinic, primary care, and municipalities of which one
 * (Stockholm stad) is divided into districts. HSA-IDs are fixed so tests and front-end
 * teams can rely on them; personal identity numbers are generated, Luhn-valid, with
 * birth numbers in the 98xx–99xx series so they never collide with real people's.
 */

export type OrgKind = 'CARE_PROVIDER' | 'MUNICIPALITY' | 'DISTRICT';
export type UnitKindName =
  | 'WARD_SOMATIC'
  | 'WARD_PSYCHIATRIC'
  | 'PRIMARY_CARE'
  | 'MUNICIPAL_SOCIAL_SERVICES'
  | 'MUNICIPAL_HEALTH_CARE';

export interface DemoOrganization {
  hsaId: string;
  name: string;
  kind: OrgKind;
  orgNumber: string;
  municipalityCode: string | null;
  parentHsaId: string | null;
}

export interface DemoUnit {
  hsaId: string;
  name: string;
  kind: UnitKindName;
  organizationHsaId: string;
  municipalityCode: string;
  phone: string;
  email: string;
  address: string;
}

export const REGION = 'SE2321000016-0001';
export const STOCKHOLM_STAD = 'SE2120001439-0001';
export const SODERMALM = 'SE2120001439-SDF1';
export const RINKEBY_KISTA = 'SE2120001439-SDF2';
export const SOLNA = 'SE2120000183-0001';
export const HUDDINGE = 'SE2120000175-0001';
export const VARMDO = 'SE2120000167-0001';

export const ORGANIZATIONS: DemoOrganization[] = [
  {
    hsaId: REGION,
    name: 'Region Stockholm',
    kind: 'CARE_PROVIDER',
    orgNumber: '2321000016',
    municipalityCode: null,
    parentHsaId: null,
  },
  {
    hsaId: STOCKHOLM_STAD,
    name: 'Stockholms stad',
    kind: 'MUNICIPALITY',
    orgNumber: '2120001439',
    municipalityCode: '0180',
    parentHsaId: null,
  },
  {
    hsaId: SODERMALM,
    name: 'Södermalms stadsdelsförvaltning',
    kind: 'DISTRICT',
    orgNumber: '2120001439',
    municipalityCode: '0180',
    parentHsaId: STOCKHOLM_STAD,
  },
  {
    hsaId: RINKEBY_KISTA,
    name: 'Rinkeby-Kista stadsdelsförvaltning',
    kind: 'DISTRICT',
    orgNumber: '2120001439',
    municipalityCode: '0180',
    parentHsaId: STOCKHOLM_STAD,
  },
  {
    hsaId: SOLNA,
    name: 'Solna stad',
    kind: 'MUNICIPALITY',
    orgNumber: '2120000183',
    municipalityCode: '0184',
    parentHsaId: null,
  },
  {
    hsaId: HUDDINGE,
    name: 'Huddinge kommun',
    kind: 'MUNICIPALITY',
    orgNumber: '2120000175',
    municipalityCode: '0126',
    parentHsaId: null,
  },
  {
    hsaId: VARMDO,
    name: 'Värmdö kommun',
    kind: 'MUNICIPALITY',
    orgNumber: '2120000167',
    municipalityCode: '0120',
    parentHsaId: null,
  },
];

const unit = (
  hsaId: string,
  name: string,
  kind: UnitKindName,
  organizationHsaId: string,
  municipalityCode: string,
  phone: string,
  address: string,
): DemoUnit => ({
  hsaId,
  name,
  kind,
  organizationHsaId,
  municipalityCode,
  phone,
  email: `${hsaId.split('-')[1]!.toLowerCase()}@demo.brygga.example`,
  address,
});

/** Wards (slutenvård). */
export const WARD_KAROLINSKA_GERIATRIK = 'SE2321000016-KS01';
export const WARD_KAROLINSKA_MEDICIN = 'SE2321000016-KS02';
export const WARD_SODERSJUKHUSET_MEDICIN = 'SE2321000016-SS12';
export const WARD_DANDERYD_ORTOPEDI = 'SE2321000016-DS51';
export const WARD_HUDDINGE_GERIATRIK = 'SE2321000016-KH07';
export const WARD_PSYKIATRI_SODRA = 'SE2321000016-PS03';
/** Primary care. */
export const VC_SODERMALM = 'SE2321000016-VC01';
export const VC_RINKEBY = 'SE2321000016-VC02';
export const VC_SOLNA = 'SE2321000016-VC03';
export const VC_HUDDINGE = 'SE2321000016-VC04';
export const VC_GUSTAVSBERG = 'SE2321000016-VC05';
/** Municipal units. */
export const SOC_SODERMALM = 'SE2120001439-SOC1';
export const HSL_SODERMALM = 'SE2120001439-HSL1';
export const SOC_RINKEBY = 'SE2120001439-SOC2';
export const SOC_SOLNA = 'SE2120000183-SOC1';
export const HSL_SOLNA = 'SE2120000183-HSL1';
export const SOC_HUDDINGE = 'SE2120000175-SOC1';
export const HSL_HUDDINGE = 'SE2120000175-HSL1';
export const SOC_VARMDO = 'SE2120000167-SOC1';

export const UNITS: DemoUnit[] = [
  unit(
    WARD_KAROLINSKA_GERIATRIK,
    'Karolinska Solna, Geriatrik avd 1',
    'WARD_SOMATIC',
    REGION,
    '0184',
    '08-517 700 01',
    'Eugeniavägen 3, 171 64 Solna',
  ),
  unit(
    WARD_KAROLINSKA_MEDICIN,
    'Karolinska Solna, Medicin avd 4',
    'WARD_SOMATIC',
    REGION,
    '0184',
    '08-517 700 04',
    'Eugeniavägen 3, 171 64 Solna',
  ),
  unit(
    WARD_SODERSJUKHUSET_MEDICIN,
    'Södersjukhuset, Medicin avd 12',
    'WARD_SOMATIC',
    REGION,
    '0180',
    '08-616 10 12',
    'Sjukhusbacken 10, 118 83 Stockholm',
  ),
  unit(
    WARD_DANDERYD_ORTOPEDI,
    'Danderyds sjukhus, Ortopedi avd 51',
    'WARD_SOMATIC',
    REGION,
    '0162',
    '08-123 550 51',
    'Mörbygårdsvägen, 182 88 Danderyd',
  ),
  unit(
    WARD_HUDDINGE_GERIATRIK,
    'Karolinska Huddinge, Geriatrik avd 7',
    'WARD_SOMATIC',
    REGION,
    '0126',
    '08-585 800 07',
    'Hälsovägen 13, 141 86 Huddinge',
  ),
  unit(
    WARD_PSYKIATRI_SODRA,
    'Psykiatri Södra, avd 3',
    'WARD_PSYCHIATRIC',
    REGION,
    '0180',
    '08-123 400 03',
    'Ringvägen 52, 118 67 Stockholm',
  ),
  unit(
    VC_SODERMALM,
    'Vårdcentral Södermalm',
    'PRIMARY_CARE',
    REGION,
    '0180',
    '08-123 100 01',
    'Götgatan 40, 118 26 Stockholm',
  ),
  unit(
    VC_RINKEBY,
    'Vårdcentral Rinkeby',
    'PRIMARY_CARE',
    REGION,
    '0180',
    '08-123 100 02',
    'Rinkebytorget 1, 163 73 Spånga',
  ),
  unit(
    VC_SOLNA,
    'Vårdcentral Solna',
    'PRIMARY_CARE',
    REGION,
    '0184',
    '08-123 100 03',
    'Solna torg 1, 171 45 Solna',
  ),
  unit(
    VC_HUDDINGE,
    'Husläkarna Huddinge',
    'PRIMARY_CARE',
    REGION,
    '0126',
    '08-123 100 04',
    'Sjödalstorget 1, 141 47 Huddinge',
  ),
  unit(
    VC_GUSTAVSBERG,
    'Vårdcentral Gustavsberg',
    'PRIMARY_CARE',
    REGION,
    '0120',
    '08-123 100 05',
    'Odelbergs väg 1, 134 40 Gustavsberg',
  ),
  unit(
    SOC_SODERMALM,
    'Södermalm, Biståndsenheten äldre',
    'MUNICIPAL_SOCIAL_SERVICES',
    SODERMALM,
    '0180',
    '08-508 120 00',
    'Medborgarplatsen 25, 118 72 Stockholm',
  ),
  unit(
    HSL_SODERMALM,
    'Södermalm, Kommunal hälso- och sjukvård',
    'MUNICIPAL_HEALTH_CARE',
    SODERMALM,
    '0180',
    '08-508 120 10',
    'Medborgarplatsen 25, 118 72 Stockholm',
  ),
  unit(
    SOC_RINKEBY,
    'Rinkeby-Kista, Biståndsenheten',
    'MUNICIPAL_SOCIAL_SERVICES',
    RINKEBY_KISTA,
    '0180',
    '08-508 010 00',
    'Borgarfjordsgatan 4, 164 40 Kista',
  ),
  unit(
    SOC_SOLNA,
    'Solna stad, Biståndshandläggning äldre',
    'MUNICIPAL_SOCIAL_SERVICES',
    SOLNA,
    '0184',
    '08-746 10 00',
    'Stadshusgången 2, 171 86 Solna',
  ),
  unit(
    HSL_SOLNA,
    'Solna stad, Hemsjukvård',
    'MUNICIPAL_HEALTH_CARE',
    SOLNA,
    '0184',
    '08-746 10 10',
    'Stadshusgången 2, 171 86 Solna',
  ),
  unit(
    SOC_HUDDINGE,
    'Huddinge kommun, Myndighetsenheten',
    'MUNICIPAL_SOCIAL_SERVICES',
    HUDDINGE,
    '0126',
    '08-535 300 00',
    'Kommunalvägen 28, 141 85 Huddinge',
  ),
  unit(
    HSL_HUDDINGE,
    'Huddinge kommun, Hemsjukvård',
    'MUNICIPAL_HEALTH_CARE',
    HUDDINGE,
    '0126',
    '08-535 300 10',
    'Kommunalvägen 28, 141 85 Huddinge',
  ),
  unit(
    SOC_VARMDO,
    'Värmdö kommun, Äldreomsorg myndighet',
    'MUNICIPAL_SOCIAL_SERVICES',
    VARMDO,
    '0120',
    '08-570 470 00',
    'Skogsbovägen 9, 134 81 Gustavsberg',
  ),
];

/** Where each home organisation's residents are listed and which municipal units serve them. */
export const HOME_AREAS = [
  {
    home: SODERMALM,
    municipalityCode: '0180',
    primaryCare: VC_SODERMALM,
    social: SOC_SODERMALM,
    health: HSL_SODERMALM,
  },
  {
    home: RINKEBY_KISTA,
    municipalityCode: '0180',
    primaryCare: VC_RINKEBY,
    social: SOC_RINKEBY,
    health: null,
  },
  {
    home: SOLNA,
    municipalityCode: '0184',
    primaryCare: VC_SOLNA,
    social: SOC_SOLNA,
    health: HSL_SOLNA,
  },
  {
    home: HUDDINGE,
    municipalityCode: '0126',
    primaryCare: VC_HUDDINGE,
    social: SOC_HUDDINGE,
    health: HSL_HUDDINGE,
  },
  {
    home: VARMDO,
    municipalityCode: '0120',
    primaryCare: VC_GUSTAVSBERG,
    social: SOC_VARMDO,
    health: null,
  },
] as const;

export interface DemoResident {
  personalIdentityNumber: string;
  givenName: string;
  familyName: string;
  protectedIdentity: boolean;
  municipalityCode: string;
  homeOrganizationHsaId: string;
  listedAtHsaId: string | null;
}

/** Builds a Luhn-valid 12-digit number from a birth date (YYYYMMDD) and a birth number. */
export function testPersonalIdentityNumber(birthDate: string, birthNumber: number): string {
  const nine = `${birthDate.slice(2)}${String(birthNumber).padStart(3, '0')}`;
  return `${birthDate}${String(birthNumber).padStart(3, '0')}${luhnCheckDigit(nine)}`;
}

export function demoResidents(count: number): DemoResident[] {
  return Array.from({ length: count }, (_, i) => {
    const area = HOME_AREAS[i % HOME_AREAS.length]!;
    const year = 1930 + ((i * 7) % 40);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = 1 + ((i * 11) % 28);
    // Every ninth resident has a samordningsnummer (day + 60).
    const coordination = i % 9 === 8;
    const birthDate = `${year}${month}${String(coordination ? day + 60 : day).padStart(2, '0')}`;
    return {
      personalIdentityNumber: testPersonalIdentityNumber(birthDate, 980 + (i % 20)),
      givenName: GIVEN_NAMES[i % GIVEN_NAMES.length]!,
      familyName: FAMILY_NAMES[(i * 5) % FAMILY_NAMES.length]!,
      protectedIdentity: i % 17 === 3,
      municipalityCode: area.municipalityCode,
      homeOrganizationHsaId: area.home,
      listedAtHsaId: i % 10 === 9 ? null : area.primaryCare,
    };
  });
}
