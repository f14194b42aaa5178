import { DOMParser } from '@xmldom/xmldom';

/**
 * Strict XML for SAML messages. Each check is a named step a test can point at; any
 * failure is a `SamlRejection` whose code goes to the audit log and whose text to the
 * server log, never to the person.
 */

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
} as const;

/** Largest decoded SAML message we read (a real response is a few kilobytes). */
export const MAX_MESSAGE_BYTES = 128 * 1024;

export type RejectionCode =
  | 'UNKNOWN_IDP'
  | 'IDP_DISABLED'
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'UNSAFE_XML'
  | 'STRUCTURE'
  | 'SIGNATURE'
  | 'ALGORITHM'
  | 'ISSUER'
  | 'DESTINATION'
  | 'RECIPIENT'
  | 'AUDIENCE'
  | 'TIME_WINDOW'
  | 'IN_RESPONSE_TO'
  | 'UNSOLICITED'
  | 'REPLAY'
  | 'STATUS'
  | 'LEVEL_OF_ASSURANCE'
  | 'NO_ACCESS'
  | 'AMBIGUOUS_ATTRIBUTE'
  | 'SUBJECT_MISMATCH'
  | 'COMMISSION_PROVIDER_MISMATCH';

export class SamlRejection extends Error {
  /** For NO_ACCESS: what the rules missed, in plain words the person can pass on. */
  readonly explanation: readonly string[];

  constructor(
    readonly code: RejectionCode,
    message: string,
    options?: { cause?: unknown; explanation?: readonly string[] },
  ) {
    super(message, options);
    this.explanation = options?.explanation ?? [];
  }
}

/** Base64 of at most MAX_MESSAGE_BYTES, decoded to UTF-8 text. */
export function decodePostedMessage(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SamlRejection('MALFORMED', 'no SAML message in the request');
  }
  if (value.length > Math.ceil((MAX_MESSAGE_BYTES * 4) / 3) + 4) {
    throw new SamlRejection('TOO_LARGE', `SAML message larger than ${MAX_MESSAGE_BYTES} bytes`);
  }
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new SamlRejection('MALFORMED', 'SAML message is not base64');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * Rejects what a SAML message never needs and attacks use: a DTD (entities, XXE, billion
 * laughs), comments (NameID/attribute truncation: `SE1<!---->23` canonicalises to SE123),
 * processing instructions, CDATA, and several root elements. Returns the parsed document.
 */
export function parseStrictXml(xml: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new SamlRejection('UNSAFE_XML', 'XML with a DTD or entity declaration');
  }
  const problems: string[] = [];
  const record = (msg: string) => problems.push(msg);
  let doc: Document;
  try {
    doc = new DOMParser({
      errorHandler: { warning: record, error: record, fatalError: record },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new SamlRejection('MALFORMED', `XML does not parse: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (problems.length > 0 || !doc?.documentElement) {
    throw new SamlRejection('MALFORMED', `XML does not parse: ${problems[0] ?? 'no root element'}`);
  }
  const rootElements = childElements(doc as unknown as Node);
  if (rootElements.length !== 1) {
    throw new SamlRejection('STRUCTURE', `XML has ${rootElements.length} root elements`);
  }
  rejectUnsafeNodes(doc as unknown as Node);
  return doc;
}

const ELEMENT_NODE = 1;
const CDATA_SECTION_NODE = 4;
const ENTITY_REFERENCE_NODE = 5;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_TYPE_NODE = 10;

function rejectUnsafeNodes(root: Node): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.nodeType) {
      case COMMENT_NODE:
        throw new SamlRejection('UNSAFE_XML', 'XML comment in a SAML message');
      case PROCESSING_INSTRUCTION_NODE:
        if ((node as ProcessingInstruction).target.toLowerCase() !== 'xml') {
          throw new SamlRejection('UNSAFE_XML', 'processing instruction in a SAML message');
        }
        break;
      case DOCUMENT_TYPE_NODE:
      case ENTITY_REFERENCE_NODE:
        throw new SamlRejection('UNSAFE_XML', 'DTD or entity reference in a SAML message');
      case CDATA_SECTION_NODE:
        throw new SamlRejection('UNSAFE_XML', 'CDATA section in a SAML message');
    }
    const children = node.childNodes;
    for (let i = 0; children && i < children.length; i++) stack.push(children.item(i)!);
  }
}

export function childElements(node: Node, namespace?: string, localName?: string): Element[] {
  const out: Element[] = [];
  const children = node.childNodes;
  for (let i = 0; children && i < children.length; i++) {
    const child = children.item(i)!;
    if (child.nodeType !== ELEMENT_NODE) continue;
    const el = child as Element;
    if (namespace !== undefined && el.namespaceURI !== namespace) continue;
    if (localName !== undefined && el.localName !== localName) continue;
    out.push(el);
  }
  return out;
}

export function descendants(node: Node, namespace: string, localName: string): Element[] {
  const list = (node as Element).getElementsByTagNameNS(namespace, localName);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

/** The one child element with this name, or a STRUCTURE rejection. */
export function onlyChild(node: Node, namespace: string, localName: string, what: string): Element {
  const found = childElements(node, namespace, localName);
  if (found.length !== 1) {
    throw new SamlRejection(
      'STRUCTURE',
      `${what}: expected one ${localName}, found ${found.length}`,
    );
  }
  return found[0]!;
}

export function optionalChild(
  node: Node,
  namespace: string,
  localName: string,
  what: string,
): Element | null {
  const found = childElements(node, namespace, localName);
  if (found.length > 1) {
    throw new SamlRejection('STRUCTURE', `${what}: more than one ${localName}`);
  }
  return found[0] ?? null;
}

export function textOf(el: Element | null): string | null {
  if (!el) return null;
  const text = el.textContent?.trim();
  return text ? text : null;
}
