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
import * as commands from '../../domain/case/commands.js';
import type {
  DISCHARGE_DESTINATIONS,
  MEDICATION_CHANGE_KINDS,
} from '../../domain/case/discharge-information.js';
import type { Actor } from '../../domain/case/model.js';
import { builder } from '../builder.js';
import { commandAccessLog, queryableOf } from '../command-access.js';
import { idOfType, uuidOrIdOfType } from '../global-id.js';

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
    COMMAND_ERROR_CODES.map((code) => [code, { description: ERROR_CODE_DESCRIPTIONS[code] }]),
  ) as Record<(typeof COMMAND_ERROR_CODES)[number], { description?: string }>,
});

const ErrorInterface = builder.interfaceRef<Error & { code: string }>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message', {
      description: 'What went wrong, in English, for people; never match on it (use the code).',
    }),
  }),
});

const CommandErrorParam = builder
  .objectRef<{ name: string; value: string }>('CommandErrorParam')
  .implement({
    description:
      'A value the error message names (a limit, a status, an id), so a client can word the message itself.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'What the value is, e.g. `max` or `status`.' }),
      value: t.exposeString('value', { description: 'The value, written as text.' }),
    }),
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
    field: t.string({
      nullable: true,
      description:
        'The input field at fault, as a dotted path from the input (e.g. `items.0.action`); set whenever one field is at fault, null when none is (who acts, the state of the case).',
      resolve: (e) => e.field,
    }),
    params: t.field({
      type: [CommandErrorParam],
      description: 'The values the message names, by name; empty when it names none.',
      resolve: (e) =>
        Object.entries(e.params).map(([name, value]) => ({ name, value: String(value) })),
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

function id(globalId: string | number, typename: string, field: string): string {
  const decoded = idOfType(globalId, typename);
  if (decoded === null)
    throw new CommandError('INVALID_ID', `${field} is not the id of a ${typename}.`, field);
  return decoded;
}

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

/**
 * Runs a command with its access-log row as the last statement of its transaction and
 * answers the case as the command left it. A retry answered by idempotency wrote
 * nothing, so it has no row of its own: its answer is logged as a read.
 */
async function runLogged(
  ctx: Context,
  info: GraphQLResolveInfo,
  writes: Writes,
  run: (options: Pick<CommandOptions, 'writeAccessLog'>) => Promise<CommandOutcome>,
) {
  const accessLog = commandAccessLog(ctx, info);
  let written: Awaited<ReturnType<Context['prisma']['case']['findUniqueOrThrow']>> | null = null;
  const outcome = await run({
    writeAccessLog: async (tx, caseId) => {
      const row = await tx.case.findUniqueOrThrow({ where: { id: caseId } });
      await accessLog.append(queryableOf(tx), [
        {
          patientId: row.patientId,
          caseId,
          categories: [writes.category],
          activity: writes.activity,
        },
      ]);
      written = row;
    },
  });
  accessLog.committed();
  return written ?? ctx.prisma.case.findUniqueOrThrow({ where: { id: outcome.caseId } });
}

type CaseRow = Awaited<ReturnType<typeof runLogged>>;

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

/** The caller's answer after a transfer: the row when it may still read the case, else null. */
async function transferAnswer(row: CaseRow, ctx: Context): Promise<TransferAnswer> {
  const visible = await ctx.prisma.case.count({
    where: { id: row.id, AND: [visibleCaseWhere(ctx)] },
  });
  return { caseId: row.id, case: visible > 0 ? row : null };
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
      of: (row: CaseRow, ctx: Context) => Promise<TransferAnswer>;
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
    return runLogged(ctx, info, writes, (logging) =>
      ctx.services.cases.execute(
        caseId,
        actor,
        raw.expectedVersion,
        options.command,
        options.toInput(raw, ctx),
        { checkUnits: options.checkUnits?.(raw, ctx), idempotency, ...logging },
      ),
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
          resolve: async (_root, { input }, ctx, info) =>
            answer.of(await run(input, ctx, info), ctx),
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
          resolve: (_root, { input }, ctx, info) => run(input, ctx, info),
        }),
  );
}

const OPENS_CASE: Writes = COMMAND_WRITES.sendAdmissionNotice;

// ---- inskrivningsmeddelande: opens the case ---------------------------------------------

const MunicipalityPartyInput = builder.inputType('MunicipalityPartyInput', {
  fields: (t) => ({
    unitId: t.id({ required: true }),
    role: t.field({
      type: builder.enumType('MunicipalityPartyRole', {
        values: ['MUNICIPAL_SOCIAL_SERVICES', 'MUNICIPAL_HEALTH_CARE'] as const,
      }),
      required: true,
    }),
  }),
});

const SendAdmissionNoticeInput = builder.inputType('SendAdmissionNoticeInput', {
  fields: (t) => ({
    caseId: t.id({
      required: false,
      description:
        'The global id of the new case, chosen by the client (a UUID as a `Case` global id) so a retried request cannot open a second case: a retry with the same input answers the first result; another input, IDEMPOTENCY_CONFLICT. The raw UUID is still accepted (deprecated).',
    }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
    personalIdentityNumber: t.string({ required: true }),
    admittedAt: t.field({ type: 'DateTime', required: true }),
    psychiatric: t.boolean({
      required: false,
      description: 'Defaults to whether the acting ward is psychiatric.',
    }),
    compulsoryCare: t.field({ type: CompulsoryCare, required: false, defaultValue: 'NONE' }),
    municipalityParties: t.field({ type: [MunicipalityPartyInput], required: true }),
    primaryCareUnitId: t.id({
      required: false,
      description: 'Omit to use the unit where the patient is listed; null for none.',
    }),
    expectedNeeds: t.string({ required: false }),
  }),
});

builder.mutationField('sendAdmissionNotice', (t) =>
  t.field({
    type: Case,
    description:
      'Inskrivningsmeddelande: the ward tells the municipality and primary care that the patient was admitted and will likely need support (within 24 h of admission). Opens the case.',
    authScopes: { authenticated: true },
    errors: caseResult,
    args: { input: t.arg({ type: SendAdmissionNoticeInput, required: true }) },
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
      return runLogged(ctx, info, OPENS_CASE, (logging) =>
        ctx.services.cases.openCase(actor, request, { idempotency, ...logging }),
      );
    },
  }),
);

// ---- the commands on an open case ----------------------------------------------------------

caseCommandMutation<{ eventId: string }, commands.AcknowledgeInput>('acknowledge', {
  description: 'Kvittens: the acting unit confirms it received a message of the case.',
  fields: (t) => ({ eventId: t.id({ required: true }) }),
  command: commands.acknowledge,
  toInput: (input) => ({ eventId: id(input.eventId, 'CaseEvent', 'eventId') }),
});

const KatzAdlInput = builder.inputType('KatzAdlInput', {
  description: 'Katz ADL index.',
  fields: (t) => ({
    bathing: t.field({ type: AdlLevel, required: true }),
    dressing: t.field({ type: AdlLevel, required: true }),
    toileting: t.field({ type: AdlLevel, required: true }),
    transferring: t.field({ type: AdlLevel, required: true }),
    continence: t.field({ type: AdlLevel, required: true }),
    feeding: t.field({ type: AdlLevel, required: true }),
  }),
});

caseCommandMutation<commands.SendPlanningBasisInput, commands.SendPlanningBasisInput>(
  'sendPlanningBasis',
  {
    description: 'Planeringsunderlag: the ward’s basis for the receivers’ planning.',
    fields: (t) => ({
      diagnosisSummary: t.string({ required: true }),
      functionalStatus: t.string({ required: true }),
      adl: t.field({ type: KatzAdlInput, required: true }),
      livingSituation: t.string({ required: false }),
      expectedNeeds: t.string({ required: true }),
      assistiveAids: t.stringList({ required: false }),
      estimatedReadyOn: t.string({ required: false, description: 'ISO date.' }),
    }),
    command: commands.sendPlanningBasis,
    toInput: (input) => ({
      diagnosisSummary: input.diagnosisSummary,
      functionalStatus: input.functionalStatus,
      adl: input.adl,
      livingSituation: input.livingSituation ?? null,
      expectedNeeds: input.expectedNeeds,
      assistiveAids: input.assistiveAids ?? [],
      estimatedReadyOn: input.estimatedReadyOn ?? null,
    }),
  },
);

caseCommandMutation<
  { name: string; hsaId?: string | null; unitId: string },
  commands.AppointFixedCareContactInput
>('appointFixedCareContact', {
  description: 'Fast vårdkontakt: primary care names the patient’s fixed care contact.',
  fields: (t) => ({
    name: t.string({ required: true }),
    hsaId: t.string({ required: false, description: 'The person’s employee HSA-ID.' }),
    unitId: t.id({ required: true }),
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
    fields: (t) => ({ readyAt: t.field({ type: 'DateTime', required: true }) }),
    command: commands.notifyReadyForDischarge,
    toInput: (input) => ({ readyAt: input.readyAt }),
  },
);

caseCommandMutation<{ reason: string }, commands.WithdrawReadyForDischargeInput>(
  'withdrawReadyForDischarge',
  {
    description: 'Avbrott i utskrivningsklar: the patient is no longer ready.',
    fields: (t) => ({ reason: t.string({ required: true }) }),
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
    meetingAt: t.field({ type: 'DateTime', required: true }),
    participantUnitIds: t.idList({ required: true }),
    message: t.string({ required: true }),
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
  fields: (t) => ({
    responsibleUnitId: t.id({ required: true }),
    action: t.string({ required: true }),
    dueOn: t.string({ required: false, description: 'ISO date.' }),
  }),
});
const CarePlanParticipantInput = builder.inputType('CarePlanParticipantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.string({ required: true }),
    unitId: t.id({ required: false }),
  }),
});

interface CarePlanContentFields {
  summary: string;
  items: { responsibleUnitId: string; action: string; dueOn?: string | null }[];
  participants: { name: string; role: string; unitId?: string | null }[];
  followUpOn?: string | null;
  status: commands.CreateCarePlanInput['status'];
}

function carePlanContent(input: CarePlanContentFields) {
  return {
    summary: input.summary,
    items: input.items.map((item, i) => ({
      responsibleUnitId: id(item.responsibleUnitId, 'Unit', `items.${i}.responsibleUnitId`),
      action: item.action,
      dueOn: item.dueOn ?? null,
    })),
    participants: input.participants.map((p, i) => ({
      name: p.name,
      role: p.role,
      unitId: optionalId(p.unitId, 'Unit', `participants.${i}.unitId`),
    })),
    followUpOn: input.followUpOn ?? null,
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
    kind: t.field({ type: CarePlanKind, required: true }),
    summary: t.string({ required: true }),
    items: t.field({ type: [CarePlanItemInput], required: true }),
    participants: t.field({ type: [CarePlanParticipantInput], required: true }),
    followUpOn: t.string({ required: false, description: 'ISO date.' }),
    status: t.field({ type: CarePlanStatus, required: true }),
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
    carePlanId: t.id({ required: true }),
    expectedPlanVersion: t.int({
      required: true,
      description: 'The plan version the author edited.',
    }),
    summary: t.string({ required: true }),
    items: t.field({ type: [CarePlanItemInput], required: true }),
    participants: t.field({ type: [CarePlanParticipantInput], required: true }),
    followUpOn: t.string({ required: false }),
    status: t.field({ type: CarePlanStatus, required: true }),
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
  fields: (t) => ({ plannedAt: t.field({ type: 'DateTime', required: true }) }),
  command: commands.announceDischarge,
  toInput: (input) => ({ plannedAt: input.plannedAt }),
});

const MedicationChangeInput = builder.inputType('MedicationChangeInput', {
  fields: (t) => ({
    medication: t.string({ required: true }),
    change: t.field({ type: MedicationChangeKind, required: true }),
    details: t.string({ required: false }),
  }),
});
const FollowUpContactInput = builder.inputType('FollowUpContactInput', {
  fields: (t) => ({
    unitName: t.string({ required: true }),
    contactName: t.string({ required: false }),
    phone: t.string({ required: false }),
    when: t.string({ required: false }),
  }),
});
const DischargeInformationInput = builder.inputType('DischargeInformationInput', {
  description: 'Information vid utskrivning (trygghetskvitto) that the patient takes home.',
  fields: (t) => ({
    destination: t.field({ type: DischargeDestination, required: true }),
    destinationDetail: t.string({ required: false }),
    medicationChanges: t.field({ type: [MedicationChangeInput], required: true }),
    followUpContacts: t.field({ type: [FollowUpContactInput], required: true }),
    homeCareStartsOn: t.string({ required: false, description: 'ISO date.' }),
    assistiveAids: t.stringList({ required: false }),
    warningSigns: t.string({ required: true }),
    summary: t.string({ required: true }),
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
  homeCareStartsOn?: string | null;
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
    dischargedAt: t.field({ type: 'DateTime', required: true }),
    information: t.field({ type: DischargeInformationInput, required: true }),
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
      homeCareStartsOn: i.homeCareStartsOn ?? null,
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
    fields: (t) => ({ eventId: t.id({ required: true }), reason: t.string({ required: true }) }),
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
    fromUnitId: t.id({ required: true }),
    toUnitId: t.id({ required: true }),
    role: t.field({ type: CasePartyRole, required: true }),
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
  answer: { type: TransferResponsibilitySuccess, of: transferAnswer },
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
    text: t.string({ required: true }),
    lockedToOrganization: t.boolean({ required: false, defaultValue: false }),
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
  values: ['GIVEN', 'DECLINED', 'CANNOT_BE_OBTAINED'] as const,
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
    consent: t.field({ type: RecordableConsent, required: true }),
    note: t.string({ required: false }),
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
    fields: (t) => ({ reason: t.field({ type: CaseCloseReason, required: true }) }),
    command: commands.closeCase,
    toInput: (input) => ({ reason: input.reason }),
  },
);
