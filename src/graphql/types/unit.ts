import type { Prisma } from '../../db/generated/prisma/client.js';
import { builder } from '../builder.js';
import { selecting } from '../prisma-query.js';

export const UnitKind = builder.enumType('UnitKind', {
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
  description: 'An HSA unit taking part in discharge planning, with its contact details.',
  fields: (t) => ({
    hsaId: t.exposeString('hsaId'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: UnitKind }),
    municipalityCode: t.exposeString('municipalityCode'),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    address: t.exposeString('address', { nullable: true }),
    active: t.exposeBoolean('active'),
    organization: t.relation('organization'),
  }),
});

const UnitSearchInput = builder.inputType('UnitSearchInput', {
  fields: (t) => ({
    text: t.string({
      required: false,
      description: 'Matches the start of any word of the name, or the HSA-ID.',
    }),
    kinds: t.field({ type: [UnitKind], required: false }),
    municipalityCode: t.string({ required: false }),
    includeInactive: t.boolean({ required: false, defaultValue: false }),
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
