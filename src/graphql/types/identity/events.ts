import type { IdentityEvent as EventRow } from '../../../db/generated/prisma/client.js';
import {
  IdentityEventOutcome as OutcomeValues,
  IdentityEventType as TypeValues,
} from '../../../db/generated/prisma/enums.js';
import { builder } from '../../builder.js';
import { asGraphQL, identityOf, requireIdentity } from './common.js';

const IdentityEventType = builder.enumType('IdentityEventType', {
  values: Object.values(TypeValues),
});
const IdentityEventOutcome = builder.enumType('IdentityEventOutcome', {
  values: Object.values(OutcomeValues),
});

const IdentityEvent = builder.objectRef<EventRow>('IdentityEvent').implement({
  description: 'An identity event (append-only): who, when, what.',
  fields: (t) => ({
    id: t.exposeID('id'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    type: t.expose('type', { type: IdentityEventType }),
    outcome: t.expose('outcome', { type: IdentityEventOutcome }),
    idpId: t.exposeID('idpId', { nullable: true }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'Employee HSA-ID or NameID.',
    }),
    actor: t.exposeString('actor', { nullable: true }),
    sessionId: t.exposeID('sessionId', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    details: t.field({ type: 'JSONObject', resolve: (e) => e.details as Record<string, unknown> }),
    requestId: t.exposeString('requestId', { nullable: true }),
  }),
});

const clamp = (n: number | null | undefined) => Math.min(Math.max(n ?? 50, 1), 500);

builder.queryField('identityEvents', (t) =>
  t.field({
    type: [IdentityEvent],
    description: 'Identity events, newest first. Security officers and identity admins.',
    args: {
      types: t.arg({ type: [IdentityEventType], required: false }),
      outcome: t.arg({ type: IdentityEventOutcome, required: false }),
      subject: t.arg.string({ required: false }),
      since: t.arg({ type: 'DateTime', required: false }),
      until: t.arg({ type: 'DateTime', required: false }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
    },
    resolve: (_root, args, ctx) => {
      requireIdentity(ctx, 'REVIEW_IDENTITY_EVENTS');
      return ctx.prisma.identityEvent.findMany({
        where: {
          ...(args.types?.length ? { type: { in: args.types } } : {}),
          ...(args.outcome ? { outcome: args.outcome } : {}),
          ...(args.subject ? { subject: args.subject } : {}),
          ...(args.since || args.until
            ? {
                occurredAt: {
                  ...(args.since ? { gte: args.since } : {}),
                  ...(args.until ? { lt: args.until } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: clamp(args.first),
      });
    },
  }),
);

builder.queryField('recentLogins', (t) =>
  t.field({
    type: [IdentityEvent],
    description: "An IdP's latest logins, successful and failed (with the reason).",
    args: {
      idpSlug: t.arg.string({ required: true }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
    },
    resolve: async (_root, { idpSlug, first }, ctx) => {
      requireIdentity(ctx, 'REVIEW_IDENTITY_EVENTS');
      const idp = await asGraphQL(() => identityOf(ctx).idps.require(idpSlug));
      return ctx.prisma.identityEvent.findMany({
        where: { idpId: idp.id, type: 'LOGIN' },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: clamp(first),
      });
    },
  }),
);
