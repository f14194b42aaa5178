import type { IdentityProvider } from '../db/generated/prisma/client.js';
import { toPem } from './certificates.js';
import {
  EXAMPLE_RULE_SETS,
  type ExampleRuleSetName,
  isExampleRuleSetName,
  loadExampleRuleSet,
} from './example-rule-sets.js';
import type { IdentityServices } from './index.js';
import { attributeNamesFor } from './mapping/profiles.js';
import { MetadataError, parseIdpMetadata } from './saml/metadata.js';
import { spEndpoints } from './saml/service-provider.js';

/**
 * The first step of a real deployment (`npm run federation -- bootstrap`): one IdP from its
 * metadata (file or URL) with mapping rules from an example rule set, plus one rule that
 * makes the named person identity admin. After it, that person signs in and does the rest
 * (more IdPs, rule changes) through GraphQL. Everything is checked before anything is
 * written: the example, the HSA-ID, the slug, and the metadata itself.
 */

export class BootstrapError extends Error {}

export interface BootstrapInput {
  /** A metadata file's content, or an https URL to fetch it from. */
  metadata: { xml: string } | { url: string };
  adminHsaId: string;
  rules: string;
  slug?: string;
  displayName?: string;
  /** The federation's metadata signing certificates (PEM), when it signs its metadata. */
  federationCertificates?: string[];
}

const DEFAULTS: Record<ExampleRuleSetName, { slug: string; displayName: string }> = {
  inera: { slug: 'inera', displayName: 'Inera IdP (SITHS)' },
  municipality: { slug: 'kommun', displayName: 'Municipality IdP' },
};

export async function bootstrapFederation(
  identity: IdentityServices,
  input: BootstrapInput,
  actor: string,
): Promise<{ idp: IdentityProvider; ruleSet: string; loginUrl: string; spMetadataUrl: string }> {
  if (!isExampleRuleSetName(input.rules)) {
    throw new BootstrapError(
      `no example rule set "${input.rules}"; choose ${Object.keys(EXAMPLE_RULE_SETS).join(' or ')}`,
    );
  }
  if (!/^SE[0-9]{10}-[A-Za-z0-9]+$/.test(input.adminHsaId) || input.adminHsaId.length > 31) {
    throw new BootstrapError(
      `--admin-hsa-id ${input.adminHsaId} is not an HSA-ID (e.g. SE2321000016-7P4K)`,
    );
  }
  const slug = input.slug ?? DEFAULTS[input.rules].slug;
  const displayName = input.displayName ?? DEFAULTS[input.rules].displayName;
  if (await identity.idps.bySlug(slug)) {
    throw new BootstrapError(`an IdP "${slug}" exists already; sign in and manage it instead`);
  }
  const ruleSetName = `${displayName} rules`;
  if (await identity.ruleSets.findByName(ruleSetName)) {
    throw new BootstrapError(`a rule set "${ruleSetName}" exists already`);
  }
  const example = await loadExampleRuleSet(input.rules);
  const employeeHsaId = attributeNamesFor(
    example.commissions.profile,
    example.commissions.attributes,
  ).employeeHsaId;
  const definition = {
    ...example,
    roleRules: [
      ...example.roleRules,
      {
        name: 'first identity admin',
        attribute: employeeHsaId,
        match: { kind: 'exact' as const, value: input.adminHsaId },
        roles: ['IDENTITY_ADMIN' as const],
      },
    ],
  };
  const federationCertificates = (input.federationCertificates ?? []).map(toPem);
  const xml =
    'xml' in input.metadata
      ? input.metadata.xml
      : await identity.idps.fetchMetadata(input.metadata.url);
  // Read once here, so that bad metadata writes nothing; the import reads it again.
  try {
    parseIdpMetadata(xml, { trustedSigners: federationCertificates, now: new Date() });
  } catch (error) {
    if (error instanceof MetadataError) throw new BootstrapError(error.message);
    throw error;
  }
  const ruleSet = await identity.ruleSets.create(
    {
      name: ruleSetName,
      definition,
      comment: `bootstrap: docs/federation/${EXAMPLE_RULE_SETS[input.rules]} and identity admin ${input.adminHsaId}`,
    },
    actor,
  );
  const idp = await identity.idps.importMetadata(
    {
      xml,
      create: {
        slug,
        displayName,
        ruleSetId: ruleSet.id,
        requiredLoa: 3,
        metadataUrl: 'url' in input.metadata ? input.metadata.url : null,
        metadataSigningCertificates: federationCertificates,
      },
    },
    actor,
  );
  const endpoints = spEndpoints(identity.settings.publicUrl, slug);
  return {
    idp,
    ruleSet: ruleSetName,
    loginUrl: endpoints.loginUrl,
    spMetadataUrl: `${identity.settings.publicUrl}/auth/saml/${slug}/metadata`,
  };
}
