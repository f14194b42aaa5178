import { visibleCaseWhere, visibleNoteWhere } from '../../authz/case-access.js';
import type { Prisma } from '../../db/generated/prisma/client.js';
import { builder } from '../builder.js';
import { decodeId } from '../global-id.js';
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

const currentParties = { where: { leftAt: null }, orderBy: { joinedAt: 'asc' } } as const;

export const CaseParty = builder.prismaObject('CaseParty', {
  description: 'A unit taking part in a case; `leftAt` is set when responsibility moved on.',
  fields: (t) => ({
    role: t.expose('role', { type: CasePartyRole }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true }),
    unit: t.relation('unit'),
  }),
});

export const Case = builder.prismaNode('Case', {
  id: { field: 'id' },
  description: 'Ärende: one inpatient stay of one patient, from admission notice to close.',
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [visibleCaseWhere(ctx.actor)] }),
  fields: (t) => ({
    reference: t.exposeString('reference'),
    status: t.expose('status', { type: CaseStatus }),
    version: t.exposeInt('version', {
      description: 'Increases with every change; send it back as `expectedVersion`.',
    }),
    psychiatric: t.exposeBoolean('psychiatric'),
    compulsoryCare: t.expose('compulsoryCare', { type: CompulsoryCare }),
    consent: t.expose('consent', { type: ConsentStatus }),
    patient: t.relation('patient'),
    parties: t.relation('parties', {
      args: { includeFormer: t.arg.boolean({ required: false, defaultValue: false }) },
      query: (args) => (args.includeFormer ? { orderBy: { joinedAt: 'asc' } } : currentParties),
    }),
    // The three fields below select the current parties exactly as `parties` does, so
    // Pothos merges them into one relation load per page instead of one per case.
    ward: t.field({
      type: Unit,
      description: 'The ward currently responsible (slutenvården).',
      select: (_args, _ctx, nested) => ({
        parties: { ...currentParties, include: { unit: nested(true) } },
      }),
      resolve: (c) => c.parties.find((p) => p.role === 'WARD')!.unit,
    }),
    primaryCareUnit: t.field({
      type: Unit,
      nullable: true,
      select: (_args, _ctx, nested) => ({
        parties: { ...currentParties, include: { unit: nested(true) } },
      }),
      resolve: (c) => c.parties.find((p) => p.role === 'PRIMARY_CARE')?.unit ?? null,
    }),
    municipalityUnits: t.field({
      type: [Unit],
      description: 'Municipal social services and health care units of the case.',
      select: (_args, _ctx, nested) => ({
        parties: { ...currentParties, include: { unit: nested(true) } },
      }),
      resolve: (c) =>
        c.parties
          .filter(
            (p) => p.role === 'MUNICIPAL_SOCIAL_SERVICES' || p.role === 'MUNICIPAL_HEALTH_CARE',
          )
          .map((p) => p.unit),
    }),
    fixedCareContactName: t.exposeString('fixedCareContactName', {
      nullable: true,
      description: 'Fast vårdkontakt.',
    }),
    fixedCareContactHsaId: t.exposeString('fixedCareContactHsaId', { nullable: true }),
    fixedCareContactUnit: t.relation('fixedCareContactUnit', { nullable: true }),
    admittedAt: t.expose('admittedAt', { type: 'DateTime' }),
    admissionNoticeAt: t.expose('admissionNoticeAt', { type: 'DateTime', nullable: true }),
    planningBasisAt: t.expose('planningBasisAt', { type: 'DateTime', nullable: true }),
    readyForDischargeAt: t.expose('readyForDischargeAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the patient was judged ready for discharge, with time of day.',
    }),
    readyWithdrawnAt: t.expose('readyWithdrawnAt', { type: 'DateTime', nullable: true }),
    sipCalledAt: t.expose('sipCalledAt', { type: 'DateTime', nullable: true }),
    sipMeetingAt: t.expose('sipMeetingAt', { type: 'DateTime', nullable: true }),
    plannedDischargeAt: t.expose('plannedDischargeAt', { type: 'DateTime', nullable: true }),
    dischargedAt: t.expose('dischargedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    closeReason: t.expose('closeReason', { type: CaseCloseReason, nullable: true }),
    events: t.relatedConnection('events', {
      cursor: 'id',
      description: 'Händelselistan: the append-only event list, oldest first.',
      query: { orderBy: { sequence: 'asc' } },
    }),
    carePlans: t.relation('carePlans', { query: { orderBy: { createdAt: 'asc' } } }),
    latestCarePlan: t.field({
      type: CarePlan,
      nullable: true,
      select: (_args, _ctx, nested) => ({
        carePlans: nested({ orderBy: { createdAt: 'desc' }, take: 1 }),
      }),
      resolve: (c) => c.carePlans[0] ?? null,
    }),
    notes: t.relation('notes', {
      description: 'Notes the caller may read: locked notes only within the author’s organisation.',
      query: (_args, ctx) => ({
        where: visibleNoteWhere(ctx.actor),
        orderBy: { createdAt: 'asc' },
      }),
    }),
    dischargeInformation: t.field({
      type: DischargeInformation,
      nullable: true,
      description: 'Information vid utskrivning (trygghetskvitto), once the patient is discharged.',
      select: {
        reference: true,
        events: {
          where: { type: 'DISCHARGED' },
          orderBy: { sequence: 'desc' },
          take: 1,
          select: { payload: true, occurredAt: true, authorUnit: { select: { name: true } } },
        },
        patient: { select: { givenName: true, familyName: true, personalIdentityNumber: true } },
      },
      resolve: (c) => {
        const event = c.events[0];
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
  fields: (t) => ({
    unitId: t.id({
      required: false,
      description: 'Only cases where this unit is a current party.',
    }),
    statuses: t.field({ type: [CaseStatus], required: false }),
    readySince: t.field({
      type: 'DateTime',
      required: false,
      description: 'Ready for discharge at or after.',
    }),
    patientId: t.id({ required: false }),
    personalIdentityNumber: t.string({ required: false }),
  }),
});

builder.queryField('cases', (t) =>
  t.prismaConnection({
    type: Case,
    cursor: 'reference',
    description: "Cases the caller's acting unit takes part in, newest first.",
    authScopes: { actingUnit: true },
    args: { filter: t.arg({ type: CaseFilter, required: false }) },
    resolve: (query, _root, { filter }, ctx) => {
      const and: Prisma.CaseWhereInput[] = [visibleCaseWhere(ctx.actor)];
      if (filter?.unitId != null) {
        and.push({
          parties: {
            some: { unitId: decodeId(filter.unitId, 'Unit', 'filter.unitId'), leftAt: null },
          },
        });
      }
      if (filter?.statuses?.length) and.push({ status: { in: filter.statuses } });
      if (filter?.readySince) and.push({ readyForDischargeAt: { gte: filter.readySince } });
      if (filter?.patientId != null)
        and.push({ patientId: decodeId(filter.patientId, 'Patient', 'filter.patientId') });
      if (filter?.personalIdentityNumber) {
        and.push({
          patient: { personalIdentityNumber: filter.personalIdentityNumber.replace(/\D/g, '') },
        });
      }
      return ctx.prisma.case.findMany({
        ...query,
        where: { AND: and },
        orderBy: { reference: 'desc' },
      });
    },
  }),
);

builder.queryField('case', (t) =>
  t.prismaField({
    type: Case,
    nullable: true,
    description:
      'One case by its id, or null when it does not exist or is not visible to the caller.',
    authScopes: { actingUnit: true },
    args: { id: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.case.findFirst({
        ...query,
        where: { id: decodeId(args.id, 'Case', 'id'), ...visibleCaseWhere(ctx.actor) },
      }),
  }),
);
