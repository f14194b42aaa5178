import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/authz/roles.js';
import { CASE_COMMANDS, MESSAGE_COMMANDS } from '../../../src/domain/case/guards.js';
import {
  AcknowledgeDocument,
  AddNoteDocument,
  AnnounceDischargeDocument,
  AnnulMessageDocument,
  AppointFixedCareContactDocument,
  CallToSipDocument,
  CaseCapabilitiesDocument,
  type CaseCapabilitiesQuery,
  CloseCaseDocument,
  CreateCarePlanDocument,
  DischargeDocument,
  NotifyReadyForDischargeDocument,
  PublishCarePlanToPatientDocument,
  RecordConsentDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
  TransferResponsibilityOutcomeDocument,
  WithdrawCarePlanFromPatientDocument,
  WithdrawReadyForDischargeDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, step 2: `viewerCan` against the mutations themselves. For cases in every
 * state a case goes through and for personas of every kind (each party, a party's unit
 * with roles that may not write, a unit outside the case), every command `viewerCan`
 * allows succeeds (each on a fresh case in that state, so one success does not change
 * what the next is tried on) and every command it does not allow is refused for who or
 * when, never for its input. The inputs are valid, so a refusal can only come from the
 * rules `viewerCan` claims to mirror.
 */
let server: TestServer;
const ids: Record<string, string> = {};

type CommandName = (typeof CASE_COMMANDS)[number] | (typeof MESSAGE_COMMANDS)[number];

interface Persona {
  name: string;
  unit: string;
  roles: Role[];
  /** The role the persona's unit holds in the cases, and a unit of the same kind to hand it to. */
  transfer: { role: string; to: string };
  client?: GraphQLClient;
}

const PERSONAS: Persona[] = [
  {
    name: 'ward',
    unit: WARD_KAROLINSKA_GERIATRIK,
    roles: ['WARD_STAFF'],
    transfer: { role: 'WARD', to: WARD_KAROLINSKA_MEDICIN },
  },
  {
    name: 'primary care',
    unit: VC_SOLNA,
    roles: ['PRIMARY_CARE_STAFF'],
    transfer: { role: 'PRIMARY_CARE', to: VC_SODERMALM },
  },
  {
    name: 'social services',
    unit: SOC_SOLNA,
    roles: ['SOCIAL_SERVICES_STAFF'],
    transfer: { role: 'MUNICIPAL_SOCIAL_SERVICES', to: SOC_SODERMALM },
  },
  {
    name: 'finance in the ward',
    unit: WARD_KAROLINSKA_GERIATRIK,
    roles: ['FINANCE'],
    transfer: { role: 'WARD', to: WARD_KAROLINSKA_MEDICIN },
  },
  {
    name: 'security officer in the ward',
    unit: WARD_KAROLINSKA_GERIATRIK,
    roles: ['SECURITY_OFFICER'],
    transfer: { role: 'WARD', to: WARD_KAROLINSKA_MEDICIN },
  },
  {
    name: 'a ward outside the case',
    unit: WARD_SODERSJUKHUSET_MEDICIN,
    roles: ['WARD_STAFF'],
    transfer: { role: 'WARD', to: WARD_KAROLINSKA_MEDICIN },
  },
];
const byName = (name: string) => PERSONAS.find((p) => p.name === name)!.client!;

/** Codes that blame the input: a command viewerCan refuses must never answer one of these. */
const INPUT_CODES = [
  'INVALID_INPUT',
  'TIME_ORDER',
  'INVALID_ID',
  'UNIT_NOT_FOUND',
  'UNIT_KIND_MISMATCH',
  'CONCURRENT_MODIFICATION',
  'IDEMPOTENCY_CONFLICT',
];

type Answer = { __typename: string; code?: string; message?: string };

async function mutate(client: GraphQLClient, doc: TypedDocumentNode<any, any>, input: object) {
  const data = (await client.request(doc, { input })) as Record<string, Answer>;
  return Object.values(data)[0]!;
}

type CaseView = Exclude<NonNullable<CaseCapabilitiesQuery['node']>, Record<PropertyKey, never>>;

async function view(client: GraphQLClient, caseId: string): Promise<CaseView | null> {
  const { node } = await client.request(CaseCapabilitiesDocument, { id: caseId });
  return (node as CaseView | null) ?? null;
}

let residentIndex = 0;
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

const PLANNING_BASIS = {
  diagnosisSummary: 'Höftfraktur, opererad',
  functionalStatus: 'Går med rollator',
  adl: {
    bathing: 'PARTLY_DEPENDENT',
    dressing: 'PARTLY_DEPENDENT',
    toileting: 'INDEPENDENT',
    transferring: 'PARTLY_DEPENDENT',
    continence: 'INDEPENDENT',
    feeding: 'INDEPENDENT',
  },
  expectedNeeds: 'Hemtjänst morgon och kväll',
} as const;

const DISCHARGE_INFORMATION = {
  destination: 'HOME',
  medicationChanges: [],
  followUpContacts: [{ unitName: 'Vårdcentralen Solna' }],
  warningSigns: 'Feber, ökad smärta',
  summary: 'Opererad höftfraktur, mobiliserad',
} as const;

/** The states a case is tried in, each built through the API as the parties would. */
const STATES = [
  'opened',
  'opened without primary care',
  'planning',
  'ready',
  'discharge announced',
  'discharged',
  'closed',
] as const;
type StateName = (typeof STATES)[number];

async function build(state: StateName): Promise<string> {
  const ward = byName('ward');
  const primary = byName('primary care');
  const social = byName('social services');
  const resident = residentWithoutCase(residentIndex++ % 20);
  const opened = await mutate(ward, SendAdmissionNoticeDocument, {
    personalIdentityNumber: resident.personalIdentityNumber,
    admittedAt: new Date(Date.now() - 5 * 3_600_000).toISOString(),
    municipalityParties: [{ unitId: ids[SOC_SOLNA], role: 'MUNICIPAL_SOCIAL_SERVICES' }],
    primaryCareUnitId: state === 'opened without primary care' ? null : ids[VC_SOLNA],
  });
  const caseId = (opened as unknown as { case: { id: string } }).case.id;
  const step = async (client: GraphQLClient, doc: Parameters<typeof mutate>[1], input: object) => {
    const answer = await mutate(client, doc, { caseId, ...input });
    if (answer.__typename === 'CommandError') throw new Error(`fixture: ${JSON.stringify(answer)}`);
  };
  if (state === 'opened' || state === 'opened without primary care') return caseId;
  await step(ward, SendPlanningBasisDocument, PLANNING_BASIS);
  await step(primary, AppointFixedCareContactDocument, {
    name: 'Eva Ström',
    unitId: ids[VC_SOLNA],
  });
  // Agreed, so publishing it to the patient is refused for who acts, never for its status.
  await step(primary, CreateCarePlanDocument, {
    kind: 'SIP',
    summary: 'Hemgång med hemtjänst',
    items: [],
    participants: [],
    status: 'AGREED',
  });
  await step(social, AddNoteDocument, { text: 'Biståndsbeslut på gång' });
  await step(primary, CallToSipDocument, {
    meetingAt: tomorrow(),
    participantUnitIds: [ids[WARD_KAROLINSKA_GERIATRIK], ids[SOC_SOLNA], ids[VC_SOLNA]],
    message: 'Välkomna till SIP',
  });
  if (state === 'planning') return caseId;
  await step(ward, NotifyReadyForDischargeDocument, {
    readyAt: new Date(Date.now() - 60_000).toISOString(),
  });
  if (state === 'ready') return caseId;
  await step(ward, AnnounceDischargeDocument, { plannedAt: tomorrow() });
  if (state === 'discharge announced') return caseId;
  await step(ward, DischargeDocument, {
    dischargedAt: new Date().toISOString(),
    information: DISCHARGE_INFORMATION,
  });
  if (state === 'discharged') return caseId;
  await step(ward, CloseCaseDocument, { reason: 'DISCHARGED' });
  return caseId;
}

/** A valid input for each command, for this persona on this case. */
function attempt(
  command: CommandName,
  persona: Persona,
  seen: CaseView,
  eventId?: string,
): [Parameters<typeof mutate>[1], object] {
  const caseId = seen.id;
  const plan = seen.carePlans?.[0];
  switch (command) {
    case 'sendPlanningBasis':
      return [SendPlanningBasisDocument, { caseId, ...PLANNING_BASIS }];
    case 'appointFixedCareContact':
      return [
        AppointFixedCareContactDocument,
        { caseId, name: 'Karin Berg', unitId: ids[persona.unit] },
      ];
    case 'notifyReadyForDischarge':
      return [
        NotifyReadyForDischargeDocument,
        { caseId, readyAt: new Date(Date.now() - 60_000).toISOString() },
      ];
    case 'withdrawReadyForDischarge':
      return [WithdrawReadyForDischargeDocument, { caseId, reason: 'Feber igen' }];
    case 'callToSip':
      return [
        CallToSipDocument,
        {
          caseId,
          meetingAt: tomorrow(),
          participantUnitIds: [ids[WARD_KAROLINSKA_GERIATRIK]],
          message: 'SIP-möte',
        },
      ];
    case 'createCarePlan':
      return [
        CreateCarePlanDocument,
        {
          caseId,
          kind: 'CARE_PLAN',
          summary: 'Plan',
          items: [],
          participants: [],
          status: 'DRAFT',
        },
      ];
    case 'reviseCarePlan':
      return [
        ReviseCarePlanDocument,
        {
          caseId,
          carePlanId: plan?.id ?? globalId('CarePlan', randomUUID()),
          expectedPlanVersion: plan?.current?.version ?? 1,
          summary: 'Plan, reviderad',
          items: [],
          participants: [],
          status: 'AGREED',
        },
      ];
    case 'publishCarePlanToPatient':
      return [
        PublishCarePlanToPatientDocument,
        {
          caseId,
          carePlanId: plan?.id ?? globalId('CarePlan', randomUUID()),
          version: plan?.current?.version ?? 1,
        },
      ];
    case 'withdrawCarePlanFromPatient':
      return [
        WithdrawCarePlanFromPatientDocument,
        {
          caseId,
          carePlanId: plan?.id ?? globalId('CarePlan', randomUUID()),
          reason: 'Planen ska revideras',
        },
      ];
    case 'announceDischarge':
      return [AnnounceDischargeDocument, { caseId, plannedAt: tomorrow() }];
    case 'discharge':
      return [
        DischargeDocument,
        { caseId, dischargedAt: new Date().toISOString(), information: DISCHARGE_INFORMATION },
      ];
    case 'transferResponsibility':
      return [
        TransferResponsibilityOutcomeDocument,
        {
          caseId,
          fromUnitId: ids[persona.unit],
          toUnitId: ids[persona.transfer.to],
          role: persona.transfer.role,
        },
      ];
    case 'addNote':
      return [AddNoteDocument, { caseId, text: 'Anteckning' }];
    case 'recordConsent':
      return [RecordConsentDocument, { caseId, consent: 'GIVEN' }];
    case 'closeCase':
      return [
        CloseCaseDocument,
        { caseId, reason: seen.status === 'DISCHARGED' ? 'DISCHARGED' : 'NO_SUPPORT_NEEDED' },
      ];
    case 'acknowledge':
      return [AcknowledgeDocument, { caseId, eventId }];
    case 'annulMessage':
      return [AnnulMessageDocument, { caseId, eventId, reason: 'Skickat i fel ärende' }];
  }
}

beforeAll(async () => {
  server = await startTestServer();
  for (const hsaId of [
    WARD_KAROLINSKA_GERIATRIK,
    WARD_KAROLINSKA_MEDICIN,
    WARD_SODERSJUKHUSET_MEDICIN,
    VC_SOLNA,
    VC_SODERMALM,
    SOC_SOLNA,
    SOC_SODERMALM,
  ]) {
    ids[hsaId] = await unitGlobalId(server.owner, hsaId);
  }
  for (const persona of PERSONAS) {
    persona.client = await server.clientFor(persona.unit, {
      roles: persona.roles,
      name: persona.name,
    });
  }
});
afterAll(() => server?.close());

/** Tallies over the whole run, so the test cannot pass by allowing, or refusing, everything. */
const tally = { allowed: 0, refused: 0, allowedMessages: 0, refusedMessages: 0 };

describe('viewerCan agrees with the commands', () => {
  it.each(STATES)(
    'on a case that is %s',
    async (state) => {
      const shared = await build(state);
      const wardView = (await view(byName('ward'), shared))!;
      const events = wardView.events!.edges.map((e) => e.node);
      for (const persona of PERSONAS) {
        const seen = await view(persona.client!, shared);
        const can = seen?.viewerCan ?? null;
        const context = `${persona.name} on a ${state} case`;
        // Commands on the case: the refused ones on the shared case (they write nothing),
        // each allowed one on a fresh case in the same state.
        for (const command of CASE_COMMANDS) {
          const allowed = can?.[command] ?? false;
          if (allowed) {
            const fresh = await build(state);
            const freshView = (await view(persona.client!, fresh))!;
            const answer = await mutate(persona.client!, ...attempt(command, persona, freshView));
            expect(answer, `${command} allowed for ${context} but refused`).not.toMatchObject({
              __typename: 'CommandError',
            });
            tally.allowed++;
          } else {
            const answer = await mutate(
              persona.client!,
              ...attempt(command, persona, { ...wardView, id: shared }),
            );
            expect(answer.__typename, `${command} not allowed for ${context} but it ran`).toBe(
              'CommandError',
            );
            expect(INPUT_CODES, `${command} for ${context}: ${answer.message}`).not.toContain(
              answer.code,
            );
            tally.refused++;
          }
        }
        // Commands on messages: each touches only its own message and unit, so the refused
        // ones first and then the allowed ones can share the case.
        const messageCan = new Map(
          (seen?.events?.edges ?? []).map((e) => [e.node.id, e.node.viewerCan]),
        );
        const tries = events.flatMap((event) =>
          MESSAGE_COMMANDS.map((command) => ({
            event,
            command,
            allowed: messageCan.get(event.id)?.[command] ?? false,
          })),
        );
        for (const { event, command, allowed } of [
          ...tries.filter((t) => !t.allowed),
          ...tries.filter((t) => t.allowed),
        ]) {
          const answer = await mutate(
            persona.client!,
            ...attempt(command, persona, { ...wardView, id: shared }, event.id),
          );
          const what = `${command} of ${event.type} for ${context}`;
          if (allowed) {
            expect(answer, `${what} allowed but refused`).not.toMatchObject({
              __typename: 'CommandError',
            });
            tally.allowedMessages++;
          } else {
            expect(answer.__typename, `${what} not allowed but it ran`).toBe('CommandError');
            expect(INPUT_CODES, `${what}: ${answer.message}`).not.toContain(answer.code);
            tally.refusedMessages++;
          }
        }
      }
    },
    // Builds a fresh case for every allowed command: minutes, not seconds, on a busy machine.
    300_000,
  );

  it('allowed and refused both occurred, for case and message commands alike', () => {
    expect(tally.allowed).toBeGreaterThan(20);
    expect(tally.refused).toBeGreaterThan(200);
    expect(tally.allowedMessages).toBeGreaterThan(5);
    expect(tally.refusedMessages).toBeGreaterThan(20);
  });

  it('answers what the process says for the usual cases', async () => {
    const caseId = await build('planning');
    const ward = (await view(byName('ward'), caseId))!.viewerCan!;
    const social = (await view(byName('social services'), caseId))!.viewerCan!;
    const primary = (await view(byName('primary care'), caseId))!.viewerCan!;
    expect(ward).toMatchObject({ notifyReadyForDischarge: true, discharge: true, closeCase: true });
    expect(ward.appointFixedCareContact).toBe(false);
    expect(social).toMatchObject({
      addNote: true,
      notifyReadyForDischarge: false,
      sendPlanningBasis: false,
      callToSip: false,
    });
    expect(primary).toMatchObject({ appointFixedCareContact: true, callToSip: true });
    expect(await view(byName('a ward outside the case'), caseId)).toBeNull();
  });
});
