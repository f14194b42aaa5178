import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Commission } from '../../../authz/principal.js';
import { IdentityCommandError } from '../../../identity/command-error.js';
import { CommissionChoiceError } from '../../../identity/gateway.js';
import { builder } from '../../builder.js';
import { UnauthenticatedError } from '../../errors.js';
import { globalIdOf } from '../../global-id.js';
import {
  actorOf,
  asIdentityResult,
  identityIdArg,
  identityNodeLoader,
  identityOf,
  identityResult,
  requireIdentity,
} from './common.js';

/** The same commission: the directory's id when both have one, else unit and purpose. */
const sameCommission = (a: Commission, b: Commission) =>
  a.hsaId && b.hsaId ? a.hsaId === b.hsaId : a.unitHsaId === b.unitHsaId && a.purpose === b.purpose;

/** `acting` is set where the answer knows it (the commission a token was just issued for). */
const ActingCommission = builder
  .objectRef<Commission & { acting?: boolean }>('ActingCommission')
  .implement({
    description:
      'A commission (medarbetaruppdrag) of the signed-in person: the unit they may act for, and why. `viewer` answers the same with the acting one apart.',
    fields: (t) => ({
      hsaId: t.exposeString('hsaId', {
        nullable: true,
        description: 'The commission’s HSA-ID, when the directory gives one.',
      }),
      name: t.exposeString('name', {
        nullable: true,
        description: 'The commission’s name in the directory, if any.',
      }),
      unitHsaId: t.exposeString('unitHsaId', {
        description: 'The HSA-ID of the unit the commission is for. Read `unit` for the Unit.',
      }),
      providerHsaId: t.exposeString('providerHsaId', {
        description: 'The HSA-ID of the care provider (vårdgivare) of the unit.',
      }),
      purpose: t.exposeString('purpose', {
        description: 'The commission’s purpose (e.g. "Vård och behandling").',
      }),
      rights: t.exposeStringList('rights', {
        description: 'The commission rights (commissionRight) the directory lists.',
      }),
      unit: t.prismaField({
        type: 'Unit',
        nullable: true,
        description: 'The unit, when Brygga knows it; null for a unit outside discharge planning.',
        resolve: (query, c, _args, ctx) =>
          ctx.prisma.unit.findUnique({ ...query, where: { hsaId: c.unitHsaId } }),
      }),
      acting: t.boolean({
        description: 'Whether this is the commission the person acts in now.',
        resolve: (c, _args, ctx) => {
          if (c.acting !== undefined) return c.acting;
          const acting = ctx.principal?.actingCommission;
          return acting ? sameCommission(acting, c) : false;
        },
      }),
    }),
  });

const IssuedToken = builder
  .objectRef<{
    accessToken: string;
    expiresAt: Date;
    actingCommission: Commission | null;
    roles: string[];
  }>('IssuedAccessToken')
  .implement({
    description:
      'A new access token for the chosen commission, to use from now on instead of the old one.',
    fields: (t) => ({
      accessToken: t.exposeString('accessToken', {
        description: 'The bearer token (a signed JWT) for the Authorization header.',
      }),
      expiresAt: t.expose('expiresAt', {
        type: 'DateTime',
        description: 'When it stops working; renew it from the session before then.',
      }),
      roles: t.exposeStringList('roles', { description: 'The roles the token carries.' }),
      actingCommission: t.field({
        type: ActingCommission,
        nullable: true,
        description: 'The commission the token acts in; null if none could be chosen.',
        resolve: (r) => (r.actingCommission ? { ...r.actingCommission, acting: true } : null),
      }),
    }),
  });

builder.queryField('myCommissions', (t) =>
  t.field({
    type: [ActingCommission],
    description:
      'The commissions of this login with a purpose Brygga serves; choose one with chooseCommission.',
    resolve: (_root, _args, ctx) => {
      if (!ctx.principal) throw new UnauthenticatedError();
      return ctx.principal.commissions;
    },
  }),
);

builder.mutationField('chooseCommission', (t) =>
  t.field({
    type: IssuedToken,
    description:
      'Picks the acting commission (medarbetaruppdrag) and returns a new access token for it. Only commissions with a purpose Brygga serves, as the current rules read them from the login, can be chosen.',
    errors: identityResult(
      'chooseCommission',
      'token',
      'the new access token, acting in the chosen commission',
    ),
    args: {
      unitHsaId: t.arg.string({
        required: true,
        description: 'The unit of the commission (`ActingCommission.unitHsaId`).',
      }),
      purpose: t.arg.string({
        required: true,
        description: 'The commission’s purpose, as `myCommissions` lists it.',
      }),
      commissionHsaId: t.arg.string({
        required: false,
        description:
          'The commission’s HSA-ID, when it has one: tells apart two commissions of the same unit and purpose.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      if (!ctx.principal) throw new UnauthenticatedError();
      try {
        const issued = await identityOf(ctx).gateway.chooseCommission(
          ctx.principal,
          args,
          ctx.requestId,
        );
        return {
          accessToken: issued.accessToken,
          expiresAt: issued.expiresAt,
          actingCommission: issued.principal.actingCommission,
          roles: issued.principal.roles,
        };
      } catch (error) {
        // The gateway's refusals are the person's to act on (sign in again, pick another).
        if (error instanceof CommissionChoiceError)
          throw new IdentityCommandError(error.code, error.message);
        throw error;
      }
    },
  }),
);

/** What a session answers: never its secret. */
const SESSION_FIELDS = {
  id: true,
  subject: true,
  idpId: true,
  createdAt: true,
  refreshedAt: true,
  expiresAt: true,
  revokedAt: true,
  revokedBy: true,
  revokedReason: true,
} as const;

const SessionInfo = builder.node(
  builder.objectRef<{
    id: string;
    subject: string;
    idpId: string;
    createdAt: Date;
    refreshedAt: Date;
    expiresAt: Date;
    revokedAt: Date | null;
    revokedBy: string | null;
    revokedReason: string | null;
  }>('IdentitySession'),
  {
    description:
      'A login session: what its refresh cookie renews access tokens from, until it expires or is revoked. `node(id:)` loads it for identity admins, as `identitySessions` lists them (anyone else: FORBIDDEN).',
    id: {
      description: 'The global id: what `revokeSession(sessionId:)` and `node(id:)` take.',
      resolve: (session) => session.id,
    },
    loadOne: identityNodeLoader('ADMINISTER_IDENTITY', (id, ctx) =>
      ctx.prisma.identitySession.findUnique({ where: { id }, select: SESSION_FIELDS }),
    ),
    fields: (t) => ({
      globalId: t.id({
        description: 'The global id, the same as `id`.',
        deprecationReason: '`id` is the global id now (IdentitySession is a Node); read `id`.',
        ...globalIdOf('IdentitySession'),
        resolve: (session) => encodeGlobalID('IdentitySession', session.id),
      }),
      subject: t.exposeString('subject', { description: 'Employee HSA-ID.' }),
      idpId: t.exposeID('idpId', {
        description: 'The IdP logged in through, as a database id.',
        deprecationReason: 'A raw database id; read `idpGlobalId`, which `node` takes.',
      }),
      idpGlobalId: t.id({
        description: 'The IdP logged in through: its global id (`IdentityProvider.id`).',
        ...globalIdOf('IdentityProvider'),
        resolve: (session) => encodeGlobalID('IdentityProvider', session.idpId),
      }),
      createdAt: t.expose('createdAt', {
        type: 'DateTime',
        description: 'When the login happened.',
      }),
      refreshedAt: t.expose('refreshedAt', {
        type: 'DateTime',
        description: 'When a token was last issued from it.',
      }),
      expiresAt: t.expose('expiresAt', {
        type: 'DateTime',
        description: 'When it ends unless revoked before.',
      }),
      revokedAt: t.expose('revokedAt', {
        type: 'DateTime',
        nullable: true,
        description: 'When it was ended early (logout or revokeSession); null if not.',
      }),
      revokedBy: t.exposeString('revokedBy', {
        nullable: true,
        description: 'Who ended it early; null if not.',
      }),
      revokedReason: t.exposeString('revokedReason', {
        nullable: true,
        description: 'Why it was ended early; null if not.',
      }),
    }),
  },
);

builder.queryField('identitySessions', (t) =>
  t.field({
    type: [SessionInfo],
    description: "A person's sessions (by employee HSA-ID), newest first.",
    args: {
      subject: t.arg.string({ required: true, description: 'The person’s employee HSA-ID.' }),
      first: t.arg.int({
        required: false,
        defaultValue: 20,
        description: 'How many of the newest to answer (1–100).',
      }),
    },
    resolve: (_root, { subject, first }, ctx) => {
      requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return ctx.prisma.identitySession.findMany({
        where: { subject },
        orderBy: { createdAt: 'desc' },
        take: Math.min(Math.max(first ?? 20, 1), 100),
        select: SESSION_FIELDS,
      });
    },
  }),
);

builder.mutationField('revokeSession', (t) =>
  t.field({
    type: 'Boolean',
    description:
      'Ends a session at once: its access tokens and refresh cookie stop working. `revoked` is false when it had already ended.',
    errors: identityResult(
      'revokeSession',
      'revoked',
      'whether this revoked the session (false: it had already ended)',
    ),
    args: {
      sessionId: t.arg.id({
        required: true,
        description:
          'The session: its global id (`IdentitySession.id`); the raw UUID is still taken but deprecated.',
      }),
      reason: t.arg.string({
        required: true,
        description: 'Why, for the identity audit (1–500 characters).',
      }),
    },
    resolve: (_root, { sessionId, reason }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      const identity = identityOf(ctx);
      return asIdentityResult(async () => {
        const id = identityIdArg(sessionId, 'IdentitySession', 'sessionId');
        if (reason.trim().length === 0 || reason.length > 500) {
          throw new IdentityCommandError(
            'INVALID_INPUT',
            'Give a reason (at most 500 characters).',
            'reason',
          );
        }
        const session = await identity.sessions.get(id);
        if (!session)
          throw new IdentityCommandError(
            'SESSION_NOT_FOUND',
            'The session was not found.',
            'sessionId',
          );
        const now = ctx.now();
        const revoked = await identity.sessions.revoke(
          session.id,
          actorOf(admin),
          reason.trim(),
          now,
        );
        await identity.events.record({
          type: 'SESSION_REVOKED',
          outcome: 'SUCCESS',
          idpId: session.idpId,
          subject: session.subject,
          actor: actorOf(admin),
          sessionId: session.id,
          reason: reason.trim(),
          requestId: ctx.requestId,
        });
        return revoked;
      });
    },
  }),
);

builder.mutationField('rotateTokenSigningKey', (t) =>
  t.field({
    type: 'String',
    description:
      'Publishes a new token signing key now; it starts signing after the publish lead, and the current key is retired once its tokens have expired.',
    errors: identityResult('rotateTokenSigningKey', 'keyId', 'the new key’s ID (its `kid`)'),
    resolve: (_root, _args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return identityOf(ctx).keys.rotate(ctx.now(), actorOf(admin));
    },
  }),
);
