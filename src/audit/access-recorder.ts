import type { FieldCategory } from '../authz/field-categories.js';

/**
 * The PDL access log's view of one request: every patient whose data a resolver is about
 * to return (or write) is recorded here, with the case, the field categories and the
 * activity. The audit module writes one row per patient and request, durably, before the
 * response leaves; if that write fails, the response is replaced by an error.
 */
export type AccessActivity = 'READ' | 'CREATE' | 'CHANGE' | 'PRINT' | 'DELETE' | 'EMERGENCY_ACCESS';

export interface AccessRecord {
  patientId: string;
  caseId: string | null;
  categories: readonly FieldCategory[];
  activity: AccessActivity;
}

export interface AccessRecorder {
  record(access: AccessRecord): void;
}
