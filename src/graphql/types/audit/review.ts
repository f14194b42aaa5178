import { encodeGlobalID } from '@pothos/plugin-relay';
import { ownAccessLogIds } from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { AccessReviewError } from '../../../audit/review-error.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { globalIdOf } from '../../global-id.js';
import { selecting } from '../../prisma-query.js';
import { accessReviewResult, reviewId } from './review-error.js';
import { reviewRecordWhere, uuidOrId } from './shared.js';

const ConclusionEnum = builder.enumType('AccessReviewConclusion', {
  description: 'What a log review concluded about the accesses it looked at.',
  values: {
    NO_REMARK: { description: 'Nothing to remark: the accesses had a need.' },
    FOLLOW_UP: { description: 'Needs follow-up (ask the user or their manager).' },
    INCIDENT: { description: 'An incident: report and handle as such.' },
  } as const,
});

const AccessReviewRef = builder.prismaNode('AccessReview', {
  description:
    'A documented review (logguppföljning): who reviewed which sample or rows, when, and the conclusion. `node(id:)` loads it for security officers of its organisation, as `accessReviews` lists it; another organisation’s review is null, and anyone else is refused (FORBIDDEN).',
  id: {
    field: 'id',
    description: 'The review’s global id: what `node(id:)` takes.',
  },
  // Not your organisation's reads as absent: node(id) answers null, as accessReviews.
  nullable: true,
  findUnique: (id, ctx) => reviewRecordWhere(ctx, id),
  fields: (t) => ({
    sample: t.relation('sample', {
      nullable: true,
      description: 'The sample reviewed; null for a targeted review of chosen rows only.',
    }),
    accessLogIds: t.exposeIDList('accessLogIds', {
      description:
        'The access-log rows reviewed besides the sample, as database ids (UUIDs); may be empty.',
      deprecationReason: 'Raw database ids; read `accessLogGlobalIds`, which `node` takes.',
    }),
    accessLogGlobalIds: t.idList({
      ...globalIdOf('AccessLogEntry'),
      description:
        'The access-log rows reviewed besides the sample: their global ids (`AccessLogEntry.id`), in the order named, each once; may be empty.',
      resolve: (review) => review.accessLogIds.map((id) => encodeGlobalID('AccessLogEntry', id)),
    }),
    conclusion: t.expose('conclusion', {
      type: ConclusionEnum,
      description: 'What the review concluded.',
    }),
    note: t.exposeString('note', {
      description: 'The reviewer’s notes; empty when none were written.',
    }),
    reviewerHsaId: t.exposeString('reviewerHsaId', {
      description: 'The security officer’s employee HSA-ID.',
    }),
    reviewerName: t.exposeString('reviewerName', { description: 'The security officer’s name.' }),
    reviewedAt: t.expose('reviewedAt', {
      type: 'DateTime',
      description: 'When the review was recorded.',
    }),
  }),
});

const RecordReviewInput = builder.inputType('RecordAccessReviewInput', {
  description: 'A sample, some rows, or both; at least one of them.',
  fields: (t) => ({
    sampleId: t.id({
      required: false,
      description:
        'The sample reviewed, of your organisation: its global id (`AccessReviewSample.id`); the raw UUID is still taken, deprecated. Anything else is the result’s INVALID_ID.',
    }),
    accessLogIds: t.idList({
      required: false,
      description:
        'Access-log rows reviewed, of your organisation, at most 1000: their global ids (`AccessLogEntry.id`); raw UUIDs are still taken, deprecated. Anything else is the result’s INVALID_ID naming the entry.',
    }),
    conclusion: t.field({ type: ConclusionEnum, description: 'What the review concluded.' }),
    note: t.string({ required: false, description: 'At most 4000 characters.' }),
  }),
});

const MAX_IDS = 1000;
const MAX_NOTE = 4000;

builder.mutationField('recordAccessReview', (t) =>
  t.field({
    type: AccessReviewRef,
    description: 'Record the review of a sample or of chosen access-log rows. Never changed after.',
    authScopes: { authenticated: true },
    errors: accessReviewResult('review', 'the review as recorded'),
    args: {
      input: t.arg({
        type: RecordReviewInput,
        description: 'What was reviewed and the conclusion.',
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const named = (input.accessLogIds ?? []).map((given, index) => ({
        id: reviewId(given, 'AccessLogEntry', `input.accessLogIds.${index}`),
        given: String(given),
        index,
      }));
      const ids = [...new Set(named.map((row) => row.id))];
      const sampleId = input.sampleId
        ? reviewId(input.sampleId, 'AccessReviewSample', 'input.sampleId')
        : null;
      if (!sampleId && ids.length === 0) {
        throw new AccessReviewError(
          'INVALID_INPUT',
          'Name a sample or at least one access-log row.',
          'input',
        );
      }
      if (ids.length > MAX_IDS) {
        throw new AccessReviewError(
          'INVALID_INPUT',
          `At most ${MAX_IDS} rows per review.`,
          'input.accessLogIds',
          { max: MAX_IDS },
        );
      }
      const note = input.note ?? '';
      if (note.length > MAX_NOTE) {
        throw new AccessReviewError(
          'INVALID_INPUT',
          `note must be at most ${MAX_NOTE} characters.`,
          'input.note',
          { max: MAX_NOTE },
        );
      }
      if (sampleId) {
        const sample = await ctx.prisma.accessReviewSample.findFirst({
          where: { id: sampleId, providerHsaId: scope.providerHsaId },
          select: { id: true },
        });
        if (!sample) {
          throw new AccessReviewError(
            'SAMPLE_NOT_FOUND',
            'No sample of your organisation has that id.',
            'input.sampleId',
          );
        }
      }
      if (ids.length > 0) {
        const own = await ownAccessLogIds(ctx.reads, scope, ids);
        // Another organisation's row reads as absent, like one that never existed.
        const missing = named.find((row) => !own.has(row.id));
        if (missing) {
          throw new AccessReviewError(
            'ACCESS_LOG_ROW_NOT_FOUND',
            'An access-log row named is not one of your organisation’s.',
            `input.accessLogIds.${missing.index}`,
            // The id as the client named it, not the database's form of it.
            { id: missing.given },
          );
        }
      }
      return ctx.prisma.accessReview.create({
        data: {
          providerHsaId: scope.providerHsaId,
          sampleId,
          accessLogIds: ids,
          conclusion: input.conclusion,
          note,
          reviewerHsaId: scope.officerHsaId,
          reviewerName: scope.officerName,
        },
      });
    },
  }),
);

function reviewWhere(ctx: Context, sampleId: string | number | null | undefined) {
  const scope = requireSecurityOfficer(ctx);
  return {
    providerHsaId: scope.providerHsaId,
    ...(sampleId ? { sampleId: uuidOrId(sampleId, 'AccessReviewSample', 'sampleId') } : {}),
  };
}

builder.queryField('accessReviews', (t) =>
  t.prismaConnection({
    type: 'AccessReview',
    cursor: 'id',
    description: 'Reviews recorded in your organisation, newest first.',
    authScopes: { authenticated: true },
    args: {
      sampleId: t.arg.id({
        required: false,
        description:
          'Only the reviews of this sample: its global id (`AccessReviewSample.id`); the raw UUID is still taken, deprecated. Anything else is INVALID_ID.',
      }),
    },
    totalCount: (_root, args, ctx) =>
      ctx.prisma.accessReview.count({ where: reviewWhere(ctx, args.sampleId) }),
    resolve: (query, _root, args, ctx) => {
      return ctx.prisma.accessReview.findMany({
        ...selecting(query),
        where: reviewWhere(ctx, args.sampleId),
        orderBy: [{ reviewedAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
);
