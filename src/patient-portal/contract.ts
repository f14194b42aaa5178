/**
 * The national service contract GetCarePlans (RIV-TA domain
 * clinicalprocess:logistics:logistics, GetCarePlansResponder 2.0 over core components 3.0,
 * profile RIVTABP21): its names, and the rules of a request that the schema cannot say.
 * Pure: no I/O. The schemas themselves are in contracts/riv-ta (see contracts/README.md).
 */
import { stockholmDate, stockholmSecondsOfDay } from '../domain/calendar.js';
import {
  type PersonalIdentityKind,
  parsePersonalIdentityNumber,
} from '../domain/personal-identity-number.js';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  registry: 'urn:riv:itintegration:registry:1',
  responder: 'urn:riv:clinicalprocess:logistics:logistics:GetCarePlansResponder:2',
  core: 'urn:riv:clinicalprocess:logistics:logistics:3',
} as const;

/** Skatteverket's OIDs for the patient id's `type` (and HSA's for unit ids, in IIType.root). */
export const OID = {
  personnummer: '1.2.752.129.2.1.3.1',
  samordningsnummer: '1.2.752.129.2.1.3.3',
  hsaId: '1.2.752.129.2.1.4.1',
} as const;

const KIND_OF_OID: Readonly<Record<string, PersonalIdentityKind>> = {
  [OID.personnummer]: 'PERSONNUMMER',
  [OID.samordningsnummer]: 'SAMORDNINGSNUMMER',
};

/** A request after the schema accepted it, as the producer reads it. */
export interface GetCarePlansRequest {
  logicalAddress: string;
  careUnitHsaIds: string[];
  patientId: { id: string; type: string };
  /** YYYYMMDD, inclusive. */
  datePeriod: { start: string; end: string } | null;
  sourceSystemHsaId: string | null;
  careContactIds: string[];
}

/** What the request asks for, once its logical rules hold. */
export type PatientQuery =
  | { kind: 'NATIONAL_ID'; personalIdentityNumber: string }
  /** A reserve number (reservnummer) under a local OID: Brygga holds none, so no plans. */
  | { kind: 'OTHER_ID' };

/** A logical error: the contract's answer is result ERROR with errorCode INVALID_REQUEST. */
export class InvalidRequest extends Error {}

/**
 * The rules of a request beyond the schema: a personnummer or samordningsnummer is 12
 * digits with its Luhn check digit, of the kind its OID says; a period does not end before
 * it starts. Any other `type` is an OID of a reserve number, which no national register
 * gives, so the request is valid and finds nothing here.
 */
export function patientQueryOf(request: GetCarePlansRequest): PatientQuery {
  const { id, type } = request.patientId;
  const period = request.datePeriod;
  if (period && period.start > period.end) {
    throw new InvalidRequest('datePeriod.end is before datePeriod.start');
  }
  const kind = KIND_OF_OID[type];
  if (!kind) return { kind: 'OTHER_ID' };
  if (!/^\d{12}$/.test(id)) {
    throw new InvalidRequest(`patientId.id must be 12 digits (YYYYMMDDNNNN) for type ${type}`);
  }
  const parsed = parsePersonalIdentityNumber(id);
  if (!parsed.ok) throw new InvalidRequest(`patientId.id: ${parsed.error.message}`);
  if (parsed.value.kind !== kind) {
    throw new InvalidRequest(
      `patientId.id is a ${parsed.value.kind.toLowerCase()}, but patientId.type is the OID of a ${kind.toLowerCase()}`,
    );
  }
  return { kind: 'NATIONAL_ID', personalIdentityNumber: parsed.value.number };
}

/** The contract's TimeStampType, YYYYMMDDhhmmss, on the Stockholm wall clock. */
export function contractTimestamp(instant: Date): string {
  const date = stockholmDate(instant).replaceAll('-', '');
  const seconds = stockholmSecondsOfDay(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date}${pad(Math.floor(seconds / 3600))}${pad(Math.floor((seconds % 3600) / 60))}${pad(seconds % 60)}`;
}

/** The contract's DateType, YYYYMMDD, of the Stockholm day of an instant. */
export function contractDate(instant: Date): string {
  return stockholmDate(instant).replaceAll('-', '');
}
