import type { CarePlanStatus } from '../domain/case/model.js';
import { contractTimestamp, NS, OID } from './contract.js';
import type { PublishedPlan, UnitInfo } from './published-plans.js';
import { element, escapeXml, text } from './xml.js';

/**
 * The answers of the producer, written to the contract's schema (GetCarePlansResponder
 * 2.0, core components 3.0): a SOAP 1.1 envelope with GetCarePlansResponse, or a SOAP 1.1
 * fault. The element order follows the schema's sequences; the tests validate every
 * answer against it.
 */

const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}"><soap:Body>`;
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

/** The contract's TypeOfCarePlanEnum for a plan of a case. */
export function typeOfCarePlan(plan: Pick<PublishedPlan, 'kind' | 'compulsoryCare'>): string {
  if (plan.kind === 'SIP') return 'SIP';
  // Vårdplan at discharge: samordnad plan vid utskrivning, or the LPT/LRV plan (samordnad
  // vårdplan) when the patient goes to compulsory outpatient care.
  return plan.compulsoryCare === 'NONE' ? 'SPU' : 'SPLPTLRV';
}

const TITLES: Readonly<Record<string, string>> = {
  SIP: 'Samordnad individuell plan (SIP)',
  SPU: 'Samordnad plan vid utskrivning',
  SPLPTLRV: 'Samordnad vårdplan (LPT/LRV)',
};

const STATUS_TEXT: Readonly<Record<CarePlanStatus, string>> = {
  DRAFT: 'utkast',
  AGREED: 'överenskommen',
  FOLLOWED_UP: 'följd upp',
  CLOSED: 'avslutad',
};

export function documentTitle(plan: PublishedPlan): string {
  return `${TITLES[typeOfCarePlan(plan)]}, version ${plan.version}`;
}

/** The plan as the patient reads it: plain text, Swedish, in the order the plan has it. */
export function planText(plan: PublishedPlan): string {
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);
  const lines = [
    documentTitle(plan),
    `Status: ${STATUS_TEXT[plan.status]}`,
    `Skriven av ${plan.author.name}, ${plan.authorUnit.name}`,
    '',
    plan.summary,
  ];
  if (plan.items.length > 0) {
    lines.push('', 'Vem gör vad:');
    for (const item of plan.items) {
      const due = day(item.dueOn);
      lines.push(`- ${item.action} (ansvarig: ${item.unit.name}${due ? `, senast ${due}` : ''})`);
    }
  }
  if (plan.participants.length > 0) {
    lines.push('', 'Deltagare:');
    for (const p of plan.participants) {
      lines.push(`- ${p.name}, ${p.role}${p.unit ? `, ${p.unit.name}` : ''}`);
    }
  }
  const followUp = day(plan.followUpOn);
  if (followUp) lines.push('', `Uppföljning: ${followUp}`);
  return `${lines.join('\n')}\n`;
}

function orgUnit(unit: UnitInfo): string {
  return element(
    'core:healthcareProfessionalOrgUnit',
    text('core:orgUnitHSAId', unit.hsaId),
    text('core:orgUnitName', unit.name),
    text('core:orgUnitTelecom', unit.phone),
    text('core:orgUnitEmail', unit.email),
    text('core:orgUnitAddress', unit.address),
  );
}

function carePlan(plan: PublishedPlan, patientId: { id: string; type: string }, source: string) {
  const participating = [
    plan.authorUnit.hsaId,
    ...plan.items.map((item) => item.unit.hsaId),
    ...plan.participants.flatMap((p) => (p.unit ? [p.unit.hsaId] : [])),
  ];
  return element(
    'tns:carePlan',
    element(
      'core:carePlanHeader',
      text('core:documentId', plan.versionId),
      text('core:sourceSystemHSAId', source),
      text('core:documentTitle', documentTitle(plan)),
      text('core:documentTime', contractTimestamp(plan.writtenAt)),
      element('core:patientId', text('core:id', patientId.id), text('core:type', patientId.type)),
      element(
        'core:accountableHealthcareProfessional',
        text('core:authorTime', contractTimestamp(plan.writtenAt)),
        text('core:healthcareProfessionalHSAId', plan.author.hsaId),
        text('core:healthcareProfessionalName', plan.author.name),
        orgUnit(plan.authorUnit),
        text('core:healthcareProfessionalCareUnitHSAId', plan.authorUnit.hsaId),
        text('core:healthcareProfessionalCareGiverHSAId', plan.careGiverHsaId),
      ),
      // Only versions the parties published are ever answered (publishCarePlanToPatient).
      text('core:approvedForPatient', true),
      text('core:careContactId', plan.caseReference),
    ),
    element(
      'core:carePlanBody',
      element(
        'core:content',
        text('core:mediaType', 'text/plain'),
        text('core:value', Buffer.from(planText(plan), 'utf8').toString('base64')),
      ),
      ...[...new Set(participating)].map((hsaId) =>
        element(
          'core:participatingCareUnitHSAId',
          text('core:root', OID.hsaId),
          text('core:extension', hsaId),
        ),
      ),
      text('core:typeOfCarePlanEnum', typeOfCarePlan(plan)),
    ),
  );
}

export type ResultOf =
  | { code: 'OK'; logId: string }
  | { code: 'ERROR'; logId: string; message: string };

/** GetCarePlansResponse: the plans (none on an error) and the result. */
export function responseEnvelope(
  plans: readonly PublishedPlan[],
  patientId: { id: string; type: string },
  sourceSystemHsaId: string,
  result: ResultOf,
): string {
  const resultXml = element(
    'tns:result',
    text('core:resultCode', result.code),
    result.code === 'ERROR' && text('core:errorCode', 'INVALID_REQUEST'),
    text('core:logId', result.logId),
    result.code === 'ERROR' && text('core:message', result.message),
  );
  return `${ENVELOPE_OPEN}<tns:GetCarePlansResponse xmlns:tns="${NS.responder}" xmlns:core="${NS.core}">${plans
    .map((plan) => carePlan(plan, patientId, sourceSystemHsaId))
    .join('')}${resultXml}</tns:GetCarePlansResponse>${ENVELOPE_CLOSE}`;
}

/** A SOAP 1.1 fault: `Client` when the request is at fault, `Server` when we are. */
export function faultEnvelope(code: 'Client' | 'Server', message: string): string {
  return `${ENVELOPE_OPEN}<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soap:Fault>${ENVELOPE_CLOSE}`;
}
