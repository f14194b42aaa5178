import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { escapeHtml } from '../../domain/escape-html.js';
import type { SpEndpoints } from '../saml/service-provider.js';
import { MAX_MESSAGE_BYTES, parseStrictXml } from '../saml/xml.js';
import { LOA3, type Persona, personaAttributes } from './personas.js';
import type { DemoIdpKey } from './signing-key.js';

/**
 * The demo IdP's SAML side, on samlify: its metadata, the check of our SP's signed
 * AuthnRequest (HTTP-Redirect), and signed responses (Response and Assertion) for a
 * persona, answering that request's ID. Nothing here is trusted by the SP: the response
 * goes through the ACS like any IdP's.
 */

// samlify's own XSD check needs Java or a WASM xmllint; every request is instead parsed
// with our strict parser (no DTD, comments, PIs, CDATA, one root) before samlify sees it,
// and its signature is verified with the SP's certificate from our own metadata.
samlify.setSchemaValidator({ validate: async () => 'checked by parseStrictXml' });

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** How far the SP's clock may be ahead of ours. */
const CLOCK_SKEW_MS = 60_000;
/** How long a response is valid: long enough to click, short enough not to linger. */
const RESPONSE_SECONDS = 300;

export interface DemoIdpEndpoints {
  entityId: string;
  ssoUrl: string;
  metadataUrl: string;
}

export function demoIdpEndpoints(publicUrl: string): DemoIdpEndpoints {
  const base = `${publicUrl.replace(/\/+$/, '')}/demo-idp`;
  return { entityId: `${base}/metadata`, ssoUrl: `${base}/sso`, metadataUrl: `${base}/metadata` };
}

/** An AuthnRequest the demo IdP refuses to answer; the message is for the page. */
export class DemoRequestError extends Error {}

export interface VerifiedRequest {
  id: string;
  relayState: string | null;
}

const TEMPLATE = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}"><saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">{NameID}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Destination}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{Attributes}</saml:AttributeStatement></saml:Assertion></samlp:Response>`;

function attributesXml(attributes: Record<string, string[]>): string {
  return Object.entries(attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeHtml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
          .map((v) => `<saml:AttributeValue>${escapeHtml(v)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
}

/**
 * Our SP metadata once per signing certificate: samlify verifies with one certificate,
 * and during an SP key rollover the metadata publishes two.
 */
function perCertificate(spMetadata: string): string[] {
  const descriptors =
    spMetadata.match(/<KeyDescriptor use="signing">[\s\S]*?<\/KeyDescriptor>/g) ?? [];
  if (descriptors.length <= 1) return [spMetadata];
  return descriptors.map((keep) =>
    descriptors.reduce((doc, d) => (d === keep ? doc : doc.replace(d, '')), spMetadata),
  );
}

export class DemoSamlIdp {
  private readonly idp: ReturnType<typeof samlify.IdentityProvider>;

  constructor(
    readonly endpoints: DemoIdpEndpoints,
    key: DemoIdpKey,
  ) {
    this.idp = samlify.IdentityProvider({
      entityID: endpoints.entityId,
      signingCert: key.certificatePem,
      privateKey: key.privateKeyPem,
      singleSignOnService: [{ Binding: REDIRECT, Location: endpoints.ssoUrl }],
      requestSignatureAlgorithm: RSA_SHA256,
      wantAuthnRequestsSigned: true,
      // The attributes are written into the template per persona (respond), not by samlify.
      loginResponseTemplate: { context: TEMPLATE, attributes: [] },
    });
  }

  metadata(): string {
    return this.idp.getMetadata();
  }

  /**
   * Checks the raw query of an HTTP-Redirect AuthnRequest: strict XML, the SP's signature
   * (SHA-256, certificate from our SP metadata), the issuer and ACS of our SP for this IdP,
   * and its age.
   */
  async verifyRequest(
    rawQuery: string,
    sp: { metadata: string; endpoints: SpEndpoints },
    now: Date,
    maxAgeSeconds: number,
  ): Promise<VerifiedRequest> {
    const params = new URLSearchParams(rawQuery);
    const samlRequest = params.get('SAMLRequest');
    if (!samlRequest || !params.get('Signature') || !params.get('SigAlg')) {
      throw new DemoRequestError('This is not a signed SAML login request. Start at Brygga.');
    }
    if (params.get('SigAlg') !== RSA_SHA256) {
      throw new DemoRequestError('The login request is not signed with RSA-SHA256.');
    }
    let xml: string;
    try {
      xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), {
        maxOutputLength: MAX_MESSAGE_BYTES,
      }).toString('utf8');
      parseStrictXml(xml);
    } catch {
      throw new DemoRequestError('The login request could not be read.');
    }
    const octetString = rawQuery
      .split('&')
      .filter((part) => !part.startsWith('Signature='))
      .join('&');
    const query = Object.fromEntries(params.entries());
    let extract: Record<string, unknown> | null = null;
    for (const metadata of perCertificate(sp.metadata)) {
      try {
        const parsed = await this.idp.parseLoginRequest(
          samlify.ServiceProvider({ metadata }),
          'redirect',
          { query, octetString },
        );
        extract = parsed.extract as Record<string, unknown>;
        break;
      } catch {
        // the next certificate, if any
      }
    }
    if (!extract) throw new DemoRequestError('The login request’s signature does not verify.');
    const request = (extract.request ?? {}) as Record<string, string | undefined>;
    if (extract.issuer !== sp.endpoints.entityId) {
      throw new DemoRequestError('The login request comes from another service provider.');
    }
    const acs = request.assertionConsumerServiceUrl;
    if (acs !== undefined && acs !== sp.endpoints.acsUrl) {
      throw new DemoRequestError('The login request asks for another assertion consumer service.');
    }
    if (request.destination !== undefined && request.destination !== this.endpoints.ssoUrl) {
      throw new DemoRequestError('The login request is addressed to another IdP.');
    }
    const issued = Date.parse(request.issueInstant ?? '');
    if (
      Number.isNaN(issued) ||
      issued > now.getTime() + CLOCK_SKEW_MS ||
      issued < now.getTime() - maxAgeSeconds * 1000 - CLOCK_SKEW_MS
    ) {
      throw new DemoRequestError('The login request has expired. Start again at Brygga.');
    }
    if (!request.id) throw new DemoRequestError('The login request has no ID.');
    return { id: request.id, relayState: params.get('RelayState') };
  }

  /** A signed Response with a signed Assertion for `persona`, answering `request`. */
  async respond(
    request: VerifiedRequest,
    persona: Persona,
    sp: { metadata: string; endpoints: SpEndpoints },
    now: Date,
  ): Promise<string> {
    const serviceProvider = samlify.ServiceProvider({
      metadata: perCertificate(sp.metadata)[0]!,
      wantMessageSigned: true,
    });
    const id = `_${randomBytes(20).toString('hex')}`;
    const values: Record<string, string> = {
      ID: id,
      AssertionID: `_${randomBytes(20).toString('hex')}`,
      IssueInstant: now.toISOString(),
      Destination: sp.endpoints.acsUrl,
      InResponseTo: request.id,
      Issuer: this.endpoints.entityId,
      NameID: persona.hsaId,
      NotBefore: new Date(now.getTime() - 5_000).toISOString(),
      NotOnOrAfter: new Date(now.getTime() + RESPONSE_SECONDS * 1000).toISOString(),
      Audience: sp.endpoints.entityId,
      SessionIndex: `_${randomBytes(12).toString('hex')}`,
      AuthnContextClassRef: LOA3,
    };
    const context = TEMPLATE.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'Attributes') return attributesXml(personaAttributes(persona));
      const value = values[name];
      if (value === undefined) throw new Error(`response template value ${name} missing`);
      return escapeHtml(value);
    });
    const result = await this.idp.createLoginResponse(
      serviceProvider,
      { extract: { request: { id: request.id } } } as never,
      'post',
      {},
      { customTagReplacement: () => ({ id, context }) } as never,
    );
    return result.context;
  }
}
