import type { IdentityProvider } from '../../db/generated/prisma/client.js';
import {
  type AssertionAttributes,
  type Attributes,
  collectAttributes,
} from '../mapping/evaluate.js';
import type { ReplayStore } from '../replay.js';
import type { SpKeySet } from '../sp-keys.js';
import { type SpEndpoints, samlFor } from './service-provider.js';
import { checkResponseShape } from './signature-policy.js';
import {
  childElements,
  decodePostedMessage,
  NS,
  onlyChild,
  optionalChild,
  parseStrictXml,
  SamlRejection,
  textOf,
} from './xml.js';

/**
 * The assertion consumer service's validation, one named step after another:
 *  1. decodeAndParse: size limit, base64, strict XML (no DTD, comments, PIs, CDATA).
 *  2. checkResponseShape: one Response, one Assertion, signatures only where they sign
 *     their own parent, one Reference, SHA-256/512 only (src/identity/saml/signature-policy.ts).
 *  3. checkEnvelope: Destination is this IdP's ACS, the Response Issuer is this IdP, Status.
 *  4. verifySignatures: node-saml with this IdP's pinned certificates only (never KeyInfo).
 *  5. readSignedAssertion: identity only from the signed bytes; Issuer, Audience,
 *     Recipient, InResponseTo, time window with the IdP's skew.
 *  6. checkReplay: Response and Assertion IDs are new (database, shared by all processes).
 *  7. checkSolicitation: the InResponseTo is a request we issued to this IdP and not yet
 *     consumed, or the IdP may start logins itself.
 * What the assertion says is checked next, in principal-builder.ts (ambiguous attributes,
 * NameID against the person's identifier, care providers against the directory).
 */

export interface ValidatedAssertion {
  responseId: string;
  assertionId: string;
  inResponseTo: string | null;
  relayState: string | null;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  authnContextClassRef: string | null;
  notOnOrAfter: Date;
  attributes: Attributes;
  /** Attribute names sent more than once with different values (see readAttributes). */
  repeatedAttributes: string[];
}

export interface AcsInput {
  samlResponse: unknown;
  idp: IdentityProvider;
  endpoints: SpEndpoints;
  keys: SpKeySet;
  replay: ReplayStore;
  now: Date;
}

export async function validateSamlResponse(input: AcsInput): Promise<ValidatedAssertion> {
  const { idp, endpoints, now } = input;
  const xml = decodePostedMessage(input.samlResponse);
  const doc = parseStrictXml(xml);
  const shape = checkResponseShape(doc);
  checkEnvelope(shape.response, idp, endpoints);
  if (!shape.assertion) throw new SamlRejection('STRUCTURE', 'the response has no assertion');
  if (!shape.assertionSigned) throw new SamlRejection('SIGNATURE', 'the assertion is not signed');
  if (idp.requireSignedResponse && !shape.responseSigned) {
    throw new SamlRejection('SIGNATURE', 'the response is not signed and this IdP must sign it');
  }
  const signedAssertionXml = await verifySignatures(xml, input);
  const responseInResponseTo = shape.response.getAttribute('InResponseTo') || null;
  const assertion = readSignedAssertion(
    signedAssertionXml,
    idp,
    endpoints,
    responseInResponseTo,
    now,
  );
  const responseId = shape.response.getAttribute('ID');
  if (!responseId) throw new SamlRejection('STRUCTURE', 'the response has no ID');
  await checkReplay(responseId, assertion, idp, input.replay, now);
  const relayState = await checkSolicitation(assertion.inResponseTo, idp, input.replay, now);
  return { ...assertion, responseId, relayState };
}

export function checkEnvelope(
  response: Element,
  idp: IdentityProvider,
  endpoints: SpEndpoints,
): void {
  const destination = response.getAttribute('Destination');
  if (destination !== endpoints.acsUrl) {
    throw new SamlRejection(
      'DESTINATION',
      `Destination ${destination || '(none)'} is not ${endpoints.acsUrl}`,
    );
  }
  const issuer = textOf(optionalChild(response, NS.assertion, 'Issuer', 'Response'));
  if (issuer !== null && issuer !== idp.entityId) {
    throw new SamlRejection('ISSUER', `Response Issuer ${issuer} is not ${idp.entityId}`);
  }
  const status = onlyChild(response, NS.protocol, 'Status', 'Response');
  const code = onlyChild(status, NS.protocol, 'StatusCode', 'Status').getAttribute('Value');
  if (code !== 'urn:oasis:names:tc:SAML:2.0:status:Success') {
    const nested = childElements(
      onlyChild(status, NS.protocol, 'StatusCode', 'Status'),
      NS.protocol,
      'StatusCode',
    )[0];
    throw new SamlRejection(
      'STATUS',
      `IdP status ${code}${nested ? ` / ${nested.getAttribute('Value')}` : ''}`,
    );
  }
}

async function verifySignatures(xml: string, input: AcsInput): Promise<string> {
  const saml = samlFor(input.idp, input.endpoints, input.keys);
  let profile: Awaited<ReturnType<typeof saml.validatePostResponseAsync>>['profile'];
  try {
    const result = await saml.validatePostResponseAsync({
      SAMLResponse: Buffer.from(xml).toString('base64'),
    });
    profile = result.profile;
  } catch (error) {
    throw classifyNodeSamlError(error);
  }
  const assertionXml = profile?.getAssertionXml?.();
  if (!assertionXml) throw new SamlRejection('SIGNATURE', 'no signed assertion');
  return assertionXml;
}

function classifyNodeSamlError(error: unknown): SamlRejection {
  const message = (error as Error)?.message ?? String(error);
  if (/expired|not yet valid|too old/i.test(message))
    return new SamlRejection('TIME_WINDOW', message, { cause: error });
  if (/audience/i.test(message)) return new SamlRejection('AUDIENCE', message, { cause: error });
  if (/issuer/i.test(message)) return new SamlRejection('ISSUER', message, { cause: error });
  if (/signature|cert/i.test(message))
    return new SamlRejection('SIGNATURE', message, { cause: error });
  if (/status/i.test(message)) return new SamlRejection('STATUS', message, { cause: error });
  return new SamlRejection('MALFORMED', message, { cause: error });
}

/** Reads the signed assertion; every value used later comes from here. */
export function readSignedAssertion(
  assertionXml: string,
  idp: IdentityProvider,
  endpoints: SpEndpoints,
  responseInResponseTo: string | null,
  now: Date,
): Omit<ValidatedAssertion, 'responseId' | 'relayState'> {
  const assertion = parseStrictXml(assertionXml).documentElement;
  if (assertion.namespaceURI !== NS.assertion || assertion.localName !== 'Assertion') {
    throw new SamlRejection('STRUCTURE', 'the signed element is not an Assertion');
  }
  const assertionId = assertion.getAttribute('ID');
  if (!assertionId) throw new SamlRejection('STRUCTURE', 'the assertion has no ID');
  const issuer = textOf(onlyChild(assertion, NS.assertion, 'Issuer', 'Assertion'));
  if (issuer !== idp.entityId)
    throw new SamlRejection('ISSUER', `Assertion Issuer ${issuer} is not ${idp.entityId}`);

  const skewMs = idp.clockSkewSeconds * 1000;
  const subject = onlyChild(assertion, NS.assertion, 'Subject', 'Assertion');
  const nameIdElement = onlyChild(subject, NS.assertion, 'NameID', 'Subject');
  const nameId = textOf(nameIdElement);
  if (!nameId) throw new SamlRejection('STRUCTURE', 'empty NameID');
  const bearer = childElements(subject, NS.assertion, 'SubjectConfirmation').filter(
    (c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  );
  if (bearer.length !== 1)
    throw new SamlRejection(
      'STRUCTURE',
      `expected one bearer SubjectConfirmation, found ${bearer.length}`,
    );
  const confirmation = onlyChild(
    bearer[0]!,
    NS.assertion,
    'SubjectConfirmationData',
    'SubjectConfirmation',
  );
  const recipient = confirmation.getAttribute('Recipient');
  if (recipient !== endpoints.acsUrl) {
    throw new SamlRejection(
      'RECIPIENT',
      `Recipient ${recipient || '(none)'} is not ${endpoints.acsUrl}`,
    );
  }
  const inResponseTo = confirmation.getAttribute('InResponseTo') || null;
  if (inResponseTo !== responseInResponseTo) {
    throw new SamlRejection(
      'IN_RESPONSE_TO',
      'InResponseTo differs between Response and Assertion',
    );
  }
  const confirmationNotOnOrAfter = timeAttribute(confirmation, 'NotOnOrAfter');
  if (!confirmationNotOnOrAfter)
    throw new SamlRejection('STRUCTURE', 'SubjectConfirmationData without NotOnOrAfter');
  checkWindow(
    now,
    timeAttribute(confirmation, 'NotBefore'),
    confirmationNotOnOrAfter,
    skewMs,
    'SubjectConfirmationData',
  );

  const conditions = onlyChild(assertion, NS.assertion, 'Conditions', 'Assertion');
  const conditionsNotOnOrAfter = timeAttribute(conditions, 'NotOnOrAfter');
  checkWindow(
    now,
    timeAttribute(conditions, 'NotBefore'),
    conditionsNotOnOrAfter,
    skewMs,
    'Conditions',
  );
  const audiences = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (audiences.length === 0) throw new SamlRejection('AUDIENCE', 'no AudienceRestriction');
  for (const restriction of audiences) {
    const values = childElements(restriction, NS.assertion, 'Audience').map((a) => textOf(a));
    if (!values.includes(endpoints.entityId)) {
      throw new SamlRejection(
        'AUDIENCE',
        `Audience ${values.join(', ')} does not include ${endpoints.entityId}`,
      );
    }
  }

  const authnStatement = onlyChild(assertion, NS.assertion, 'AuthnStatement', 'Assertion');
  const authnContext = optionalChild(
    authnStatement,
    NS.assertion,
    'AuthnContext',
    'AuthnStatement',
  );
  const classRef = authnContext
    ? textOf(optionalChild(authnContext, NS.assertion, 'AuthnContextClassRef', 'AuthnContext'))
    : null;

  const { attributes, repeated } = readAttributes(assertion);

  const notOnOrAfter = new Date(
    Math.max(
      ...[confirmationNotOnOrAfter, conditionsNotOnOrAfter]
        .filter((d) => d !== null)
        .map((d) => d.getTime()),
    ),
  );
  return {
    assertionId,
    inResponseTo,
    nameId,
    nameIdFormat: nameIdElement.getAttribute('Format') || null,
    sessionIndex: authnStatement.getAttribute('SessionIndex') || null,
    authnContextClassRef: classRef,
    notOnOrAfter,
    attributes,
    repeatedAttributes: repeated,
  };
}

/** An Assertion's attributes from all its AttributeStatements (see collectAttributes). */
export function readAttributes(assertion: Element): AssertionAttributes {
  const occurrences = childElements(assertion, NS.assertion, 'AttributeStatement').flatMap(
    (statement) =>
      childElements(statement, NS.assertion, 'Attribute').flatMap((attribute) => {
        const name = attribute.getAttribute('Name');
        if (!name) return [];
        const values = childElements(attribute, NS.assertion, 'AttributeValue').map(
          (v) => v.textContent ?? '',
        );
        return [{ name, values }];
      }),
  );
  return collectAttributes(occurrences);
}

/**
 * The attributes of a pasted Response or Assertion, for the mapping dry-run only: nothing
 * is verified and nothing is granted from it.
 */
export function attributesForDryRun(xml: string): AssertionAttributes {
  const root = parseStrictXml(xml).documentElement;
  const assertion =
    root.namespaceURI === NS.assertion && root.localName === 'Assertion'
      ? root
      : childElements(root, NS.assertion, 'Assertion')[0];
  if (!assertion) throw new SamlRejection('STRUCTURE', 'no Assertion in the document');
  return readAttributes(assertion);
}

function timeAttribute(el: Element, name: string): Date | null {
  const value = el.getAttribute(name);
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) {
    throw new SamlRejection('MALFORMED', `${name} is not a UTC timestamp`);
  }
  return new Date(value);
}

export function checkWindow(
  now: Date,
  notBefore: Date | null,
  notOnOrAfter: Date | null,
  skewMs: number,
  what: string,
): void {
  if (notBefore && now.getTime() + skewMs < notBefore.getTime()) {
    throw new SamlRejection(
      'TIME_WINDOW',
      `${what} is not valid before ${notBefore.toISOString()}`,
    );
  }
  if (notOnOrAfter && now.getTime() - skewMs >= notOnOrAfter.getTime()) {
    throw new SamlRejection('TIME_WINDOW', `${what} expired at ${notOnOrAfter.toISOString()}`);
  }
}

export async function checkSolicitation(
  inResponseTo: string | null,
  idp: IdentityProvider,
  replay: ReplayStore,
  now: Date,
): Promise<string | null> {
  if (inResponseTo === null) {
    if (!idp.idpInitiatedAllowed)
      throw new SamlRejection(
        'UNSOLICITED',
        'an unsolicited response and this IdP may not start logins',
      );
    return null;
  }
  const request = await replay.consumeRequest(inResponseTo, idp.id, now);
  if (!request) {
    throw new SamlRejection(
      'IN_RESPONSE_TO',
      `InResponseTo ${inResponseTo} was not issued to this IdP, has expired or was used`,
    );
  }
  return request.relayState;
}

export async function checkReplay(
  responseId: string,
  assertion: { assertionId: string; notOnOrAfter: Date },
  idp: IdentityProvider,
  replay: ReplayStore,
  now: Date,
): Promise<void> {
  const keepUntil = new Date(assertion.notOnOrAfter.getTime() + idp.clockSkewSeconds * 1000);
  if (!(await replay.claim('ASSERTION', assertion.assertionId, idp.id, now, keepUntil))) {
    throw new SamlRejection('REPLAY', `assertion ${assertion.assertionId} was used before`);
  }
  if (!(await replay.claim('RESPONSE', responseId, idp.id, now, keepUntil))) {
    throw new SamlRejection('REPLAY', `response ${responseId} was used before`);
  }
}
