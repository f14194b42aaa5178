import type { IdentityEvent as EventRow } from '../../../db/generated/prisma/client.js';
import {
  IdentityEventOutcome as OutcomeValues,
  IdentityEventType as TypeValues,
} from '../../../db/generated/prisma/enums.js';
import { builder } from '../../builder.js';
import { asGraphQL, identityOf, requireIdentity } from './common.js';

/** What each event type records; the type makes a new one in the database enum need one. */
const EVENT_TYPES: Record<keyof typeof TypeValues, string> = {
  LOGIN: 'A SAML login, accepted or refused (the reason says why).',
  LOGOUT: 'A logout, started by the user or by the IdP (single logout).',
  TOKEN_REFRESH: 'An access token renewed from the session’s refresh cookie.',
  COMMISSION_CHOSEN: 'The user picked an acting commission (chooseCommission).',
  SESSION_REVOKED: 'An identity admin ended a session (revokeSession).',
  IDP_CREATED: 'An identity provider was added.',
  IDP_UPDATED: 'An identity provider’s settings were changed.',
  IDP_DISABLED: 'An identity provider was disabled.',
  METADATA_IMPORTED: 'IdP metadata was imported or refreshed and applied.',
  METADATA_REFRESH_FAILED: 'A scheduled metadata refresh failed; the previous settings stay.',
  MAPPING_CHANGED: 'An attribute-mapping rule set was created or got a new version.',
  KEY_CREATED: 'A signing key (token or SAML service provider) was created.',
  KEY_RETIRED: 'A signing key was retired.',
};

const IdentityEventType = builder.enumType('IdentityEventType', {
  description: 'What an identity event records.',
  values: Object.fromEntries(
    Object.values(TypeValues).map((type) => [type, { description: EVENT_TYPES[type] }]),
  ) as Record<keyof typeof TypeValues, { description: string }>,
});
const IdentityEventOutcome = builder.enumType('IdentityEventOutcome', {
  description: 'Whether what the identity event records succeeded.',
  values: {
    [OutcomeValues.SUCCESS]: { description: 'It succeeded.' },
    [OutcomeValues.FAILURE]: { description: 'It was refused or failed; `reason` says why.' },
  } as Record<keyof typeof OutcomeValues, { description: string }>,
});

const IdentityEvent = builder.objectRef<EventRow>('IdentityEvent').implement({
  description: 'An identity event (append-only): who, when, what.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The event’s database id.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    type: t.expose('type', { type: IdentityEventType, description: 'What happened.' }),
    outcome: t.expose('outcome', {
      type: IdentityEventOutcome,
      description: 'Success or failure.',
    }),
    idpId: t.exposeID('idpId', {
      nullable: true,
      description: 'The identity provider involved (`IdentityProvider.id`); null when none was.',
    }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'Employee HSA-ID or NameID.',
    }),
    actor: t.exposeString('actor', {
      nullable: true,
      description:
        'Who acted: the user themselves (their HSA-ID), an identity admin as "<HSA-ID> (<name>)", the IdP, or a job; null when not recorded.',
    }),
    sessionId: t.exposeID('sessionId', {
      nullable: true,
      description: 'The session concerned (`IdentitySession.id`); null when none.',
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it failed, or the reason an admin gave; null otherwise.',
    }),
    details: t.field({
      type: 'JSONObject',
      description:
        'What else the event type records (e.g. the changed settings, a key id); never patient data.',
      resolve: (e) => e.details as Record<string, unknown>,
    }),
    requestId: t.exposeString('requestId', {
      nullable: true,
      description:
        'The HTTP request that caused it, as in the server log; null for scheduled jobs.',
    }),
  }),
});

const clamp = (n: number | null | undefined) => Math.min(Math.max(n ?? 50, 1), 500);

builder.queryField('identityEvents', (t) =>
  t.field({
    type: [IdentityEvent],
    description: 'Identity events, newest first. Security officers and identity admins.',
    args: {
      types: t.arg({
        type: [IdentityEventType],
        required: false,
        description: 'Only these types; absent or empty: all.',
      }),
      outcome: t.arg({
        type: IdentityEventOutcome,
        required: false,
        description: 'Only this outcome.',
      }),
      subject: t.arg.string({
        required: false,
        description: 'Only events of this person (employee HSA-ID or NameID).',
      }),
      since: t.arg({
        type: 'DateTime',
        required: false,
        description: 'Events at or after this time.',
      }),
      until: t.arg({ type: 'DateTime', required: false, description: 'Events before this time.' }),
      first: t.arg.int({
        required: false,
        defaultValue: 50,
        description: 'How many of the newest to answer (1–500).',
      }),
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
      idpSlug: t.arg.string({ required: true, description: 'The IdP’s slug.' }),
      first: t.arg.int({
        required: false,
        defaultValue: 50,
        description: 'How many of the newest to answer (1–500).',
      }),
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
