import { encodeGlobalID } from '@pothos/plugin-relay';
import type { IdentityProvider as IdpRow } from '../../../db/generated/prisma/client.js';
import { parseCertificate } from '../../../identity/certificates.js';
import { spEndpoints } from '../../../identity/saml/service-provider.js';
import { builder } from '../../builder.js';
import {
  actorOf,
  asIdentityResult,
  identityIdArg,
  identityOf,
  identityResult,
  requireIdentity,
} from './common.js';

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
    globalId: t.id({
      description:
        'The global id, the id to keep in a client (the IdP commands name an IdP by `slug`).',
      resolve: (idp) => encodeGlobalID('IdentityProvider', idp.id),
    }),
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
    ruleSetGlobalId: t.id({
      description: 'The global id of the mapping rule set this IdP uses (MappingRuleSet.globalId).',
      resolve: (idp) => encodeGlobalID('MappingRuleSet', idp.ruleSetId),
    }),
    metadataUrl: t.exposeString('metadataUrl', { nullable: true }),
    metadataRefreshedAt: t.expose('metadataRefreshedAt', { type: 'DateTime', nullable: true }),
    metadataValidUntil: t.expose('metadataValidUntil', { type: 'DateTime', nullable: true }),
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
    ruleSetId: t.id({
      required: true,
      description:
        'The mapping rule set: its global id (MappingRuleSet.globalId); the raw UUID is still taken but deprecated.',
    }),
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
    ruleSetId: t.id({
      required: false,
      description:
        'The mapping rule set: its global id (MappingRuleSet.globalId); the raw UUID is still taken but deprecated.',
    }),
    metadataUrl: t.string({ required: false }),
    metadataSigningCertificates: t.stringList({ required: false }),
    metadataRefreshSeconds: t.int({ required: false }),
  }),
});

/**
 * GraphQL's null-for-absent → the service's undefined-for-unchanged; the rule set's id
 * (global or raw) → its UUID, INVALID_ID naming `<argument>.ruleSetId` otherwise.
 */
function defined<T extends Record<string, unknown>>(input: T, argument: string) {
  const { requiredLevelOfAssurance, ruleSetId, ...rest } = input as T & {
    requiredLevelOfAssurance?: number | null;
    ruleSetId?: string | number | null;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest))
    if (value !== null && value !== undefined) out[key] = value;
  if (requiredLevelOfAssurance != null) out.requiredLoa = requiredLevelOfAssurance;
  if (ruleSetId != null)
    out.ruleSetId = identityIdArg(ruleSetId, 'MappingRuleSet', `${argument}.ruleSetId`);
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

const providerResult = (name: string, what: string) =>
  identityResult(name, 'identityProvider', `the identity provider ${what}`);

builder.mutationField('createIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    description: 'Adds an identity provider (enabled), audited as IDP_CREATED.',
    errors: providerResult('createIdentityProvider', 'as created'),
    args: {
      input: t.arg({
        type: IdentityProviderInput,
        required: true,
        description: 'The new IdP: endpoints, pinned certificates, rule set and login rules.',
      }),
    },
    resolve: (_root, { input }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(() =>
        identityOf(ctx).idps.create(defined(input, 'input') as never, actorOf(admin)),
      );
    },
  }),
);

builder.mutationField('updateIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    description: 'Changes the given settings of an IdP (the others stay), audited as IDP_UPDATED.',
    errors: providerResult('updateIdentityProvider', 'as it stands afterwards'),
    args: {
      slug: t.arg.string({
        required: true,
        description: 'Which IdP (its slug).',
      }),
      patch: t.arg({
        type: IdentityProviderPatch,
        required: true,
        description: 'The settings to change; absent or null ones stay as they are.',
      }),
    },
    resolve: (_root, { slug, patch }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(() =>
        identityOf(ctx).idps.update(slug, defined(patch, 'patch') as never, actorOf(admin)),
      );
    },
  }),
);

builder.mutationField('disableIdentityProvider', (t) =>
  t.field({
    type: IdentityProvider,
    description: 'Stops logins through an IdP, audited as IDP_DISABLED.',
    errors: providerResult('disableIdentityProvider', 'as it stands afterwards (disabled)'),
    args: {
      slug: t.arg.string({
        required: true,
        description: 'Which IdP (its slug).',
      }),
    },
    resolve: (_root, { slug }, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(() => identityOf(ctx).idps.disable(slug, actorOf(admin)));
    },
  }),
);

const NewProviderFromMetadata = builder.inputType('NewIdentityProviderFromMetadata', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    displayName: t.string({ required: true }),
    ruleSetId: t.id({
      required: true,
      description:
        'The mapping rule set: its global id (MappingRuleSet.globalId); the raw UUID is still taken but deprecated.',
    }),
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
    errors: providerResult('importIdentityProviderMetadata', 'as the metadata left it'),
    args: {
      slug: t.arg.string({
        required: false,
        description: 'The existing IdP to refresh; omit it and give `newProvider` to create one.',
      }),
      xml: t.arg.string({
        required: false,
        description: 'The metadata document (or give `url`).',
      }),
      url: t.arg.string({
        required: false,
        description: 'Where to fetch the metadata, https only (or give `xml`).',
      }),
      entityId: t.arg.string({
        required: false,
        description: 'Which IdP of an aggregate to import.',
      }),
      newProvider: t.arg({
        type: NewProviderFromMetadata,
        required: false,
        description: 'The settings metadata does not carry, for a new IdP.',
      }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(async () =>
        identityOf(ctx).idps.importMetadata(
          {
            xml: args.xml ?? undefined,
            url: args.url ?? undefined,
            existing: args.slug ?? undefined,
            entityId: args.entityId ?? undefined,
            create: args.newProvider
              ? (defined(args.newProvider, 'newProvider') as never)
              : undefined,
          },
          actorOf(admin),
        ),
      );
    },
  }),
);
