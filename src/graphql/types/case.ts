import { visibleCaseWhere, visibleNoteWhere } from '../../authz/case-access.js';
import { grantsFor } from '../../authz/decide.js';
import { requireGrant } from '../../authz/require-grant.js';
import type { Prisma } from '../../db/generated/prisma/client.js';
import { preparedStatements } from '../../db/statement-names.js';
import type { CaseStatus as CaseStatusValue } from '../../domain/case/model.js';
import { parsePersonalIdentityNumber } from '../../domain/personal-identity-number.js';
import { builder } from '../builder.js';
import { withCaseFacts } from '../case-facts-query.js';
import type { Context } from '../context.js';
import { BadInputError } from '../errors.js';
import { decideCases, guard, guardNeverWithheld } from '../field-guard.js';
import { requireFilterGrant } from '../filter-grant.js';
import { decodeId } from '../global-id.js';
import { plannedQuery } from '../plan-cache.js';
import { selecting } from '../prisma-query.js';
import { visibleCasePageWhere } from '../visible-case-page.js';
import { CarePlan } from './care-plan.js';
import { DischargeInformation } from './discharge-information.js';
import {
  CaseCloseReason,
  CasePartyRole,
  CaseStatus,
  CompulsoryCare,
  ConsentStatus,
} from './enums.js';
import { Unit } from './unit.js';

/** Where a case's patient data is: for the field guard and the access log. */
const ofCase = (c: { id: string; patientId: string }) => ({ caseId: c.id, patientId: c.patientId });

/**
 * Every party of a case, former ones too, in the order they joined. `parties`, `ward`,
 * `primaryCareUnit` and `municipalityUnits` all select this same relation query and keep
 * the current ones themselves, so Pothos loads the parties once per page, even when
 * `parties(includeFormer: true)` is asked beside the others.
 */
const allParties = { orderBy: { joinedAt: 'asc' } } as const;
const current = <P extends { leftAt: Date | null }>(parties: P[]) =>
  parties.filter((p) => p.leftAt === null);

export const CaseParty = builder.prismaObject('CaseParty', {
  description: 'A unit taking part in a case; `leftAt` is set when responsibility moved on.',
  fields: (t) => ({
    role: t.expose('role', { type: CasePartyRole, description: 'The part the unit plays.' }),
    joinedAt: t.expose('joinedAt', {
      type: 'DateTime',
      description: 'When the unit became a party (the admission notice, or a transfer to it).',
    }),
    leftAt: t.expose('leftAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the role moved to another unit; null while the unit is a current party.',
    }),
    unit: t.relation('unit', { description: 'The unit.' }),
  }),
});

export const Case = builder.prismaNode('Case', {
  id: { field: 'id' },
  description: 'Ärende: one inpatient stay of one patient, from admission notice to close.',
  // Select mode: load only the columns a query's fields need (plus what the field guard
  // locates by), not all 25 of every case of a page.
  select: { id: true, patientId: true },
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [visibleCaseWhere(ctx)] }),
  fields: (t) => ({
    reference: t.exposeString('reference', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      description:
        'The case reference people quote, BR-<year>-<number>. Never null: administrative fields are read by every role that sees a case; a nullable field of a case is null when it has no value or is withheld from you (listed in `redactions`).',
    }),
    status: t.expose('status', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: CaseStatus,
      description: 'Where the case stands in the process.',
    }),
    version: t.exposeInt('version', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      description: 'Increases with every change; send it back as `expectedVersion`.',
    }),
    psychiatric: t.exposeBoolean('psychiatric', {
      ...guard({ category: 'MEDICAL', locate: ofCase, paymentRelevant: true }),
      description:
        'Psychiatric 24-hour care (its own day counts for payment responsibility) rather than somatic care.',
    }),
    compulsoryCare: t.expose('compulsoryCare', {
      ...guard({ category: 'MEDICAL', locate: ofCase, paymentRelevant: true }),
      type: CompulsoryCare,
      description: 'Whether the patient goes on to compulsory outpatient care (ÖPT/ÖRV).',
    }),
    consent: t.expose('consent', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: ConsentStatus,
      description:
        'The patient’s consent to sharing between region and municipality, as last recorded.',
    }),
    patient: t.relation('patient', {
      ...guard({ category: 'IDENTITY', locate: ofCase }),
      description: 'The patient of the stay.',
    }),
    parties: t.field({
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: [CaseParty],
      description: 'The units taking part, in the order they joined.',
      args: {
        includeFormer: t.arg.boolean({
          required: false,
          defaultValue: false,
          description: 'Also units whose role has moved on (with `leftAt` set).',
        }),
      },
      select: (_args, _ctx, nested) => ({ parties: nested(allParties) }),
      resolve: (c, args) => (args.includeFormer ? c.parties : current(c.parties)),
    }),
    // The three fields below select the parties exactly as `parties` does, so Pothos
    // merges them into one relation load per page instead of one per case.
    ward: t.field({
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: Unit,
      nullable: true,
      description:
        'The ward currently responsible (slutenvården); null when no ward is a current party, ' +
        'as for a case the municipality alone still holds.',
      select: (_args, _ctx, nested) => ({
        parties: { ...allParties, include: { unit: nested(true) } },
      }),
      resolve: (c) => current(c.parties).find((p) => p.role === 'WARD')?.unit ?? null,
    }),
    primaryCareUnit: t.field({
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: Unit,
      nullable: true,
      description: 'The primary-care unit currently responsible; null when none takes part.',
      select: (_args, _ctx, nested) => ({
        parties: { ...allParties, include: { unit: nested(true) } },
      }),
      resolve: (c) => current(c.parties).find((p) => p.role === 'PRIMARY_CARE')?.unit ?? null,
    }),
    municipalityUnits: t.field({
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: [Unit],
      description: 'Municipal social services and health care units of the case.',
      select: (_args, _ctx, nested) => ({
        parties: { ...allParties, include: { unit: nested(true) } },
      }),
      resolve: (c) =>
        current(c.parties)
          .filter(
            (p) => p.role === 'MUNICIPAL_SOCIAL_SERVICES' || p.role === 'MUNICIPAL_HEALTH_CARE',
          )
          .map((p) => p.unit),
    }),
    fixedCareContactName: t.exposeString('fixedCareContactName', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      nullable: true,
      description: 'Fast vårdkontakt.',
    }),
    fixedCareContactHsaId: t.exposeString('fixedCareContactHsaId', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      nullable: true,
      description:
        'The fixed care contact’s employee HSA-ID; null until appointed or when not given.',
    }),
    fixedCareContactUnit: t.relation('fixedCareContactUnit', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      nullable: true,
      description: 'The unit the fixed care contact works at; null until one is appointed.',
    }),
    admittedAt: t.expose('admittedAt', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: 'DateTime',
      description: 'When the patient was admitted to the ward.',
    }),
    admissionNoticeAt: t.expose('admissionNoticeAt', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description:
        'When the admission notice (inskrivningsmeddelande) was sent; due within 24 h of admission.',
    }),
    planningBasisAt: t.expose('planningBasisAt', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the planning basis (planeringsunderlag) was sent; null until then.',
    }),
    readyForDischargeAt: t.expose('readyForDischargeAt', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the patient was judged ready for discharge, with time of day.',
    }),
    readyWithdrawnAt: t.expose('readyWithdrawnAt', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the ready notice was last withdrawn (avbrott); null if it never was.',
    }),
    sipCalledAt: t.expose('sipCalledAt', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description:
        'When the call to SIP (kallelse) was sent; due within 3 days of the ready notice.',
    }),
    sipMeetingAt: t.expose('sipMeetingAt', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the SIP meeting is (or was); null until called.',
    }),
    plannedDischargeAt: t.expose('plannedDischargeAt', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description:
        'The discharge time the ward announced; null until announced, and again after a withdrawal.',
    }),
    dischargedAt: t.expose('dischargedAt', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the patient left the ward; null until discharged.',
    }),
    closedAt: t.expose('closedAt', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: 'DateTime',
      nullable: true,
      description: 'When the case was closed; null while open.',
    }),
    updatedAt: t.expose('updatedAt', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofCase, seenOn: 'case' }),
      type: 'DateTime',
      description:
        'When the case last changed: the time its latest event was written. Use with `filter.changedSince`.',
    }),
    closeReason: t.expose('closeReason', {
      ...guard({ category: 'ADMINISTRATIVE', locate: ofCase }),
      type: CaseCloseReason,
      nullable: true,
      description: 'Why the case was closed; null while open.',
    }),
    events: t.relatedConnection('events', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      cursor: 'id',
      totalCount: true,
      description: 'Händelselistan: the append-only event list, oldest first.',
      query: { orderBy: { sequence: 'asc' } },
    }),
    carePlans: t.relation('carePlans', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      description: 'The case’s care plans (vårdplan, SIP), oldest first.',
      query: { orderBy: { createdAt: 'asc' } },
    }),
    latestCarePlan: t.field({
      ...guard({ category: 'PLANNING', locate: ofCase }),
      type: CarePlan,
      nullable: true,
      description: 'The care plan created last; null when the case has none.',
      // The same relation query as `carePlans` (oldest first; the last one), so a
      // selection of both loads the plans once.
      select: (_args, _ctx, nested) => ({
        carePlans: nested({ orderBy: { createdAt: 'asc' } }),
      }),
      resolve: (c) => c.carePlans.at(-1) ?? null,
    }),
    notes: t.relation('notes', {
      ...guard({ category: 'PLANNING', locate: ofCase }),
      description: 'Notes the caller may read: locked notes only within the author’s organisation.',
      // Reads the actor's organisation and nothing else of the request, so a kept plan of
      // `case(id:)` is played again for readers of that organisation (src/graphql/plan-cache.ts).
      query: (_args, ctx) => ({
        where: visibleNoteWhere(ctx),
        orderBy: { createdAt: 'asc' },
      }),
    }),
    dischargeInformation: t.field({
      ...guard({ category: 'MEDICAL', locate: ofCase }),
      type: DischargeInformation,
      nullable: true,
      description: 'Information vid utskrivning (trygghetskvitto), once the patient is discharged.',
      // The case's discharge event is a relation of its row (kept by the database), so
      // it is loaded in the case's own statement.
      select: {
        reference: true,
        // The whole row, as `patient` loads it, so the two share one relation query.
        patient: true,
        dischargeEvent: {
          select: { payload: true, occurredAt: true, authorUnit: { select: { name: true } } },
        },
      },
      resolve: (c) => {
        const event = c.dischargeEvent;
        if (!event) return null;
        const payload = event.payload as { dischargedAt?: string };
        return {
          caseRef: {
            reference: c.reference,
            wardName: event.authorUnit.name,
            dischargedAt: new Date(payload.dischargedAt ?? event.occurredAt),
          },
          patient: {
            name: `${c.patient.givenName} ${c.patient.familyName}`,
            personalIdentityNumber: c.patient.personalIdentityNumber,
          },
          payload: event.payload as Record<string, unknown>,
        };
      },
    }),
  }),
});

const CaseFilter = builder.inputType('CaseFilter', {
  description:
    'Narrows a case list. Every condition given must hold. Filtering by a field you may not read is refused (FORBIDDEN_FILTER), and free text matches only what you may read.',
  fields: (t) => ({
    unitId: t.id({
      required: false,
      description: 'Only cases where this unit is a current party.',
    }),
    statuses: t.field({
      type: [CaseStatus],
      required: false,
      description: 'Only cases in one of these statuses.',
    }),
    readySince: t.field({
      type: 'DateTime',
      required: false,
      description: 'Ready for discharge at or after.',
    }),
    readyBefore: t.field({
      type: 'DateTime',
      required: false,
      description: 'Ready for discharge before (exclusive).',
    }),
    admittedSince: t.field({
      type: 'DateTime',
      required: false,
      description: 'Admitted at or after.',
    }),
    admittedBefore: t.field({
      type: 'DateTime',
      required: false,
      description: 'Admitted before (exclusive).',
    }),
    changedSince: t.field({
      type: 'DateTime',
      required: false,
      description:
        'Changed (a new event) at or after: for refreshing a list with only what changed. Compare with `Case.updatedAt`.',
    }),
    text: t.string({
      required: false,
      description:
        'Free text: the start of the case reference, or (for roles that may read patient identity) the start of the patient’s given or family name. A name you may not read is never matched. At least 2 characters.',
    }),
    patientId: t.id({ required: false, description: 'Only the cases of this patient.' }),
    personalIdentityNumber: t.string({
      required: false,
      description: 'Only the cases of the patient with this personal identity number.',
    }),
  }),
});

const CaseOrderField = builder.enumType('CaseOrderField', {
  description:
    'What a case list is sorted by; ties are broken by the reference, in the same direction.',
  values: {
    REFERENCE: { description: 'The case reference (BR-year-number): the order cases were opened.' },
    ADMITTED: { description: 'When the patient was admitted.' },
    READY_SINCE: {
      description:
        'When the patient was judged ready for discharge: ascending lists the longest waiting first. Lists only cases with a ready time.',
    },
    LAST_EVENT: { description: 'When the case last changed (its latest event), `Case.updatedAt`.' },
  } as const,
});

const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Smallest (earliest) first.' },
    DESC: { description: 'Largest (latest) first.' },
  } as const,
});

const CaseOrder = builder.inputType('CaseOrder', {
  description: 'The order of a case list. Cursors stay valid only with the order they came from.',
  fields: (t) => ({
    field: t.field({ type: CaseOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({
      type: OrderDirection,
      required: false,
      defaultValue: 'DESC',
      description: 'The direction; DESC unless given.',
    }),
  }),
});

const ORDER_COLUMNS = {
  REFERENCE: 'reference',
  ADMITTED: 'admittedAt',
  READY_SINCE: 'readyForDischargeAt',
  LAST_EVENT: 'updatedAt',
} as const;

interface CaseFilterArgs {
  unitId?: string | number | null;
  statuses?: CaseStatusValue[] | null;
  readySince?: Date | null;
  readyBefore?: Date | null;
  admittedSince?: Date | null;
  admittedBefore?: Date | null;
  changedSince?: Date | null;
  text?: string | null;
  patientId?: string | number | null;
  personalIdentityNumber?: string | null;
}

/** The caller's filter as Prisma conditions, refusing filters on fields they may not read. */
function caseFilterWhere(
  filter: CaseFilterArgs | null | undefined,
  ctx: Context,
): Prisma.CaseWhereInput[] {
  // Filtering by a field the caller may not read would leak it through the result set.
  if (filter?.personalIdentityNumber != null || filter?.patientId != null) {
    requireFilterGrant(
      ctx,
      'IDENTITY',
      filter.personalIdentityNumber != null ? 'personalIdentityNumber' : 'patientId',
    );
  }
  const and: Prisma.CaseWhereInput[] = [];
  if (filter?.unitId != null) {
    and.push({
      parties: {
        some: { unitId: decodeId(filter.unitId, 'Unit', 'filter.unitId'), leftAt: null },
      },
    });
  }
  if (filter?.statuses?.length) and.push({ status: { in: filter.statuses } });
  const range = (since?: Date | null, before?: Date | null) => ({
    ...(since ? { gte: since } : {}),
    ...(before ? { lt: before } : {}),
  });
  if (filter?.readySince || filter?.readyBefore)
    and.push({ readyForDischargeAt: range(filter.readySince, filter.readyBefore) });
  if (filter?.admittedSince || filter?.admittedBefore)
    and.push({ admittedAt: range(filter.admittedSince, filter.admittedBefore) });
  if (filter?.changedSince) and.push({ updatedAt: { gte: filter.changedSince } });
  if (filter?.text != null) and.push(caseTextWhere(filter.text, ctx));
  if (filter?.patientId != null)
    and.push({ patientId: decodeId(filter.patientId, 'Patient', 'filter.patientId') });
  if (filter?.personalIdentityNumber != null) {
    // A malformed number is an error, not an empty list that reads as "no cases".
    const parsed = parsePersonalIdentityNumber(filter.personalIdentityNumber);
    if (!parsed.ok) {
      throw new BadInputError(
        'INVALID_PERSONAL_IDENTITY_NUMBER',
        parsed.error.message,
        'filter.personalIdentityNumber',
      );
    }
    and.push({ patient: { personalIdentityNumber: parsed.value.number } });
  }
  return and;
}

/**
 * Free text over what the caller may read: the reference always (it is administrative,
 * which every role with a case list reads); the patient's names only when the policy
 * grants identity, and a protected identity's names only when it grants that too. A
 * name search by someone who may not read names would tell them who the patient is.
 */
function caseTextWhere(raw: string, ctx: Context): Prisma.CaseWhereInput {
  const text = raw.trim();
  if (text.length < 2) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      'filter.text needs at least 2 characters.',
      'filter.text',
    );
  }
  const ways: Prisma.CaseWhereInput[] = [{ reference: { startsWith: text, mode: 'insensitive' } }];
  const roles = ctx.principal?.roles ?? [];
  if (grantsFor(roles, 'IDENTITY', 'read').length > 0) {
    const byName: Prisma.PatientWhereInput = {
      OR: [
        { givenName: { startsWith: text, mode: 'insensitive' } },
        { familyName: { startsWith: text, mode: 'insensitive' } },
      ],
    };
    const protectedToo = grantsFor(roles, 'PROTECTED_IDENTITY', 'read').length > 0;
    ways.push({
      patient: protectedToo ? byName : { AND: [byName, { protectedIdentity: false }] },
    });
  }
  return { OR: ways };
}

/**
 * The filter plus what the order implies. Prisma's cursors compare NULLs as unknown and
 * would skip them, so cases without a ready time are not in a list sorted by it.
 */
function caseListWhere(
  filter: CaseFilterArgs | null | undefined,
  order: { field: keyof typeof ORDER_COLUMNS } | null | undefined,
  ctx: Context,
): Prisma.CaseWhereInput[] {
  const and = caseFilterWhere(filter, ctx);
  if (order?.field === 'READY_SINCE') and.push({ readyForDischargeAt: { not: null } });
  return and;
}

builder.queryField('cases', (t) =>
  t.prismaConnection({
    type: Case,
    cursor: 'reference',
    description:
      "Cases the caller's acting unit takes part in, newest reference first unless `orderBy` says otherwise.",
    authScopes: { actingUnit: true },
    args: {
      filter: t.arg({ type: CaseFilter, required: false, description: 'Which cases.' }),
      orderBy: t.arg({
        type: CaseOrder,
        required: false,
        description: 'The order; by reference, newest first, unless given.',
      }),
    },
    totalCount: async (_root, { filter, orderBy: order }, ctx) => {
      requireGrant(ctx, 'ADMINISTRATIVE');
      return ctx.prisma.case.count({
        where: { AND: [visibleCaseWhere(ctx), ...caseListWhere(filter, order, ctx)] },
      });
    },
    resolve: async (query, _root, { filter, orderBy: order }, ctx) => {
      requireGrant(ctx, 'ADMINISTRATIVE');
      const and = caseListWhere(filter, order, ctx);
      const column = ORDER_COLUMNS[order?.field ?? 'REFERENCE'];
      const direction = order?.direction === 'ASC' ? 'asc' : 'desc';
      const orderBy: Prisma.CaseOrderByWithRelationInput[] =
        column === 'reference'
          ? [{ reference: direction }]
          : [{ [column]: direction }, { reference: direction }];
      const page = withCaseFacts(selecting(query));
      const where = await visibleCasePageWhere(ctx.prisma, ctx.reads, ctx, query, and, orderBy);
      // Prepared: the page names its cases (src/graphql/visible-case-page.ts).
      const find = { ...page.query, where, orderBy };
      const cases = await ctx.reads.findMany(
        'Case',
        find,
        () => preparedStatements(() => ctx.prisma.case.findMany(find)),
        { prepared: true },
      );
      // The facts came with the cases (primed); the guard decides from them up front.
      page.prime(ctx, cases);
      await decideCases(
        ctx,
        cases.map((c) => c.id),
      );
      return cases;
    },
  }),
);

/** What Pothos plans for a field of type Case: its columns and relations. */
type CaseQuery = { select?: Prisma.CaseSelect; include?: Prisma.CaseInclude };

builder.queryField('case', (t) =>
  t.field({
    type: Case,
    nullable: true,
    description:
      'One case by its id, or null when it does not exist or is not visible to the caller.',
    authScopes: { actingUnit: true },
    args: { id: t.arg.id({ description: 'The case’s global id (`Case.id`).' }) },
    resolve: async (_root, args, ctx, info) => {
      requireGrant(ctx, 'ADMINISTRATIVE');
      // As prismaField plans it, with the plan kept for the next request that reads the
      // same (src/graphql/plan-cache.ts): one case in full is the API's most asked read.
      const query = await plannedQuery<CaseQuery>(ctx, info);
      const one = withCaseFacts(selecting(query));
      const where = { id: decodeId(args.id, 'Case', 'id'), ...visibleCaseWhere(ctx) };
      // Prepared: one case by its key, so its plan is the same for any.
      const find = { ...one.query, where };
      const found = await ctx.reads.findFirst(
        'Case',
        find,
        () => preparedStatements(() => ctx.prisma.case.findFirst(find)),
        { prepared: true },
      );
      if (found) {
        one.prime(ctx, [found]);
        await decideCases(ctx, [found.id]);
      }
      return found;
    },
  }),
);
