import type { Prisma } from '../../db/generated/prisma/client.js';
import { builder } from '../builder.js';
import { selecting } from '../prisma-query.js';

export const UnitKind = builder.enumType('UnitKind', {
  description: 'What kind of unit; it decides the roles a unit can take in a case.',
  values: {
    WARD_SOMATIC: { description: 'Hospital ward, somatic care.' },
    WARD_PSYCHIATRIC: { description: 'Hospital ward, psychiatric 24-hour care.' },
    PRIMARY_CARE: { description: 'Primary care (vårdcentral).' },
    MUNICIPAL_SOCIAL_SERVICES: { description: 'Municipal social services (socialtjänst).' },
    MUNICIPAL_HEALTH_CARE: { description: 'Municipal health care (kommunal hälso- och sjukvård).' },
  } as const,
});

export const Unit = builder.prismaNode('Unit', {
  id: { field: 'id' },
  // Select mode: a unit is nested under every party, event author, recipient and
  // acknowledgement, and PostgreSQL built each one as a JSON object of all eleven columns;
  // now only the columns the query's fields read (docs/performance.md).
  select: { id: true },
  description: 'An HSA unit taking part in discharge planning, with its contact details.',
  fields: (t) => ({
    hsaId: t.exposeString('hsaId', { description: 'The unit’s HSA-ID.' }),
    name: t.exposeString('name', { description: 'The unit’s name, as in the directory.' }),
    kind: t.expose('kind', {
      type: UnitKind,
      description: 'Ward, primary care or municipal unit.',
    }),
    municipalityCode: t.exposeString('municipalityCode', {
      description: 'The 4-digit code (kommunkod) of the municipality the unit is in.',
    }),
    phone: t.exposeString('phone', {
      nullable: true,
      description: 'Phone number; null when unknown.',
    }),
    email: t.exposeString('email', {
      nullable: true,
      description: 'Email address; null when unknown.',
    }),
    address: t.exposeString('address', {
      nullable: true,
      description: 'Postal or visiting address; null when unknown.',
    }),
    active: t.exposeBoolean('active', {
      description:
        'false for a unit that no longer takes part in discharge planning; unit searches leave it out unless asked.',
    }),
    organization: t.relation('organization', {
      description: 'The care provider, municipality or district the unit belongs to.',
    }),
  }),
});

const UnitSearchInput = builder.inputType('UnitSearchInput', {
  description: 'Which units to list; every condition given must hold.',
  fields: (t) => ({
    text: t.string({
      required: false,
      description: 'Matches the start of any word of the name, or the HSA-ID.',
    }),
    kinds: t.field({
      type: [UnitKind],
      required: false,
      description: 'Only units of these kinds.',
    }),
    municipalityCode: t.string({
      required: false,
      description: 'Only units in this municipality (4-digit kommunkod).',
    }),
    includeInactive: t.boolean({
      required: false,
      defaultValue: false,
      description: 'Also units that no longer take part.',
    }),
  }),
});

builder.queryField('units', (t) =>
  t.prismaConnection({
    type: 'Unit',
    cursor: 'id',
    description: 'Search units and their contact details (kontaktuppgifter).',
    authScopes: { authenticated: true },
    args: {
      search: t.arg({ type: UnitSearchInput, required: false, description: 'Which units.' }),
    },
    totalCount: (_root, { search }, ctx) => ctx.prisma.unit.count({ where: unitWhere(search) }),
    resolve: (query, _root, { search }, ctx) =>
      ctx.prisma.unit.findMany({
        ...selecting(query),
        where: unitWhere(search),
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
);

function unitWhere(
  search:
    | {
        text?: string | null;
        kinds?:
          | (
              | 'WARD_SOMATIC'
              | 'WARD_PSYCHIATRIC'
              | 'PRIMARY_CARE'
              | 'MUNICIPAL_SOCIAL_SERVICES'
              | 'MUNICIPAL_HEALTH_CARE'
            )[]
          | null;
        municipalityCode?: string | null;
        includeInactive?: boolean | null;
      }
    | null
    | undefined,
): Prisma.UnitWhereInput {
  const text = search?.text?.trim();
  return {
    ...(search?.includeInactive ? {} : { active: true }),
    ...(search?.kinds?.length ? { kind: { in: search.kinds } } : {}),
    ...(search?.municipalityCode ? { municipalityCode: search.municipalityCode } : {}),
    ...(text
      ? {
          OR: [
            { name: { contains: text, mode: 'insensitive' } },
            { hsaId: { equals: text, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
}
