import { INERA_ACTIVITY_NAMES } from '../../../audit/activity.js';
import { EXTRACT_ROW_LIMIT, type ExtractEntry, patientExtract } from '../../../audit/review.js';
import { requireSecurityOfficer } from '../../../audit/review-access.js';
import { builder } from '../../builder.js';
import { BadInputError } from '../../errors.js';
import { AccessActivityEnum, checkPeriod, parsePin } from './shared.js';

const ExtractEntryRef = builder.objectRef<ExtractEntry>('PatientAccessExtractEntry').implement({
  description:
    'One access to the patient’s data, as the patient may see it: when, what and by which unit (no user names).',
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime', description: 'When the access happened.' }),
    activity: t.field({
      type: AccessActivityEnum,
      description: 'What was done with the data.',
      resolve: (e) => e.activity,
    }),
    activityName: t.string({
      description: 'The Inera name of the activity: Läsa, Skriva, Utskrift, Radera, Nödöppning.',
      resolve: (e) => INERA_ACTIVITY_NAMES[e.activity],
    }),
    unitHsaId: t.exposeString('unitHsaId', {
      description: 'The HSA-ID of the unit that accessed.',
    }),
    unitName: t.string({
      description: 'The unit’s present name; its HSA-ID when the unit is gone.',
      resolve: (e) => e.unitName ?? e.unitHsaId,
    }),
    providerHsaId: t.exposeString('providerHsaId', {
      description: 'The HSA-ID of the unit’s care provider (vårdgivare).',
    }),
    providerName: t.string({
      description: 'The care provider’s present name; its HSA-ID when it is gone.',
      resolve: (e) => e.providerName ?? e.providerHsaId,
    }),
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
    personalIdentityNumber: t.exposeString('personalIdentityNumber', {
      description: 'The patient’s personnummer (or samordningsnummer), 12 digits.',
    }),
    from: t.expose('from', {
      type: 'DateTime',
      nullable: true,
      description: 'The start of the period asked for; null: from the oldest log row kept.',
    }),
    to: t.expose('to', {
      type: 'DateTime',
      nullable: true,
      description: 'The end of the period asked for (exclusive); null: up to now.',
    }),
    generatedAt: t.expose('generatedAt', {
      type: 'DateTime',
      description: 'When the extract was produced.',
    }),
    entries: t.field({
      type: [ExtractEntryRef],
      description: 'The accesses, oldest first.',
      resolve: (x) => x.entries,
    }),
  }),
});

builder.queryField('patientAccessExtract', (t) =>
  t.field({
    type: ExtractRef,
    description: `The patient's log extract (loggutdrag) for your organisation, oldest first, at most ${EXTRACT_ROW_LIMIT} entries; only accesses that succeeded. Producing it is logged as Utskrift (PRINT).`,
    authScopes: { authenticated: true },
    args: {
      personalIdentityNumber: t.arg.string({
        description: 'The patient’s personnummer or samordningsnummer (check digit verified).',
      }),
      from: t.arg({
        type: 'DateTime',
        required: false,
        description: 'Accesses at or after this time; absent: from the oldest kept.',
      }),
      to: t.arg({
        type: 'DateTime',
        required: false,
        description: 'Accesses before this time; absent: up to now.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const scope = requireSecurityOfficer(ctx);
      const pin = parsePin(args.personalIdentityNumber, 'personalIdentityNumber');
      checkPeriod(args.from, args.to);
      const entries = await patientExtract(
        ctx.reads,
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
