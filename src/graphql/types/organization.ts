import { builder } from '../builder.js';

export const OrganizationKind = builder.enumType('OrganizationKind', {
  values: {
    CARE_PROVIDER: { description: 'Vårdgivare: a region or a private care provider.' },
    MUNICIPALITY: { description: 'Kommun.' },
    DISTRICT: { description: 'Stadsdelsförvaltning: a district of a municipality (Stockholm).' },
  } as const,
});

builder.prismaNode('Organization', {
  id: { field: 'id' },
  description: 'A care provider, municipality or district.',
  fields: (t) => ({
    hsaId: t.exposeString('hsaId'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: OrganizationKind }),
    orgNumber: t.exposeString('orgNumber'),
    municipalityCode: t.exposeString('municipalityCode', { nullable: true }),
    parent: t.relation('parent', { nullable: true }),
  }),
});
