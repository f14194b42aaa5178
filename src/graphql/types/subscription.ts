import { requireGrant } from '../../authz/require-grant.js';
import { type CaseActivity, caseActivityStream } from '../../subscriptions/activity.js';
import { formatCursor, parseCursor } from '../../subscriptions/cursor.js';
import { readVisible } from '../../subscriptions/shared-reads.js';
import { builder } from '../builder.js';
import { BadInputError } from '../errors.js';
import { guard } from '../field-guard.js';

builder.subscriptionType({
  description:
    'Live delivery over the graphql-ws protocol on the same address as queries (WebSocket, `/graphql`), signed in with the access token in `connection_init` (`{ "authorization": "Bearer …" }`).',
});

const ofActivity = (a: CaseActivity) => ({ caseId: a.caseId, patientId: a.patientId });

export const CaseActivityRef = builder.objectRef<CaseActivity>('CaseActivity').implement({
  description:
    'A new event of a case your acting unit may see: a message to it (a new inbox item) or any other change of the case. Every field follows the same rules as in a query, and each delivery is logged like one.',
  fields: (t) => ({
    cursor: t.string({
      description:
        'Where this event stands in the order events were committed (opaque). Keep the last one you received and pass it as `caseActivity(after:)` when you reconnect, to get what you missed.',
      resolve: (a) => formatCursor(a.position),
    }),
    forYourUnit: t.boolean({
      ...guard({ category: 'PLANNING', locate: ofActivity }),
      description: 'The event was sent to your unit: it is a new item of your inbox.',
      resolve: (a) => a.forYourUnit,
    }),
    event: t.prismaField({
      type: 'CaseEvent',
      nullable: true,
      description: 'The event (an entry of the event list).',
      resolve: (query, a, _args, ctx) =>
        readVisible(
          ctx,
          'caseEvent.findFirst',
          (caseWhere) => ({ ...query, where: { id: a.eventId, case: caseWhere } }),
          (args) => ctx.prisma.caseEvent.findFirst(args),
          (found) => found !== null,
        ),
    }),
    case: t.prismaField({
      type: 'Case',
      nullable: true,
      description: 'The case as it is after the event.',
      resolve: (query, a, _args, ctx) =>
        readVisible(
          ctx,
          'case.findFirst',
          (caseWhere) => ({ ...query, where: { id: a.caseId, AND: [caseWhere] } }),
          (args) => ctx.prisma.case.findFirst(args),
          (found) => found !== null,
        ),
    }),
  }),
});

builder.subscriptionField('caseActivity', (t) =>
  t.field({
    type: CaseActivityRef,
    description:
      'Every new event of the cases your acting unit may see, as it is committed (by any API process); with `after`, first the ones you missed. Only over the WebSocket.',
    authScopes: { actingUnit: true },
    args: {
      after: t.arg.string({
        required: false,
        description:
          'Resume: the `cursor` of the last delivery you received. The events after it that you may see are delivered first, in commit order, then live ones, with none missed and none twice. Without it, only events from now on.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      requireGrant(ctx, 'PLANNING');
      if (!ctx.live) {
        throw new BadInputError(
          'INVALID_ARGUMENT',
          'Subscriptions are served over the WebSocket (graphql-ws) at /graphql.',
        );
      }
      const after = args.after == null ? null : await parseCursor(ctx.prisma, args.after);
      return caseActivityStream(ctx, after);
    },
    resolve: (activity) => activity,
  }),
);
