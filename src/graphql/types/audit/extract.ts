import { INERA_ACTIVITY_NAMES } from '../../../audit/activity.js';
import { EXTRACT_ROW_LIMIT, type ExtractEntry, patientExtract } from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { builder } from '../../builder.js';
import { BadInputError } from '../../errors.js';
import { AccessActivityEnum, checkPeriod, parsePin } from './shared.js';

const ExtractEntryRef = builder.objectRef<ExtractEntry>('PatientAccessExtractEntry').implement({
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime' }),
    activity: t.field({ type: AccessActivityEnum, resolve: (e) => e.activity }),
    activityName: t.string({ resolve: (e) => INERA_ACTIVITY_NAMES[e.activity] }),
    unitHsaId: t.exposeString('unitHsaId'),
    unitName: t.string({
      description: 'The unit’s present name; its HSA-ID when the unit is gone.',
      resolve: (e) => e.unitName ?? e.unitHsaId,
    }),
    providerHsaId: t.exposeString('providerHsaId'),
    providerName: t.string({ resolve: (e) => e.providerName ?? e.providerHsaId }),
  }),
});

interface Extract {
  personalIdentityNumber: string;
  from: Date | null;
  to: Date | null;
  generatedAt: Date;
  entries: ExtractEntry[];
}

const ExtractRef = builder.objectRef<Extract>('PatientAccessExtract').implement({
  description:
    'A log extract (loggutdrag) for the patient: which units of your organisation accessed their data, and when.',
  fields: (t) => ({
    personalIdentityNumber: t.exposeString('personalIdentityNumber'),
    from: t.expose('from', { type: 'DateTime', nullable: true }),
    to: t.expose('to', { type: 'DateTime', nullable: true }),
    generatedAt: t.expose('generatedAt', { type: 'DateTime' }),
    entries: t.field({ type: [ExtractEntryRef], resolve: (x) => x.entries }),
  }),
});

builder.queryField('patientAccessExtract', (t) =>
  t.field({
    type: ExtractRef,
    description: `The patient's log extract (loggutdrag) for your organisation, oldest first, at most ${EXTRACT_ROW_LIMIT} entries; only accesses that succeeded. Producing it is logged as Utskrift (PRINT).`,
    authScopes: { authenticated: true },
    args: {
      personalIdentityNumber: t.arg.string(),
      from: t.arg({ type: 'DateTime', required: false }),
      to: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const pin = parsePin(args.personalIdentityNumber, 'personalIdentityNumber');
      checkPeriod(args.from, args.to);
      const entries = await patientExtract(
        ctx.prisma,
        scope,
        pin,
        args.from ?? null,
        args.to ?? null,
      );
      if (entries === null) {
        throw new BadInputError(
          'BAD_USER_INPUT',
          `More than ${EXTRACT_ROW_LIMIT} entries: give a shorter period.`,
          'from',
        );
      }
      // The patient's id: today's row, or the one the log kept for a purged patient.
      const patient = await ctx.prisma.patient.findUnique({
        where: { personalIdentityNumber: pin },
        select: { id: true },
      });
      const patientId = patient?.id ?? entries[0]?.patientId;
      if (patientId) {
        ctx.access.record({
          patientId,
          caseId: null,
          categories: ['AUDIT'],
          activity: 'PRINT',
          personalIdentityNumber: pin,
        });
      }
      return {
        personalIdentityNumber: pin,
        from: args.from ?? null,
        to: args.to ?? null,
        generatedAt: ctx.now(),
        entries,
      };
    },
  }),
);
