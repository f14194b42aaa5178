import { randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import type { TestUser } from './users.js';

/**
 * samlify (an independent SAML implementation) configured as an IdP. It parses and
 * verifies our signed AuthnRequest and signs real responses; the optional `overrides`
 * make it sign values a misbehaving or hostile IdP would (wrong audience, old times …).
 */

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export interface ResponseOverrides {
  issuer?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  inResponseTo?: string | null;
  notBefore?: Date;
  notOnOrAfter?: Date;
  statusCode?: string;
}

const TEMPLATE = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}"{InResponseToAttr}><saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status><saml:Assertion ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">{NameID}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}"{InResponseToAttr}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>{AttributeStatement}</saml:Assertion></samlp:Response>`;

function escapeXml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function attributeStatements(user: TestUser): string {
  const statements = user.attributeStatements ?? [Object.entries(user.attributes)];
  return statements.map(attributeStatement).join('');
}

function attributeStatement(attributes: [string, string[]][]): string {
  const items = attributes
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
          .map((v) => `<saml:AttributeValue>${escapeXml(v)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
  return items ? `<saml:AttributeStatement>${items}</saml:AttributeStatement>` : '';
}

/** The SP metadata once per signing KeyDescriptor, each copy with only that one. */
function spMetadataPerCertificate(metadata: string): string[] {
  const descriptors =
    metadata.match(/<KeyDescriptor use="signing">[\s\S]*?<\/KeyDescriptor>/g) ?? [];
  if (descriptors.length <= 1) return [metadata];
  return descriptors.map((keep) =>
    descriptors.reduce((doc, d) => (d === keep ? doc : doc.replace(d, '')), metadata),
  );
}

export interface SignedResponse {
  SAMLResponse: string;
  RelayState: string | undefined;
  acsUrl: string;
  inResponseTo: string | null;
}

export class SamlifyIdp {
  readonly idp: ReturnType<typeof samlify.IdentityProvider>;

  constructor(
    readonly entityId: string,
    readonly ssoUrl: string,
    readonly certificatePem: string,
    privateKeyPem: string,
    options: { sha1?: boolean } = {},
  ) {
    this.idp = samlify.IdentityProvider({
      entityID: entityId,
      signingCert: certificatePem,
      privateKey: privateKeyPem,
      singleSignOnService: [
        { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl },
      ],
      requestSignatureAlgorithm: options.sha1 ? RSA_SHA1 : RSA_SHA256,
      wantAuthnRequestsSigned: true,
      loginResponseTemplate: { context: TEMPLATE },
    });
  }

  private sp(spMetadata: string, signResponse: boolean) {
    return samlify.ServiceProvider({ metadata: spMetadata, wantMessageSigned: signResponse });
  }

  /**
   * Answers the AuthnRequest in `authorizeUrl` (our redirect to the IdP): verifies its
   * signature against our SP metadata, then signs a response for `user`.
   */
  async respond(input: {
    authorizeUrl: string | null;
    spMetadata: string;
    acsUrl: string;
    user: TestUser;
    signResponse?: boolean;
    signAssertion?: boolean;
    overrides?: ResponseOverrides;
  }): Promise<SignedResponse> {
    // samlify reads one SP signing certificate; during our SP key rollover the metadata
    // publishes two, so the request is checked against each in turn.
    const variants = spMetadataPerCertificate(input.spMetadata).map((m) =>
      this.sp(m, input.signResponse ?? true),
    );
    const sp = variants[0]!;
    let requestId: string | null = null;
    let relayState: string | undefined;
    if (input.authorizeUrl) {
      const url = new URL(input.authorizeUrl);
      const raw = url.search.slice(1);
      const octetString = raw
        .split('&')
        .filter((p) => !p.startsWith('Signature='))
        .join('&');
      const query = Object.fromEntries(url.searchParams.entries());
      let parsed: Awaited<ReturnType<typeof this.idp.parseLoginRequest>> | null = null;
      let lastError: unknown = null;
      for (const candidate of variants) {
        try {
          parsed = await this.idp.parseLoginRequest(candidate, 'redirect', { query, octetString });
          break;
        } catch (error) {
          lastError = error;
        }
      }
      if (!parsed) throw lastError;
      requestId = (parsed.extract as { request?: { id?: string } }).request?.id ?? null;
      relayState = query.RelayState;
    }
    const acsUrl = input.acsUrl;
    const o = input.overrides ?? {};
    const now = new Date();
    const notOnOrAfter = o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const inResponseTo = o.inResponseTo === undefined ? requestId : o.inResponseTo;
    const values: Record<string, string> = {
      ID: `_${randomBytes(16).toString('hex')}`,
      AssertionID: `_${randomBytes(16).toString('hex')}`,
      IssueInstant: now.toISOString(),
      Destination: o.destination ?? acsUrl,
      Issuer: o.issuer ?? this.entityId,
      StatusCode: o.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success',
      NameID: escapeXml(input.user.nameId),
      NotOnOrAfter: notOnOrAfter.toISOString(),
      NotBefore: (o.notBefore ?? new Date(now.getTime() - 1000)).toISOString(),
      Recipient: o.recipient ?? acsUrl,
      Audience: o.audience ?? (sp.entityMeta.getEntityID() as string),
      SessionIndex: `_s${randomBytes(8).toString('hex')}`,
      AuthnContextClassRef:
        input.user.authnContextClassRef ?? 'urn:oasis:names:tc:SAML:2.0:ac:classes:X509',
    };
    const filled = TEMPLATE.replace(/\{(\w+)\}/g, (_m, key: string) => {
      if (key === 'InResponseToAttr')
        return inResponseTo ? ` InResponseTo="${escapeXml(inResponseTo)}"` : '';
      if (key === 'AttributeStatement') return attributeStatements(input.user);
      const value = values[key];
      if (value === undefined) throw new Error(`template value ${key} missing`);
      return key === 'NameID' ? value : escapeXml(value);
    });
    if (input.signAssertion === false) {
      (
        sp.entityMeta as unknown as { isWantAssertionsSigned: () => boolean }
      ).isWantAssertionsSigned = () => false;
    }
    const result = await this.idp.createLoginResponse(
      sp,
      { extract: { request: { id: inResponseTo ?? '' } } } as never,
      'post',
      {},
      {
        customTagReplacement: () => ({ id: values.ID!, context: filled }),
      },
    );
    return { SAMLResponse: result.context, RelayState: relayState, acsUrl, inResponseTo };
  }
}
