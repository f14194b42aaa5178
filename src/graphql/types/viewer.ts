import type { Commission, Principal } from '../../authz/principal.js';
import { ROLES } from '../../authz/roles.js';
import { builder } from '../builder.js';
import { selecting } from '../prisma-query.js';
import { Unit } from './unit.js';

/**
 * `viewer`: who is asking, as the identity gateway established them at sign-in, with
 * the acting commission and its unit as objects a client can render and refetch. A front
 * end's start screen needs this before anything else; it reads no patient data.
 */

const ROLE_DESCRIPTIONS: Record<(typeof ROLES)[number], string> = {
  WARD_STAFF: 'Staff of a hospital ward (slutenvård).',
  PRIMARY_CARE_STAFF: 'Staff of a primary-care unit (öppenvård / vårdcentral).',
  SOCIAL_SERVICES_STAFF: 'Municipal social services (socialtjänst, biståndshandläggare).',
  MUNICIPAL_HEALTH_CARE_STAFF: 'Municipal health care (kommunal hälso- och sjukvård).',
  FINANCE: 'Finance (ekonomi): invoice basis and payment agreements.',
  SECURITY_OFFICER: 'Security officer (informationssäkerhet): access-log review.',
  IDENTITY_ADMIN: 'Identity admin: federation, identity providers, attribute mapping, keys.',
  INFORMATION_OWNER: 'Information owner (informationsägare): retention decisions.',
};

export const RoleEnum = builder.enumType('Role', {
  description:
    'A role mapped from the directory at sign-in; what each may read and write is in docs/authorization.md.',
  values: Object.fromEntries(
    ROLES.map((role) => [role, { description: ROLE_DESCRIPTIONS[role] }]),
  ) as Record<(typeof ROLES)[number], { description: string }>,
});

interface ViewerCommissionShape {
  commission: Commission;
  acting: boolean;
}

const sameCommission = (a: Commission, b: Commission) =>
  a.hsaId === b.hsaId && a.unitHsaId === b.unitHsaId && a.purpose === b.purpose;

export const ViewerCommission = builder
  .objectRef<ViewerCommissionShape>('ViewerCommission')
  .implement({
    description:
      'A commission (medarbetaruppdrag) of the signed-in person: a unit they work for, for a purpose.',
    fields: (t) => ({
      hsaId: t.string({
        nullable: true,
        description: 'The commission’s own HSA-ID, where the directory has one.',
        resolve: (c) => c.commission.hsaId,
      }),
      name: t.string({
        nullable: true,
        description: 'The commission’s name in the directory.',
        resolve: (c) => c.commission.name,
      }),
      purpose: t.string({
        description: 'What the commission is for, e.g. "Vård och behandling".',
        resolve: (c) => c.commission.purpose,
      }),
      rights: t.stringList({
        description: 'The commission rights (commissionRight) the directory lists.',
        resolve: (c) => c.commission.rights,
      }),
      unitHsaId: t.string({
        description: 'The HSA-ID of the unit the commission is for.',
        resolve: (c) => c.commission.unitHsaId,
      }),
      providerHsaId: t.string({
        description: 'The HSA-ID of the care provider (vårdgivare) of the unit.',
        resolve: (c) => c.commission.providerHsaId,
      }),
      unit: t.prismaField({
        type: Unit,
        nullable: true,
        description:
          'The unit, when Brygga knows it; null for a unit outside discharge planning. Only a known, active unit can act on cases.',
        resolve: (query, c, _args, ctx) =>
          ctx.prisma.unit.findUnique({
            ...selecting(query),
            where: { hsaId: c.commission.unitHsaId },
          }),
      }),
      acting: t.boolean({
        description: 'Whether this is the commission the person acts in now.',
        resolve: (c) => c.acting,
      }),
    }),
  });

export const Viewer = builder.objectRef<Principal>('Viewer').implement({
  description:
    'The signed-in person: who they are, their roles and the commission they act in. Roles are mapped afresh at every sign-in.',
  fields: (t) => ({
    hsaId: t.exposeString('hsaId', { description: 'The person’s employee HSA-ID.' }),
    name: t.exposeString('name', { description: 'The person’s name as the directory gives it.' }),
    roles: t.field({
      type: [RoleEnum],
      description: 'The roles of this sign-in; an empty list means no access to anything.',
      resolve: (p) => p.roles,
    }),
    levelOfAssurance: t.exposeString('levelOfAssurance', {
      nullable: true,
      description: 'The level of assurance of the sign-in, as the identity provider stated it.',
    }),
    actingCommission: t.field({
      type: ViewerCommission,
      nullable: true,
      description:
        'The commission the person acts in; null until one is chosen (chooseCommission).',
      resolve: (p) =>
        p.actingCommission ? { commission: p.actingCommission, acting: true } : null,
    }),
    actingUnit: t.prismaField({
      type: Unit,
      nullable: true,
      description:
        'The unit of the acting commission, when Brygga knows it. Case lists and commands act for this unit.',
      resolve: (query, p, _args, ctx) =>
        p.actingCommission
          ? ctx.prisma.unit.findUnique({
              ...selecting(query),
              where: { hsaId: p.actingCommission.unitHsaId },
            })
          : null,
    }),
    otherCommissions: t.field({
      type: [ViewerCommission],
      description:
        'The person’s other commissions with a purpose Brygga serves; switch with chooseCommission.',
      resolve: (p) =>
        p.commissions
          .filter((c) => !p.actingCommission || !sameCommission(c, p.actingCommission))
          .map((commission) => ({ commission, acting: false })),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: 'The signed-in person; null without a valid access token.',
    resolve: (_root, _args, ctx) => ctx.principal,
  }),
);
