import { decodeGlobalID } from '@pothos/plugin-relay';
import type { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecideRetentionPolicyDocument,
  DecideRetentionPolicyLinkedDocument,
  DecideRetentionProposalDocument,
  EffectiveRetentionDocument,
  LegalHoldsDocument,
  PlaceLegalHoldDocument,
  PurgeRecordsDocument,
  RecordRetentionDecisionDocument,
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
import { loadNode } from '../../support/node.js';
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

describe('retention records as nodes', () => {
  type TypeName =
    | 'LegalHold'
    | 'RetentionPolicy'
    | 'RetentionDecision'
    | 'PurgeRecord'
    | 'RetentionWarning';
  /** What each list shows and `node(id:)` answers, field for field. */
  const SELECTION: Record<TypeName, string> = {
    LegalHold: 'target caseId active placedFor { hsaId }',
    RetentionPolicy: 'recordClass retainMonths policyOf: organization { hsaId }',
    RetentionDecision: 'recordClass reference decisionOf: organization { hsaId }',
    PurgeRecord:
      'mode status startedBy items { recordClass held policy { organization { hsaId } } }',
    RetentionWarning: 'kind message',
  };
  const TYPES = Object.keys(SELECTION) as TypeName[];
  const FRAGMENTS = TYPES.map((type) => `... on ${type} { ${SELECTION[type]} }`).join(' ');
  const LISTS = `{
    legalHolds { __typename id ${SELECTION.LegalHold} }
    retentionPolicies(includeSuperseded: true) { __typename id ${SELECTION.RetentionPolicy} }
    retentionDecisions { __typename id ${SELECTION.RetentionDecision} }
    purgeRecords(limit: 100) { __typename id ${SELECTION.PurgeRecord} }
    retentionWarnings(limit: 100) { __typename id ${SELECTION.RetentionWarning} }
  }`;
  type Row = Record<string, unknown> & { id: string };
  type Lists = Record<TypeName, Row[]>;
  const lists = async (client: GraphQLClient): Promise<Lists> => {
    const data = await client.request<Record<string, Row[]>>(LISTS);
    return {
      LegalHold: data.legalHolds!,
      RetentionPolicy: data.retentionPolicies!,
      RetentionDecision: data.retentionDecisions!,
      PurgeRecord: data.purgeRecords!,
      RetentionWarning: data.retentionWarnings!,
    };
  };
  /** Solna's own record of each type, as Solna's owner lists it (a default for no type). */
  const solna: Partial<Record<TypeName, Row>> = {};
  let defaultPolicy: Row;

  beforeAll(async () => {
    const recorded = await owner.request(RecordRetentionDecisionDocument, {
      input: {
        recordClass: 'CASE',
        reference: 'SN 2026/140 § 7',
        decidedOn: '2026-06-01',
        decidedBy: 'Socialnämnden i Solna',
      },
    });
    if (recorded.recordRetentionDecision.__typename !== 'RecordRetentionDecisionSuccess')
      throw new Error('fixture: decision refused');
    await server.owner.query(
      `INSERT INTO retention_warning (kind, actor, message) VALUES ('RUN_SKIPPED', 'scheduler:7', 'Skipped for a test')`,
    );
    const own = await lists(owner);
    solna.LegalHold = own.LegalHold[0]!;
    solna.RetentionPolicy = own.RetentionPolicy.find((p) => p.policyOf !== null)!;
    solna.RetentionDecision = own.RetentionDecision[0]!;
    solna.PurgeRecord = own.PurgeRecord[0]!;
    solna.RetentionWarning = own.RetentionWarning[0]!;
    defaultPolicy = own.RetentionPolicy.find((p) => p.policyOf === null)!;
    for (const type of TYPES) if (!solna[type]) throw new Error(`fixture: no ${type} listed`);
  });

  it('answer global ids of their own types, the values the commands have always taken', () => {
    for (const type of TYPES) expect(decodeGlobalID(solna[type]!.id).typename, type).toBe(type);
    expect(decodeGlobalID(solna.RetentionWarning!.id).id).toMatch(/^[1-9][0-9]*$/);
  });

  it('load by node(id:) as their lists show them, for the owner and the security officer', async () => {
    for (const client of [owner, officer]) {
      const listed = await lists(client);
      for (const type of TYPES) {
        for (const row of listed[type]!) {
          const answer = await loadNode(client, FRAGMENTS, row.id);
          expect(answer.codes, type).toEqual([]);
          expect(answer.node, type).toEqual(row);
        }
      }
    }
    const ids = TYPES.map((type) => solna[type]!.id);
    const { nodes } = await owner.request<{ nodes: { __typename: string; id: string }[] }>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
      { ids },
    );
    expect(nodes).toEqual(TYPES.map((type, i) => ({ __typename: type, id: ids[i] })));
  });

  it('answer another organisation’s owner what their lists answer: null for Solna’s own, the shared ones whole', async () => {
    const theirs = await lists(huddingeOwner);
    for (const type of ['LegalHold', 'RetentionPolicy', 'RetentionDecision'] as const) {
      expect(
        theirs[type]!.map((r) => r.id),
        type,
      ).not.toContain(solna[type]!.id);
      const answer = await loadNode(huddingeOwner, FRAGMENTS, solna[type]!.id);
      expect(answer, type).toMatchObject({ node: null, codes: [] });
      expect(answer.raw, type).not.toContain(SOLNA);
    }
    // A run, a warning and the law's defaults are everyone's, in the lists and by node.
    for (const row of [solna.PurgeRecord!, solna.RetentionWarning!, defaultPolicy]) {
      const answer = await loadNode(huddingeOwner, FRAGMENTS, row.id);
      expect(answer.codes).toEqual([]);
      expect(answer.node).toMatchObject({ id: row.id });
    }
    // Their lines of the run are their own, through node as through the list.
    const run = theirs.PurgeRecord!.find((r) => r.id === solna.PurgeRecord!.id)!;
    expect((await loadNode(huddingeOwner, FRAGMENTS, run.id)).node).toEqual(run);
  });

  it('refuse care staff (FORBIDDEN) and no sign-in (UNAUTHENTICATED), as the lists do, answering nothing of the record', async () => {
    expect(await codeOf(nurse.request(LISTS))).toBe('FORBIDDEN');
    expect(await codeOf(server.anonymousClient().request(LISTS))).toBe('UNAUTHENTICATED');
    for (const type of TYPES) {
      const refused = await loadNode(nurse, FRAGMENTS, solna[type]!.id);
      expect(refused, type).toMatchObject({ node: null, codes: ['FORBIDDEN'] });
      expect(refused.raw, type).not.toContain(SOLNA);
      const anonymous = await loadNode(server.anonymousClient(), FRAGMENTS, solna[type]!.id);
      expect(anonymous, type).toMatchObject({ node: null, codes: ['UNAUTHENTICATED'] });
    }
  });

  it('answer null for an id of nothing, and INVALID_ID for a global id around anything but a key', async () => {
    const nothing: [TypeName, string][] = [
      ...TYPES.filter((t) => t !== 'RetentionWarning').map(
        (t) => [t, '00000000-0000-4000-8000-000000000000'] as [TypeName, string],
      ),
      ['RetentionWarning', '9223372036854775807'],
    ];
    for (const [type, key] of nothing) {
      expect(await loadNode(owner, FRAGMENTS, globalId(type, key)), type).toMatchObject({
        node: null,
        codes: [],
      });
    }
    const garbage: [TypeName, string][] = [
      ...TYPES.filter((t) => t !== 'RetentionWarning').map(
        (t) => [t, 'not-a-uuid'] as [TypeName, string],
      ),
      ['RetentionWarning', solna.LegalHold!.id],
      ['RetentionWarning', '0'],
      ['RetentionWarning', '12x'],
      ['RetentionWarning', '9223372036854775808'],
    ];
    for (const [type, key] of garbage) {
      expect(await loadNode(owner, FRAGMENTS, globalId(type, key)), `${type} ${key}`).toMatchObject(
        { node: null, codes: ['INVALID_ID'] },
      );
    }
  });

  it('keep their ids as the commands take them: the id node loads is the one a command acts on, one of another type is INVALID_ID', async () => {
    const decision = (await loadNode(owner, FRAGMENTS, solna.RetentionDecision!.id)).node!;
    const linked = await owner.request(DecideRetentionPolicyLinkedDocument, {
      input: {
        recordClass: 'CASE',
        retainMonths: 66,
        decision: 'Socialnämnden 2026-06-01 § 7',
        decisionId: decision.id as string,
      },
    });
    expect(linked.decideRetentionPolicy).toMatchObject({
      data: { retentionDecision: { id: solna.RetentionDecision!.id } },
    });

    // Each command's id of another type, or of its type around no UUID, or no global id.
    const garbage = (type: TypeName) => [globalId(type, 'not-a-uuid'), 'bm90LWFuLWlk'];
    for (const id of [solna.PurgeRecord!.id, solna.RetentionWarning!.id, ...garbage('LegalHold')]) {
      const release = await owner.request(ReleaseLegalHoldDocument, {
        input: { id, reason: 'Fel sorts id' },
      });
      expect(release.releaseLegalHold, id).toMatchObject({
        __typename: 'RetentionError',
        code: 'INVALID_ID',
        field: 'input.id',
      });
    }
    for (const id of [
      solna.LegalHold!.id,
      solna.RetentionDecision!.id,
      ...garbage('PurgeRecord'),
    ]) {
      const proposal = await owner.request(DecideRetentionProposalDocument, {
        input: { proposalId: id, approve: true },
      });
      expect(proposal.decideRetentionProposal, id).toMatchObject({
        __typename: 'RetentionError',
        code: 'INVALID_ID',
        field: 'input.proposalId',
      });
    }
    for (const id of [
      solna.RetentionPolicy!.id,
      solna.PurgeRecord!.id,
      ...garbage('RetentionDecision'),
    ]) {
      const policy = await owner.request(DecideRetentionPolicyDocument, {
        input: { recordClass: 'CASE', retainMonths: 66, decision: 'Beslut', decisionId: id },
      });
      expect(policy.decideRetentionPolicy, id).toMatchObject({
        __typename: 'RetentionError',
        code: 'INVALID_ID',
        field: 'input.decisionId',
      });
    }
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
