import { visibleCaseWhere, visibleNoteWhere } from '../../authz/case-access.js';
import { builder } from '../builder.js';

builder.prismaNode('Note', {
  id: { field: 'id' },
  description:
    'Chat message or additional note (tilläggsanteckning). A locked note is readable only within the author’s organisation.',
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({
    id,
    case: visibleCaseWhere(ctx.actor),
    AND: [visibleNoteWhere(ctx.actor)],
  }),
  fields: (t) => ({
    text: t.exposeString('text'),
    lockedToOrganization: t.exposeBoolean('lockedToOrganization'),
    authorHsaId: t.exposeString('authorHsaId'),
    authorName: t.exposeString('authorName'),
    authorUnit: t.relation('authorUnit'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
