import { visibleCaseWhere, visibleNoteWhere } from '../../authz/case-access.js';
import { builder } from '../builder.js';
import { guard } from '../field-guard.js';

const ofNote = (n: { caseId: string }) => ({ caseId: n.caseId });

export const Note = builder.prismaNode('Note', {
  id: { field: 'id' },
  description:
    'Chat message or additional note (tilläggsanteckning). A locked note is readable only within the author’s organisation.',
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({
    id,
    case: visibleCaseWhere(ctx),
    AND: [visibleNoteWhere(ctx)],
  }),
  fields: (t) => ({
    text: t.exposeString('text', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      description: 'The note; null if withheld from you (as every field here).',
    }),
    lockedToOrganization: t.exposeBoolean('lockedToOrganization', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      description: 'Locked (låst): readable only within the author’s organisation.',
    }),
    authorHsaId: t.exposeString('authorHsaId', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      description: 'The employee HSA-ID of who wrote it.',
    }),
    authorName: t.exposeString('authorName', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      description: 'Their name.',
    }),
    authorUnit: t.relation('authorUnit', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      description: 'The unit they wrote for.',
    }),
    createdAt: t.expose('createdAt', {
      ...guard({ category: 'PLANNING', locate: ofNote }),
      type: 'DateTime',
      description: 'When it was written.',
    }),
  }),
});
