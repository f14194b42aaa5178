import { builder } from '../builder.js';

export const OrganizationKind = builder.enumType('OrganizationKind', {
  description:
    'What kind of organisation: who provides care, and who pays for days after the ready notice.',
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
    hsaId: t.exposeString('hsaId', { description: 'Its HSA-ID, e.g. SE2321000016-7P4K.' }),
    name: t.exposeString('name', { description: 'Its name, e.g. "Region Stockholm".' }),
    kind: t.expose('kind', {
      type: OrganizationKind,
      description: 'Care provider, municipality or district.',
    }),
    orgNumber: t.exposeString('orgNumber', {
      description: 'The Swedish organisation number, 10 digits.',
    }),
    municipalityCode: t.exposeString('municipalityCode', {
      nullable: true,
      description:
        'The 4-digit municipality code (kommunkod) of a municipality or district; null for a care provider.',
    }),
    parent: t.relation('parent', {
      nullable: true,
      description: 'For a district: its municipality; null otherwise.',
    }),
  }),
});
