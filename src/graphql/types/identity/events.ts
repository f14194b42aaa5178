import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import type { IdentityEvent as EventRow, Prisma } from '../../../db/generated/prisma/client.js';
import {
  type IdentityEventOutcome as IdentityEventOutcomeValue,
  type IdentityEventType as IdentityEventTypeValue,
  IdentityEventOutcome as OutcomeValues,
  IdentityEventType as TypeValues,
} from '../../../db/generated/prisma/enums.js';
import { builder } from '../../builder.js';
import { BadInputError } from '../../errors.js';
import { globalIdOf, uuidOrIdOfType } from '../../global-id.js';
import { asGraphQL, identityNodeLoader, identityOf, requireIdentity } from './common.js';

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

const IdentityEvent = builder.node(builder.objectRef<EventRow>('IdentityEvent'), {
  description:
    'An identity event (append-only): who, when, what. `node(id:)` loads it for security officers and identity admins, as `identityEventLog` lists them (anyone else: FORBIDDEN).',
  id: { description: 'The event’s global id.', resolve: (event) => event.id },
  loadOne: identityNodeLoader('REVIEW_IDENTITY_EVENTS', (id, ctx) =>
    ctx.prisma.identityEvent.findUnique({ where: { id } }),
  ),
  fields: (t) => ({
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    type: t.expose('type', { type: IdentityEventType, description: 'What happened.' }),
    outcome: t.expose('outcome', {
      type: IdentityEventOutcome,
      description: 'Success or failure.',
    }),
    idpId: t.exposeID('idpId', {
      nullable: true,
      description: 'The identity provider involved, as a database id; null when none was.',
      deprecationReason: 'A raw database id; read `idpGlobalId`, which `node` takes.',
    }),
    idpGlobalId: t.id({
      nullable: true,
      description:
        'The identity provider involved: its global id (`IdentityProvider.id`); null when none was.',
      ...globalIdOf('IdentityProvider'),
      resolve: (e) => (e.idpId === null ? null : encodeGlobalID('IdentityProvider', e.idpId)),
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
      description: 'The session concerned, as a database id; null when none.',
      deprecationReason: 'A raw database id; read `sessionGlobalId`, which `node` takes.',
    }),
    sessionGlobalId: t.id({
      nullable: true,
      description: 'The session concerned: its global id (`IdentitySession.id`); null when none.',
      ...globalIdOf('IdentitySession'),
      resolve: (e) =>
        e.sessionId === null ? null : encodeGlobalID('IdentitySession', e.sessionId),
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

const DESCRIBE = {
  types: 'Only events of these types (any type when absent or empty).',
  outcome: 'Only successes, or only failures.',
  subject: 'Only events about this person (employee HSA-ID or NameID), exactly.',
  idpId:
    'Only events of this identity provider: its global id (`IdentityProvider.id`); the raw UUID is still taken, deprecated.',
  since: 'Only events at or after this time.',
  until: 'Only events before this time.',
};

interface EventFilter {
  types?: readonly IdentityEventTypeValue[] | null;
  outcome?: IdentityEventOutcomeValue | null;
  subject?: string | null;
  idpId?: string | number | null;
  since?: Date | null;
  until?: Date | null;
}

/** The rows a filter selects; a malformed IdP id or an empty period is refused, not run. */
function whereOf(filter: EventFilter, field: string) {
  // IdentityProvider.id (the global id), or the raw UUID (deprecated).
  const idpId = filter.idpId == null ? null : uuidOrIdOfType(filter.idpId, 'IdentityProvider');
  if (filter.idpId != null && idpId === null) {
    throw new BadInputError(
      'INVALID_ID',
      'idpId is not the id of an IdentityProvider.',
      `${field}idpId`,
    );
  }
  if (filter.since && filter.until && filter.since >= filter.until) {
    throw new BadInputError('INVALID_ARGUMENT', 'since must be before until.', `${field}until`);
  }
  return {
    ...(filter.types?.length ? { type: { in: [...filter.types] } } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.subject ? { subject: filter.subject } : {}),
    ...(idpId ? { idpId } : {}),
    ...(filter.since || filter.until
      ? {
          occurredAt: {
            ...(filter.since ? { gte: filter.since } : {}),
            ...(filter.until ? { lt: filter.until } : {}),
          },
        }
      : {}),
  } satisfies Prisma.IdentityEventWhereInput;
}

const NEWEST_FIRST = [
  { occurredAt: 'desc' },
  { id: 'desc' },
] satisfies Prisma.IdentityEventOrderByWithRelationInput[];

builder.queryField('identityEvents', (t) =>
  t.field({
    type: [IdentityEvent],
    description:
      'Identity events, newest first (at most `first`, up to 500). Security officers and identity admins. `identityEventLog` pages through them by cursor.',
    args: {
      types: t.arg({ type: [IdentityEventType], required: false, description: DESCRIBE.types }),
      outcome: t.arg({
        type: IdentityEventOutcome,
        required: false,
        description: DESCRIBE.outcome,
      }),
      subject: t.arg.string({ required: false, description: DESCRIBE.subject }),
      idpId: t.arg.id({ required: false, description: DESCRIBE.idpId }),
      since: t.arg({ type: 'DateTime', required: false, description: DESCRIBE.since }),
      until: t.arg({ type: 'DateTime', required: false, description: DESCRIBE.until }),
      first: t.arg.int({
        required: false,
        defaultValue: 50,
        description: 'How many events (1–500; outside, the nearest bound).',
      }),
    },
    resolve: (_root, args, ctx) => {
      requireIdentity(ctx, 'REVIEW_IDENTITY_EVENTS');
      return ctx.prisma.identityEvent.findMany({
        where: whereOf(args, ''),
        orderBy: NEWEST_FIRST,
        take: clamp(args.first),
      });
    },
  }),
);

const IdentityEventFilter = builder.inputType('IdentityEventFilter', {
  description: 'Which identity events to list; every condition given must hold.',
  fields: (t) => ({
    types: t.field({ type: [IdentityEventType], required: false, description: DESCRIBE.types }),
    outcome: t.field({
      type: IdentityEventOutcome,
      required: false,
      description: DESCRIBE.outcome,
    }),
    subject: t.string({ required: false, description: DESCRIBE.subject }),
    idpId: t.id({ required: false, description: DESCRIBE.idpId }),
    since: t.field({ type: 'DateTime', required: false, description: DESCRIBE.since }),
    until: t.field({ type: 'DateTime', required: false, description: DESCRIBE.until }),
  }),
});

const EVENT_PAGE_MAX = 100;

/** A cursor names the last event of a page: its time and id (the order's keys). */
const cursorOf = (event: EventRow) =>
  Buffer.from(`${event.occurredAt.toISOString()}|${event.id}`, 'utf8').toString('base64url');

function afterCursor(after: string | null | undefined): Prisma.IdentityEventWhereInput {
  if (!after) return {};
  const [time, id] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (!id || !z.guid().safeParse(id).success || Number.isNaN(at.getTime())) {
    throw new BadInputError('INVALID_CURSOR', 'after is not a cursor of this connection.', 'after');
  }
  return { OR: [{ occurredAt: { lt: at } }, { occurredAt: at, id: { lt: id } }] };
}

builder.queryField('identityEventLog', (t) =>
  t.connection(
    {
      type: IdentityEvent,
      description:
        'Identity events, newest first, a page at a time (forward only: `first`, up to 100, and `after`). Security officers and identity admins.',
      extensions: { maxPageSize: EVENT_PAGE_MAX, ownCursors: true },
      args: {
        filter: t.arg({
          type: IdentityEventFilter,
          required: false,
          description: 'Which events; all when absent.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        requireIdentity(ctx, 'REVIEW_IDENTITY_EVENTS');
        if (args.last != null || args.before != null) {
          throw new BadInputError(
            'INVALID_ARGUMENT',
            'Identity events page forward only: use first/after.',
          );
        }
        const first = args.first ?? 50;
        const where = whereOf(args.filter ?? {}, 'filter.');
        const rows = await ctx.prisma.identityEvent.findMany({
          where: { AND: [where, afterCursor(args.after)] },
          orderBy: NEWEST_FIRST,
          take: first + 1,
        });
        const edges = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
        return {
          // Counted only when a client asks for totalCount.
          count: () => ctx.prisma.identityEvent.count({ where }),
          edges,
          pageInfo: {
            hasNextPage: rows.length > first,
            hasPreviousPage: Boolean(args.after),
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    {
      description: 'A page of identity events.',
      fields: (c) => ({
        totalCount: c.int({
          description: 'How many events the filter selects (all pages).',
          resolve: (connection) =>
            (connection as unknown as { count: () => Promise<number> }).count(),
        }),
      }),
    },
  ),
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
