import type { LoggedCategory } from '../authz/decide.js';
import type {
  AccessActivity,
  AccessOutcome,
  AccessRecord,
  AccessRecorder,
} from './access-recorder.js';
import { strongerActivity } from './activity.js';

/** One patient (and case) of one request, as the access log will write it. */
export interface CollectedAccess {
  /** Null for a person who is not a patient here, named by `personalIdentityNumber`. */
  patientId: string | null;
  caseId: string | null;
  categories: LoggedCategory[];
  activity: AccessActivity;
  outcome: AccessOutcome;
  emergencyAccess: boolean;
  personalIdentityNumber: string | null;
  /**
   * A read of a command's answer that the command's own row does not name (it names what
   * the answer was worked out to read, src/graphql/answer-reads.ts): written all the same,
   * as a READ row, and reported by the plugin. Not a column.
   */
  beyondCommand?: true;
}

type Collecting = CollectedAccess & { categorySet: Set<LoggedCategory> };

/** One person: the patient id, or the personnummer of a person who is not a patient here. */
function personKey(access: {
  patientId: string | null;
  personalIdentityNumber?: string | null;
}): string {
  return access.patientId ?? `pnr:${access.personalIdentityNumber}`;
}

/**
 * The per-request recorder behind `ctx.access`. Resolvers call `record` once per field
 * read, so this only folds into a map: one entry per patient, case and outcome, with the
 * union of categories and the strongest activity (see `collected` for records without a
 * case). A refusal (DENIED) stays apart from a granted access to the same patient,
 * because the reviewer must see both.
 */
export class RequestAccessLog implements AccessRecorder {
  private readonly accesses = new Map<string, Collecting>();
  /** Rows a command of this request committed in its own transaction (command-log.ts). */
  private readonly writtenByCommands: CollectedAccess[] = [];
  /** Why a command of this request could not write its rows; undefined: none failed. */
  private commandLogFailure: { cause: unknown } | undefined;

  /** Folds records as one request would: the rows a command writes for itself. */
  static fold(records: readonly AccessRecord[]): CollectedAccess[] {
    const log = new RequestAccessLog();
    for (const record of records) log.record(record);
    return log.collected();
  }

  /** A command of this request committed these rows with its transaction. */
  committedByCommand(rows: readonly CollectedAccess[]): void {
    this.writtenByCommands.push(...rows);
  }

  /** A command could not write its rows and was rolled back: the request must fail closed. */
  commandLogUnavailable(cause: unknown): void {
    this.commandLogFailure ??= { cause };
  }

  get failedClosed(): boolean {
    return this.commandLogFailure !== undefined;
  }

  /** The database's reason the first failed command gave, for the operator's log line. */
  get failureCause(): unknown {
    return this.commandLogFailure?.cause;
  }

  record(access: AccessRecord): void {
    const outcome = access.outcome ?? 'SUCCESS';
    const key = `${personKey(access)}\u0000${access.caseId ?? ''}\u0000${outcome}`;
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
   * The request's accesses, categories sorted so the stored row is canonical. What a
   * command's row of this request already names is left out first (`beyondCommands`).
   * Then a record without a case (a field of the Patient itself) joins the patient's row
   * for a case in the same request, so one request reading a case and its patient is one
   * row; it stays a row of its own only when the request touched the patient outside any
   * case.
   */
  collected(): CollectedAccess[] {
    return folded([...this.accesses.values()].flatMap((access) => this.beyondCommands(access)));
  }

  /**
   * A successful read of a patient a command of this request logged (the command's
   * answer, read by the same user in the same request) is covered by the command's row as
   * far as that row names its categories: the row names what the answer was worked out to
   * read, so normally nothing is left. A read of the command's case is covered by the
   * command's row of that case; a caseless read (the Patient's own fields) by the
   * command's row of any case of that patient, or of the patient outside any case (a
   * block). What is left is still written, as a READ row marked `beyondCommand`, rather
   * than lost. Refusals are never covered: a DENIED row is always written.
   */
  private beyondCommands(access: Collecting): Collecting[] {
    if (access.outcome !== 'SUCCESS') return [access];
    const covering = this.writtenByCommands.filter(
      (c) =>
        c.outcome === 'SUCCESS' &&
        personKey(c) === personKey(access) &&
        (access.caseId === null || c.caseId === access.caseId),
    );
    if (covering.length === 0) return [access];
    const named = new Set(covering.flatMap((c) => c.categories));
    const left = [...access.categorySet].filter((c) => !named.has(c));
    if (left.length === 0) return [];
    return [{ ...access, categorySet: new Set(left), beyondCommand: true }];
  }

  /** Records still to be written at the response (a command's own rows are written). */
  get size(): number {
    return this.accesses.size;
  }
}

/** Folds caseless records into the patient's row for a case of the same request (see `collected`). */
function folded(accesses: readonly Collecting[]): CollectedAccess[] {
  const rows: Collecting[] = [];
  const withCase = new Map<string, Collecting>();
  for (const access of accesses) {
    if (access.caseId === null) continue;
    const copy = { ...access, categorySet: new Set(access.categorySet) };
    rows.push(copy);
    const key = `${personKey(access)}\u0000${access.outcome}`;
    if (!withCase.has(key)) withCase.set(key, copy);
  }
  for (const access of accesses) {
    if (access.caseId !== null) continue;
    const target = withCase.get(`${personKey(access)}\u0000${access.outcome}`);
    if (!target) {
      rows.push({ ...access, categorySet: new Set(access.categorySet) });
      continue;
    }
    for (const category of access.categorySet) target.categorySet.add(category);
    target.activity = strongerActivity(target.activity, access.activity);
    target.emergencyAccess ||= access.emergencyAccess;
    target.personalIdentityNumber ??= access.personalIdentityNumber;
    if (access.beyondCommand) target.beyondCommand = true;
  }
  return rows.map(({ categorySet, ...access }) => ({
    ...access,
    categories: [...categorySet].sort(),
  }));
}
