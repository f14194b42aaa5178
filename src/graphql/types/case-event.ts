import { visibleCaseWhere } from '../../authz/case-access.js';
import { builder } from '../builder.js';
import { CaseEventType } from './enums.js';

builder.prismaObject('CaseEventRecipient', {
  description: 'A unit an event was sent to, and whether it has acknowledged it (kvittens).',
  fields: (t) => ({
    unit: t.relation('unit'),
  }),
});

builder.prismaObject('CaseEventAcknowledgement', {
  description: 'Kvittens: a recipient unit confirmed it received the event.',
  fields: (t) => ({
    unit: t.relation('unit'),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime' }),
    byHsaId: t.exposeString('byHsaId'),
    byName: t.exposeString('byName'),
  }),
});

builder.prismaNode('CaseEvent', {
  id: { field: 'id' },
  description: 'One entry of a case’s event list (händelselista). Never changed once written.',
  // An event is reachable through node(id) only when its case is.
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, case: visibleCaseWhere(ctx.actor) }),
  fields: (t) => ({
    sequence: t.exposeInt('sequence'),
    type: t.expose('type', { type: CaseEventType }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    authorHsaId: t.exposeString('authorHsaId'),
    authorName: t.exposeString('authorName'),
    authorUnit: t.relation('authorUnit'),
    payload: t.field({
      type: 'JSONObject',
      select: { payload: true },
      resolve: (e) => e.payload as Record<string, unknown>,
    }),
    recipients: t.relation('recipients'),
    acknowledgements: t.relation('acknowledgements'),
    case: t.relation('case'),
  }),
});
