import { stringify } from 'csv-stringify/sync';
import { INERA_ACTIVITY_NAMES } from '../../../audit/activity.js';
import {
  countAccessLog,
  EXPORT_ROW_LIMIT,
  exportAccessLog,
  searchAccessLog,
  UNUSUAL_PATIENTS_PER_USER_AND_DAY,
  type UnusualActivity,
  unusualActivity,
} from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { builder } from '../../builder.js';
import { BadInputError } from '../../errors.js';
import {
  ACCESS_LOG_MAX_PAGE,
  AccessLogEntryRef,
  AccessLogFilterInput,
  connectionOf,
  parseFilter,
  parsePage,
  recordLogAccess,
  TOTAL_COUNT_DESCRIPTION,
  totalCountOf,
} from './shared.js';

builder.queryField('accessLog', (t) =>
  t.connection(
    {
      type: AccessLogEntryRef,
      description:
        'Search the access log of your own organisation (security officers), newest first.',
      authScopes: { authenticated: true },
      extensions: { maxPageSize: ACCESS_LOG_MAX_PAGE, ownCursors: true },
      args: {
        filter: t.arg({
          type: AccessLogFilterInput,
          required: false,
          description: 'Which rows; absent: every row of your organisation.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const scope = requireSecurityOfficer(ctx);
        const page = parsePage(args);
        const filter = parseFilter(args.filter);
        const { rows, hasNextPage } = await searchAccessLog(ctx.reads, scope, filter, page);
        recordLogAccess(ctx, rows, 'READ');
        return connectionOf(rows, hasNextPage, page.after !== null, () =>
          countAccessLog(ctx.reads, scope, filter),
        );
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          description: TOTAL_COUNT_DESCRIPTION,
          resolve: (connection) => totalCountOf(connection),
        }),
      }),
    },
  ),
);

const CSV_COLUMNS = [
  'id',
  'time',
  'activity',
  'activityName',
  'outcome',
  'userHsaId',
  'userName',
  'unitHsaId',
  'providerHsaId',
  'commissionHsaId',
  'purpose',
  'patientId',
  'personalIdentityNumber',
  'caseId',
  'categories',
  'requestId',
  'operationName',
  'emergencyAccess',
  'emergencyReason',
  'protectedIdentity',
  'notAParty',
  'outOfHours',
  'unusualVolume',
  'userPatientsThatDay',
  'chainPosition',
  'hash',
] as const;

builder.queryField('accessLogCsv', (t) =>
  t.string({
    description: `The filtered access log of your organisation as CSV (RFC 4180, header row, UTC times), oldest first; at most ${EXPORT_ROW_LIMIT} rows. The export is itself logged as Utskrift (PRINT) of every patient in it.`,
    authScopes: { authenticated: true },
    args: {
      filter: t.arg({
        type: AccessLogFilterInput,
        required: false,
        description: 'Which rows; absent: every row of your organisation (up to the row limit).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const rows = await exportAccessLog(ctx.reads, scope, parseFilter(args.filter));
      if (rows === null) {
        throw new BadInputError(
          'BAD_USER_INPUT',
          `More than ${EXPORT_ROW_LIMIT} rows match: narrow the filter (e.g. the period).`,
          'filter',
        );
      }
      recordLogAccess(ctx, rows, 'PRINT');
      return stringify(
        rows.map((r) => ({
          ...r,
          time: r.time.toISOString(),
          activityName: INERA_ACTIVITY_NAMES[r.activity],
          categories: r.categories.join(';'),
          unusualVolume: r.userPatientsThatDay > UNUSUAL_PATIENTS_PER_USER_AND_DAY,
        })),
        {
          header: true,
          columns: [...CSV_COLUMNS],
          cast: { boolean: (b) => (b ? 'true' : 'false') },
        },
      );
    },
  }),
);

const UnusualActivityRef = builder.objectRef<UnusualActivity>('UnusualAccessActivity').implement({
  description: 'A user who touched unusually many distinct patients on one Stockholm day.',
  fields: (t) => ({
    userHsaId: t.exposeString('userHsaId', { description: 'The user’s employee HSA-ID.' }),
    userName: t.exposeString('userName', { description: 'The user’s name as last logged.' }),
    day: t.expose('day', { type: 'Date', description: 'The day, in Europe/Stockholm.' }),
    patientCount: t.exposeInt('patientCount', {
      description: 'Distinct patients of your organisation they touched that day.',
    }),
    unitHsaIds: t.exposeStringList('unitHsaIds', { description: 'The units they acted in.' }),
  }),
});

builder.queryField('unusualAccessActivity', (t) =>
  t.field({
    type: [UnusualActivityRef],
    description: `Users of your organisation with more than \`threshold\` (default ${UNUSUAL_PATIENTS_PER_USER_AND_DAY}) distinct patients on the Stockholm day.`,
    authScopes: { authenticated: true },
    args: {
      day: t.arg({ type: 'Date', description: 'The Stockholm calendar day to look at.' }),
      threshold: t.arg.int({
        required: false,
        description: `List users with more distinct patients than this (0 or more; default ${UNUSUAL_PATIENTS_PER_USER_AND_DAY}).`,
      }),
    },
    resolve: async (_root, args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const threshold = args.threshold ?? UNUSUAL_PATIENTS_PER_USER_AND_DAY;
      if (!Number.isInteger(threshold) || threshold < 0) {
        throw new BadInputError('BAD_USER_INPUT', 'threshold must be 0 or more.', 'threshold');
      }
      return unusualActivity(ctx.reads, scope, args.day.toISOString().slice(0, 10), threshold);
    },
  }),
);
