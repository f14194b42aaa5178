import type { IdentityProvider as IdpRow } from '../../../db/generated/prisma/client.js';
import { parseCertificate } from '../../../identity/certificates.js';
import { spEndpoints } from '../../../identity/saml/service-provider.js';
import { builder } from '../../builder.js';
import { actorOf, asGraphQL, identityOf, requireIdentity } from './common.js';

const Certificate = builder.objectRef<string>('IdpCertificate').implement({
  description: 'A pinned IdP signing certificate.',
  fields: (t) => ({
    subject: t.string({ resolve: (pem) => parseCertificate(pem).subject }),
    sha256Fingerprint: t.string({ resolve: (pem) => parseCertificate(pem).fingerprint256 }),
    validFrom: t.field({
      type: 'DateTime',
      resolve: (pem) => new Date(parseCertificate(pem).validFrom),
    }),
    validTo: t.field({
      type: 'DateTime',
      resolve: (pem) => new Date(parseCertificate(pem).validTo),
    }),
    pem: t.string({ resolve: (pem) => pem }),
  }),
});

export const IdentityProvider = builder.objectRef<IdpRow>('IdentityProvider').implement({
  description: 'An identity provider of the federation and how Brygga trusts it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug', { description: 'The name in our URLs: /auth/saml/<slug>/…' }),
    displayName: t.exposeString('displayName'),
    entityId: t.exposeString('entityId'),
    ssoUrl: t.exposeString('ssoUrl'),
    sloUrl: t.exposeString('sloUrl', { nullable: true }),
    signingCertificates: t.field({
      type: [Certificate],
      resolve: (idp) => idp.signingCertificates,
    }),
    requiredLevelOfAssurance: t.exposeInt('requiredLoa'),
    clockSkewSeconds: t.exposeInt('clockSkewSeconds'),
    idpInitiatedAllowed: t.exposeBoolean('idpInitiatedAllowed'),
    requireSignedResponse: t.exposeBoolean('requireSignedResponse'),
    enabled: t.exposeBoolean('enabled'),
    ruleSetId: t.exposeID('ruleSetId'),
    metadataUrl: t.exposeString('metadataUrl', { nullable: true }),
    metadataRefreshedAt: t.expose('metadataRefreshedAt', { type: 'DateTime', nullable: true }),
    metadataValidUntil: t.expose('metadataValidUntil', { type: 'DateTime', nullable: true }),
    metadataRefreshSeconds: t.exposeInt('metadataRefreshSeconds', {
      description: 'How often metadata from `metadataUrl` is fetched again, in seconds.',
    }),
    nextMetadataRefreshAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the scheduled refresh fetches `metadataUrl` next: the last refresh plus `metadataRefreshSeconds` (now, when it never succeeded). Null when nothing is refreshed: no URL, or the IdP is disabled.',
      resolve: (idp, _args, ctx) => {
        if (!idp.metadataUrl || !idp.enabled) return null;
        if (!idp.metadataRefreshedAt) return ctx.now();
        return new Date(idp.metadataRefreshedAt.getTime() + idp.metadataRefreshSeconds * 1000);
      },
    }),
    serviceProvider: t.field({
      type: ServiceProviderEndpoints,
      description: 'Our SP as this IdP knows it (give the metadata URL to the IdP operator).',
      resolve: (idp, _args, ctx) => spEndpoints(identityOf(ctx).settings.publicUrl, idp.slug),
    }),
  }),
});

const ServiceProviderEndpoints = builder
  .objectRef<{ entityId: string; acsUrl: string; sloUrl: string; loginUrl: string }>(
    'ServiceProviderEndpoints',
  )
  .implement({
    fields: (t) => ({
      entityId: t.exposeString('entityId', { description: 'Also the URL of our SP metadata.' }),
      acsUrl: t.exposeString('acsUrl'),
      sloUrl: t.exposeString('sloUrl'),
      loginUrl: t.exposeString('loginUrl'),
    }),
  });

const IdentityProviderInput = builder.inputType('IdentityProviderInput', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    displayName: t.string({ required: true }),
    entityId: t.string({ required: true }),
    ssoUrl: t.string({ required: true }),
    sloUrl: t.string({ required: false }),
    signingCertificates: t.stringList({ required: true, description: 'PEM certificates.' }),
    requiredLevelOfAssurance: t.int({ required: false }),
    clockSkewSeconds: t.int({ required: false }),
    idpInitiatedAllowed: t.boolean({ required: false }),
    requireSignedResponse: t.boolean({ required: false }),
    ruleSetId: t.id({ required: true }),
    metadataUrl: t.string({ required: false }),
    metadataSigningCertificates: t.stringList({ required: false }),
    metadataRefreshSeconds: t.int({ required: false }),
  }),
});

const IdentityProviderPatch = builder.inputType('IdentityProviderPatch', {
  fields: (t) => ({
    displayName: t.string({ required: false }),
    entityId: t.string({ required: false }),
    ssoUrl: t.string({ required: false }),
    sloUrl: t.string({ required: false }),
    signingCertificates: t.stringList({ required: false }),
    requiredLevelOfAssurance: t.int({ required: false }),
    clockSkewSeconds: t.int({ required: false }),
    idpInitiatedAllowed: t.boolean({ required: false }),
    requireSignedResponse: t.boolean({ required: false }),
    enabled: t.boolean({ required: false }),
    ruleSetId: t.id({ required: false }),
    metadataUrl: t.string({ required: false }),
    metadataSigningCertificates: t.stringList({ required: false }),
    metadataRefreshSeconds: t.int({ required: false }),
  }),
});

/** GraphQL's null-for-absent → the service's undefined-for-unchanged. */
function defined<T extends Record<string, unknown>>(input: T) {
  const { requiredLevelOfAssurance, ...rest } = input as T & {
    requiredLevelOfAssurance?: number | null;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest))
    if (value !== null && value !== undefined) out[key] = value;
  if (requiredLevelOfAssurance != null) out.requiredLoa = requiredLevelOfAssurance;
  return out;
}

builder.queryField('identityProviders', (t) =>
  t.field({
    type: [IdentityProvider],
    description: 'Every IdP Brygga knows, enabled or not. Identity admins only.',
    resolve: (_root, _args, ctx) => {
      requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return ctx.prisma.identityProvider.findMany({ orderBy: { slug: 'asc' } });
    },
  }),
);

builder.queryField('identityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    nullable: true,
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }, ctx) => {
      requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return identityOf(ctx).idps.bySlug(slug);
    },
  }),
);

builder.mutationField('createIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    args: { input: t.arg({ type: IdentityProviderInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asGraphQL(() => identityOf(ctx).idps.create(defined(input) as never, actorOf(admin)));
    },
  }),
);

builder.mutationField('updateIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    args: {
      slug: t.arg.string({ required: true }),
      patch: t.arg({ type: IdentityProviderPatch, required: true }),
    },
    resolve: (_root, { slug, patch }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asGraphQL(() =>
        identityOf(ctx).idps.update(slug, defined(patch) as never, actorOf(admin)),
      );
    },
  }),
);

builder.mutationField('disableIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asGraphQL(() => identityOf(ctx).idps.disable(slug, actorOf(admin)));
    },
  }),
);

const NewProviderFromMetadata = builder.inputType('NewIdentityProviderFromMetadata', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    displayName: t.string({ required: true }),
    ruleSetId: t.id({ required: true }),
    requiredLevelOfAssurance: t.int({ required: false }),
    clockSkewSeconds: t.int({ required: false }),
    idpInitiatedAllowed: t.boolean({ required: false }),
    metadataSigningCertificates: t.stringList({ required: false }),
  }),
});

builder.mutationField('importIdentityProviderMetadata', (t) =>
  t.field({
    type: IdentityProvider,
    description:
      'Imports IdP metadata from a document or an https URL: for an existing IdP (slug) it replaces endpoints and pinned certificates (rollover); otherwise `newProvider` creates one. The metadata must validate (and carry a valid federation signature where the IdP has metadata signing certificates); otherwise nothing changes.',
    args: {
      slug: t.arg.string({ required: false }),
      xml: t.arg.string({ required: false }),
      url: t.arg.string({ required: false }),
      entityId: t.arg.string({
        required: false,
        description: 'Which IdP of an aggregate to import.',
      }),
      newProvider: t.arg({ type: NewProviderFromMetadata, required: false }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asGraphQL(() =>
        identityOf(ctx).idps.importMetadata(
          {
            xml: args.xml ?? undefined,
            url: args.url ?? undefined,
            existing: args.slug ?? undefined,
            entityId: args.entityId ?? undefined,
            create: args.newProvider ? (defined(args.newProvider) as never) : undefined,
          },
          actorOf(admin),
        ),
      );
    },
  }),
);
