import type { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecideRetentionPolicyDocument,
  EffectiveRetentionDocument,
  LegalHoldsDocument,
  PlaceLegalHoldDocument,
  PurgeRecordsDocument,
  ReleaseLegalHoldDocument,
  RetentionPoliciesDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  HUDDINGE,
  residentWithoutCase,
  SOC_HUDDINGE,
  SOC_SOLNA,
  SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { insertClosedCase, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Retention over GraphQL: information owners decide their organisation's policies and
 * holds, security officers read them and the purge records, everyone else is refused, and
 * each attempt to step outside one's own organisation is refused without writing.
 */
let server: TestServer;
let owner: GraphQLClient;
let officer: GraphQLClient;
let huddingeOwner: GraphQLClient;
let nurse: GraphQLClient;
const orgId: Record<string, string> = {};

async function codeOf(attempt: Promise<unknown>): Promise<string | undefined> {
  try {
    await attempt;
  } catch (error) {
    // graphql-request throws ClientError (by shape: rawRequest's may come from another copy).
    const response = (error as Partial<ClientError>).response;
    if (response) return (response.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
    throw error;
  }
  return undefined;
}

async function policyCount(): Promise<number> {
  return Number((await server.owner.query('SELECT count(*) AS n FROM retention_policy')).rows[0].n);
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.clientFor(SOC_SOLNA, {
    roles: ['INFORMATION_OWNER'],
    name: 'Informationsägare Solna',
  });
  officer = await server.clientFor(SOC_SOLNA, {
    roles: ['SECURITY_OFFICER'],
    name: 'Säkerhet Solna',
  });
  huddingeOwner = await server.clientFor(SOC_HUDDINGE, {
    roles: ['INFORMATION_OWNER'],
    name: 'Ägare Huddinge',
  });
  nurse = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['WARD_STAFF'] });
  for (const hsaId of [SOLNA, HUDDINGE]) {
    const { rows } = await server.owner.query('SELECT id FROM organization WHERE hsa_id = $1', [
      hsaId,
    ]);
    orgId[hsaId] = rows[0].id;
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('retention policies', () => {
  it('start from the law’s defaults, resolved for the owner’s organisation', async () => {
    const { retentionPolicies } = await owner.request(RetentionPoliciesDocument, {});
    expect(
      retentionPolicies.map((p) => [
        p.recordClass,
        p.organizationKind,
        p.retainMonths,
        p.legalMinimumMonths,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['CASE', 'MUNICIPALITY', 60, null],
        ['CASE', 'CARE_PROVIDER', 120, null],
        ['ACCESS_LOG', null, 60, 60],
        ['INVOICE_BASIS', null, 84, 84],
      ]),
    );
    const { effectiveRetention } = await owner.request(EffectiveRetentionDocument, {});
    const byClass = Object.fromEntries(effectiveRetention.map((e) => [e.recordClass, e.policy]));
    expect(byClass.CASE).toMatchObject({ retainMonths: 60, organizationKind: 'MUNICIPALITY' });
    expect(byClass.PATIENT_IDENTITY).toBeNull();
    // The law's minimums, for screens that show them beside the policy.
    const minimums = Object.fromEntries(
      effectiveRetention.map((e) => [e.recordClass, e.legalMinimumMonths]),
    );
    expect(minimums).toMatchObject({ ACCESS_LOG: 60, INVOICE_BASIS: 84, CASE: null });
  });

  it('are decided by the information owner for their own organisation, superseding the last decision', async () => {
    const first = await owner.request(DecideRetentionPolicyDocument, {
      input: {
        recordClass: 'CASE',
        retainMonths: 72,
        keepBirthDays: [25, 5, 15],
        decision: 'Socialnämnden 2026-05-12 § 45',
      },
    });
    expect(first.decideRetentionPolicy).toMatchObject({
      __typename: 'DecideRetentionPolicySuccess',
      data: { retainMonths: 72, keepBirthDays: [5, 15, 25], organization: { hsaId: SOLNA } },
    });
    await owner.request(DecideRetentionPolicyDocument, {
      input: { recordClass: 'CASE', retainMonths: 66, decision: 'Socialnämnden 2026-11-01 § 12' },
    });
    const { effectiveRetention } = await owner.request(EffectiveRetentionDocument, {});
    expect(effectiveRetention.find((e) => e.recordClass === 'CASE')?.policy).toMatchObject({
      retainMonths: 66,
      organization: { hsaId: SOLNA },
    });
    const all = await owner.request(RetentionPoliciesDocument, { includeSuperseded: true });
    const own = all.retentionPolicies.filter((p) => p.organization?.hsaId === SOLNA);
    expect(own.map((p) => [p.retainMonths, p.supersededAt === null])).toEqual([
      [72, false],
      [66, true],
    ]);
    // Huddinge's owner sees the defaults, not Solna's decisions.
    const theirs = await huddingeOwner.request(RetentionPoliciesDocument, {
      includeSuperseded: true,
    });
    expect(theirs.retentionPolicies.some((p) => p.organization?.hsaId === SOLNA)).toBe(false);
  });

  it('refuse what the law or the owner’s scope does not allow, writing nothing', async () => {
    const before = await policyCount();
    const attempts: [Record<string, unknown>, string][] = [
      [
        { recordClass: 'ACCESS_LOG', retainMonths: 59, decision: 'Kortare loggar' },
        'RETENTION_BELOW_LEGAL_MINIMUM',
      ],
      [
        { recordClass: 'INVOICE_BASIS', retainMonths: 24, decision: 'Kortare' },
        'RETENTION_BELOW_LEGAL_MINIMUM',
      ],
      [
        { recordClass: 'SESSION', retainMonths: 1, decision: 'Egna sessioner' },
        'RETENTION_NOT_PER_ORGANIZATION',
      ],
      [
        { recordClass: 'CASE', retainMonths: 60, keepBirthDays: [32], decision: 'Beslut' },
        'INVALID_BIRTH_DAYS',
      ],
      [{ recordClass: 'CASE', retainMonths: -1, decision: 'Beslut' }, 'INVALID_RETENTION_PERIOD'],
      [{ recordClass: 'CASE', retainMonths: 60, decision: ' ' }, 'DECISION_REQUIRED'],
      [
        {
          recordClass: 'CASE',
          retainMonths: 60,
          decision: 'Beslut i Huddinge',
          organizationId: globalId('Organization', orgId[HUDDINGE]!),
        },
        'NOT_YOUR_ORGANIZATION',
      ],
      [
        {
          recordClass: 'CASE',
          retainMonths: 60,
          decision: 'Beslut',
          organizationId: 'bm90LWFuLWlk',
        },
        'INVALID_ID',
      ],
    ];
    for (const [input, code] of attempts) {
      const result = await owner.request(DecideRetentionPolicyDocument, { input: input as never });
      expect(result.decideRetentionPolicy, JSON.stringify(input)).toMatchObject({
        __typename: 'RetentionError',
        code,
      });
    }
    expect(await policyCount()).toBe(before);
  });

  it('are read by security officers, who may not decide them; others may not even read', async () => {
    expect(
      (await officer.request(RetentionPoliciesDocument, {})).retentionPolicies.length,
    ).toBeGreaterThan(0);
    expect(
      await codeOf(
        officer.request(DecideRetentionPolicyDocument, {
          input: { recordClass: 'CASE', retainMonths: 60, decision: 'Säkerhetschefens beslut' },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await codeOf(nurse.request(RetentionPoliciesDocument, {}))).toBe('FORBIDDEN');
    expect(await codeOf(nurse.request(LegalHoldsDocument, {}))).toBe('FORBIDDEN');
    expect(await codeOf(nurse.request(PurgeRecordsDocument, {}))).toBe('FORBIDDEN');
    expect(await codeOf(server.anonymousClient().request(RetentionPoliciesDocument, {}))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('legal holds', () => {
  let solnaCaseId = '';
  let foreignCaseId = '';
  let solnaPin = '';

  beforeAll(async () => {
    const solna = await server.owner.query(
      `SELECT c.id, p.personal_identity_number AS pin FROM "case" c JOIN patient p ON p.id = c.patient_id
       WHERE EXISTS (SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id JOIN organization o ON o.id = u.organization_id
                     WHERE cp.case_id = c.id AND o.hsa_id = $1) LIMIT 1`,
      [SOLNA],
    );
    solnaCaseId = solna.rows[0].id;
    solnaPin = solna.rows[0].pin;
    const foreign = await server.owner.query(
      `SELECT c.id FROM "case" c WHERE NOT EXISTS (
         SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id JOIN organization o ON o.id = u.organization_id
         WHERE cp.case_id = c.id AND o.hsa_id = $1) LIMIT 1`,
      [SOLNA],
    );
    foreignCaseId = foreign.rows[0].id;
  });

  const REASON = 'Tvist om betalningsansvar, dnr SN 2026/112';

  it('are placed by the owner on a case, a patient or the organisation of their own', async () => {
    const onCase = await owner.request(PlaceLegalHoldDocument, {
      input: { caseId: globalId('Case', solnaCaseId), reason: REASON, reference: 'SN 2026/112' },
    });
    expect(onCase.placeLegalHold).toMatchObject({
      __typename: 'PlaceLegalHoldSuccess',
      data: {
        target: 'CASE',
        caseId: globalId('Case', solnaCaseId),
        placedFor: { hsaId: SOLNA },
        active: true,
      },
    });
    const onPatient = await owner.request(PlaceLegalHoldDocument, {
      input: { personalIdentityNumber: solnaPin, reason: REASON },
    });
    expect(onPatient.placeLegalHold).toMatchObject({ data: { target: 'PATIENT' } });
    const onOrganization = await owner.request(PlaceLegalHoldDocument, {
      input: { organizationId: globalId('Organization', orgId[SOLNA]!), reason: REASON },
    });
    expect(onOrganization.placeLegalHold).toMatchObject({
      data: { target: 'ORGANIZATION', organization: { hsaId: SOLNA } },
    });
    const { legalHolds } = await officer.request(LegalHoldsDocument, { active: true });
    expect(legalHolds).toHaveLength(3);
    // A hold names its patient by id only: no personnummer in what is listed.
    expect(JSON.stringify(legalHolds)).not.toContain(solnaPin);
    expect((await huddingeOwner.request(LegalHoldsDocument, {})).legalHolds).toEqual([]);
  });

  it('cannot reach outside the owner’s organisation, nor be placed without a reason or with two targets', async () => {
    const before = Number(
      (await server.owner.query('SELECT count(*) AS n FROM legal_hold')).rows[0].n,
    );
    const attempts: [Record<string, unknown>, string][] = [
      [{ caseId: globalId('Case', foreignCaseId), reason: REASON }, 'CASE_NOT_FOUND'],
      [
        { personalIdentityNumber: residentWithoutCase(0).personalIdentityNumber, reason: REASON },
        'PATIENT_NOT_FOUND',
      ],
      [
        { personalIdentityNumber: '19121212121', reason: REASON },
        'INVALID_PERSONAL_IDENTITY_NUMBER',
      ],
      [
        { organizationId: globalId('Organization', orgId[HUDDINGE]!), reason: REASON },
        'NOT_YOUR_ORGANIZATION',
      ],
      [{ caseId: globalId('Case', solnaCaseId), reason: 'kort' }, 'REASON_REQUIRED'],
      [
        {
          caseId: globalId('Case', solnaCaseId),
          organizationId: globalId('Organization', orgId[SOLNA]!),
          reason: REASON,
        },
        'ONE_TARGET_REQUIRED',
      ],
      [{ caseId: globalId('Patient', solnaCaseId), reason: REASON }, 'INVALID_ID'],
    ];
    for (const [input, code] of attempts) {
      const result = await owner.request(PlaceLegalHoldDocument, { input: input as never });
      expect(result.placeLegalHold, JSON.stringify(input)).toMatchObject({
        __typename: 'RetentionError',
        code,
      });
    }
    expect(
      await codeOf(
        officer.request(PlaceLegalHoldDocument, {
          input: { caseId: globalId('Case', solnaCaseId), reason: REASON },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      Number((await server.owner.query('SELECT count(*) AS n FROM legal_hold')).rows[0].n),
    ).toBe(before);
  });

  it('are released by their own organisation’s owner, once, and stay on record', async () => {
    const { legalHolds } = await owner.request(LegalHoldsDocument, { active: true });
    const hold = legalHolds.find((h) => h.target === 'ORGANIZATION')!;
    const foreign = await huddingeOwner.request(ReleaseLegalHoldDocument, {
      input: { id: hold.id, reason: 'Inte vår att släppa' },
    });
    expect(foreign.releaseLegalHold).toMatchObject({
      __typename: 'RetentionError',
      code: 'HOLD_NOT_FOUND',
    });
    const released = await owner.request(ReleaseLegalHoldDocument, {
      input: { id: hold.id, reason: 'Tvisten är avgjord' },
    });
    expect(released.releaseLegalHold).toMatchObject({
      data: { active: false, releasedReason: 'Tvisten är avgjord' },
    });
    const again = await owner.request(ReleaseLegalHoldDocument, {
      input: { id: hold.id, reason: 'Tvisten är avgjord' },
    });
    expect(again.releaseLegalHold).toMatchObject({ code: 'HOLD_ALREADY_RELEASED' });
    expect(
      (await owner.request(LegalHoldsDocument, { active: false })).legalHolds.map((h) => h.id),
    ).toEqual([hold.id]);
  });

  it('are not reachable as nodes, so node(id:) cannot bypass the checks', async () => {
    const { legalHolds } = await owner.request(LegalHoldsDocument, {});
    for (const client of [nurse, owner]) {
      const attempt = client.rawRequest('query ($id: ID!) { node(id: $id) { id } }', {
        id: legalHolds[0]!.id,
      });
      expect(await codeOf(attempt)).toBe('INVALID_ID');
    }
  });

  it('placed over the API keep a due case through a purge, which the officer then reads in the record', async () => {
    const old = await insertClosedCase(server.owner, {
      pin: pinBornOn(16),
      units: [SOC_SOLNA],
      lastEntryAt: new Date('2019-02-01T10:00:00Z'),
    });
    await owner.request(PlaceLegalHoldDocument, {
      input: { caseId: globalId('Case', old.caseId), reason: REASON },
    });
    const run = await runRetentionCli(server.databaseUrl, ['run', '--started-by', 'graphql-test']);
    expect(run.code, run.stderr).toBe(0);
    const { rows } = await server.owner.query('SELECT 1 FROM "case" WHERE id = $1', [old.caseId]);
    expect(rows).toHaveLength(1);

    const { purgeRecords } = await officer.request(PurgeRecordsDocument, {
      limit: 5,
      mode: 'PURGE',
    });
    expect(purgeRecords[0]).toMatchObject({
      mode: 'PURGE',
      status: 'SUCCEEDED',
      startedBy: 'cli:graphql-test',
    });
    const caseLine = purgeRecords[0]!.items.find((i) => i.recordClass === 'CASE');
    expect(caseLine).toMatchObject({
      held: 1,
      purged: 0,
      policy: { organization: { hsaId: SOLNA } },
    });
    // Huddinge's owner sees the run, but not the line under Solna's own policy.
    const theirs = await huddingeOwner.request(PurgeRecordsDocument, { limit: 5 });
    expect(theirs.purgeRecords[0]!.items.some((i) => i.policy?.organization?.hsaId === SOLNA)).toBe(
      false,
    );
  });
});

describe('a case only the municipality still holds', () => {
  it('lists with no ward rather than an error', async () => {
    const old = await insertClosedCase(server.owner, {
      pin: pinBornOn(16),
      units: [SOC_SOLNA],
      lastEntryAt: new Date('2025-02-01T10:00:00Z'),
    });
    const staff = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
    const response = await staff.rawRequest<{
      case: { ward: unknown; municipalityUnits: unknown[] };
    }>('query ($id: ID!) { case(id: $id) { ward { name } municipalityUnits { hsaId } } }', {
      id: globalId('Case', old.caseId),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data.case).toEqual({ ward: null, municipalityUnits: [{ hsaId: SOC_SOLNA }] });
  });
});
