import { DOMParser } from '@xmldom/xmldom';
import { type GetCarePlansRequest, NS } from './contract.js';

/**
 * Reading a GetCarePlans request out of its SOAP 1.1 envelope. The envelope is validated
 * against the schemas first (./schema-validation.ts), so this only picks values out of a
 * document whose shape is known; what it refuses here is what must never reach a parser.
 */

/** A DTD could declare entities (billion laughs, external files): no RIV-TA message has one. */
export function hasDocumentTypeDeclaration(xml: string): boolean {
  return /<!DOCTYPE|<!ENTITY/i.test(xml);
}

function children(parent: Element, ns: string, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) {
      const child = node as Element;
      if (child.namespaceURI === ns && child.localName === name) found.push(child);
    }
  }
  return found;
}

function child(parent: Element, ns: string, name: string): Element | null {
  return children(parent, ns, name)[0] ?? null;
}

const textOf = (element: Element | null) => (element?.textContent ?? '').trim();

/** The request's values; call only with an envelope the request schema accepted. */
export function readRequest(xml: string): GetCarePlansRequest {
  const document = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const envelope = document.documentElement;
  const header = child(envelope, NS.soap, 'Header')!;
  const body = child(envelope, NS.soap, 'Body')!;
  const request = child(body, NS.responder, 'GetCarePlans')!;
  const patientId = child(request, NS.responder, 'patientId')!;
  const period = child(request, NS.responder, 'datePeriod');
  const source = child(request, NS.responder, 'sourceSystemHSAId');
  return {
    logicalAddress: textOf(child(header, NS.registry, 'LogicalAddress')),
    careUnitHsaIds: children(request, NS.responder, 'careUnitHSAId').map(textOf),
    patientId: {
      id: textOf(child(patientId, NS.core, 'id')),
      type: textOf(child(patientId, NS.core, 'type')),
    },
    datePeriod: period
      ? {
          start: textOf(child(period, NS.core, 'start')),
          end: textOf(child(period, NS.core, 'end')),
        }
      : null,
    sourceSystemHsaId: source ? textOf(source) : null,
    careContactIds: children(request, NS.responder, 'careContactId').map(textOf),
  };
}
