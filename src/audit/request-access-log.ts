import type { FieldCategory } from '../authz/field-categories.js';
import type {
  AccessActivity,
  AccessOutcome,
  AccessRecord,
  AccessRecorder,
} from './access-recorder.js';
import { strongerActivity } from './activity.js';

/** One patient (and case) of one request, as the access log will write it. */
export interface CollectedAccess {
  patientId: string;
  caseId: string | null;
  categories: FieldCategory[];
  activity: AccessActivity;
  outcome: AccessOutcome;
  emergencyAccess: boolean;
  personalIdentityNumber: string | null;
}

/**
 * The per-request recorder behind `ctx.access`. Resolvers call `record` once per field
 * read, so this only folds into a map: one entry per patient, case and outcome, with the
 * union of categories and the strongest activity (see `collected` for records without a
 * case). A refusal (DENIED) stays apart from a granted access to the same patient,
 * because the reviewer must see both.
 */
export class RequestAccessLog implements AccessRecorder {
  private readonly accesses = new Map<
    string,
    CollectedAccess & { categorySet: Set<FieldCategory> }
  >();

  record(access: AccessRecord): void {
    const outcome = access.outcome ?? 'SUCCESS';
    const key = `${access.patientId}\u0000${access.caseId ?? ''}\u0000${outcome}`;
    const emergency = access.emergencyAccess === true || access.activity === 'EMERGENCY_ACCESS';
    const known = this.accesses.get(key);
    if (!known) {
      this.accesses.set(key, {
        patientId: access.patientId,
        caseId: access.caseId,
        categories: [],
        categorySet: new Set(access.categories),
        activity: access.activity,
        outcome,
        emergencyAccess: emergency,
        personalIdentityNumber: access.personalIdentityNumber ?? null,
      });
      return;
    }
    for (const category of access.categories) known.categorySet.add(category);
    known.activity = strongerActivity(known.activity, access.activity);
    known.emergencyAccess ||= emergency;
    known.personalIdentityNumber ??= access.personalIdentityNumber ?? null;
  }

  /**
   * The request's accesses, categories sorted so the stored row is canonical. A record
   * without a case (a field of the Patient itself) joins the patient's row for a case in
   * the same request, so one request reading a case and its patient is one row; it stays
   * a row of its own only when the request touched the patient outside any case.
   */
  collected(): CollectedAccess[] {
    const rows: (CollectedAccess & { categorySet: Set<FieldCategory> })[] = [];
    const withCase = new Map<string, CollectedAccess & { categorySet: Set<FieldCategory> }>();
    for (const access of this.accesses.values()) {
      if (access.caseId === null) continue;
      const copy = { ...access, categorySet: new Set(access.categorySet) };
      rows.push(copy);
      const key = `${access.patientId}\u0000${access.outcome}`;
      if (!withCase.has(key)) withCase.set(key, copy);
    }
    for (const access of this.accesses.values()) {
      if (access.caseId !== null) continue;
      const target = withCase.get(`${access.patientId}\u0000${access.outcome}`);
      if (!target) {
        rows.push({ ...access, categorySet: new Set(access.categorySet) });
        continue;
      }
      for (const category of access.categorySet) target.categorySet.add(category);
      target.activity = strongerActivity(target.activity, access.activity);
      target.emergencyAccess ||= access.emergencyAccess;
      target.personalIdentityNumber ??= access.personalIdentityNumber;
    }
    return rows.map(({ categorySet, ...access }) => ({
      ...access,
      categories: [...categorySet].sort(),
    }));
  }

  get size(): number {
    return this.accesses.size;
  }
}
