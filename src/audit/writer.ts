import type { Principal } from '../authz/principal.js';
import { accessLogAppendDuration, accessLogAppendFailures } from '../metrics/registry.js';
import { isOutOfHours } from './out-of-hours.js';
import type { CollectedAccess } from './request-access-log.js';

/** What the writer needs of a connection: a pg Pool or Client. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

/** The request the accesses belong to. */
export interface AccessRequest {
  requestId: string;
  operationName: string | null;
  principal: Principal | null;
}

export type WrittenOutcome = 'SUCCESS' | 'DENIED' | 'FAILED';

/** Raised when a request touched patients but cannot name who acted, from where. */
export class AccessLogIncompleteError extends Error {}

/** One request's accesses, as the writer takes them. */
export type WrittenAccess = Omit<CollectedAccess, 'outcome'> & { outcome: WrittenOutcome };

/**
 * Appends one request's accesses to the access log: one round trip, one statement
 * (access_log_append, as redefined in the performance migration), committed when it
 * returns. The database first looks up the personnummer snapshot and the
 * protected-identity and party flags and builds each row's canonical content; only then
 * does it take the month's chain lock, read the chain's head, hash the rows in order and
 * insert them, so appends from concurrent requests wait for each other as briefly as
 * possible. The time comes from this process's clock so the out-of-hours flag (Stockholm
 * wall clock, src/audit/out-of-hours.ts) and the stored time agree.
 *
 * `lockWaitMs` bounds the wait for the chain lock (and for a lock on the month's
 * partition): past it the call fails (lock_not_available) and the caller fails closed,
 * instead of the request hanging behind whoever holds the lock.
 *
 * `db` is a pool (a read's rows, committed when the call returns) or a command's
 * transaction (its rows commit with it, src/audit/command-log.ts).
 */
export async function appendAccesses(
  db: Queryable,
  request: AccessRequest,
  accesses: readonly WrittenAccess[],
  at: Date,
  lockWaitMs: number | null = null,
): Promise<number> {
  if (accesses.length === 0) return 0;
  return appendEntries(db, accessLogEntries(request, accesses, at), at, lockWaitMs);
}

/**
 * The rows one request's accesses become, each naming the request and who acted for it.
 * Throws AccessLogIncompleteError when the request touched patients without a principal
 * acting in a commission.
 */
export function accessLogEntries(
  request: AccessRequest,
  accesses: readonly WrittenAccess[],
  at: Date,
): AccessLogEntry[] {
  if (accesses.length === 0) return [];
  const { principal, commission } = actingFor(request);
  const outOfHours = isOutOfHours(at);
  return accesses.map((a) => ({
    activity: a.activity,
    outcome: a.outcome,
    user_hsa_id: principal.hsaId,
    user_name: principal.name,
    unit_hsa_id: commission.unitHsaId,
    provider_hsa_id: commission.providerHsaId,
    commission_hsa_id: commission.hsaId,
    purpose: commission.purpose,
    patient_id: a.patientId,
    personal_identity_number: a.personalIdentityNumber,
    case_id: a.caseId,
    categories: a.categories,
    request_id: request.requestId,
    operation_name: request.operationName,
    emergency_access: a.emergencyAccess,
    out_of_hours: outOfHours,
  }));
}

/**
 * Who acted for the request, in which commission; throws AccessLogIncompleteError when
 * either is missing.
 */
export function actingFor(request: AccessRequest): {
  principal: Principal;
  commission: NonNullable<Principal['actingCommission']>;
} {
  const principal = request.principal;
  const commission = principal?.actingCommission;
  if (!principal || !commission) {
    // PDL wants who, from which unit and for what purpose: without them a row is no log.
    throw new AccessLogIncompleteError(
      'patient data was touched by a request without a principal acting in a commission',
    );
  }
  return { principal, commission };
}

/** One access-log row as access_log_append takes it (its JSON object). */
export interface AccessLogEntry {
  activity: WrittenAccess['activity'];
  outcome: WrittenOutcome;
  user_hsa_id: string;
  user_name: string;
  unit_hsa_id: string;
  provider_hsa_id: string;
  commission_hsa_id: string | null;
  purpose: string;
  patient_id: WrittenAccess['patientId'];
  personal_identity_number: WrittenAccess['personalIdentityNumber'];
  case_id: WrittenAccess['caseId'];
  categories: WrittenAccess['categories'];
  request_id: string;
  operation_name: string | null;
  emergency_access: boolean;
  out_of_hours: boolean;
}

/**
 * Appends rows of one or many requests (built by accessLogEntries with the same `at`) in
 * one statement: one chain lock, one row per entry, in the order given. Every row in the
 * call is written or none is.
 */
export async function appendEntries(
  db: Queryable,
  entries: readonly AccessLogEntry[],
  at: Date,
  lockWaitMs: number | null = null,
): Promise<number> {
  if (entries.length === 0) return 0;
  const end = accessLogAppendDuration.startTimer();
  try {
    const { rows } = await db.query<{ written: number }>(
      'SELECT access_log_append($1, $2::jsonb, $3::integer) AS written',
      [at, JSON.stringify(entries), lockWaitMs],
    );
    end({ outcome: 'ok' });
    return rows[0]?.written ?? 0;
  } catch (error) {
    end({ outcome: 'failed' });
    accessLogAppendFailures.inc();
    throw error;
  }
}
