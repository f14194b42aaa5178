import type { LoggedCategory } from '../authz/decide.js';

/**
 * The PDL access log's view of one request: every patient whose data a resolver is about
 * to return (or write) is recorded here, with the case, the field categories and the
 * activity. The audit module writes one row per patient and request, durably, before the
 * response leaves; if that write fails, the response is replaced by an error.
 */
export type AccessActivity = 'READ' | 'CREATE' | 'CHANGE' | 'PRINT' | 'DELETE' | 'EMERGENCY_ACCESS';

/** FAILED is the writer's own: it marks accesses of a request that ended without data. */
export type AccessOutcome = 'SUCCESS' | 'DENIED';

/**
 * Whose data: a patient of Brygga, or a person who is not a patient here (a register
 * look-up), named by personnummer alone.
 */
export type AccessedPerson =
  | {
      patientId: string;
      /**
       * For a patient whose row may be gone (the access log's own review after
       * retention). Left out, the writer takes it from the patient table.
       */
      personalIdentityNumber?: string;
    }
  | { patientId: null; personalIdentityNumber: string };

export type AccessRecord = AccessedPerson & {
  caseId: string | null;
  /** What was read, written or refused (src/audit/README.md, "Categories"). */
  categories: readonly LoggedCategory[];
  activity: AccessActivity;
  /** DENIED when the authorization layer refused the access; SUCCESS when left out. */
  outcome?: AccessOutcome;
  /** True when the access rests on an emergency grant (nödöppning), not on the row rule. */
  emergencyAccess?: boolean;
};

export interface AccessRecorder {
  record(access: AccessRecord): void;
}
