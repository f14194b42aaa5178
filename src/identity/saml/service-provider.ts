import { randomBytes } from 'node:crypto';
import { SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import type { IdentityProvider } from '../../db/generated/prisma/client.js';
import type { SpKeySet } from '../sp-keys.js';

/** Our SP as one IdP sees it: its own entity ID, ACS and SLO endpoints under the IdP's slug. */
export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  loginUrl: string;
}

export function spEndpoints(publicUrl: string, slug: string): SpEndpoints {
  const base = `${publicUrl.replace(/\/+$/, '')}/auth/saml/${encodeURIComponent(slug)}`;
  return {
    entityId: `${base}/metadata`,
    acsUrl: `${base}/acs`,
    sloUrl: `${base}/slo`,
    loginUrl: `${base}/login`,
  };
}

export function newMessageId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/**
 * A node-saml instance for one IdP: only its pinned certificates, our per-IdP audience,
 * SHA-256, an explicit clock skew (never -1), both signatures as the IdP's configuration
 * demands. InResponseTo is checked by us after the signature (src/identity/saml/acs.ts),
 * so a forged response cannot burn a real request ID.
 */
export function samlFor(
  idp: IdentityProvider,
  endpoints: SpEndpoints,
  keys: SpKeySet,
  generateUniqueId: () => string = newMessageId,
): SAML {
  const config: SamlConfig = {
    idpCert: idp.signingCertificates,
    issuer: endpoints.entityId,
    callbackUrl: endpoints.acsUrl,
    audience: endpoints.entityId,
    idpIssuer: idp.entityId,
    entryPoint: idp.ssoUrl,
    logoutUrl: idp.sloUrl ?? idp.ssoUrl,
    logoutCallbackUrl: endpoints.sloUrl,
    privateKey: keys.signing.privateKeyPem,
    publicCert: keys.signing.certificatePem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: idp.requireSignedResponse,
    acceptedClockSkewMs: idp.clockSkewSeconds * 1000,
    maxAssertionAgeMs: 0,
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    generateUniqueId,
  };
  return new SAML(config);
}
