import {
  countAccessLog,
  drawSample,
  newSeed,
  sampleDefinitionOf,
  searchAccessLog,
  stockholmMonth,
} from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { AccessReviewError } from '../../../audit/review-error.js';
import { builder } from '../../builder.js';
import { selecting } from '../../prisma-query.js';
import { accessReviewResult } from './review-error.js';
import {
  ACCESS_LOG_MAX_PAGE,
  AccessLogEntryRef,
  connectionOf,
  parsePage,
  recordLogAccess,
  reviewRecordWhere,
  TOTAL_COUNT_DESCRIPTION,
  totalCountOf,
  uuidOrId,
} from './shared.js';

export const AccessReviewSampleRef = builder.prismaNode('AccessReviewSample', {
  description:
    'A reproducible random sample of one month of the organisation’s access log, for the systematic review (e.g. 10 % monthly). The same seed selects the same rows. `node(id:)` loads it for security officers of its organisation, as `accessLogSample(id:)` and `accessLogSamples` show it; another organisation’s sample is null, and anyone else is refused (FORBIDDEN).',
  id: {
    field: 'id',
    description:
      'The sample’s global id: pass it to `accessLogSample(id:)`, `accessReviews(sampleId:)`, `recordAccessReview(input.sampleId)` or `node(id:)`.',
  },
  // Not your organisation's reads as absent: node(id) answers null, as accessLogSample(id:).
  nullable: true,
  findUnique: (id, ctx) => reviewRecordWhere(ctx, id),
  fields: (t) => ({
    month: t.field({
      type: 'YearMonth',
      description: 'A calendar month in Europe/Stockholm.',
      resolve: (s) => s.month.toISOString().slice(0, 7),
    }),
    percent: t.float({
      description: 'The share of the month’s rows selected, in percent (0–100, two decimals).',
      resolve: (s) => Number(s.percent.toString()),
    }),
    seed: t.exposeString('seed', {
      description: 'The random seed: drawing again with it selects the same rows.',
    }),
    population: t.exposeInt('population', { description: 'Rows of the month when drawn.' }),
    size: t.exposeInt('size', { description: 'Rows selected when drawn.' }),
    drawnByHsaId: t.exposeString('drawnByHsaId', {
      description: 'The employee HSA-ID of the security officer who drew it.',
    }),
    drawnByName: t.exposeString('drawnByName', { description: 'Their name.' }),
    drawnAt: t.expose('drawnAt', { type: 'DateTime', description: 'When it was drawn.' }),
    entries: t.connection(
      {
        type: AccessLogEntryRef,
        description: 'The selected rows, newest first.',
        extensions: { maxPageSize: ACCESS_LOG_MAX_PAGE, ownCursors: true },
        resolve: async (sample, args, ctx) => {
          const scope = requireSecurityOfficer(ctx);
          const page = parsePage(args);
          const { rows, hasNextPage } = await searchAccessLog(
            ctx.reads,
            scope,
            {},
            page,
            sampleDefinitionOf(sample),
          );
          recordLogAccess(ctx, rows, 'READ');
          return connectionOf(rows, hasNextPage, page.after !== null, () =>
            countAccessLog(ctx.reads, scope, {}, sampleDefinitionOf(sample)),
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
    reviews: t.relation('reviews', { description: 'Reviews recorded for this sample.' }),
  }),
});

const MAX_SEED = 200;

const DrawSampleInput = builder.inputType('DrawAccessLogSampleInput', {
  description: 'The month and share of your organisation’s access log to sample.',
  fields: (t) => ({
    month: t.field({
      type: 'YearMonth',
      description: 'A calendar month in Europe/Stockholm.',
    }),
    percent: t.float({
      description: 'Share of the month’s rows to select, more than 0, at most 100.',
    }),
    seed: t.string({
      required: false,
      description:
        'Give a stored sample’s seed to draw the same rows again; left out, a random one.',
    }),
  }),
});

builder.mutationField('drawAccessLogSample', (t) =>
  t.field({
    type: AccessReviewSampleRef,
    description:
      'Draw (and store, with its seed) a random sample of a month of your organisation’s access log.',
    authScopes: { authenticated: true },
    errors: accessReviewResult('sample', 'the sample as stored'),
    args: {
      input: t.arg({ type: DrawSampleInput, description: 'The month, share and optional seed.' }),
    },
    resolve: async (_root, { input }, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const range = stockholmMonth(input.month);
      if (!range)
        throw new AccessReviewError('INVALID_MONTH', 'month must be YYYY-MM.', 'input.month');
      if (!(input.percent > 0 && input.percent <= 100)) {
        throw new AccessReviewError(
          'INVALID_INPUT',
          'percent must be more than 0 and at most 100.',
          'input.percent',
          { min: 0, max: 100 },
        );
      }
      const seed = input.seed?.trim() || newSeed();
      if (seed.length > MAX_SEED) {
        throw new AccessReviewError(
          'INVALID_INPUT',
          `seed must be at most ${MAX_SEED} characters.`,
          'input.seed',
          { max: MAX_SEED },
        );
      }
      return drawSample(ctx.prisma, scope, {
        month: input.month,
        ...range,
        percent: Math.round(input.percent * 100) / 100,
        seed,
      });
    },
  }),
);

builder.queryField('accessLogSample', (t) =>
  t.prismaField({
    type: 'AccessReviewSample',
    nullable: true,
    description: 'A sample your organisation drew.',
    authScopes: { authenticated: true },
    args: {
      id: t.arg.id({
        description:
          'The sample: its global id (`AccessReviewSample.id`); the raw UUID is still taken, deprecated. Anything else is INVALID_ID.',
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      return ctx.prisma.accessReviewSample.findFirst({
        ...selecting(query),
        where: {
          id: uuidOrId(args.id, 'AccessReviewSample', 'id'),
          providerHsaId: scope.providerHsaId,
        },
      });
    },
  }),
);

builder.queryField('accessLogSamples', (t) =>
  t.prismaConnection({
    type: 'AccessReviewSample',
    cursor: 'id',
    description: 'The samples your organisation drew, newest first.',
    authScopes: { authenticated: true },
    totalCount: (_root, _args, ctx) =>
      ctx.prisma.accessReviewSample.count({
        where: { providerHsaId: requireSecurityOfficer(ctx).providerHsaId },
      }),
    resolve: (query, _root, _args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      return ctx.prisma.accessReviewSample.findMany({
        ...selecting(query),
        where: { providerHsaId: scope.providerHsaId },
        orderBy: [{ drawnAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
);
