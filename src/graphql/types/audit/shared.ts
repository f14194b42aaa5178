import { encodeGlobalID } from '@pothos/plugin-relay';
import type { AccessActivity } from '../../../audit/access-recorder.js';
import { INERA_ACTIVITY_NAMES } from '../../../audit/activity.js';
import { isPatientPortalDisclosure } from '../../../audit/patient-portal-disclosure.js';
import {
  ACCESS_FLAGS,
  type AccessLogEntry,
  type AccessLogFilter,
  accessLogEntriesById,
  type Page,
  UNUSUAL_PATIENTS_PER_USER_AND_DAY,
} from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { parseHsaId } from '../../../domain/hsa-id.js';
import { parsePersonalIdentityNumber } from '../../../domain/personal-identity-number.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { BadInputError } from '../../errors.js';
import { globalIdOf, isUuid, nodeUuid, uuidOrIdOfType } from '../../global-id.js';

/** Types shared by the log-review queries and mutations (src/audit for the rules). */

export const AccessActivityEnum = builder.enumType('AccessActivity', {
  description: 'What was done with the patient data (Inera log model activity).',
  values: {
    READ: { description: 'Läsa.' },
    CREATE: { description: 'Skriva: created.' },
    CHANGE: { description: 'Skriva: changed.' },
    PRINT: { description: 'Utskrift: printed or exported.' },
    DELETE: { description: 'Radera.' },
    EMERGENCY_ACCESS: { description: 'Nödöppning: emergency opening of a case.' },
  } as const,
});

export const AccessOutcomeEnum = builder.enumType('AccessOutcome', {
  description: 'How an access to patient data ended.',
  values: {
    SUCCESS: { description: 'The data was returned or written.' },
    DENIED: { description: 'The authorization layer refused the access.' },
    FAILED: { description: 'The request ended in an error without returning data.' },
  } as const,
});

export const AccessFlagEnum = builder.enumType('AccessFlag', {
  description: 'What makes an access worth a reviewer’s look.',
  values: {
    EMERGENCY_ACCESS: { description: 'Rested on an emergency opening (nödöppning).' },
    PROTECTED_IDENTITY: { description: 'The patient has skyddade personuppgifter.' },
    NOT_A_PARTY: {
      description:
        'The acting unit was not (or no longer) a current party of the case, or of any case of the patient.',
    },
    OUT_OF_HOURS: {
      description: 'Before 07:00, from 19:00, or on a weekend, on the Stockholm clock.',
    },
    UNUSUAL_VOLUME: {
      description: `The user touched more than ${UNUSUAL_PATIENTS_PER_USER_AND_DAY} distinct patients of this organisation that Stockholm day (computed at review time).`,
    },
    PATIENT_PORTAL_DISCLOSURE: {
      description:
        'A disclosure (utlämnande) to the patient: the care plans published to them, delivered to 1177 through the national platform (GetCarePlans).',
    },
  } as const,
});

/**
 * What `node(id:)` reads a sample or a review by: its key within the officer's own
 * organisation. The rule of the lists that show them (src/audit/review-access.ts) is
 * checked first, so a caller the lists refuse gets the same FORBIDDEN or UNAUTHENTICATED;
 * an id inside the global id that is no UUID is INVALID_ID (nodeUuid). Another
 * organisation's record is then not found, null, as it is absent from the lists.
 */
export function reviewRecordWhere(ctx: Context, id: string) {
  return { providerHsaId: requireSecurityOfficer(ctx).providerHsaId, id: nodeUuid(id) };
}

/**
 * Access-log rows for `node(id:)`/`nodes(ids:)`, in one query for all the ids asked. The
 * read is logged as a search's rows are (recordLogAccess, category AUDIT): through `node`
 * as through `accessLog`, the officer sees the patient and who accessed them.
 */
async function loadAccessLogEntries(
  ids: readonly string[],
  ctx: Context,
): Promise<(AccessLogEntry | null)[]> {
  // The lists' rule first, then the ids, as for a sample or a review (reviewRecordWhere).
  const scope = requireSecurityOfficer(ctx);
  const wanted = ids.map(nodeUuid);
  const rows = await accessLogEntriesById(ctx.reads, scope, wanted);
  recordLogAccess(ctx, rows, 'READ');
  const byId = new Map(rows.map((row) => [row.id, row]));
  return wanted.map((id) => byId.get(id) ?? null);
}

export const AccessLogEntryRef = builder.node(builder.objectRef<AccessLogEntry>('AccessLogEntry'), {
  description:
    'One request’s access to one patient: the PDL access-log row, append-only and hash-chained. `node(id:)` loads it for security officers of its organisation, as `accessLog` lists it, and logs that read as a search’s (category AUDIT); another organisation’s row is null, and anyone else is refused (FORBIDDEN).',
  id: {
    description:
      'The log row’s global id: what `node(id:)` and `recordAccessReview(input.accessLogIds)` take, and `AccessReview.accessLogGlobalIds` answers.',
    resolve: (row) => row.id,
  },
  loadMany: loadAccessLogEntries,
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime', description: 'When the access happened.' }),
    activity: t.field({
      type: AccessActivityEnum,
      description: 'What was done with the data.',
      resolve: (r) => r.activity,
    }),
    activityName: t.string({
      description: 'The Inera name: Läsa, Skriva, Utskrift, Radera, Nödöppning.',
      resolve: (r) => INERA_ACTIVITY_NAMES[r.activity],
    }),
    outcome: t.field({
      type: AccessOutcomeEnum,
      description: 'Whether the access succeeded, was denied or failed.',
      resolve: (r) => r.outcome,
    }),
    userHsaId: t.exposeString('userHsaId', { description: 'The user’s employee HSA-ID.' }),
    userName: t.exposeString('userName', {
      description: 'The user’s name as the login gave it, at access time.',
    }),
    unitHsaId: t.exposeString('unitHsaId', { description: 'The acting unit.' }),
    providerHsaId: t.exposeString('providerHsaId', { description: 'The acting care provider.' }),
    commissionHsaId: t.exposeString('commissionHsaId', {
      nullable: true,
      description:
        'The commission (medarbetaruppdrag) acted under; null when the login named none.',
    }),
    purpose: t.exposeString('purpose', { description: 'The commission’s purpose.' }),
    patientId: t.exposeID('patientId', {
      nullable: true,
      description:
        'The patient’s database id (a UUID); null for a register look-up of a person who is not a patient here.',
      deprecationReason: 'A raw database id; read `patientGlobalId`, which `node` takes.',
    }),
    patientGlobalId: t.id({
      ...globalIdOf('Patient'),
      nullable: true,
      description:
        'The patient’s global id (`Patient.id`); null for a register look-up of a person who is not a patient here. `node` answers null once the patient is purged.',
      resolve: (row) => (row.patientId === null ? null : encodeGlobalID('Patient', row.patientId)),
    }),
    personalIdentityNumber: t.exposeString('personalIdentityNumber', {
      description: 'As it was at access time; kept when the patient is purged.',
    }),
    caseId: t.exposeID('caseId', {
      nullable: true,
      description:
        'The case’s database id (a UUID); null for an access outside a case (a register look-up).',
      deprecationReason: 'A raw database id; read `caseGlobalId`, which `node` takes.',
    }),
    caseGlobalId: t.id({
      ...globalIdOf('Case'),
      nullable: true,
      description:
        'The case’s global id (`Case.id`); null for an access outside a case (a register look-up). `node` answers null once the case is purged.',
      resolve: (row) => (row.caseId === null ? null : encodeGlobalID('Case', row.caseId)),
    }),
    categories: t.exposeStringList('categories', { description: 'Field categories touched.' }),
    requestId: t.exposeString('requestId', {
      description:
        'The request that made the access; the same in the server log and the response headers.',
    }),
    operationName: t.exposeString('operationName', {
      nullable: true,
      description: 'The GraphQL operation name the client sent; null when it sent none.',
    }),
    emergencyAccess: t.exposeBoolean('emergencyAccess', {
      description: 'True when the access rested on an emergency opening (nödöppning).',
    }),
    emergencyReason: t.exposeString('emergencyReason', {
      nullable: true,
      description:
        'The reason given when the emergency access (nödöppning) this row rests on was opened; null for other rows.',
    }),
    protectedIdentity: t.exposeBoolean('protectedIdentity', {
      description: 'True when the patient has a protected identity (skyddade personuppgifter).',
    }),
    notAParty: t.exposeBoolean('notAParty', {
      description:
        'True when the acting unit was not a current party of the case (or of any case of the patient).',
    }),
    outOfHours: t.exposeBoolean('outOfHours', {
      description: 'True before 07:00, from 19:00 or on a weekend, Stockholm time.',
    }),
    userPatientsThatDay: t.exposeInt('userPatientsThatDay', {
      description: 'Distinct patients this user touched in this organisation that Stockholm day.',
    }),
    unusualVolume: t.boolean({
      description: `True when userPatientsThatDay is above ${UNUSUAL_PATIENTS_PER_USER_AND_DAY}.`,
      resolve: (r) => r.userPatientsThatDay > UNUSUAL_PATIENTS_PER_USER_AND_DAY,
    }),
    flags: t.field({
      type: [AccessFlagEnum],
      description:
        'Every reason the row deserves a reviewer’s look, from the booleans above; empty for none.',
      resolve: (r) =>
        ACCESS_FLAGS.filter(
          (f) =>
            ({
              EMERGENCY_ACCESS: r.emergencyAccess,
              PROTECTED_IDENTITY: r.protectedIdentity,
              NOT_A_PARTY: r.notAParty,
              OUT_OF_HOURS: r.outOfHours,
              UNUSUAL_VOLUME: r.userPatientsThatDay > UNUSUAL_PATIENTS_PER_USER_AND_DAY,
              PATIENT_PORTAL_DISCLOSURE: isPatientPortalDisclosure(r),
            })[f],
        ),
    }),
    chainPosition: t.exposeInt('chainPosition', {
      description: 'The row’s place in the month’s hash chain (gaps would show deleted rows).',
    }),
    prevHash: t.exposeString('prevHash', {
      description: 'The hash of the row before (or the month’s genesis hash), hex SHA-256.',
    }),
    hash: t.exposeString('hash', {
      description:
        'sha256(prevHash ‖ the row’s content), hex: `npm run audit:verify` recomputes it to detect tampering.',
    }),
  }),
});

export const AccessLogFilterInput = builder.inputType('AccessLogFilter', {
  description: 'Every condition given must hold. Periods are [from, to).',
  fields: (t) => ({
    patientId: t.id({
      required: false,
      description:
        'The patient: its global id (`Patient.id`, as `AccessLogEntry.patientGlobalId`); the raw UUID is still taken, deprecated.',
    }),
    personalIdentityNumber: t.string({
      required: false,
      description:
        'The patient’s personnummer or samordningsnummer (12 digits, check digit verified).',
    }),
    userHsaId: t.string({ required: false, description: 'Accesses by this employee HSA-ID.' }),
    unitHsaId: t.string({ required: false, description: 'Accesses from this unit’s HSA-ID.' }),
    caseId: t.id({
      required: false,
      description:
        'The case: its global id (`Case.id`, as `AccessLogEntry.caseGlobalId`); the raw UUID is still taken, deprecated.',
    }),
    from: t.field({
      type: 'DateTime',
      required: false,
      description: 'Accesses at or after this time.',
    }),
    to: t.field({ type: 'DateTime', required: false, description: 'Accesses before this time.' }),
    activities: t.field({
      type: [AccessActivityEnum],
      required: false,
      description: 'Rows with any of these activities.',
    }),
    outcomes: t.field({
      type: [AccessOutcomeEnum],
      required: false,
      description: 'Rows with any of these outcomes.',
    }),
    flags: t.field({
      type: [AccessFlagEnum],
      required: false,
      description: 'Rows carrying all of these flags.',
    }),
  }),
});

/** An object named by its global id or (deprecated) by its raw UUID; else INVALID_ID. */
export function uuidOrId(value: string | number, typename: string, field: string): string {
  const id = uuidOrIdOfType(value, typename);
  if (id === null)
    throw new BadInputError(
      'INVALID_ID',
      `${field} must be the global id of a ${typename} (or its UUID).`,
      field,
    );
  return id;
}

export function parsePin(value: string, field: string): string {
  const parsed = parsePersonalIdentityNumber(value);
  if (!parsed.ok) {
    throw new BadInputError('INVALID_PERSONAL_IDENTITY_NUMBER', parsed.error.message, field);
  }
  return parsed.value.number;
}

function parseHsa(value: string, field: string): string {
  const parsed = parseHsaId(value);
  if (!parsed.ok) throw new BadInputError('INVALID_HSA_ID', parsed.error.message, field);
  return parsed.value;
}

export function checkPeriod(from: Date | null | undefined, to: Date | null | undefined): void {
  if (from && to && from.getTime() > to.getTime()) {
    throw new BadInputError('INVALID_PERIOD', '`from` must not be after `to`.', 'filter.to');
  }
}

type FilterInput = typeof AccessLogFilterInput.$inferInput;

export function parseFilter(input: FilterInput | null | undefined): AccessLogFilter {
  if (!input) return {};
  checkPeriod(input.from, input.to);
  return {
    patientId: input.patientId ? uuidOrId(input.patientId, 'Patient', 'filter.patientId') : null,
    caseId: input.caseId ? uuidOrId(input.caseId, 'Case', 'filter.caseId') : null,
    personalIdentityNumber: input.personalIdentityNumber
      ? parsePin(input.personalIdentityNumber, 'filter.personalIdentityNumber')
      : null,
    userHsaId: input.userHsaId ? parseHsa(input.userHsaId, 'filter.userHsaId') : null,
    unitHsaId: input.unitHsaId ? parseHsa(input.unitHsaId, 'filter.unitHsaId') : null,
    from: input.from ?? null,
    to: input.to ?? null,
    activities: input.activities ?? null,
    outcomes: input.outcomes ?? null,
    flags: input.flags ?? null,
  };
}

const DEFAULT_PAGE = 50;
/** The access log's own page cap, above the API's usual 100 (reviewers read long lists). */
export const ACCESS_LOG_MAX_PAGE = 200;

export function parsePage(args: {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}): Page {
  if (args.last != null || args.before != null) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      'The access log pages forward only: use first/after.',
    );
  }
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > ACCESS_LOG_MAX_PAGE) {
    throw new BadInputError('INVALID_ARGUMENT', `first must be 1–${ACCESS_LOG_MAX_PAGE}.`, 'first');
  }
  if (!args.after) return { first, after: null };
  const [time, id] = Buffer.from(args.after, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (!id || !isUuid(id) || Number.isNaN(at.getTime())) {
    throw new BadInputError('INVALID_CURSOR', 'after is not a cursor of this connection.', 'after');
  }
  return { first, after: { time: at, id } };
}

export function cursorOf(entry: AccessLogEntry): string {
  return Buffer.from(`${entry.time.toISOString()}|${entry.id}`, 'utf8').toString('base64url');
}

/** An access-log connection's totalCount, counted only when a client asks for it. */
export function totalCountOf(connection: object): Promise<number> {
  const { count } = connection as { count?: () => Promise<number> };
  return count ? count() : Promise.resolve(0);
}

export const TOTAL_COUNT_DESCRIPTION = 'How many entries the whole list has (all pages).';

export function connectionOf(
  rows: AccessLogEntry[],
  hasNextPage: boolean,
  after: boolean,
  count: () => Promise<number>,
) {
  const edges = rows.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    // Counted only when a client asks for totalCount.
    count,
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * Reading the access log is itself an access to the patients it names (their
 * personnummer and who saw them): each patient shown is recorded in the category AUDIT,
 * so the review is logged like any other access.
 */
export function recordLogAccess(
  ctx: Context,
  rows: readonly {
    patientId: string | null;
    personalIdentityNumber?: string;
    caseId?: string | null;
  }[],
  activity: AccessActivity,
  personalIdentityNumber?: string,
): void {
  for (const row of rows) {
    const pnr = row.personalIdentityNumber ?? personalIdentityNumber;
    // A row of a person who is not a patient here names them by personnummer alone.
    const person =
      row.patientId !== null
        ? { patientId: row.patientId, personalIdentityNumber: pnr }
        : { patientId: null, personalIdentityNumber: pnr ?? '' };
    ctx.access.record({ ...person, caseId: null, categories: ['AUDIT'], activity });
  }
}
