import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppointFixedCareContactDocument,
  CaseByIdDocument,
  CreateCarePlanDocument,
  NotifyReadyForDischargeDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  type SendAdmissionNoticeMutationVariables,
} from '../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_GUSTAVSBERG,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../support/demo.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Bad input gets a stable code and the database stays as it was: malformed personnummer,
 * unknown unit, HSA-ID of the wrong form, a command in the wrong state, two ready notices
 * at the same moment, and a failure half-way through a command's writes.
 */
let server: TestServer;
let ward: GraphQLClient;
let socialSolna = '';

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  socialSolna = await unitGlobalId(server.owner, SOC_SOLNA);
});
afterAll(() => server?.close());

async function counts() {
  const { rows } = await server.owner.query<{
    cases: string;
    events: string;
    patients: string;
    plans: string;
  }>(
    `SELECT (SELECT count(*) FROM "case") AS cases, (SELECT count(*) FROM case_event) AS events,
            (SELECT count(*) FROM patient) AS patients, (SELECT count(*) FROM care_plan_version) AS plans`,
  );
  return rows[0]!;
}

const admission = (over: Partial<SendAdmissionNoticeMutationVariables['input']> = {}) => ({
  input: {
    personalIdentityNumber: residentWithoutCase(3).personalIdentityNumber,
    admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
    municipalityParties: [{ unitId: socialSolna, role: 'MUNICIPAL_SOCIAL_SERVICES' as const }],
    ...over,
  },
});

async function openCase(resident: number): Promise<{ id: string; version: number | null }> {
  const { sendAdmissionNotice } = await ward.request(
    SendAdmissionNoticeDocument,
    admission({ personalIdentityNumber: residentWithoutCase(resident).personalIdentityNumber }),
  );
  if (!('case' in sendAdmissionNotice)) throw new Error(JSON.stringify(sendAdmissionNotice));
  return sendAdmissionNotice.case;
}

describe('refused admission notices write nothing', () => {
  it.each([
    [
      'a malformed personnummer',
      { personalIdentityNumber: '19121212-121' },
      'INVALID_PERSONAL_IDENTITY_NUMBER',
      'personalIdentityNumber',
    ],
    [
      'a wrong check digit',
      { personalIdentityNumber: '19121212-1213' },
      'INVALID_PERSONAL_IDENTITY_NUMBER',
      'personalIdentityNumber',
    ],
    [
      'a person not in the register',
      { personalIdentityNumber: '19121212-1212' },
      'PATIENT_NOT_FOUND',
      'personalIdentityNumber',
    ],
    [
      'an unknown unit',
      {
        municipalityParties: [
          {
            unitId: globalId('Unit', '00000000-0000-4000-8000-000000000000'),
            role: 'MUNICIPAL_SOCIAL_SERVICES' as const,
          },
        ],
      },
      'UNIT_NOT_FOUND',
      'municipalityParties.0.unitId',
    ],
    [
      'a unit of the wrong kind',
      { municipalityParties: [{ unitId: 'placeholder', role: 'MUNICIPAL_HEALTH_CARE' as const }] },
      'UNIT_KIND_MISMATCH',
      'municipalityParties.0.unitId',
    ],
    [
      'an id of another type',
      { primaryCareUnitId: globalId('Case', '00000000-0000-4000-8000-000000000000') },
      'INVALID_ID',
      'primaryCareUnitId',
    ],
    [
      'an admission in the future',
      { admittedAt: new Date(Date.now() + 86_400_000).toISOString() },
      'TIME_ORDER',
      'admittedAt',
    ],
  ])('%s', async (_what, over, code, field) => {
    const before = await counts();
    const input = admission(over as never);
    if (input.input.municipalityParties[0]!.unitId === 'placeholder')
      input.input.municipalityParties[0]!.unitId = socialSolna;
    const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, input);
    expect(sendAdmissionNotice).toMatchObject({ __typename: 'CommandError', code, field });
    expect(await counts()).toEqual(before);
  });

  it('refuses the admission notice from a unit that is not a ward', async () => {
    const primary = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
    const { sendAdmissionNotice } = await primary.request(SendAdmissionNoticeDocument, admission());
    expect(sendAdmissionNotice).toMatchObject({ code: 'UNIT_KIND_MISMATCH', field: 'actingUnit' });
  });

  it('answers NO_ACTING_UNIT for a commission whose unit Brygga does not know', async () => {
    const stranger = await server.clientFor('SE5565594230-ABC1');
    const { sendAdmissionNotice } = await stranger.request(
      SendAdmissionNoticeDocument,
      admission(),
    );
    expect(sendAdmissionNotice).toMatchObject({ code: 'NO_ACTING_UNIT' });
  });

  it('refuses malformed input before any resolver with a GraphQL error code', async () => {
    const error = await ward
      .request(SendAdmissionNoticeDocument, admission({ admittedAt: 'yesterday' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('commands on an existing case', () => {
  it('refuses an HSA-ID of the wrong form', async () => {
    const c = await openCase(4); // listed at Vårdcentral Gustavsberg, which appoints the contact
    const primaryCare = await server.clientFor(VC_GUSTAVSBERG, { roles: ['PRIMARY_CARE_STAFF'] });
    const { appointFixedCareContact } = await primaryCare.request(AppointFixedCareContactDocument, {
      input: {
        caseId: c.id,
        name: 'Eva',
        hsaId: 'SE123-X',
        unitId: await unitGlobalId(server.owner, VC_GUSTAVSBERG),
      },
    });
    expect(appointFixedCareContact).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await ward.request(CaseByIdDocument, { id: c.id })).case?.version).toBe(c.version);
  });

  it('refuses a stale expectedVersion with CONCURRENT_MODIFICATION', async () => {
    const c = await openCase(5);
    const { notifyReadyForDischarge } = await ward.request(NotifyReadyForDischargeDocument, {
      input: { caseId: c.id, expectedVersion: c.version! + 1, readyAt: new Date().toISOString() },
    });
    expect(notifyReadyForDischarge).toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
      field: 'expectedVersion',
    });
  });

  it('refuses a stale expectedPlanVersion with CONCURRENT_MODIFICATION and writes nothing', async () => {
    const c = await openCase(9);
    const plan = {
      summary: 'Plan',
      items: [{ responsibleUnitId: socialSolna, action: 'Hemtjänst' }],
      participants: [{ name: 'Anna', role: 'Patient' }],
      status: 'DRAFT' as const,
    };
    const { createCarePlan } = await ward.request(CreateCarePlanDocument, {
      input: { caseId: c.id, kind: 'CARE_PLAN', ...plan },
    });
    expect(createCarePlan.__typename).toBe('CreateCarePlanSuccess');
    const carePlanId = (await ward.request(CaseByIdDocument, { id: c.id })).case?.carePlans?.[0]
      ?.id;
    if (!carePlanId) throw new Error('the new care plan is not listed');
    const revise = (expectedPlanVersion: number) =>
      ward.request(ReviseCarePlanDocument, {
        input: { caseId: c.id, carePlanId, expectedPlanVersion, ...plan, summary: 'Reviderad' },
      });
    expect((await revise(1)).reviseCarePlan.__typename).toBe('ReviseCarePlanSuccess');
    const before = await counts();
    // Someone else's revision made version 2; this author still edits version 1.
    expect((await revise(1)).reviseCarePlan).toMatchObject({
      __typename: 'CommandError',
      code: 'CONCURRENT_MODIFICATION',
      field: 'expectedPlanVersion',
    });
    expect(await counts()).toEqual(before);
  });

  it('lets exactly one of two simultaneous ready notices through', async () => {
    const c = await openCase(6);
    const readyAt = new Date().toISOString();
    const results = await Promise.all(
      [0, 1].map(() =>
        ward.request(NotifyReadyForDischargeDocument, { input: { caseId: c.id, readyAt } }),
      ),
    );
    const outcomes = results.map((r) => r.notifyReadyForDischarge.__typename).sort();
    expect(outcomes).toEqual(['CommandError', 'NotifyReadyForDischargeSuccess']);
    const refused = results.find(
      (r) => r.notifyReadyForDischarge.__typename === 'CommandError',
    )!.notifyReadyForDischarge;
    expect(['CONCURRENT_MODIFICATION', 'INVALID_STATE']).toContain(
      (refused as { code: string }).code,
    );
    const { rows } = await server.owner.query(
      `SELECT count(*)::int AS n FROM case_event WHERE case_id = $1 AND type = 'READY_FOR_DISCHARGE_NOTIFIED'`,
      [decodeGlobalID(c.id).id],
    );
    expect(rows[0].n).toBe(1);
    const after = await ward.request(CaseByIdDocument, { id: c.id });
    expect(after.case?.version).toBe(c.version! + 1);
  });

  it('leaves no partial write when the database fails half-way through a command', async () => {
    const c = await openCase(8);
    // Make the last write of createCarePlan (its participants) fail inside the transaction,
    // after the case row, the event, the plan and its version have been written.
    await server.owner.query(`
      CREATE FUNCTION fail_participant() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated failure'; END $$;
      CREATE TRIGGER fail_participant BEFORE INSERT ON care_plan_participant
        FOR EACH ROW WHEN (NEW.name = 'Fail here') EXECUTE FUNCTION fail_participant();`);
    const before = await counts();
    const error = await ward
      .request(CreateCarePlanDocument, {
        input: {
          caseId: c.id,
          kind: 'CARE_PLAN',
          summary: 'Plan',
          items: [{ responsibleUnitId: socialSolna, action: 'Hemtjänst' }],
          participants: [{ name: 'Fail here', role: 'Patient' }],
          status: 'DRAFT',
        },
      })
      .catch((e: unknown) => e);
    expect((error as ClientError).response.errors?.[0]?.extensions?.code).toBe(
      'INTERNAL_SERVER_ERROR',
    );
    expect(JSON.stringify((error as ClientError).response)).not.toContain('simulated failure');
    expect(await counts()).toEqual(before);
    const after = await ward.request(CaseByIdDocument, { id: c.id });
    expect(after.case?.version).toBe(c.version);
    expect(after.case?.carePlans).toEqual([]);
  });
});
