import { visibleCaseWhere } from '../../authz/case-access.js';
import { requireGrant } from '../../authz/require-grant.js';
import { builder } from '../builder.js';
import { guard, guardNeverWithheld } from '../field-guard.js';
import { decodeId } from '../global-id.js';
import { selecting } from '../prisma-query.js';
import { CaseEventType } from './enums.js';
import { type AnyEventDetails, CaseEventDetails } from './event-details.js';

const ofEvent = (e: { caseId: string; type: string }) => ({ caseId: e.caseId });

/** The planning basis and the discharge information carry health information. */
function payloadCategory(type: string): 'MEDICAL' | 'PLANNING' {
  return type === 'PLANNING_BASIS_SENT' || type === 'DISCHARGED' ? 'MEDICAL' : 'PLANNING';
}

builder.prismaObject('CaseEventRecipient', {
  description: 'A unit an event was sent to, and whether it has acknowledged it (kvittens).',
  fields: (t) => ({
    unit: t.relation('unit', {
      description:
        'The receiving unit; its acknowledgement, if any, is in `CaseEvent.acknowledgements`.',
    }),
  }),
});

builder.prismaObject('CaseEventAcknowledgement', {
  description: 'Kvittens: a recipient unit confirmed it received the event.',
  fields: (t) => ({
    unit: t.relation('unit', { description: 'The unit that acknowledged.' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', description: 'When.' }),
    byHsaId: t.exposeString('byHsaId', { description: 'The employee HSA-ID of who acknowledged.' }),
    byName: t.exposeString('byName', { description: 'Their name.' }),
  }),
});

export const CaseEvent = builder.prismaNode('CaseEvent', {
  id: { field: 'id' },
  description: 'One entry of a case’s event list (händelselista). Never changed once written.',
  // Select mode: the JSON payload is loaded only when `payload` is asked for.
  select: { id: true, caseId: true, type: true },
  // An event is reachable through node(id) only when its case is.
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, case: visibleCaseWhere(ctx) }),
  fields: (t) => ({
    sequence: t.exposeInt('sequence', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description:
        'The event’s place in the case’s list (increasing with each event); null if withheld from you (as every field here but `case`; see `redactions`).',
    }),
    type: t.expose('type', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      type: CaseEventType,
      description: 'What the event records.',
    }),
    occurredAt: t.expose('occurredAt', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      type: 'DateTime',
      description: 'When it was written.',
    }),
    authorHsaId: t.exposeString('authorHsaId', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description: 'The employee HSA-ID of who wrote it.',
    }),
    authorName: t.exposeString('authorName', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description: 'Their name.',
    }),
    authorUnit: t.relation('authorUnit', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description: 'The unit they acted for.',
    }),
    payload: t.field({
      ...guard({ category: (e: { type: string }) => payloadCategory(e.type), locate: ofEvent }),
      type: 'JSONObject',
      description:
        'The event’s content as stored, with database ids that `node` cannot take. Read `details` instead.',
      deprecationReason: 'Use `details`: typed per event type, with units and events as objects.',
      select: { payload: true },
      resolve: (e) => e.payload as Record<string, unknown>,
    }),
    details: t.field({
      // The same category as `payload`: the planning basis and discharge are health information.
      ...guard({ category: (e: { type: string }) => payloadCategory(e.type), locate: ofEvent }),
      type: CaseEventDetails,
      description:
        'The event’s content, typed by its event type; null only when your roles may not read it (listed in the response’s `extensions.redactions`).',
      select: { payload: true },
      resolve: (e) =>
        ({ caseId: e.caseId, type: e.type, payload: e.payload }) as unknown as AnyEventDetails,
    }),
    recipients: t.relation('recipients', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description: 'The units the message was sent to; empty for an event that is no message.',
    }),
    acknowledgements: t.relation('acknowledgements', {
      ...guard({ category: 'PLANNING', locate: ofEvent }),
      description: 'The kvittenser received so far.',
    }),
    case: t.relation('case', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofEvent, seenOn: 'case' }),
      description: 'The case the event belongs to.',
    }),
  }),
});

builder.queryField('caseEvents', (t) =>
  t.prismaConnection({
    type: 'CaseEvent',
    cursor: 'id',
    description: 'Händelselistan of a case, oldest first (the same list as `Case.events`).',
    authScopes: { actingUnit: true },
    args: { caseId: t.arg.id({ description: 'The case.' }) },
    totalCount: (_root, args, ctx) => {
      requireGrant(ctx, 'PLANNING');
      return ctx.prisma.caseEvent.count({
        where: { caseId: decodeId(args.caseId, 'Case', 'caseId'), case: visibleCaseWhere(ctx) },
      });
    },
    resolve: (query, _root, args, ctx) => {
      requireGrant(ctx, 'PLANNING');
      return ctx.prisma.caseEvent.findMany({
        ...selecting(query),
        where: { caseId: decodeId(args.caseId, 'Case', 'caseId'), case: visibleCaseWhere(ctx) },
        orderBy: { sequence: 'asc' },
      });
    },
  }),
);
