import { randomUUID } from 'node:crypto';
import type { InputFieldMap } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { visibleCaseWhere } from '../../authz/case-access.js';
import {
  COMMAND_WRITES,
  type CommandWrites,
  mayWrite,
  type WorkflowCommandName,
} from '../../authz/command-writes.js';
import type { Principal } from '../../authz/principal.js';
import type {
  CaseCommand,
  CommandOptions,
  CommandOutcome,
  UnitCheck,
} from '../../cases/case-service.js';
import { COMMAND_ERROR_CODES, CommandError } from '../../cases/command-error.js';
import { idempotencyClaim } from '../../cases/idempotency.js';
import type { Tx } from '../../db/case-repository.js';
import * as commands from '../../domain/case/commands.js';
import type {
  DISCHARGE_DESTINATIONS,
  MEDICATION_CHANGE_KINDS,
} from '../../domain/case/discharge-information.js';
import type { Actor } from '../../domain/case/model.js';
import { builder, calendarDay } from '../builder.js';
import {
  type CommandAnswerReads,
  caseCommandAnswerReads,
  commandAccessLog,
  queryableOf,
} from '../command-access.js';
import { RESULT_ERROR_MEANINGS } from '../error-codes.js';
import { decodeId, globalIdOf, uuidOrIdOfType } from '../global-id.js';

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

import type { Context } from '../context.js';
import { Case } from './case.js';
import {
  AdlLevel,
  CarePlanKind,
  CarePlanStatus,
  CaseCloseReason,
  CasePartyRole,
  CompulsoryCare,
  DischargeDestination,
  MedicationChangeKind,
} from './enums.js';
import { ErrorInterface } from './result-error.js';

/**
 * One mutation per workflow command of src/domain/case. Each takes a typed input, runs
 * the command through CaseService (one transaction, version-guarded) and returns either
 * the case as it stands afterwards or a CommandError with a stable code.
 */

const ERROR_CODE_DESCRIPTIONS: Partial<Record<(typeof COMMAND_ERROR_CODES)[number], string>> = {
  IDEMPOTENCY_CONFLICT:
    'The idempotency key (or the client-chosen id) was already used by you for a command with another input; nothing was done. Use a new key for a new command.',
};

export const ErrorCode = builder.enumType('ErrorCode', {
  description: 'Stable codes of CommandError; front-ends switch on these, never on messages.',
  values: Object.fromEntries(
    COMMAND_ERROR_CODES.map((code) => [
      code,
      { description: ERROR_CODE_DESCRIPTIONS[code] ?? RESULT_ERROR_MEANINGS[code] },
    ]),
  ) as Record<(typeof COMMAND_ERROR_CODES)[number], { description?: string }>,
});

builder.objectType(CommandError, {
  name: 'CommandError',
  description: 'Why a workflow command was refused. Nothing of a refused command is written.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CommandError,
  fields: (t) => ({
    code: t.field({
      type: ErrorCode,
      description: 'The stable code; switch on it, never on the message.',
      resolve: (e) => e.code,
    }),
  }),
});

/** The acting person and unit, or NO_ACTING_UNIT: every command acts in a unit. */
export function actingIn(ctx: Context): { actor: Actor; principal: Principal } {
  if (!ctx.actor || !ctx.principal) {
    throw new CommandError(
      'NO_ACTING_UNIT',
      'Choose a commission for a unit that takes part in discharge planning first.',
    );
  }
  return { actor: ctx.actor, principal: ctx.principal };
}

const id = (globalId: string | number, typename: string, field: string): string =>
  decodeId(globalId, typename, field, (message) => new CommandError('INVALID_ID', message, field));

/**
 * The id a client chose for what a command creates: the global id of that type, or (the
 * older, deprecated form, still accepted so existing clients keep working) the raw UUID.
 * Lower case, so a retry that spells it otherwise is the same request.
 */
function chosenId(value: string | number | null | undefined, typename: string, field: string) {
  if (value == null) return null;
  const uuid = uuidOrIdOfType(value, typename);
  if (uuid === null) {
    throw new CommandError(
      'INVALID_ID',
      `${field} must be the global id of a new ${typename} (or a UUID).`,
      field,
    );
  }
  return uuid;
}

/**
 * A `Date` argument as the calendar day the domain takes (YYYY-MM-DD); the scalar has
 * refused anything that is not a real day before the command runs.
 */
function optionalDay(day: Date | null | undefined): string | null {
  return day == null ? null : calendarDay(day);
}

function optionalId(globalId: string | number | null | undefined, typename: string, field: string) {
  return globalId == null ? null : id(globalId, typename, field);
}

const caseResult = { types: [CommandError], dataField: { name: 'case' } };

type Writes = CommandWrites;

/** The policy decides writes as it decides reads: by role, category and action. */
function authorizeWrite(ctx: Context, writes: Writes): void {
  const action = writes.activity === 'CREATE' ? 'create' : 'change';
  if (!ctx.principal || !mayWrite(ctx.principal.roles, writes)) {
    throw new CommandError(
      'FORBIDDEN',
      `Your roles may not ${action} ${writes.category} information, which this command writes.`,
    );
  }
}

type CaseRow = Awaited<ReturnType<Context['prisma']['case']['findUniqueOrThrow']>>;

/**
 * Runs a command with its access-log row as the last statement of its transaction and
 * answers the case as the command left it. The row names what the command wrote and what
 * its answer will read (src/graphql/answer-reads.ts), so the answer's reads fold into it.
 * A retry answered by idempotency wrote nothing, so it has no row of its own: its answer
 * is logged as a read.
 *
 * `showsCase` says whether the answer shows the case at all (a transfer can take it from
 * the caller); it is asked in the transaction, so the row and the answer agree.
 */
async function runLogged(
  ctx: Context,
  info: GraphQLResolveInfo,
  writes: Writes,
  run: (options: Pick<CommandOptions, 'writeAccessLog'>) => Promise<CommandOutcome>,
  showsCase?: (tx: Tx, caseId: string) => Promise<boolean>,
) {
  const accessLog = commandAccessLog(ctx, info);
  let written: CaseRow | null = null;
  let shown: boolean | undefined;
  let reads: CommandAnswerReads | undefined;
  const outcome = await run({
    writeAccessLog: async (tx, caseId) => {
      const row = await tx.case.findUniqueOrThrow({ where: { id: caseId } });
      shown = showsCase ? await showsCase(tx, caseId) : true;
      reads = await caseCommandAnswerReads(ctx, info, tx, caseId, shown);
      await accessLog.append(queryableOf(tx), [
        {
          patientId: row.patientId,
          caseId,
          categories: [writes.category, ...reads.categories],
          activity: writes.activity,
        },
      ]);
      written = row;
    },
  });
  accessLog.committed();
  reads?.adopt();
  const row: CaseRow =
    written ?? (await ctx.prisma.case.findUniqueOrThrow({ where: { id: outcome.caseId } }));
  shown ??= showsCase ? await showsCase(ctx.prisma, row.id) : true;
  return { row, shown };
}

/** What transferResponsibility answers: the case, unless the transfer took it from the caller. */
interface TransferAnswer {
  caseId: string;
  /** The case as the command left it, or null when the caller may no longer read it. */
  case: CaseRow | null;
}

const TransferResponsibilitySuccess = builder
  .objectRef<TransferAnswer>('TransferResponsibilitySuccess')
  .implement({
    description:
      'The transfer was made. A unit that hands away its own (last) role in the case is no longer a party, so it may not read the case afterwards: then `case` is null and `caseVisible` false.',
    fields: (t) => ({
      case: t.field({
        type: Case,
        nullable: true,
        description:
          'The case as the transfer left it; null when the caller handed away its own role and no longer takes part in the case (see `caseVisible`).',
        resolve: (answer) => answer.case,
      }),
      caseId: t.id({
        ...globalIdOf('Case'),
        description:
          'The global id of the case the transfer was made in, also when `case` is null (so a client can drop it from its cache and lists).',
        resolve: (answer) => encodeGlobalID('Case', answer.caseId),
      }),
      caseVisible: t.boolean({
        description:
          'Whether the caller may still read the case after the transfer: false when it handed away its own role and is no longer a party.',
        resolve: (answer) => answer.case !== null,
      }),
    }),
  });

/** Whether the caller may still read the case after a transfer (asked in its transaction). */
async function stillVisible(ctx: Context, tx: Tx, caseId: string): Promise<boolean> {
  return (await tx.case.count({ where: { id: caseId, AND: [visibleCaseWhere(ctx)] } })) > 0;
}

/** The caller's answer after a transfer: the row when it may still read the case, else null. */
function transferAnswer({ row, shown }: { row: CaseRow; shown: boolean }): TransferAnswer {
  return { caseId: row.id, case: shown ? row : null };
}

/**
 * The claim of a retried command: the client's key, else the new id it chose (named by
 * its input field, so a conflict names that field), else none.
 */
function claimOf<Input extends { idempotencyKey?: string | null }>(
  actor: Actor,
  operation: string,
  input: Input,
  naturalKey?: NaturalKey | null,
) {
  const { idempotencyKey: _key, ...given } = input;
  // The id as the command uses it, so a retry that spells it in other case is the same input.
  const rest =
    naturalKey?.value == null ? given : { ...given, [naturalKey.field]: naturalKey.value };
  if (input.idempotencyKey != null) {
    return idempotencyClaim(actor, operation, input.idempotencyKey, rest);
  }
  if (naturalKey?.value == null) return null;
  return idempotencyClaim(actor, operation, naturalKey.value, rest, naturalKey.field);
}

/** A client-chosen id of what a command creates, as a key; UUIDs compare in lower case. */
interface NaturalKey {
  field: string;
  value: string | null | undefined;
}
const naturalId = (field: string, value: string | number | null | undefined): NaturalKey => ({
  field,
  value: value == null ? null : String(value).toLowerCase(),
});

const IDEMPOTENCY_KEY_DESCRIPTION =
  'A key the client chose for this command (1–200 characters). A retry with the same key and input answers the first result without acting again; the same key with another input fails with IDEMPOTENCY_CONFLICT.';

/** Declares a mutation that runs one command on an existing case. */
function caseCommandMutation<Fields extends object, I>(
  name: Exclude<WorkflowCommandName, 'sendAdmissionNotice'>,
  options: {
    description: string;
    fields: (t: PothosSchemaTypes.InputFieldBuilder<BuilderTypes, 'InputObject'>) => InputFieldMap;
    command: CaseCommand<I>;
    toInput: (input: Fields, ctx: Context) => I;
    checkUnits?: (input: Fields, ctx: Context) => UnitCheck;
    /** The id the client chose for what the command creates, a key when none is given. */
    naturalKey?: (input: Fields) => NaturalKey;
    /**
     * The success answer, when it is not the case itself: its type and how the row the
     * command left becomes it (transferResponsibility, whose caller may lose the case).
     */
    answer?: {
      type: typeof TransferResponsibilitySuccess;
      /** Whether the answer shows the case to the caller, after the command. */
      showsCase: (ctx: Context, tx: Tx, caseId: string) => Promise<boolean>;
      of: (done: { row: CaseRow; shown: boolean }) => TransferAnswer;
    };
  },
) {
  // What the command writes, for the policy and the access log (src/authz/command-writes.ts).
  const writes = COMMAND_WRITES[name];
  const inputName = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const Input = builder.inputType(inputName, {
    description: `The input of ${name}: the case, optional concurrency and idempotency guards, and the command's own fields.`,
    fields: (t) => ({
      caseId: t.id({ required: true, description: 'The case the command acts on.' }),
      expectedVersion: t.int({
        required: false,
        description:
          'The case version the user acted on; a newer one makes the command fail with CONCURRENT_MODIFICATION.',
      }),
      idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
      ...options.fields(t),
    }),
  });
  const run = async (input: unknown, ctx: Context, info: GraphQLResolveInfo) => {
    const { actor } = actingIn(ctx);
    const raw = input as unknown as Fields & {
      caseId: string;
      expectedVersion?: number | null;
      idempotencyKey?: string | null;
    };
    authorizeWrite(ctx, writes);
    const caseId = id(raw.caseId, 'Case', 'caseId');
    const idempotency = claimOf(actor, name, raw, options.naturalKey?.(raw));
    const showsCase = options.answer?.showsCase;
    return runLogged(
      ctx,
      info,
      writes,
      (logging) =>
        ctx.services.cases.execute(
          caseId,
          actor,
          raw.expectedVersion,
          options.command,
          options.toInput(raw, ctx),
          { checkUnits: options.checkUnits?.(raw, ctx), idempotency, ...logging },
        ),
      showsCase && ((tx, id) => showsCase(ctx, tx, id)),
    );
  };
  const answer = options.answer;
  builder.mutationField(name, (t) =>
    answer
      ? t.field({
          type: answer.type,
          description: options.description,
          authScopes: { authenticated: true },
          errors: {
            types: [CommandError],
            directResult: true,
            union: { description: `What ${name} answered, or why it was refused.` },
          },
          args: {
            input: t.arg({ type: Input, required: true, description: `What ${name} needs.` }),
          },
          resolve: async (_root, { input }, ctx, info) => answer.of(await run(input, ctx, info)),
        })
      : t.field({
          type: Case,
          description: options.description,
          authScopes: { authenticated: true },
          errors: {
            ...caseResult,
            result: { description: `${name} was done: the case as it stands afterwards.` },
            union: { description: `The case after ${name}, or why it was refused.` },
            dataField: { name: 'case', description: 'The case as the command left it.' },
          },
          args: {
            input: t.arg({ type: Input, required: true, description: `What ${name} needs.` }),
          },
          resolve: async (_root, { input }, ctx, info) => (await run(input, ctx, info)).row,
        }),
  );
}

const OPENS_CASE: Writes = COMMAND_WRITES.sendAdmissionNotice;

// ---- inskrivningsmeddelande: opens the case ---------------------------------------------

const MunicipalityPartyInput = builder.inputType('MunicipalityPartyInput', {
  description: 'A municipal unit the admission notice goes to, and the part it plays.',
  fields: (t) => ({
    unitId: t.id({ required: true, description: 'The municipal unit (`Unit.id`).' }),
    role: t.field({
      type: builder.enumType('MunicipalityPartyRole', {
        description: 'The part a municipal unit plays in a case.',
        values: {
          MUNICIPAL_SOCIAL_SERVICES: {
            description: 'Social services (socialtjänst), e.g. home help.',
          },
          MUNICIPAL_HEALTH_CARE: {
            description: 'Municipal health care (kommunal hälso- och sjukvård), e.g. home nursing.',
          },
        } as const,
      }),
      required: true,
      description: 'Social services or municipal health care.',
    }),
  }),
});

const SendAdmissionNoticeInput = builder.inputType('SendAdmissionNoticeInput', {
  description: 'The admission notice (inskrivningsmeddelande) that opens a case.',
  fields: (t) => ({
    caseId: t.id({
      required: false,
      description:
        'The global id of the new case, chosen by the client (a UUID as a `Case` global id) so a retried request cannot open a second case: a retry with the same input answers the first result; another input, IDEMPOTENCY_CONFLICT. The raw UUID is still accepted (deprecated).',
    }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
    personalIdentityNumber: t.string({
      required: true,
      description:
        'The patient’s personnummer or samordningsnummer (12 digits, check digit verified); the population register must know the person.',
    }),
    admittedAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When the patient was admitted to the ward; not in the future.',
    }),
    psychiatric: t.boolean({
      required: false,
      description: 'Defaults to whether the acting ward is psychiatric.',
    }),
    compulsoryCare: t.field({
      type: CompulsoryCare,
      required: false,
      defaultValue: 'NONE',
      description: 'Whether the patient is bound for compulsory outpatient care (LPT/LRV).',
    }),
    municipalityParties: t.field({
      type: [MunicipalityPartyInput],
      required: true,
      description: 'The municipal units notified, each with its role.',
    }),
    primaryCareUnitId: t.id({
      required: false,
      description: 'Omit to use the unit where the patient is listed; null for none.',
    }),
    expectedNeeds: t.string({
      required: false,
      description: 'The support the ward expects the patient to need after discharge, in words.',
    }),
  }),
});

builder.mutationField('sendAdmissionNotice', (t) =>
  t.field({
    type: Case,
    description:
      'Inskrivningsmeddelande: the ward tells the municipality and primary care that the patient was admitted and will likely need support (within 24 h of admission). Opens the case.',
    authScopes: { authenticated: true },
    errors: {
      ...caseResult,
      result: { description: 'sendAdmissionNotice was done: the case it opened.' },
      union: { description: 'The case opened, or why it was refused.' },
      dataField: { name: 'case', description: 'The new case as the notice opened it.' },
    },
    args: {
      input: t.arg({
        type: SendAdmissionNoticeInput,
        required: true,
        description: 'The patient, the admission and the receivers.',
      }),
    },
    resolve: async (_root, { input }, ctx, info) => {
      const { actor } = actingIn(ctx);
      authorizeWrite(ctx, OPENS_CASE);
      const newCaseId = chosenId(input.caseId, 'Case', 'caseId');
      const idempotency = claimOf(
        actor,
        'sendAdmissionNotice',
        { ...input, caseId: newCaseId },
        naturalId('caseId', newCaseId),
      );
      const request = {
        caseId: newCaseId ?? randomUUID(),
        personalIdentityNumber: input.personalIdentityNumber,
        admittedAt: input.admittedAt,
        psychiatric: input.psychiatric,
        compulsoryCare: input.compulsoryCare ?? 'NONE',
        municipalityParties: input.municipalityParties.map((p, i) => ({
          unitId: id(p.unitId, 'Unit', `municipalityParties.${i}.unitId`),
          role: p.role,
        })),
        primaryCareUnitId:
          input.primaryCareUnitId === undefined
            ? undefined
            : optionalId(input.primaryCareUnitId, 'Unit', 'primaryCareUnitId'),
        expectedNeeds: input.expectedNeeds,
      };
      const { row } = await runLogged(ctx, info, OPENS_CASE, (logging) =>
        ctx.services.cases.openCase(actor, request, { idempotency, ...logging }),
      );
      return row;
    },
  }),
);

// ---- the commands on an open case ----------------------------------------------------------

caseCommandMutation<{ eventId: string }, commands.AcknowledgeInput>('acknowledge', {
  description: 'Kvittens: the acting unit confirms it received a message of the case.',
  fields: (t) => ({
    eventId: t.id({
      required: true,
      description: 'The message acknowledged (`CaseEvent.id`), one sent to your unit.',
    }),
  }),
  command: commands.acknowledge,
  toInput: (input) => ({ eventId: id(input.eventId, 'CaseEvent', 'eventId') }),
});

const KatzAdlInput = builder.inputType('KatzAdlInput', {
  description: 'Katz ADL index.',
  fields: (t) => ({
    bathing: t.field({ type: AdlLevel, required: true, description: 'Bathing (bad).' }),
    dressing: t.field({
      type: AdlLevel,
      required: true,
      description: 'Dressing (på- och avklädning).',
    }),
    toileting: t.field({
      type: AdlLevel,
      required: true,
      description: 'Going to the toilet (toalettbesök).',
    }),
    transferring: t.field({
      type: AdlLevel,
      required: true,
      description: 'Moving in and out of bed or chair (förflyttning).',
    }),
    continence: t.field({ type: AdlLevel, required: true, description: 'Continence (kontinens).' }),
    feeding: t.field({ type: AdlLevel, required: true, description: 'Eating (födointag).' }),
  }),
});

/** The planning basis as the mutation takes it: the estimated day a `Date`. */
type PlanningBasisMutationFields = Omit<commands.SendPlanningBasisInput, 'estimatedReadyOn'> & {
  estimatedReadyOn?: Date | null;
};

caseCommandMutation<PlanningBasisMutationFields, commands.SendPlanningBasisInput>(
  'sendPlanningBasis',
  {
    description: 'Planeringsunderlag: the ward’s basis for the receivers’ planning.',
    fields: (t) => ({
      diagnosisSummary: t.string({
        required: true,
        description: 'The diagnoses and course of care, in words for the receivers (MEDICAL).',
      }),
      functionalStatus: t.string({
        required: true,
        description: 'What the patient manages and not, in words.',
      }),
      adl: t.field({ type: KatzAdlInput, required: true, description: 'The ADL assessment.' }),
      livingSituation: t.string({
        required: false,
        description: 'How and with whom the patient lives (e.g. alone, stairs, home help already).',
      }),
      expectedNeeds: t.string({
        required: true,
        description: 'The support the ward expects the patient to need after discharge.',
      }),
      assistiveAids: t.stringList({
        required: false,
        description: 'Aids the patient uses or will need (e.g. rollator).',
      }),
      estimatedReadyOn: t.field({
        type: 'Date',
        required: false,
        description: 'The day the ward expects the patient to be ready for discharge (YYYY-MM-DD).',
      }),
    }),
    command: commands.sendPlanningBasis,
    toInput: (input) => ({
      diagnosisSummary: input.diagnosisSummary,
      functionalStatus: input.functionalStatus,
      adl: input.adl,
      livingSituation: input.livingSituation ?? null,
      expectedNeeds: input.expectedNeeds,
      assistiveAids: input.assistiveAids ?? [],
      estimatedReadyOn: optionalDay(input.estimatedReadyOn),
    }),
  },
);

caseCommandMutation<
  { name: string; hsaId?: string | null; unitId: string },
  commands.AppointFixedCareContactInput
>('appointFixedCareContact', {
  description: 'Fast vårdkontakt: primary care names the patient’s fixed care contact.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The fixed care contact’s name.' }),
    hsaId: t.string({ required: false, description: 'The person’s employee HSA-ID.' }),
    unitId: t.id({ required: true, description: 'The unit the contact works at (`Unit.id`).' }),
  }),
  command: commands.appointFixedCareContact,
  toInput: (input) => ({
    name: input.name,
    hsaId: input.hsaId ?? null,
    unitId: id(input.unitId, 'Unit', 'unitId'),
  }),
});

caseCommandMutation<{ readyAt: Date }, commands.NotifyReadyForDischargeInput>(
  'notifyReadyForDischarge',
  {
    description: 'Utskrivningsklar: the physician judged the patient ready for discharge.',
    fields: (t) => ({
      readyAt: t.field({
        type: 'DateTime',
        required: true,
        description:
          'When the physician judged the patient ready; not in the future. It starts the payment-responsibility count (day 0).',
      }),
    }),
    command: commands.notifyReadyForDischarge,
    toInput: (input) => ({ readyAt: input.readyAt }),
  },
);

caseCommandMutation<{ reason: string }, commands.WithdrawReadyForDischargeInput>(
  'withdrawReadyForDischarge',
  {
    description: 'Avbrott i utskrivningsklar: the patient is no longer ready.',
    fields: (t) => ({
      reason: t.string({
        required: true,
        description: 'Why the patient is no longer ready (e.g. a new infection).',
      }),
    }),
    command: commands.withdrawReadyForDischarge,
    toInput: (input) => ({ reason: input.reason }),
  },
);

caseCommandMutation<
  { meetingAt: Date; participantUnitIds: string[]; message: string },
  commands.CallToSipInput
>('callToSip', {
  description:
    'Kallelse till SIP: the fixed care contact calls the parties to coordinated planning.',
  fields: (t) => ({
    meetingAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When the SIP meeting is.',
    }),
    participantUnitIds: t.idList({
      required: true,
      description: 'The units called to the meeting (`Unit.id`).',
    }),
    message: t.string({
      required: true,
      description: 'The call itself: place, how to take part, what to prepare.',
    }),
  }),
  command: commands.callToSip,
  toInput: (input) => ({
    meetingAt: input.meetingAt,
    participantUnitIds: input.participantUnitIds.map((u, i) =>
      id(u, 'Unit', `participantUnitIds.${i}`),
    ),
    message: input.message,
  }),
});

const CarePlanItemInput = builder.inputType('CarePlanItemInput', {
  description: 'One action of a care plan and the unit responsible for it.',
  fields: (t) => ({
    responsibleUnitId: t.id({
      required: true,
      description: 'The unit responsible (`Unit.id`), a party of the case.',
    }),
    action: t.string({ required: true, description: 'What is to be done, in words.' }),
    dueOn: t.field({
      type: 'Date',
      required: false,
      description: 'By when the action is to be done (YYYY-MM-DD); absent: no date.',
    }),
  }),
});
const CarePlanParticipantInput = builder.inputType('CarePlanParticipantInput', {
  description: 'Someone who took part in drawing up the plan.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Their name.' }),
    role: t.string({
      required: true,
      description: 'Their part in words, e.g. "patient", "next of kin", "biståndshandläggare".',
    }),
    unitId: t.id({
      required: false,
      description: 'The unit they represent (`Unit.id`); absent for the patient and next of kin.',
    }),
  }),
});

interface CarePlanContentFields {
  summary: string;
  items: { responsibleUnitId: string; action: string; dueOn?: Date | null }[];
  participants: { name: string; role: string; unitId?: string | null }[];
  followUpOn?: Date | null;
  status: commands.CreateCarePlanInput['status'];
}

function carePlanContent(input: CarePlanContentFields) {
  return {
    summary: input.summary,
    items: input.items.map((item, i) => ({
      responsibleUnitId: id(item.responsibleUnitId, 'Unit', `items.${i}.responsibleUnitId`),
      action: item.action,
      dueOn: optionalDay(item.dueOn),
    })),
    participants: input.participants.map((p, i) => ({
      name: p.name,
      role: p.role,
      unitId: optionalId(p.unitId, 'Unit', `participants.${i}.unitId`),
    })),
    followUpOn: optionalDay(input.followUpOn),
    status: input.status,
  };
}

caseCommandMutation<
  CarePlanContentFields & {
    carePlanId?: string | null;
    kind: commands.CreateCarePlanInput['kind'];
  },
  commands.CreateCarePlanInput
>('createCarePlan', {
  description: 'Upprätta vårdplan / SIP: the first version of a care plan.',
  fields: (t) => ({
    carePlanId: t.id({
      required: false,
      description:
        'The global id of the new care plan, chosen by the client (a UUID as a `CarePlan` global id) for idempotent retries. The raw UUID is still accepted (deprecated).',
    }),
    kind: t.field({ type: CarePlanKind, required: true, description: 'Which kind of plan.' }),
    summary: t.string({ required: true, description: 'The plan’s summary, in words.' }),
    items: t.field({
      type: [CarePlanItemInput],
      required: true,
      description: 'The actions agreed, each with its responsible unit.',
    }),
    participants: t.field({
      type: [CarePlanParticipantInput],
      required: true,
      description: 'Who took part in drawing it up.',
    }),
    followUpOn: t.field({
      type: 'Date',
      required: false,
      description: 'When the parties meet to follow the plan up (YYYY-MM-DD); absent: not set.',
    }),
    status: t.field({
      type: CarePlanStatus,
      required: true,
      description: 'The first version’s status: DRAFT, or AGREED when agreed at once.',
    }),
  }),
  naturalKey: (input) =>
    naturalId('carePlanId', chosenId(input.carePlanId, 'CarePlan', 'carePlanId')),
  command: commands.createCarePlan,
  toInput: (input) => ({
    carePlanId: chosenId(input.carePlanId, 'CarePlan', 'carePlanId') ?? randomUUID(),
    kind: input.kind,
    ...carePlanContent(input),
  }),
});

caseCommandMutation<
  CarePlanContentFields & { carePlanId: string; expectedPlanVersion: number },
  commands.ReviseCarePlanInput
>('reviseCarePlan', {
  description: 'Revidera vårdplan / SIP: adds a version; earlier versions stay as they were.',
  fields: (t) => ({
    carePlanId: t.id({ required: true, description: 'The care plan to revise (`CarePlan.id`).' }),
    expectedPlanVersion: t.int({
      required: true,
      description: 'The plan version the author edited.',
    }),
    summary: t.string({
      required: true,
      description: 'The new version’s summary (the whole of it).',
    }),
    items: t.field({
      type: [CarePlanItemInput],
      required: true,
      description: 'The new version’s actions (all of them, not a change list).',
    }),
    participants: t.field({
      type: [CarePlanParticipantInput],
      required: true,
      description: 'Who took part in this revision.',
    }),
    followUpOn: t.field({
      type: 'Date',
      required: false,
      description: 'When the parties meet to follow the plan up (YYYY-MM-DD); absent: not set.',
    }),
    status: t.field({
      type: CarePlanStatus,
      required: true,
      description:
        'The new status; it may only move forward (DRAFT → AGREED → FOLLOWED_UP → CLOSED).',
    }),
  }),
  command: commands.reviseCarePlan,
  toInput: (input) => ({
    carePlanId: id(input.carePlanId, 'CarePlan', 'carePlanId'),
    expectedVersion: input.expectedPlanVersion,
    ...carePlanContent(input),
  }),
});

caseCommandMutation<
  { carePlanId: string; version: number },
  commands.PublishCarePlanToPatientInput
>('publishCarePlanToPatient', {
  description:
    'Publicering på 1177: the parties mark an agreed version of a care plan (AGREED, FOLLOWED_UP or CLOSED) as the patient’s to read on 1177, through the national GetCarePlans contract. It replaces the version published before; later versions are not published until this is run for them.',
  fields: (t) => ({
    carePlanId: t.id({ required: true, description: 'The care plan (a CarePlan id).' }),
    version: t.int({ required: true, description: 'The version to publish.' }),
  }),
  command: commands.publishCarePlanToPatient,
  toInput: (input) => ({
    carePlanId: id(input.carePlanId, 'CarePlan', 'carePlanId'),
    version: input.version,
  }),
});

caseCommandMutation<
  { carePlanId: string; reason: string },
  commands.WithdrawCarePlanFromPatientInput
>('withdrawCarePlanFromPatient', {
  description:
    'Stops publishing a care plan on 1177: the national platform’s next request gets nothing of it. The earlier publication stays in the event list.',
  fields: (t) => ({
    carePlanId: t.id({ required: true, description: 'The care plan (a CarePlan id).' }),
    reason: t.string({
      required: true,
      description: 'Why the plan is withdrawn from the patient.',
    }),
  }),
  command: commands.withdrawCarePlanFromPatient,
  toInput: (input) => ({
    carePlanId: id(input.carePlanId, 'CarePlan', 'carePlanId'),
    reason: input.reason,
  }),
});

caseCommandMutation<{ plannedAt: Date }, commands.AnnounceDischargeInput>('announceDischarge', {
  description: 'Utskrivningsmeddelande: the ward announces the planned discharge time.',
  fields: (t) => ({
    plannedAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When the patient is planned to leave the ward.',
    }),
  }),
  command: commands.announceDischarge,
  toInput: (input) => ({ plannedAt: input.plannedAt }),
});

const MedicationChangeInput = builder.inputType('MedicationChangeInput', {
  description: 'A medication started, changed or stopped during the stay.',
  fields: (t) => ({
    medication: t.string({
      required: true,
      description: 'The medication, e.g. "Metoprolol 50 mg".',
    }),
    change: t.field({
      type: MedicationChangeKind,
      required: true,
      description: 'What happened to it.',
    }),
    details: t.string({ required: false, description: 'Dose, reason or instructions, in words.' }),
  }),
});
const FollowUpContactInput = builder.inputType('FollowUpContactInput', {
  description: 'Whom the patient turns to, or who will contact them, after discharge.',
  fields: (t) => ({
    unitName: t.string({ required: true, description: 'The unit, as the patient knows it.' }),
    contactName: t.string({ required: false, description: 'A named person there.' }),
    phone: t.string({
      required: false,
      description: 'A phone number, as written for the patient.',
    }),
    when: t.string({ required: false, description: 'When, in words (e.g. "within a week").' }),
  }),
});
const DischargeInformationInput = builder.inputType('DischargeInformationInput', {
  description: 'Information vid utskrivning (trygghetskvitto) that the patient takes home.',
  fields: (t) => ({
    destination: t.field({
      type: DischargeDestination,
      required: true,
      description: 'Where the patient goes.',
    }),
    destinationDetail: t.string({
      required: false,
      description: 'Where exactly; needed when destination is OTHER.',
    }),
    medicationChanges: t.field({
      type: [MedicationChangeInput],
      required: true,
      description: 'Medications started, changed or stopped; empty for none.',
    }),
    followUpContacts: t.field({
      type: [FollowUpContactInput],
      required: true,
      description: 'Whom the patient turns to after discharge.',
    }),
    homeCareStartsOn: t.field({
      type: 'Date',
      required: false,
      description: 'The day home care starts (YYYY-MM-DD); absent: none arranged.',
    }),
    assistiveAids: t.stringList({ required: false, description: 'Aids the patient takes home.' }),
    warningSigns: t.string({
      required: true,
      description: 'Signs that should make the patient seek care, in words for the patient.',
    }),
    summary: t.string({
      required: true,
      description: 'The stay and what happens next, for the patient.',
    }),
  }),
});

interface DischargeInformationFields {
  destination: (typeof DISCHARGE_DESTINATIONS)[number];
  destinationDetail?: string | null;
  medicationChanges: {
    medication: string;
    change: (typeof MEDICATION_CHANGE_KINDS)[number];
    details?: string | null;
  }[];
  followUpContacts: {
    unitName: string;
    contactName?: string | null;
    phone?: string | null;
    when?: string | null;
  }[];
  homeCareStartsOn?: Date | null;
  assistiveAids?: string[] | null;
  warningSigns: string;
  summary: string;
}

caseCommandMutation<
  { dischargedAt: Date; information: DischargeInformationFields },
  commands.DischargeInput
>('discharge', {
  description: 'Utskrivning: the patient leaves the ward, with the information at discharge.',
  fields: (t) => ({
    dischargedAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When the patient left the ward; not in the future.',
    }),
    information: t.field({
      type: DischargeInformationInput,
      required: true,
      description: 'The information at discharge the patient takes home.',
    }),
  }),
  command: commands.discharge,
  toInput: ({ dischargedAt, information: i }) => ({
    dischargedAt,
    information: {
      destination: i.destination,
      destinationDetail: i.destinationDetail ?? null,
      medicationChanges: i.medicationChanges.map((m) => ({ ...m, details: m.details ?? null })),
      followUpContacts: i.followUpContacts.map((c) => ({
        unitName: c.unitName,
        contactName: c.contactName ?? null,
        phone: c.phone ?? null,
        when: c.when ?? null,
      })),
      homeCareStartsOn: optionalDay(i.homeCareStartsOn),
      assistiveAids: i.assistiveAids ?? [],
      warningSigns: i.warningSigns,
      summary: i.summary,
    },
  }),
});

caseCommandMutation<{ eventId: string; reason: string }, commands.AnnulMessageInput>(
  'annulMessage',
  {
    description:
      'Makulering: the author’s unit voids a message sent in error. The message stays in the list.',
    fields: (t) => ({
      eventId: t.id({
        required: true,
        description: 'The message to void (`CaseEvent.id`), sent by your unit.',
      }),
      reason: t.string({ required: true, description: 'Why it is voided.' }),
    }),
    command: commands.annulMessage,
    toInput: (input) => ({
      eventId: id(input.eventId, 'CaseEvent', 'eventId'),
      reason: input.reason,
    }),
  },
);

caseCommandMutation<
  { fromUnitId: string; toUnitId: string; role: commands.TransferResponsibilityInput['role'] },
  commands.TransferResponsibilityInput
>('transferResponsibility', {
  description: 'Ansvarsöverflyttning: another unit takes over a role in the case.',
  fields: (t) => ({
    fromUnitId: t.id({
      required: true,
      description: 'The unit that holds the role now (`Unit.id`).',
    }),
    toUnitId: t.id({
      required: true,
      description: 'The unit that takes it over (`Unit.id`), of the kind the role needs.',
    }),
    role: t.field({ type: CasePartyRole, required: true, description: 'The role handed over.' }),
  }),
  command: commands.transferResponsibility,
  toInput: (input) => ({
    fromUnitId: id(input.fromUnitId, 'Unit', 'fromUnitId'),
    toUnitId: id(input.toUnitId, 'Unit', 'toUnitId'),
    role: input.role,
  }),
  checkUnits: (input, ctx) => async () => {
    await ctx.services.cases.requireUnit(
      id(input.toUnitId, 'Unit', 'toUnitId'),
      input.role,
      'toUnitId',
    );
  },
  answer: { type: TransferResponsibilitySuccess, showsCase: stillVisible, of: transferAnswer },
});

caseCommandMutation<
  { noteId?: string | null; text: string; lockedToOrganization?: boolean | null },
  commands.AddNoteInput
>('addNote', {
  description:
    'Chat / tilläggsanteckning. A locked note is readable only within the author’s organisation.',
  fields: (t) => ({
    noteId: t.id({
      required: false,
      description:
        'The global id of the new note, chosen by the client (a UUID as a `Note` global id) for idempotent retries. The raw UUID is still accepted (deprecated).',
    }),
    text: t.string({ required: true, description: 'The note (at most 10 000 characters).' }),
    lockedToOrganization: t.boolean({
      required: false,
      defaultValue: false,
      description: 'true: only your own organisation may read it (låst anteckning).',
    }),
  }),
  naturalKey: (input) => naturalId('noteId', chosenId(input.noteId, 'Note', 'noteId')),
  command: commands.addNote,
  toInput: (input) => ({
    noteId: chosenId(input.noteId, 'Note', 'noteId') ?? randomUUID(),
    text: input.text,
    lockedToOrganization: input.lockedToOrganization ?? false,
  }),
});

const RecordableConsent = builder.enumType('RecordableConsent', {
  description: 'The patient’s answer on consent (samtycke), as it can be recorded.',
  values: {
    GIVEN: { description: 'The patient agreed to sharing between region and municipality.' },
    DECLINED: { description: 'The patient said no.' },
    CANNOT_BE_OBTAINED: { description: 'The patient cannot express a view.' },
  } as const,
});

caseCommandMutation<
  {
    consent: commands.RecordConsentInput['consent'];
    note?: string | null;
    supportDeclined?: boolean | null;
  },
  commands.RecordConsentInput
>('recordConsent', {
  description:
    'Samtycke: the patient’s consent to sharing information between region and municipality.',
  fields: (t) => ({
    consent: t.field({
      type: RecordableConsent,
      required: true,
      description: 'The patient’s answer.',
    }),
    note: t.string({ required: false, description: 'How and when it was asked, in words.' }),
    supportDeclined: t.boolean({
      required: false,
      description:
        'The patient declined (true) or again accepts (false) the support offered after discharge.',
    }),
  }),
  command: commands.recordConsent,
  toInput: (input) => ({
    consent: input.consent,
    note: input.note ?? null,
    supportDeclined: input.supportDeclined ?? null,
  }),
});

caseCommandMutation<{ reason: commands.CloseCaseInput['reason'] }, commands.CloseCaseInput>(
  'closeCase',
  {
    description: 'Avsluta ärendet.',
    fields: (t) => ({
      reason: t.field({
        type: CaseCloseReason,
        required: true,
        description: 'Why the case is closed.',
      }),
    }),
    command: commands.closeCase,
    toInput: (input) => ({ reason: input.reason }),
  },
);
