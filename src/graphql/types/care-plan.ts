import { visibleCaseWhere } from '../../authz/case-access.js';
import { builder } from '../builder.js';
import { guard } from '../field-guard.js';
import { decodeId } from '../global-id.js';
import { selecting } from '../prisma-query.js';
import { requireGrant } from '../require-grant.js';
import { CarePlanKind, CarePlanStatus } from './enums.js';

const ofPlan = (p: { caseId: string }) => ({ caseId: p.caseId });

builder.prismaObject('CarePlanItem', {
  description: 'Who does what, by when.',
  fields: (t) => ({
    position: t.exposeInt('position'),
    responsibleUnit: t.relation('responsibleUnit'),
    action: t.exposeString('action'),
    dueOn: t.expose('dueOn', { type: 'Date', nullable: true }),
  }),
});

builder.prismaObject('CarePlanParticipant', {
  fields: (t) => ({
    position: t.exposeInt('position'),
    name: t.exposeString('name'),
    role: t.exposeString('role'),
    unit: t.relation('unit', { nullable: true }),
  }),
});

export const CarePlanVersion = builder.prismaObject('CarePlanVersion', {
  description: 'One version of a care plan. A revision adds a version; none is overwritten.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    status: t.expose('status', { type: CarePlanStatus }),
    summary: t.exposeString('summary'),
    followUpOn: t.expose('followUpOn', { type: 'Date', nullable: true }),
    authorHsaId: t.exposeString('authorHsaId'),
    authorName: t.exposeString('authorName'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    items: t.relation('items', { query: { orderBy: { position: 'asc' } } }),
    participants: t.relation('participants', { query: { orderBy: { position: 'asc' } } }),
  }),
});

export const CarePlan = builder.prismaNode('CarePlan', {
  id: { field: 'id' },
  description: 'Vårdplan or SIP (samordnad individuell plan) of a case, with all its versions.',
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, case: visibleCaseWhere(ctx) }),
  fields: (t) => ({
    kind: t.expose('kind', {
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: CarePlanKind,
    }),
    createdAt: t.expose('createdAt', {
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: 'DateTime',
    }),
    current: t.field({
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: CarePlanVersion,
      description: 'The latest version.',
      select: (_args, _ctx, nested) => ({
        versions: nested({ orderBy: { version: 'desc' }, take: 1 }),
      }),
      resolve: (plan) => plan.versions[0]!,
    }),
    versions: t.relation('versions', {
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      query: { orderBy: { version: 'asc' } },
    }),
    case: t.relation('case', { ...guard({ category: 'ADMINISTRATIVE', locate: ofPlan }) }),
  }),
});

builder.queryField('carePlans', (t) =>
  t.prismaField({
    type: [CarePlan],
    description: 'The care plans of a case, oldest first.',
    authScopes: { actingUnit: true },
    args: { caseId: t.arg.id() },
    resolve: (query, _root, args, ctx) => {
      requireGrant(ctx, 'PLANNING');
      return ctx.prisma.carePlan.findMany({
        ...selecting(query),
        where: {
          caseId: decodeId(String(args.caseId), 'Case', 'caseId'),
          case: visibleCaseWhere(ctx),
        },
        orderBy: { createdAt: 'asc' },
      });
    },
  }),
);
