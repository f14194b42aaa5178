import { childElements, NS, onlyChild, SamlRejection } from './xml.js';

/**
 * What a signed SAML response may look like before any signature is checked. The shape is
 * fixed so that signature wrapping (XSW1–8) has nowhere to hide an evil copy: one
 * Response, at most one Assertion, a Signature only as a direct child of the element it
 * signs, exactly one Reference pointing at that parent's ID, unique IDs, no Extensions or
 * ds:Object, and only SHA-256/SHA-512 algorithms with exclusive canonicalisation.
 */

export const ALLOWED_SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
export const ALLOWED_DIGEST_METHODS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const ALLOWED_TRANSFORMS = new Set([ENVELOPED, EXC_C14N]);

export interface ResponseShape {
  response: Element;
  assertion: Element | null;
  responseSigned: boolean;
  assertionSigned: boolean;
}

/** Checks the whole document's shape; returns the Response and its one Assertion. */
export function checkResponseShape(doc: Document): ResponseShape {
  const response = doc.documentElement;
  if (response.namespaceURI !== NS.protocol || response.localName !== 'Response') {
    throw new SamlRejection('STRUCTURE', `expected a samlp:Response, got ${response.localName}`);
  }
  for (const child of childElements(response)) {
    const allowed =
      (child.namespaceURI === NS.assertion &&
        (child.localName === 'Issuer' || child.localName === 'Assertion')) ||
      (child.namespaceURI === NS.dsig && child.localName === 'Signature') ||
      (child.namespaceURI === NS.protocol && child.localName === 'Status');
    if (!allowed) {
      throw new SamlRejection('STRUCTURE', `unexpected element ${child.localName} in Response`);
    }
  }
  onlyChild(response, NS.protocol, 'Status', 'Response');
  const assertions = childElements(response, NS.assertion, 'Assertion');
  if (assertions.length > 1) throw new SamlRejection('STRUCTURE', 'more than one Assertion');
  const assertion = assertions[0] ?? null;
  if (response.getElementsByTagNameNS(NS.assertion, 'Assertion').length !== assertions.length) {
    throw new SamlRejection(
      'STRUCTURE',
      'an Assertion nested somewhere other than directly in Response',
    );
  }
  if (response.getElementsByTagNameNS(NS.assertion, 'EncryptedAssertion').length > 0) {
    throw new SamlRejection('STRUCTURE', 'encrypted assertions are not accepted');
  }
  checkUniqueIds(doc);
  const signatures = response.getElementsByTagNameNS(NS.dsig, 'Signature');
  const allowedParents = new Set<Element>([response, ...(assertion ? [assertion] : [])]);
  let responseSigned = false;
  let assertionSigned = false;
  for (let i = 0; i < signatures.length; i++) {
    const signature = signatures.item(i)!;
    const parent = signature.parentNode as Element | null;
    if (!parent || !allowedParents.has(parent)) {
      throw new SamlRejection('STRUCTURE', 'a Signature outside Response or Assertion');
    }
    checkSignatureElement(signature, parent);
    if (parent === response) responseSigned = true;
    else assertionSigned = true;
  }
  if (childElements(response, NS.dsig, 'Signature').length > 1) {
    throw new SamlRejection('STRUCTURE', 'more than one Signature on Response');
  }
  if (assertion && childElements(assertion, NS.dsig, 'Signature').length > 1) {
    throw new SamlRejection('STRUCTURE', 'more than one Signature on Assertion');
  }
  return { response, assertion, responseSigned, assertionSigned };
}

/** One SignedInfo, one Reference to the parent's ID, allowed algorithms, no Object. */
export function checkSignatureElement(signature: Element, parent: Element): void {
  for (const child of childElements(signature)) {
    if (
      child.namespaceURI !== NS.dsig ||
      !['SignedInfo', 'SignatureValue', 'KeyInfo'].includes(child.localName)
    ) {
      throw new SamlRejection('STRUCTURE', `unexpected ${child.localName} in Signature`);
    }
  }
  const signedInfo = onlyChild(signature, NS.dsig, 'SignedInfo', 'Signature');
  onlyChild(signature, NS.dsig, 'SignatureValue', 'Signature');
  const c14n = onlyChild(signedInfo, NS.dsig, 'CanonicalizationMethod', 'SignedInfo').getAttribute(
    'Algorithm',
  );
  if (c14n !== EXC_C14N)
    throw new SamlRejection('ALGORITHM', `canonicalization ${c14n} is not accepted`);
  const method =
    onlyChild(signedInfo, NS.dsig, 'SignatureMethod', 'SignedInfo').getAttribute('Algorithm') ?? '';
  if (!ALLOWED_SIGNATURE_METHODS.has(method)) {
    throw new SamlRejection('ALGORITHM', `signature algorithm ${method} is not accepted`);
  }
  const references = childElements(signedInfo, NS.dsig, 'Reference');
  if (references.length !== 1) {
    throw new SamlRejection(
      'STRUCTURE',
      `SignedInfo has ${references.length} references; exactly one is accepted`,
    );
  }
  const reference = references[0]!;
  const id = parent.getAttribute('ID');
  if (!id || reference.getAttribute('URI') !== `#${id}`) {
    throw new SamlRejection(
      'SIGNATURE',
      'the signature does not reference the element that contains it',
    );
  }
  const transforms = childElements(reference, NS.dsig, 'Transforms');
  for (const list of transforms) {
    for (const transform of childElements(list)) {
      const algorithm = transform.getAttribute('Algorithm') ?? '';
      if (!ALLOWED_TRANSFORMS.has(algorithm)) {
        throw new SamlRejection('ALGORITHM', `transform ${algorithm} is not accepted`);
      }
    }
  }
  const digest =
    onlyChild(reference, NS.dsig, 'DigestMethod', 'Reference').getAttribute('Algorithm') ?? '';
  if (!ALLOWED_DIGEST_METHODS.has(digest)) {
    throw new SamlRejection('ALGORITHM', `digest algorithm ${digest} is not accepted`);
  }
}

function checkUniqueIds(doc: Document): void {
  const seen = new Set<string>();
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i)!;
    for (const name of ['ID', 'Id', 'id']) {
      const value = el.getAttribute(name);
      if (!value) continue;
      if (seen.has(value))
        throw new SamlRejection('STRUCTURE', `ID ${value} occurs more than once`);
      seen.add(value);
    }
  }
}
