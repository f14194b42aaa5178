import {
  HSL_SOLNA,
  REGION,
  SOC_SODERMALM,
  SOC_SOLNA,
  SOLNA,
  STOCKHOLM_STAD,
  VC_SODERMALM,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../db/seed/demo-reference-data.js';
import { SCALE_FIRST_WARD, SCALE_REGION } from '../../db/seed/scale-reference-data.js';
import { LEVEL_OF_ASSURANCE_ATTRIBUTE } from '../mapping/profiles.js';

/**
 * The demo IdP's people: one per kind of user Brygga serves, each with a commission
 * (medarbetaruppdrag) at a real unit of the seeded demo region, so that every persona can
 * work on seeded cases. Their attributes use the Inera profile (DOMAIN.md); the roles come
 * from the example Inera rule set (docs/federation/inera-siths.json), which reads the
 * commission's rights. The keys are stable: the browser tests and the start page use them.
 */

export const INERA_ATTRIBUTE = 'http://sambi.se/attributes/1/';
export const AUTHN_METHOD_ATTRIBUTE = 'urn:sambi:names:attribute:authnMethod';
export const LOA3 = 'http://id.sambi.se/loa/loa3';
/** What a SITHS card login announces (smart card with a certificate). */
export const SMARTCARD = 'urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI';

export const PERSONA_KEYS = [
  'ward-nurse',
  'ward-physician',
  'primary-care-physician',
  'social-worker-stockholm',
  'social-worker-solna',
  'municipal-nurse',
  'finance-officer',
  'finance-officer-region',
  'security-officer-region',
  'security-officer-municipality',
  'security-officer-two-municipalities',
  'identity-admin',
  'information-owner',
  'no-access',
] as const;
/** Personas of the region-year `npm run seed:scale` loads, offered only when it is there. */
export const SCALE_PERSONA_KEYS = ['security-officer-scale-region'] as const;
export type PersonaKey = (typeof PERSONA_KEYS)[number] | (typeof SCALE_PERSONA_KEYS)[number];

export interface DemoCommission {
  hsaId: string;
  name: string;
  unitHsaId: string;
  providerHsaId: string;
  purpose: string;
  /** The commission's rights in HSA: the example rule set gives roles from them. */
  rights: string[];
}

export interface Persona {
  key: PersonaKey;
  /** The button's text: who this is, in a few words. */
  label: string;
  /** What the persona can do in Brygga, for the persona page. */
  purpose: string;
  hsaId: string;
  givenName: string;
  surname: string;
  commission: DemoCommission;
  /**
   * Further commissions of a person who works for more than one unit: the login then
   * carries them all, no commission is acting until the person chooses one
   * (`chooseCommission`), and they can switch.
   */
  moreCommissions?: DemoCommission[];
  /** Professional licences (legitimation), e.g. LK (physician), SJK (nurse). */
  licences: string[];
  /**
   * Offered only while the database holds this organisation (its HSA-ID): the scale
   * region's people act in units only `npm run seed:scale` creates.
   */
  onlyWithOrganization?: string;
}

const CARE = 'Vård och behandling';

export const PERSONAS: readonly Persona[] = [
  {
    key: 'ward-nurse',
    label: 'Ward nurse',
    purpose: 'Sends admission notices and ready-for-discharge notices for the geriatric ward.',
    hsaId: 'SE2321000016-DP01',
    givenName: 'Sara',
    surname: 'Lind',
    commission: {
      hsaId: 'SE2321000016-DU01',
      name: 'Sjuksköterska Geriatrik avd 1',
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Slutenvård'],
    },
    licences: ['SJK'],
  },
  {
    key: 'ward-physician',
    label: 'Ward physician',
    purpose: 'Judges a patient ready for discharge on the medical ward at Södersjukhuset.',
    hsaId: 'SE2321000016-DP02',
    givenName: 'Johan',
    surname: 'Ek',
    commission: {
      hsaId: 'SE2321000016-DU02',
      name: 'Läkare Medicin avd 12',
      unitHsaId: WARD_SODERSJUKHUSET_MEDICIN,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Slutenvård'],
    },
    licences: ['LK'],
  },
  {
    key: 'primary-care-physician',
    label: 'Primary-care physician (fixed care contact)',
    purpose: 'Fixed care contact at Vårdcentral Södermalm: calls to SIP and draws up care plans.',
    hsaId: 'SE2321000016-DP03',
    givenName: 'Maria',
    surname: 'Lund',
    commission: {
      hsaId: 'SE2321000016-DU03',
      name: 'Läkare Vårdcentral Södermalm',
      unitHsaId: VC_SODERMALM,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Primärvård'],
    },
    licences: ['LK'],
  },
  {
    key: 'social-worker-stockholm',
    label: 'Social worker, Södermalm (Stockholm)',
    purpose: 'Biståndshandläggare of the Södermalm district: acknowledges notices, plans support.',
    hsaId: 'SE2120001439-DP04',
    givenName: 'Per',
    surname: 'Holm',
    commission: {
      hsaId: 'SE2120001439-DU04',
      name: 'Biståndshandläggare äldre Södermalm',
      unitHsaId: SOC_SODERMALM,
      providerHsaId: STOCKHOLM_STAD,
      purpose: CARE,
      rights: ['Biståndshandläggning'],
    },
    licences: [],
  },
  {
    key: 'social-worker-solna',
    label: 'Social worker, Solna',
    purpose: 'Biståndshandläggare of Solna stad: the same work for another municipality.',
    hsaId: 'SE2120000183-DP05',
    givenName: 'Eva',
    surname: 'Strand',
    commission: {
      hsaId: 'SE2120000183-DU05',
      name: 'Biståndshandläggare äldre Solna',
      unitHsaId: SOC_SOLNA,
      providerHsaId: SOLNA,
      purpose: CARE,
      rights: ['Biståndshandläggning'],
    },
    licences: [],
  },
  {
    key: 'municipal-nurse',
    label: 'Municipal nurse, Solna',
    purpose: 'Home health care (hemsjukvård) of Solna stad: reads the medical planning basis.',
    hsaId: 'SE2120000183-DP06',
    givenName: 'Mats',
    surname: 'Nord',
    commission: {
      hsaId: 'SE2120000183-DU06',
      name: 'Sjuksköterska Hemsjukvård Solna',
      unitHsaId: HSL_SOLNA,
      providerHsaId: SOLNA,
      purpose: CARE,
      rights: ['Kommunal hälso- och sjukvård'],
    },
    licences: ['SJK'],
  },
  {
    key: 'finance-officer',
    label: 'Finance officer, Solna',
    purpose: 'Reads the invoice basis and payment-responsibility statistics of Solna stad.',
    hsaId: 'SE2120000183-DP07',
    givenName: 'Lena',
    surname: 'Ås',
    commission: {
      hsaId: 'SE2120000183-DU07',
      name: 'Ekonom Solna stad',
      unitHsaId: SOC_SOLNA,
      providerHsaId: SOLNA,
      purpose: CARE,
      rights: ['Fakturaunderlag'],
    },
    licences: [],
  },
  {
    key: 'finance-officer-region',
    label: 'Finance officer, Region Stockholm',
    purpose:
      'Drafts, approves and sends the region’s invoice basis to the municipalities and districts.',
    hsaId: 'SE2321000016-DP13',
    givenName: 'Oskar',
    surname: 'Lind',
    commission: {
      hsaId: 'SE2321000016-DU13',
      name: 'Ekonom Region Stockholm',
      unitHsaId: WARD_KAROLINSKA_MEDICIN,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Fakturaunderlag'],
    },
    licences: [],
  },
  {
    key: 'security-officer-region',
    label: 'Security officer, Region Stockholm',
    purpose: 'Reviews the access log of Region Stockholm (logguppföljning).',
    hsaId: 'SE2321000016-DP08',
    givenName: 'Karin',
    surname: 'Sjö',
    commission: {
      hsaId: 'SE2321000016-DU08',
      name: 'Informationssäkerhet Region Stockholm',
      unitHsaId: WARD_KAROLINSKA_MEDICIN,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Logggranskning'],
    },
    licences: [],
  },
  {
    key: 'security-officer-municipality',
    label: 'Security officer, Södermalm (Stockholm)',
    purpose: 'Reviews the access log of the Södermalm district.',
    hsaId: 'SE2120001439-DP09',
    givenName: 'Ali',
    surname: 'Khan',
    commission: {
      hsaId: 'SE2120001439-DU09',
      name: 'Informationssäkerhet Södermalm',
      unitHsaId: SOC_SODERMALM,
      providerHsaId: STOCKHOLM_STAD,
      purpose: CARE,
      rights: ['Logggranskning'],
    },
    licences: [],
  },
  {
    key: 'security-officer-two-municipalities',
    label: 'Security officer, Södermalm and Solna',
    purpose:
      'Reviews the access log for two municipalities, one commission each: chooses which one to act in, and switches.',
    hsaId: 'SE2120001439-DP12',
    givenName: 'Maja',
    surname: 'Ek',
    commission: {
      hsaId: 'SE2120001439-DU12',
      name: 'Informationssäkerhet Södermalm',
      unitHsaId: SOC_SODERMALM,
      providerHsaId: STOCKHOLM_STAD,
      purpose: CARE,
      rights: ['Logggranskning'],
    },
    moreCommissions: [
      {
        hsaId: 'SE2120000183-DU12',
        name: 'Informationssäkerhet Solna stad',
        unitHsaId: SOC_SOLNA,
        providerHsaId: SOLNA,
        purpose: CARE,
        rights: ['Logggranskning'],
      },
    ],
    licences: [],
  },
  {
    key: 'identity-admin',
    label: 'Identity admin',
    purpose: 'Manages the federation: identity providers, mapping rules, sessions and keys.',
    hsaId: 'SE2321000016-DP10',
    givenName: 'Nils',
    surname: 'Berg',
    commission: {
      hsaId: 'SE2321000016-DU10',
      name: 'Identitetsadministratör Region Stockholm',
      unitHsaId: WARD_KAROLINSKA_MEDICIN,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Identitetsadministration'],
    },
    licences: [],
  },
  {
    key: 'information-owner',
    label: 'Information owner, Region Stockholm',
    purpose: 'Decides how long the region’s information is kept and places legal holds.',
    hsaId: 'SE2321000016-DP11',
    givenName: 'Ingrid',
    surname: 'Wall',
    commission: {
      hsaId: 'SE2321000016-DU11',
      name: 'Informationsägare Region Stockholm',
      unitHsaId: WARD_KAROLINSKA_MEDICIN,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Gallringsbeslut'],
    },
    licences: [],
  },
  {
    key: 'no-access',
    label: 'Medical secretary (no access)',
    purpose:
      'Has a commission but no right the rules map to a role: Brygga says why there is no access.',
    hsaId: 'SE2321000016-DP12',
    givenName: 'Olle',
    surname: 'Dahl',
    commission: {
      hsaId: 'SE2321000016-DU12',
      name: 'Medicinsk sekreterare Geriatrik avd 1',
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      providerHsaId: REGION,
      purpose: CARE,
      rights: ['Journaladministration'],
    },
    licences: [],
  },
];

/**
 * The security officer of the region-year `npm run seed:scale` loads (docs/performance.md):
 * the demo region's officer has no rows there, so measuring the log review at region scale
 * in the browser (`npm run bench:console-log`) needs one of its own. Like every persona,
 * only on a server with the demo IdP, which production refuses (src/config.ts).
 */
export const SCALE_PERSONAS: readonly Persona[] = [
  {
    key: 'security-officer-scale-region',
    label: 'Security officer, Region Skala (seed:scale)',
    purpose:
      'Reviews the access log of the region-year npm run seed:scale loads; offered only when it is in the database.',
    hsaId: `${SCALE_REGION.slice(0, 12)}-DS01`,
    givenName: 'Sigrid',
    surname: 'Skala',
    commission: {
      hsaId: `${SCALE_REGION.slice(0, 12)}-DU01`,
      name: 'Informationssäkerhet Region Skala',
      unitHsaId: SCALE_FIRST_WARD,
      providerHsaId: SCALE_REGION,
      purpose: CARE,
      rights: ['Logggranskning'],
    },
    licences: [],
    onlyWithOrganization: SCALE_REGION,
  },
];

export function personaByKey(key: unknown): Persona | null {
  return [...PERSONAS, ...SCALE_PERSONAS].find((p) => p.key === key) ?? null;
}

/** The SAML attributes the demo IdP asserts for a persona (Inera profile, LoA 3). */
export function personaAttributes(persona: Persona): Record<string, string[]> {
  const a = (name: string) => `${INERA_ATTRIBUTE}${name}`;
  // The commission lists are read position by position (one entry per commission); the
  // rights are a set over all of them.
  const all = [persona.commission, ...(persona.moreCommissions ?? [])];
  const attributes: Record<string, string[]> = {
    [a('employeeHsaId')]: [persona.hsaId],
    [a('givenName')]: [persona.givenName],
    [a('surname')]: [persona.surname],
    [a('commissionHsaId')]: all.map((c) => c.hsaId),
    [a('commissionName')]: all.map((c) => c.name),
    [a('commissionPurpose')]: all.map((c) => c.purpose),
    [a('commissionRight')]: [...new Set(all.flatMap((c) => c.rights))],
    [a('healthCareUnitHsaId')]: all.map((c) => c.unitHsaId),
    [a('healthCareProviderHsaId')]: all.map((c) => c.providerHsaId),
    [LEVEL_OF_ASSURANCE_ATTRIBUTE]: [LOA3],
    [AUTHN_METHOD_ATTRIBUTE]: [SMARTCARD],
  };
  if (persona.licences.length > 0)
    attributes[a('healthcareProfessionalLicense')] = persona.licences;
  return attributes;
}
