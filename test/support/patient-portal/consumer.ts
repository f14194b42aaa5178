import https from 'node:https';
import { DOMParser } from '@xmldom/xmldom';
import { NS } from '../../../src/patient-portal/contract.js';
import { GET_CARE_PLANS_PATH } from '../../../src/patient-portal/producer.js';
import type { Issued } from './certificates.js';

/**
 * The national platform's side, as the tests play it: a GetCarePlans request written
 * from the contract's schema (RIV-TA BP 2.1: the logical address in the SOAP header, the
 * request document in the body), posted over mutual TLS.
 */
export interface RequestFields {
  logicalAddress: string;
  patientId: { id: string; type: string };
  careUnitHsaIds?: string[];
  datePeriod?: { start: string; end: string };
  sourceSystemHsaId?: string;
  careContactIds?: string[];
}

const escapeText = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function getCarePlansRequest(fields: RequestFields): string {
  const t = (name: string, value: string) => `<res:${name}>${escapeText(value)}</res:${name}>`;
  const c = (name: string, value: string) => `<core:${name}>${escapeText(value)}</core:${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soapenv:Envelope xmlns:soapenv="${NS.soap}" xmlns:itr="${NS.registry}" xmlns:res="${NS.responder}" xmlns:core="${NS.core}">`,
    `<soapenv:Header><itr:LogicalAddress>${escapeText(fields.logicalAddress)}</itr:LogicalAddress></soapenv:Header>`,
    '<soapenv:Body><res:GetCarePlans>',
    ...(fields.careUnitHsaIds ?? []).map((id) => t('careUnitHSAId', id)),
    `<res:patientId>${c('id', fields.patientId.id)}${c('type', fields.patientId.type)}</res:patientId>`,
    fields.datePeriod
      ? `<res:datePeriod>${c('start', fields.datePeriod.start)}${c('end', fields.datePeriod.end)}</res:datePeriod>`
      : '',
    fields.sourceSystemHsaId ? t('sourceSystemHSAId', fields.sourceSystemHsaId) : '',
    ...(fields.careContactIds ?? []).map((id) => t('careContactId', id)),
    '</res:GetCarePlans></soapenv:Body></soapenv:Envelope>',
  ].join('');
}

export interface SoapAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Posts a SOAP body to the producer with the given client certificate (or none). */
export function post(
  baseUrl: string,
  body: string,
  options: {
    client: Issued | null;
    ca: string;
    headers?: Record<string, string>;
    method?: string;
    path?: string;
  },
): Promise<SoapAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${baseUrl}${options.path ?? GET_CARE_PLANS_PATH}`,
      {
        method: options.method ?? 'POST',
        ca: options.ca,
        ...(options.client ? { cert: options.client.cert, key: options.client.key } : {}),
        agent: false,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction:
            'urn:riv:clinicalprocess:logistics:logistics:GetCarePlansResponder:2:GetCarePlans',
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What a test reads from an answer. */
export interface ReadAnswer {
  resultCode: string | null;
  errorCode: string | null;
  logId: string | null;
  faultcode: string | null;
  faultstring: string | null;
  carePlans: {
    documentId: string;
    documentTitle: string;
    approvedForPatient: string;
    careUnitHsaId: string;
    careGiverHsaId: string;
    careContactId: string;
    typeOfCarePlan: string;
    content: string;
  }[];
}

export function readAnswer(xml: string): ReadAnswer {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const first = (node: Document | Element, ns: string, name: string) =>
    node.getElementsByTagNameNS(ns, name)[0]?.textContent ?? null;
  const plans = Array.from(doc.getElementsByTagNameNS(NS.responder, 'carePlan'));
  return {
    resultCode: first(doc, NS.core, 'resultCode'),
    errorCode: first(doc, NS.core, 'errorCode'),
    logId: first(doc, NS.core, 'logId'),
    faultcode: doc.getElementsByTagName('faultcode')[0]?.textContent ?? null,
    faultstring: doc.getElementsByTagName('faultstring')[0]?.textContent ?? null,
    carePlans: plans.map((plan) => ({
      documentId: first(plan, NS.core, 'documentId')!,
      documentTitle: first(plan, NS.core, 'documentTitle')!,
      approvedForPatient: first(plan, NS.core, 'approvedForPatient')!,
      careUnitHsaId: first(plan, NS.core, 'healthcareProfessionalCareUnitHSAId')!,
      careGiverHsaId: first(plan, NS.core, 'healthcareProfessionalCareGiverHSAId')!,
      careContactId: first(plan, NS.core, 'careContactId')!,
      typeOfCarePlan: first(plan, NS.core, 'typeOfCarePlanEnum')!,
      content: Buffer.from(first(plan, NS.core, 'value') ?? '', 'base64').toString('utf8'),
    })),
  };
}
