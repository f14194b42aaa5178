import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { signXmlMetadata } from '@node-saml/node-saml/lib/utility.js';
import { getVerifiedXml } from '@node-saml/node-saml/lib/xml.js';
import { DOMParser } from '@xmldom/xmldom';
import { escapeHtml } from '../../domain/escape-html.js';
import { parseCertificate, toPem } from '../certificates.js';
import type { SpKeySet } from '../sp-keys.js';
import type { SpEndpoints } from './service-provider.js';
import { checkSignatureElement } from './signature-policy.js';
import { childElements, descendants, NS, textOf } from './xml.js';

/** IdP metadata in (validated, signature checked where configured) and SP metadata out. */

export const MAX_METADATA_BYTES = 5 * 1024 * 1024;
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  sloUrl: string | null;
  signingCertificates: string[];
  validUntil: Date | null;
}

export class MetadataError extends Error {}

function parseMetadataXml(xml: string): Document {
  if (xml.length > MAX_METADATA_BYTES) throw new MetadataError('metadata is larger than 5 MB');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new MetadataError('metadata with a DTD or entity declaration is refused');
  const problems: string[] = [];
  const record = (msg: string) => problems.push(msg);
  const doc = new DOMParser({
    errorHandler: { warning: record, error: record, fatalError: record },
  }).parseFromString(xml, 'text/xml');
  if (problems.length > 0 || !doc?.documentElement) {
    throw new MetadataError(`metadata is not well-formed XML: ${problems[0] ?? 'no root element'}`);
  }
  const root = doc.documentElement;
  if (
    root.namespaceURI !== NS.metadata ||
    !['EntityDescriptor', 'EntitiesDescriptor'].includes(root.localName)
  ) {
    throw new MetadataError(
      'not SAML metadata: the root is neither EntityDescriptor nor EntitiesDescriptor',
    );
  }
  return doc;
}

/**
 * Reads one IdP's metadata. When `trustedSigners` is not empty, the document must carry a
 * signature over its root by one of them, and only the signed bytes are read.
 */
export function parseIdpMetadata(
  xml: string,
  options: { trustedSigners: string[]; entityId?: string; now: Date },
): IdpMetadata {
  let doc = parseMetadataXml(xml);
  if (options.trustedSigners.length > 0) {
    const root = doc.documentElement;
    const signatures = childElements(root, NS.dsig, 'Signature');
    if (signatures.length !== 1)
      throw new MetadataError('the metadata is not signed, and this federation signs its metadata');
    try {
      checkSignatureElement(signatures[0]!, root);
    } catch (error) {
      throw new MetadataError(`metadata signature refused: ${(error as Error).message}`);
    }
    const verified = getVerifiedXml(xml, root, options.trustedSigners.map(toPem));
    if (!verified)
      throw new MetadataError(
        'the metadata signature does not verify with the federation certificate',
      );
    doc = parseMetadataXml(verified);
  }
  const root = doc.documentElement;
  const rootValidUntil = validUntilOf(root);
  if (rootValidUntil && rootValidUntil <= options.now) {
    throw new MetadataError(`the metadata expired at ${rootValidUntil.toISOString()}`);
  }
  const entities =
    root.localName === 'EntityDescriptor'
      ? [root]
      : descendants(root, NS.metadata, 'EntityDescriptor');
  const withIdp = entities.filter(
    (e) => childElements(e, NS.metadata, 'IDPSSODescriptor').length > 0,
  );
  const candidates = options.entityId
    ? withIdp.filter((e) => e.getAttribute('entityID') === options.entityId)
    : withIdp;
  if (candidates.length !== 1) {
    throw new MetadataError(
      options.entityId
        ? `the metadata has no IdP with entity ID ${options.entityId}`
        : `the metadata describes ${candidates.length} IdPs; name the entity ID to import`,
    );
  }
  const entity = candidates[0]!;
  const entityId = entity.getAttribute('entityID');
  if (!entityId) throw new MetadataError('the EntityDescriptor has no entityID');
  const descriptor = childElements(entity, NS.metadata, 'IDPSSODescriptor')[0]!;
  if (
    !(descriptor.getAttribute('protocolSupportEnumeration') ?? '').includes(
      'urn:oasis:names:tc:SAML:2.0:protocol',
    )
  ) {
    throw new MetadataError('the IdP does not announce SAML 2.0');
  }
  const signingCertificates: string[] = [];
  for (const keyDescriptor of childElements(descriptor, NS.metadata, 'KeyDescriptor')) {
    const use = keyDescriptor.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const certElement of descendants(keyDescriptor, NS.dsig, 'X509Certificate')) {
      const body = textOf(certElement);
      if (!body) continue;
      try {
        parseCertificate(body);
      } catch {
        throw new MetadataError('the metadata holds a signing certificate that does not parse');
      }
      signingCertificates.push(toPem(body));
    }
  }
  if (signingCertificates.length === 0)
    throw new MetadataError('the metadata has no signing certificate for the IdP');
  const sso = endpoint(descriptor, 'SingleSignOnService');
  if (!sso)
    throw new MetadataError(
      'the metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding',
    );
  const entityValidUntil = validUntilOf(entity);
  const validUntil =
    [rootValidUntil, entityValidUntil]
      .filter((d): d is Date => d !== null)
      .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  return {
    entityId,
    ssoUrl: sso,
    sloUrl: endpoint(descriptor, 'SingleLogoutService'),
    signingCertificates: [...new Set(signingCertificates)],
    validUntil,
  };
}

function endpoint(descriptor: Element, name: string): string | null {
  const services = childElements(descriptor, NS.metadata, name);
  const pick =
    services.find((s) => s.getAttribute('Binding') === REDIRECT) ??
    services.find((s) => s.getAttribute('Binding') === POST);
  const location = pick?.getAttribute('Location') ?? null;
  if (location && !/^https?:\/\//.test(location))
    throw new MetadataError(`${name} Location is not an http(s) URL`);
  return location;
}

function validUntilOf(el: Element): Date | null {
  const value = el.getAttribute('validUntil');
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new MetadataError('validUntil is not a timestamp');
  return date;
}

/**
 * Our SP metadata for one IdP: every published SP certificate (current and next), the ACS,
 * single logout over HTTP-Redirect and HTTP-POST (both served at /slo), signed with the
 * current SP key.
 */
export function spMetadataXml(endpoints: SpEndpoints, keys: SpKeySet): string {
  const unsigned = generateServiceProviderMetadata({
    issuer: endpoints.entityId,
    callbackUrl: endpoints.acsUrl,
    logoutCallbackUrl: endpoints.sloUrl,
    publicCerts: keys.published.map((k) => k.certificatePem),
    // With a private key node-saml lists the signing certificates; it signs below instead.
    privateKey: keys.signing.privateKeyPem,
    wantAssertionsSigned: true,
    identifierFormat: null,
    signMetadata: false,
  });
  const postSlo =
    /<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-POST"[^>]*\/>/;
  const redirectSlo = `<SingleLogoutService Binding="${REDIRECT}" Location="${escapeHtml(endpoints.sloUrl)}"/>`;
  const withRedirect = unsigned.replace(postSlo, (post) => `${redirectSlo}\n    ${post}`);
  if (withRedirect === unsigned)
    throw new Error('SP metadata template changed: no SingleLogoutService to extend');
  return signXmlMetadata(withRedirect, {
    privateKey: keys.signing.privateKeyPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
  });
}
