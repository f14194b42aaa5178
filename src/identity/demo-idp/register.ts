import type { IdentityProvider } from '../../db/generated/prisma/client.js';
import { parseCertificate } from '../certificates.js';
import { loadExampleRuleSet } from '../example-rule-sets.js';
import type { IdentityServices } from '../index.js';
import { parseIdpMetadata } from '../saml/metadata.js';

/**
 * Registers the demo IdP in the federation as an identity admin would: a rule set from the
 * example Inera rules, then the IdP created from its metadata (certificate pinned), LoA 3.
 * On later starts only what changed is re-imported (a new PUBLIC_URL, a new key), and an
 * admin's changes stay: the rule set is not overwritten, a disabled demo IdP stays
 * disabled. Every step is an identity event with the actor below.
 */

export const DEMO_IDP_SLUG = 'demo';
export const DEMO_RULE_SET_NAME = 'Demo IdP (example Inera rules)';
const ACTOR = 'system:demo-idp';

export async function registerDemoIdp(
  identity: IdentityServices,
  metadataXml: string,
): Promise<IdentityProvider> {
  try {
    return await register(identity, metadataXml);
  } catch (error) {
    // Another API process registered it at the same moment: its registration stands.
    const idp = await identity.idps.bySlug(DEMO_IDP_SLUG);
    if (idp && (await identity.ruleSets.findByName(DEMO_RULE_SET_NAME))) return idp;
    throw error;
  }
}

async function register(identity: IdentityServices, metadataXml: string) {
  const ruleSet =
    (await identity.ruleSets.findByName(DEMO_RULE_SET_NAME)) ??
    (await identity.ruleSets.create(
      {
        name: DEMO_RULE_SET_NAME,
        definition: await loadExampleRuleSet('inera'),
        comment: 'docs/federation/inera-siths.json, for the demo IdP',
      },
      ACTOR,
    ));
  const metadata = parseIdpMetadata(metadataXml, { trustedSigners: [], now: new Date() });
  const existing = await identity.idps.bySlug(DEMO_IDP_SLUG);
  if (!existing) {
    return identity.idps.importMetadata(
      {
        xml: metadataXml,
        create: {
          slug: DEMO_IDP_SLUG,
          displayName: 'Demo IdP (development)',
          ruleSetId: ruleSet.id,
          requiredLoa: 3,
        },
      },
      ACTOR,
    );
  }
  const fingerprints = (certs: string[]) =>
    certs
      .map((c) => parseCertificate(c).fingerprint256)
      .sort()
      .join(',');
  const unchanged =
    existing.entityId === metadata.entityId &&
    existing.ssoUrl === metadata.ssoUrl &&
    fingerprints(existing.signingCertificates) === fingerprints(metadata.signingCertificates);
  if (unchanged) return existing;
  if (existing.entityId !== metadata.entityId) {
    // PUBLIC_URL changed: the IdP's entity ID follows it.
    await identity.idps.update(DEMO_IDP_SLUG, { entityId: metadata.entityId }, ACTOR);
  }
  return identity.idps.importMetadata({ xml: metadataXml, existing: DEMO_IDP_SLUG }, ACTOR);
}
