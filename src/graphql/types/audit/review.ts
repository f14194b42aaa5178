import { ownAccessLogIds } from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { BadInputError, NotFoundError } from '../../errors.js';
import { selecting } from '../../prisma-query.js';
import { parseUuid } from './shared.js';

const ConclusionEnum = builder.enumType('AccessReviewConclusion', {
  description: 'What a log review concluded about the accesses it looked at.',
  values: {
    NO_REMARK: { description: 'Nothing to remark: the accesses had a need.' },
    FOLLOW_UP: { description: 'Needs follow-up (ask the user or their manager).' },
    INCIDENT: { description: 'An incident: report and handle as such.' },
  } as const,
});

builder.prismaObject('AccessReview', {
  description:
    'A documented review (logguppföljning): who reviewed which sample or rows, when, and the conclusion.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The review’s id (a UUID).' }),
    sample: t.relation('sample', {
      nullable: true,
      description: 'The sample reviewed; null for a targeted review of chosen rows only.',
    }),
    accessLogIds: t.exposeIDList('accessLogIds', {
      description:
        'The access-log rows reviewed besides the sample (`AccessLogEntry.id`); may be empty.',
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
      description: 'The sample reviewed (`AccessReviewSample.id`), of your organisation.',
    }),
    accessLogIds: t.idList({
      required: false,
      description: `Access-log rows reviewed (\`AccessLogEntry.id\`), of your organisation; at most 1000.`,
    }),
    conclusion: t.field({ type: ConclusionEnum, description: 'What the review concluded.' }),
    note: t.string({ required: false, description: 'At most 4000 characters.' }),
  }),
});

const MAX_IDS = 1000;

builder.mutationField('recordAccessReview', (t) =>
  t.prismaField({
    type: 'AccessReview',
    description: 'Record the review of a sample or of chosen access-log rows. Never changed after.',
    authScopes: { authenticated: true },
    args: {
      input: t.arg({
        type: RecordReviewInput,
        description: 'What was reviewed and the conclusion.',
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const ids = [
        ...new Set(
          (input.accessLogIds ?? []).map((id) => parseUuid(String(id), 'input.accessLogIds')),
        ),
      ];
      const sampleId = input.sampleId ? parseUuid(String(input.sampleId), 'input.sampleId') : null;
      if (!sampleId && ids.length === 0) {
        throw new BadInputError(
          'BAD_USER_INPUT',
          'Name a sample or at least one access-log row.',
          'input',
        );
      }
      if (ids.length > MAX_IDS) {
        throw new BadInputError(
          'BAD_USER_INPUT',
          `At most ${MAX_IDS} rows per review.`,
          'input.accessLogIds',
        );
      }
      const note = input.note ?? '';
      if (note.length > 4000) {
        throw new BadInputError(
          'BAD_USER_INPUT',
          'note must be at most 4000 characters.',
          'input.note',
        );
      }
      if (sampleId) {
        const sample = await ctx.prisma.accessReviewSample.findFirst({
          where: { id: sampleId, providerHsaId: scope.providerHsaId },
          select: { id: true },
        });
        if (!sample) throw new NotFoundError('The sample');
      }
      if (ids.length > 0) {
        const own = await ownAccessLogIds(ctx.prisma, scope, ids);
        // Another organisation's row reads as absent, like one that never existed.
        if (own.size !== ids.length) throw new NotFoundError('An access-log row');
      }
      return ctx.prisma.accessReview.create({
        ...selecting(query),
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
    ...(sampleId ? { sampleId: parseUuid(String(sampleId), 'sampleId') } : {}),
  };
}

builder.queryField('accessReviews', (t) =>
  t.prismaConnection({
    type: 'AccessReview',
    cursor: 'id',
    description: 'Reviews recorded in your organisation, newest first.',
    authScopes: { authenticated: true },
    args: {
      sampleId: t.arg.id({ required: false, description: 'Only the reviews of this sample.' }),
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
