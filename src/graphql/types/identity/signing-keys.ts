import type { SigningKeyInfo } from '../../../identity/key-store.js';
import { builder } from '../../builder.js';
import { identityOf, requireIdentity } from './common.js';

const TokenSigningKeyState = builder.enumType('TokenSigningKeyState', {
  description: 'Where a token signing key is in its life.',
  values: {
    PUBLISHED: {
      description:
        'In the JWKS but not signing yet: published ahead (the publish lead) so every verifier knows it first.',
    },
    SIGNING: { description: 'The key new access tokens are signed with.' },
    VERIFYING: {
      description:
        'Superseded: signs nothing, stays in the JWKS until the tokens it signed have expired.',
    },
    RETIRED: { description: 'Out of the JWKS: tokens it signed are no longer accepted.' },
  },
});

const TokenSigningKey = builder.objectRef<SigningKeyInfo>('TokenSigningKey').implement({
  description:
    'A key that signs Brygga’s access tokens (its public part is in /.well-known/jwks.json while not retired). Never its private part.',
  fields: (t) => ({
    kid: t.exposeString('kid', {
      description: 'The key ID (`kid` in token headers and the JWKS).',
    }),
    algorithm: t.exposeString('algorithm', { description: 'The JWS algorithm, e.g. ES256.' }),
    state: t.expose('state', {
      type: TokenSigningKeyState,
      description: 'Its state now.',
    }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When it was created (by the scheduled maintenance or a rotation).',
    }),
    publishedAt: t.field({
      type: 'DateTime',
      description:
        'When it entered the JWKS: a key is published when it is created, before it signs.',
      resolve: (key) => key.createdAt,
    }),
    activatesAt: t.expose('activatesAt', {
      type: 'DateTime',
      description: 'When it starts (or started) signing, after the publish lead.',
    }),
    retiresAt: t.expose('retiresAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When it leaves (or left) the JWKS; set when a successor supersedes it, null while it has none.',
    }),
  }),
});

builder.queryField('tokenSigningKeys', (t) =>
  t.field({
    type: [TokenSigningKey],
    description:
      'The access-token signing keys, newest first (at most 100), with their publish, signing and retirement times. Identity admins only.',
    resolve: (_root, _args, ctx) => {
      requireIdentity(ctx, 'READ_FEDERATION');
      return identityOf(ctx).keys.list(ctx.now());
    },
  }),
);
