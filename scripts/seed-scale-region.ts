import { testPersonalIdentityNumber } from '../src/db/seed/demo-reference-data.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../src/db/seed/sample-content.js';
import { SCALE_REGION_ORG_NUMBER } from '../src/db/seed/scale-reference-data.js';
import type { Prng } from './seed-scale-prng.js';

/**
 * The reference data of a region-year at scale, built in memory from a seeded stream:
 * one region (care provider) with hospitals' wards and primary-care units, the
 * municipalities (one city divided into districts) with social services and municipal
 * health care, the staff who act in those units, and the residents who become patients.
 *
 * HSA-IDs follow the demo region's conventions (src/db/seed/demo-reference-data.ts): a
 * unit's care provider is `<first 12 characters of its HSA-ID>-0001`, which is also what
 * test principals use, so a security officer of the region reviews exactly its units'
 * rows. Personal identity numbers are Luhn-valid with birth numbers 980–999, a series
 * no real person has.
 */

export type UnitKind =
  | 'WARD_SOMATIC'
  | 'WARD_PSYCHIATRIC'
  | 'PRIMARY_CARE'
  | 'MUNICIPAL_SOCIAL_SERVICES'
  | 'MUNICIPAL_HEALTH_CARE';

export interface ScaleOrganization {
  id: string;
  hsaId: string;
  name: string;
  kind: 'CARE_PROVIDER' | 'MUNICIPALITY' | 'DISTRICT';
  orgNumber: string;
  municipalityCode: string | null;
  parentId: string | null;
}

export interface ScaleUnit {
  index: number;
  id: string;
  hsaId: string;
  name: string;
  kind: UnitKind;
  organizationId: string;
  providerHsaId: string;
  municipalityCode: string;
  phone: string;
  email: string;
  address: string;
  /** Indices into `staff`: the people who act in this unit. */
  staff: number[];
}

export interface ScaleStaff {
  hsaId: string;
  name: string;
  unit: number;
}

/** Where residents live: a municipality or a district, with its units. */
export interface HomeArea {
  organization: ScaleOrganization;
  municipalityCode: string;
  social: number;
  health: number;
  primaryCare: number[];
  weight: number;
}

export interface Resident {
  personalIdentityNumber: string;
  identityKind: 'PERSONNUMMER' | 'SAMORDNINGSNUMMER';
  givenName: string;
  familyName: string;
  protectedIdentity: boolean;
  area: number;
  listedAt: number | null;
}

export interface ScaleRegion {
  organizations: ScaleOrganization[];
  units: ScaleUnit[];
  staff: ScaleStaff[];
  areas: HomeArea[];
  wards: number[];
  residents: Resident[];
  region: ScaleOrganization;
}

export interface RegionSizes {
  /** Municipalities and districts together: the areas with their own social services. */
  areas: number;
  wards: number;
  primaryCareUnits: number;
  users: number;
  residents: number;
}

/** One in ten wards is psychiatric, as in a region's bed mix. */
const PSYCHIATRIC_EVERY = 10;
const HOSPITALS = [
  'Norra sjukhuset',
  'Södra sjukhuset',
  'Västra sjukhuset',
  'Östra sjukhuset',
  'Centralsjukhuset',
  'Länssjukhuset',
];
const SPECIALTIES = [
  'Geriatrik',
  'Internmedicin',
  'Ortopedi',
  'Kardiologi',
  'Neurologi',
  'Kirurgi',
  'Infektion',
  'Lungmedicin',
  'Strokeenhet',
];
const PLACES = [
  'Åby',
  'Berga',
  'Dalby',
  'Ekeby',
  'Forsa',
  'Grimsta',
  'Hallby',
  'Ingeby',
  'Järva',
  'Kvarnby',
  'Lunda',
  'Myra',
  'Norrby',
  'Oxbacka',
  'Prästgård',
  'Rosendal',
  'Sjöbo',
  'Tallbacka',
  'Ugglebo',
  'Vallby',
  'Ängby',
  'Ödsby',
  'Bergsjö',
  'Forsby',
  'Hammarby',
  'Lidby',
  'Moby',
  'Nästorp',
  'Skogsby',
  'Vreta',
];

/** The city that is divided into districts (stadsdelsförvaltningar), like Stockholm. */
const DISTRICTS_IN_CITY = 4;

export function buildRegion(sizes: RegionSizes, prng: Prng): ScaleRegion {
  const organizations: ScaleOrganization[] = [];
  const units: ScaleUnit[] = [];
  const org = (o: Omit<ScaleOrganization, 'id'>): ScaleOrganization => {
    const created = { id: prng.uuid(), ...o };
    organizations.push(created);
    return created;
  };
  const unit = (
    hsaId: string,
    name: string,
    kind: UnitKind,
    organization: ScaleOrganization,
    municipalityCode: string,
  ): number => {
    const index = units.length;
    const n = String(index + 1).padStart(4, '0');
    units.push({
      index,
      id: prng.uuid(),
      hsaId,
      name,
      kind,
      organizationId: organization.id,
      providerHsaId: `${hsaId.slice(0, 12)}-0001`,
      municipalityCode,
      phone: `010-${n.slice(0, 2)} ${n.slice(2)} 00`,
      email: `enhet${n}@skala.example`,
      address: `${name}, Storgatan ${1 + (index % 90)}`,
      staff: [],
    });
    return index;
  };

  const region = org({
    hsaId: `SE${SCALE_REGION_ORG_NUMBER}-0001`,
    name: 'Region Skala',
    kind: 'CARE_PROVIDER',
    orgNumber: SCALE_REGION_ORG_NUMBER,
    municipalityCode: null,
    parentId: null,
  });
  const regionCode = '9900';

  // Municipalities: the first one is a city of districts, each district an area of its own.
  const areas: HomeArea[] = [];
  const districts = Math.min(DISTRICTS_IN_CITY, Math.max(0, sizes.areas - 1));
  const municipalityCount = sizes.areas - districts + (districts > 0 ? 1 : 0);
  for (let m = 0; m < municipalityCount; m++) {
    const orgNumber = `212000${String(1000 + m).padStart(4, '0')}`;
    const code = String(1000 + m);
    const place = PLACES[m % PLACES.length]!;
    const suffix = m >= PLACES.length ? ` ${Math.floor(m / PLACES.length) + 1}` : '';
    const municipality = org({
      hsaId: `SE${orgNumber}-0001`,
      name: m === 0 && districts > 0 ? `${place}${suffix} stad` : `${place}${suffix} kommun`,
      kind: 'MUNICIPALITY',
      orgNumber,
      municipalityCode: code,
      parentId: null,
    });
    const homes =
      m === 0 && districts > 0
        ? Array.from({ length: districts }, (_, d) =>
            org({
              hsaId: `SE${orgNumber}-SDF${d + 1}`,
              name: `${PLACES[(d + 7) % PLACES.length]} stadsdelsförvaltning`,
              kind: 'DISTRICT',
              orgNumber,
              municipalityCode: code,
              parentId: municipality.id,
            }),
          )
        : [municipality];
    for (const [k, home] of homes.entries()) {
      const label =
        home.kind === 'DISTRICT' ? home.name.replace(' stadsdelsförvaltning', '') : place + suffix;
      areas.push({
        organization: home,
        municipalityCode: code,
        social: unit(
          `SE${orgNumber}-SOC${k + 1}`,
          `Socialtjänsten ${label}`,
          'MUNICIPAL_SOCIAL_SERVICES',
          home,
          code,
        ),
        health: unit(
          `SE${orgNumber}-HSL${k + 1}`,
          `Kommunal hälso- och sjukvård ${label}`,
          'MUNICIPAL_HEALTH_CARE',
          home,
          code,
        ),
        primaryCare: [],
        // Areas differ in size: a few large, many small, as municipalities do.
        weight: 1 + prng.int(10) * (k === 0 && m < 3 ? 3 : 1),
      });
    }
  }

  const wards: number[] = [];
  for (let w = 0; w < sizes.wards; w++) {
    const psychiatric = w % PSYCHIATRIC_EVERY === PSYCHIATRIC_EVERY - 1;
    const hospital = HOSPITALS[w % HOSPITALS.length]!;
    const specialty = psychiatric
      ? 'Psykiatri'
      : SPECIALTIES[Math.floor(w / HOSPITALS.length) % SPECIALTIES.length]!;
    wards.push(
      unit(
        `SE${SCALE_REGION_ORG_NUMBER}-W${String(w + 1).padStart(3, '0')}`,
        `${hospital}, ${specialty} avd ${10 + w}`,
        psychiatric ? 'WARD_PSYCHIATRIC' : 'WARD_SOMATIC',
        region,
        regionCode,
      ),
    );
  }
  // Primary-care units spread over the areas by size, at least one per area.
  const totalWeight = areas.reduce((s, a) => s + a.weight, 0);
  for (let v = 0; v < sizes.primaryCareUnits; v++) {
    const area = v < areas.length ? areas[v]! : weightedPick(areas, totalWeight, prng);
    area.primaryCare.push(
      unit(
        `SE${SCALE_REGION_ORG_NUMBER}-V${String(v + 1).padStart(3, '0')}`,
        `Vårdcentralen ${area.organization.name.split(' ')[0]} ${area.primaryCare.length + 1}`,
        'PRIMARY_CARE',
        region,
        area.municipalityCode,
      ),
    );
  }

  // Staff: of 13 000 users about 1 700 are municipal (DOMAIN.md, the support-cost split);
  // the rest split between the wards and primary care.
  const staff: ScaleStaff[] = [];
  const municipal = units.filter((u) => u.kind.startsWith('MUNICIPAL'));
  const wardUnits = wards.map((w) => units[w]!);
  const primary = units.filter((u) => u.kind === 'PRIMARY_CARE');
  const municipalUsers = Math.max(municipal.length, Math.round((sizes.users * 1700) / 13000));
  const wardUsers = Math.max(wardUnits.length, Math.round((sizes.users - municipalUsers) * 0.5));
  const primaryUsers = Math.max(primary.length, sizes.users - municipalUsers - wardUsers);
  const assign = (group: ScaleUnit[], count: number) => {
    for (let i = 0; i < count; i++) {
      const u = group[i % group.length]!;
      const index = staff.length;
      staff.push({
        hsaId: `${u.hsaId.slice(0, 12)}-P${String(index + 1).padStart(6, '0')}`,
        name: `${prng.pick(GIVEN_NAMES)} ${prng.pick(FAMILY_NAMES)}`,
        unit: u.index,
      });
      u.staff.push(index);
    }
  };
  assign(municipal, municipalUsers);
  assign(wardUnits, wardUsers);
  assign(primary, primaryUsers);

  const residents: Resident[] = [];
  const firstBirthDay = Date.UTC(1925, 0, 1);
  const birthDays = 80 * 365;
  for (let i = 0; i < sizes.residents; i++) {
    // Distinct numbers: the birth day cycles, the birth number moves on each cycle.
    const day = new Date(firstBirthDay + ((i * 7919) % birthDays) * 86_400_000);
    const coordination = prng.chance(0.02);
    const dd = day.getUTCDate() + (coordination ? 60 : 0);
    const birthDate = `${day.getUTCFullYear()}${String(day.getUTCMonth() + 1).padStart(2, '0')}${String(dd).padStart(2, '0')}`;
    const area = areas.indexOf(weightedPick(areas, totalWeight, prng));
    const home = areas[area]!;
    residents.push({
      personalIdentityNumber: testPersonalIdentityNumber(
        birthDate,
        980 + Math.floor(i / birthDays),
      ),
      identityKind: coordination ? 'SAMORDNINGSNUMMER' : 'PERSONNUMMER',
      givenName: prng.pick(GIVEN_NAMES),
      familyName: prng.pick(FAMILY_NAMES),
      protectedIdentity: prng.chance(0.005),
      area,
      listedAt: prng.chance(0.92) ? prng.pick(home.primaryCare) : null,
    });
  }
  return { organizations, units, staff, areas, wards, residents, region };
}

function weightedPick<T extends { weight: number }>(
  items: readonly T[],
  total: number,
  prng: Prng,
): T {
  let r = prng.float() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items.at(-1)!;
}
