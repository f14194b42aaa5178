import { encodeGlobalID } from '@pothos/plugin-relay';
import type { IdentityProvider as IdpRow } from '../../../db/generated/prisma/client.js';
import { parseCertificate } from '../../../identity/certificates.js';
import { spEndpoints } from '../../../identity/saml/service-provider.js';
import { builder } from '../../builder.js';
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

/** What each setting of an IdP means; the output type and the three inputs share them. */
const IDP = {
  slug: 'The name in our URLs (/auth/saml/<slug>/…): lowercase letters, digits and hyphens, 2–40 characters.',
  displayName: 'The name users see on the login page, e.g. "Inera IdP (SITHS)".',
  entityId: 'The IdP’s SAML entityID, as in its metadata.',
  ssoUrl: 'The IdP’s SingleSignOnService URL, http(s).',
  sloUrl: 'The IdP’s SingleLogoutService URL; none: logout ends only our session.',
  signingCertificates:
    'The IdP’s pinned signing certificates (PEM): its responses must verify against one of them; at least one.',
  requiredLevelOfAssurance:
    'The lowest level of assurance (1–4, from `urn:sambi:names:attribute:levelOfAssurance`) a login must have; default 3.',
  clockSkewSeconds: 'How far the IdP’s clock may differ from ours, 0–300 seconds; default 60.',
  idpInitiatedAllowed:
    'Whether a login the IdP starts (unsolicited response) is accepted; default false.',
  requireSignedResponse:
    'Whether the whole SAML response must be signed, not only the assertion; default true.',
  ruleSetId:
    'The attribute-mapping rule set that turns its attributes into a user, as a database id (a UUID).',
  metadataUrl:
    'Where the IdP’s (or the federation’s) metadata is fetched for scheduled refresh; none: no refresh.',
  metadataSigningCertificates:
    'Federation certificates (PEM) the fetched metadata must be signed with; none: metadata need not be signed.',
  metadataRefreshSeconds:
    'How often the metadata is refreshed, 300 seconds to 30 days; default one day.',
} as const;

const Certificate = builder.objectRef<string>('IdpCertificate').implement({
  description: 'A pinned IdP signing certificate.',
  fields: (t) => ({
    subject: t.string({
      description: 'The certificate’s subject (distinguished name).',
      resolve: (pem) => parseCertificate(pem).subject,
    }),
    sha256Fingerprint: t.string({
      description:
        'SHA-256 fingerprint, colon-separated hex: compare with what the IdP operator publishes.',
      resolve: (pem) => parseCertificate(pem).fingerprint256,
    }),
    validFrom: t.field({
      type: 'DateTime',
      description: 'Not valid before this time.',
      resolve: (pem) => new Date(parseCertificate(pem).validFrom),
    }),
    validTo: t.field({
      type: 'DateTime',
      description: 'Not valid after this time: roll over before it.',
      resolve: (pem) => new Date(parseCertificate(pem).validTo),
    }),
    pem: t.string({ description: 'The certificate itself, PEM.', resolve: (pem) => pem }),
  }),
});

export const IdentityProvider = builder.node(builder.objectRef<IdpRow>('IdentityProvider'), {
  description:
    'An identity provider of the federation and how Brygga trusts it. `node(id:)` loads it for identity admins, as `identityProviders` lists it; anyone else is refused (FORBIDDEN).',
  id: {
    description:
      'The global id: keep it in a client, pass it to `node(id:)` or `identityEvents(idpId:)` (the IdP commands name an IdP by `slug`).',
    resolve: (idp) => idp.id,
  },
  loadOne: identityNodeLoader('ADMINISTER_IDENTITY', (id, ctx) =>
    ctx.prisma.identityProvider.findUnique({ where: { id } }),
  ),
  fields: (t) => ({
    globalId: t.id({
      description: 'The global id, the same as `id`.',
      deprecationReason: '`id` is the global id now (IdentityProvider is a Node); read `id`.',
      ...globalIdOf('IdentityProvider'),
      resolve: (idp) => encodeGlobalID('IdentityProvider', idp.id),
    }),
    slug: t.exposeString('slug', { description: 'The name in our URLs: /auth/saml/<slug>/…' }),
    displayName: t.exposeString('displayName', { description: IDP.displayName }),
    entityId: t.exposeString('entityId', { description: IDP.entityId }),
    ssoUrl: t.exposeString('ssoUrl', { description: IDP.ssoUrl }),
    sloUrl: t.exposeString('sloUrl', { nullable: true, description: IDP.sloUrl }),
    signingCertificates: t.field({
      type: [Certificate],
      description: IDP.signingCertificates,
      resolve: (idp) => idp.signingCertificates,
    }),
    requiredLevelOfAssurance: t.exposeInt('requiredLoa', {
      description: IDP.requiredLevelOfAssurance,
    }),
    clockSkewSeconds: t.exposeInt('clockSkewSeconds', { description: IDP.clockSkewSeconds }),
    idpInitiatedAllowed: t.exposeBoolean('idpInitiatedAllowed', {
      description: IDP.idpInitiatedAllowed,
    }),
    requireSignedResponse: t.exposeBoolean('requireSignedResponse', {
      description: IDP.requireSignedResponse,
    }),
    enabled: t.exposeBoolean('enabled', {
      description: 'Whether users can log in through it; a disabled IdP is kept, not deleted.',
    }),
    ruleSetId: t.exposeID('ruleSetId', {
      description: IDP.ruleSetId,
      deprecationReason: 'A raw database id; read `ruleSetGlobalId`, which `node` takes.',
    }),
    ruleSetGlobalId: t.id({
      ...globalIdOf('MappingRuleSet'),
      description: 'The global id of the mapping rule set this IdP uses (`MappingRuleSet.id`).',
      resolve: (idp) => encodeGlobalID('MappingRuleSet', idp.ruleSetId),
    }),
    metadataUrl: t.exposeString('metadataUrl', { nullable: true, description: IDP.metadataUrl }),
    metadataRefreshedAt: t.expose('metadataRefreshedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When metadata was last fetched and applied; null if never.',
    }),
    metadataValidUntil: t.expose('metadataValidUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'The `validUntil` of the metadata last applied; null when it had none.',
    }),
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
    description:
      'Brygga’s service-provider endpoints for one IdP, to register with the IdP operator.',
    fields: (t) => ({
      entityId: t.exposeString('entityId', { description: 'Also the URL of our SP metadata.' }),
      acsUrl: t.exposeString('acsUrl', {
        description: 'Our AssertionConsumerService URL, where the IdP posts its responses.',
      }),
      sloUrl: t.exposeString('sloUrl', { description: 'Our SingleLogoutService URL.' }),
      loginUrl: t.exposeString('loginUrl', {
        description: 'Where a browser starts a login through this IdP.',
      }),
    }),
  });

const IdentityProviderInput = builder.inputType('IdentityProviderInput', {
  description: 'A new IdP, entered by hand (or use importIdentityProviderMetadata).',
  fields: (t) => ({
    slug: t.string({ required: true, description: IDP.slug }),
    displayName: t.string({ required: true, description: IDP.displayName }),
    entityId: t.string({ required: true, description: IDP.entityId }),
    ssoUrl: t.string({ required: true, description: IDP.ssoUrl }),
    sloUrl: t.string({ required: false, description: IDP.sloUrl }),
    signingCertificates: t.stringList({ required: true, description: 'PEM certificates.' }),
    requiredLevelOfAssurance: t.int({ required: false, description: IDP.requiredLevelOfAssurance }),
    clockSkewSeconds: t.int({ required: false, description: IDP.clockSkewSeconds }),
    idpInitiatedAllowed: t.boolean({ required: false, description: IDP.idpInitiatedAllowed }),
    requireSignedResponse: t.boolean({ required: false, description: IDP.requireSignedResponse }),
    ruleSetId: t.id({
      required: true,
      description:
        'The mapping rule set: its global id (`MappingRuleSet.id`); the raw UUID is still taken but deprecated.',
    }),
    metadataUrl: t.string({ required: false, description: IDP.metadataUrl }),
    metadataSigningCertificates: t.stringList({
      required: false,
      description: IDP.metadataSigningCertificates,
    }),
    metadataRefreshSeconds: t.int({ required: false, description: IDP.metadataRefreshSeconds }),
  }),
});

const IdentityProviderPatch = builder.inputType('IdentityProviderPatch', {
  description: 'The settings to change; a field left out (or null) keeps its value.',
  fields: (t) => ({
    displayName: t.string({ required: false, description: IDP.displayName }),
    entityId: t.string({ required: false, description: IDP.entityId }),
    ssoUrl: t.string({ required: false, description: IDP.ssoUrl }),
    sloUrl: t.string({ required: false, description: IDP.sloUrl }),
    signingCertificates: t.stringList({ required: false, description: IDP.signingCertificates }),
    requiredLevelOfAssurance: t.int({ required: false, description: IDP.requiredLevelOfAssurance }),
    clockSkewSeconds: t.int({ required: false, description: IDP.clockSkewSeconds }),
    idpInitiatedAllowed: t.boolean({ required: false, description: IDP.idpInitiatedAllowed }),
    requireSignedResponse: t.boolean({ required: false, description: IDP.requireSignedResponse }),
    enabled: t.boolean({
      required: false,
      description: 'false disables logins through the IdP; true enables them again.',
    }),
    ruleSetId: t.id({
      required: false,
      description:
        'The mapping rule set: its global id (`MappingRuleSet.id`); the raw UUID is still taken but deprecated.',
    }),
    metadataUrl: t.string({ required: false, description: IDP.metadataUrl }),
    metadataSigningCertificates: t.stringList({
      required: false,
      description: IDP.metadataSigningCertificates,
    }),
    metadataRefreshSeconds: t.int({ required: false, description: IDP.metadataRefreshSeconds }),
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
    description: 'One IdP by its slug; null when there is none. Identity admins only.',
    args: { slug: t.arg.string({ required: true, description: 'The IdP’s slug.' }) },
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
    description:
      'Adds an IdP to the federation, enabled. Every setting is validated before anything is written; the change is an identity event.',
    errors: providerResult('createIdentityProvider', 'as created'),
    args: {
      input: t.arg({
        type: IdentityProviderInput,
        required: true,
        description: 'The IdP’s settings.',
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
  description: 'The settings metadata does not carry, for an IdP created by a metadata import.',
  fields: (t) => ({
    slug: t.string({ required: true, description: IDP.slug }),
    displayName: t.string({ required: true, description: IDP.displayName }),
    ruleSetId: t.id({
      required: true,
      description:
        'The mapping rule set: its global id (`MappingRuleSet.id`); the raw UUID is still taken but deprecated.',
    }),
    requiredLevelOfAssurance: t.int({ required: false, description: IDP.requiredLevelOfAssurance }),
    clockSkewSeconds: t.int({ required: false, description: IDP.clockSkewSeconds }),
    idpInitiatedAllowed: t.boolean({ required: false, description: IDP.idpInitiatedAllowed }),
    metadataSigningCertificates: t.stringList({
      required: false,
      description: IDP.metadataSigningCertificates,
    }),
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
        description: 'The existing IdP to update; absent: create one from `newProvider`.',
      }),
      xml: t.arg.string({
        required: false,
        description:
          'The metadata document itself (EntityDescriptor or an aggregate); or give `url`.',
      }),
      url: t.arg.string({
        required: false,
        description: 'An https URL to fetch the metadata from; or give `xml`.',
      }),
      entityId: t.arg.string({
        required: false,
        description: 'Which IdP of an aggregate to import.',
      }),
      newProvider: t.arg({
        type: NewProviderFromMetadata,
        required: false,
        description: 'For a new IdP (no `slug`): the settings metadata does not carry.',
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
