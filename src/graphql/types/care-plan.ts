import { visibleCaseWhere } from '../../authz/case-access.js';
import { requireGrant } from '../../authz/require-grant.js';
import type { CarePlanPublishedPayload } from '../../domain/case/payloads.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { guard, guardNeverWithheld } from '../field-guard.js';
import { decodeId } from '../global-id.js';
import { selecting } from '../prisma-query.js';
import { CarePlanKind, CarePlanStatus } from './enums.js';

const ofPlan = (p: { caseId: string }) => ({ caseId: p.caseId });

builder.prismaObject('CarePlanItem', {
  description: 'Who does what, by when.',
  fields: (t) => ({
    position: t.exposeInt('position', { description: 'The item’s place in the plan, from 1.' }),
    responsibleUnit: t.relation('responsibleUnit', { description: 'The unit that does it.' }),
    action: t.exposeString('action', { description: 'What is to be done.' }),
    dueOn: t.expose('dueOn', {
      type: 'Date',
      nullable: true,
      description: 'By when (a calendar day); null when no date was set.',
    }),
  }),
});

builder.prismaObject('CarePlanParticipant', {
  description: 'Someone who took part in drawing up a version of the plan.',
  fields: (t) => ({
    position: t.exposeInt('position', { description: 'Their place in the list, from 1.' }),
    name: t.exposeString('name', { description: 'Their name.' }),
    role: t.exposeString('role', {
      description: 'Their part in words, e.g. "patient", "next of kin".',
    }),
    unit: t.relation('unit', {
      nullable: true,
      description: 'The unit they represent; null for the patient and next of kin.',
    }),
  }),
});

export const CarePlanVersion = builder.prismaObject('CarePlanVersion', {
  description: 'One version of a care plan. A revision adds a version; none is overwritten.',
  fields: (t) => ({
    version: t.exposeInt('version', {
      description: 'The version number, from 1; send it as `expectedPlanVersion` when revising.',
    }),
    status: t.expose('status', {
      type: CarePlanStatus,
      description: 'The plan’s status in this version.',
    }),
    summary: t.exposeString('summary', { description: 'The plan’s summary, in words.' }),
    followUpOn: t.expose('followUpOn', {
      type: 'Date',
      nullable: true,
      description: 'When the parties meet to follow the plan up; null when not set.',
    }),
    authorHsaId: t.exposeString('authorHsaId', {
      description: 'The employee HSA-ID of who wrote the version.',
    }),
    authorName: t.exposeString('authorName', { description: 'Their name.' }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When the version was written.',
    }),
    items: t.relation('items', {
      description: 'The actions agreed, in order.',
      query: { orderBy: { position: 'asc' } },
    }),
    participants: t.relation('participants', {
      description: 'Who took part, in order.',
      query: { orderBy: { position: 'asc' } },
    }),
  }),
});

/** The version of a plan that stands published to the patient, and who published it when. */
interface Publication {
  version: number;
  publishedAt: Date;
  publishedByHsaId: string;
  publishedByName: string;
}

const CarePlanPublication = builder.objectRef<Publication>('CarePlanPublication').implement({
  description:
    'The version of a care plan published to the patient on 1177 (national GetCarePlans contract), as the last publication event of the plan says.',
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'The version the patient reads.' }),
    publishedAt: t.expose('publishedAt', {
      type: 'DateTime',
      description: 'When the parties published it.',
    }),
    publishedByHsaId: t.exposeString('publishedByHsaId', {
      description: 'Employee HSA-ID of the person who published it.',
    }),
    publishedByName: t.exposeString('publishedByName', {
      description: 'Name of the person who published it.',
    }),
  }),
});

/** The plan's publication events in order; the last one decides. */
async function publicationOf(
  prisma: Context['prisma'],
  plan: { id: string; caseId: string },
): Promise<Publication | null> {
  const [last] = await prisma.caseEvent.findMany({
    where: {
      caseId: plan.caseId,
      type: { in: ['CARE_PLAN_PUBLISHED_TO_PATIENT', 'CARE_PLAN_PUBLICATION_WITHDRAWN'] },
      payload: { path: ['carePlanId'], equals: plan.id },
    },
    orderBy: { sequence: 'desc' },
    take: 1,
    select: { type: true, payload: true, occurredAt: true, authorHsaId: true, authorName: true },
  });
  if (last?.type !== 'CARE_PLAN_PUBLISHED_TO_PATIENT') return null;
  return {
    version: (last.payload as CarePlanPublishedPayload).version,
    publishedAt: last.occurredAt,
    publishedByHsaId: last.authorHsaId,
    publishedByName: last.authorName,
  };
}

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
      description:
        'Vårdplan, förenklad vårdplan or SIP; null if withheld from you (as every planning field here; see `redactions`).',
    }),
    createdAt: t.expose('createdAt', {
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: 'DateTime',
      description: 'When the first version was written.',
    }),
    current: t.field({
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: CarePlanVersion,
      description: 'The latest version.',
      // The same relation query as `versions` (every version, oldest first), so a
      // selection of both loads the versions once instead of once more per plan.
      select: (_args, _ctx, nested) => ({
        versions: nested({ orderBy: { version: 'asc' } }),
      }),
      resolve: (plan) => plan.versions.at(-1)!,
    }),
    versions: t.relation('versions', {
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      description: 'Every version, oldest first.',
      query: { orderBy: { version: 'asc' } },
    }),
    publishedToPatient: t.field({
      ...guard({ category: 'PLANNING', locate: ofPlan }),
      type: CarePlanPublication,
      nullable: true,
      description:
        'The version the patient reads on 1177 (publishCarePlanToPatient), or null when none is published.',
      select: { id: true, caseId: true },
      resolve: (plan, _args, ctx) => publicationOf(ctx.prisma, plan),
    }),
    case: t.relation('case', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofPlan, seenOn: 'case' }),
      description: 'The case the plan belongs to.',
    }),
  }),
});

builder.queryField('carePlans', (t) =>
  t.prismaField({
    type: [CarePlan],
    description: 'The care plans of a case, oldest first.',
    authScopes: { actingUnit: true },
    args: { caseId: t.arg.id({ description: 'The case (`Case.id`).' }) },
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
