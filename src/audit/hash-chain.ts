import { createHash } from 'node:crypto';

/**
 * The access log's hash chain, computed here independently of the SQL that writes it
 * (access_log_append in the audit migration): the verifier must not trust the database's
 * own functions, which whoever tampered with rows could also have replaced.
 *
 * hash = sha256(prev_hash || canonical content), hex. The first row of a month links to
 * the month's genesis hash. The canonical content is every column but the two hashes, in
 * a fixed order, each as "<UTF-8 byte length>:<text>" (or "~" for null), joined by "|".
 */

export interface ChainedRow {
  id: string;
  chainPosition: number;
  time: Date;
  activity: string;
  outcome: string;
  userHsaId: string;
  userName: string;
  unitHsaId: string;
  providerHsaId: string;
  commissionHsaId: string | null;
  purpose: string;
  /** Null for a person looked up who is not a patient here. */
  patientId: string | null;
  personalIdentityNumber: string;
  caseId: string | null;
  categories: string[];
  requestId: string;
  operationName: string | null;
  emergencyAccess: boolean;
  protectedIdentity: boolean;
  notAParty: boolean;
  outOfHours: boolean;
}

function field(value: string | null): string {
  return value === null ? '~' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
}

export function canonicalContent(row: ChainedRow): string {
  return [
    row.id,
    String(row.chainPosition),
    row.time.toISOString(),
    row.activity,
    row.outcome,
    row.userHsaId,
    row.userName,
    row.unitHsaId,
    row.providerHsaId,
    row.commissionHsaId,
    row.purpose,
    row.patientId,
    row.personalIdentityNumber,
    row.caseId,
    row.categories.join(','),
    row.requestId,
    row.operationName,
    String(row.emergencyAccess),
    String(row.protectedIdentity),
    String(row.notAParty),
    String(row.outOfHours),
  ]
    .map(field)
    .join('|');
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function rowHash(prevHash: string, row: ChainedRow): string {
  return sha256(prevHash + canonicalContent(row));
}

/** First day of a UTC month, e.g. 2026-11-01T00:00:00Z, for a partition's month. */
export function monthKey(monthStart: Date): string {
  return monthStart.toISOString().slice(0, 7);
}

/** The link before a month's first row: a hash of the month itself. */
export function genesisHash(monthStart: Date): string {
  return sha256(`brygga access log ${monthKey(monthStart)}`);
}
