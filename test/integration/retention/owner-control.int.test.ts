import type { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecideRetentionPolicyLinkedDocument,
  DecideRetentionProposalDocument,
  PurgeRecordOrganizationCountsDocument,
  RecordRetentionDecisionDocument,
  RetentionDecisionsDocument,
  SetRetentionModeDocument,
} from '../../generated/graphql.js';
import { globalId, HUDDINGE, SOC_HUDDINGE, SOC_SOLNA, SOLNA } from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import {
  appendAccessLog,
  insertClosedCase,
  insertPatient,
  pinBornOn,
} from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Owners' control (issue 16): a public body's records are kept until its retention
 * decision (gallringsbeslut) exists, by the runner and by the purge functions' guards;
 * policies link to the decision they implement; an organisation that chose approval has
 * its records purged only as far as its owner approved a dry run (the proposal), and
 * each verdict is recorded. Each rule is also tried the wrong way round.
 */
let server: TestServer;
let solnaOwner: GraphQLClient;
let solnaOfficer: GraphQLClient;
let huddingeOwner: GraphQLClient;
let newOwner: GraphQLClient;
const OLD = new Date('2014-03-01T10:00:00Z');
// A municipality new to the system (a public body, no decision yet) and a private care
// provider (organisationsnummer group 5: not a public body).
const NEW_MUNICIPALITY = 'SE2120009999-0001';
const NEW_SOC = 'SE2120009999-SOC1';
const PRIVATE_PROVIDER = 'SE5561234567-0001';
const PRIVATE_CLINIC = 'SE5561234567-VC01';
const orgId: Record<string, string> = {};

async function codeOf(attempt: Promise<unknown>): Promise<string | undefined> {
  try {
    await attempt;
  } catch (error) {
    const response = (error as Partial<ClientError>).response;
    if (response) return (response.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
    throw error;
  }
  return undefined;
}

async function exists(caseId: string): Promise<boolean> {
  const { rows } = await server.owner.query('SELECT 1 FROM "case" WHERE id = $1', [caseId]);
  return rows.length === 1;
}

async function run(...args: string[]): Promise<void> {
  const result = await runRetentionCli(server.databaseUrl, ['run', ...args]);
  expect(result.code, result.stderr).toBe(0);
}

async function count(table: string): Promise<number> {
  return Number((await server.owner.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

beforeAll(async () => {
  server = await startTestServer();
  await server.owner.query(
    `INSERT INTO organization (hsa_id, name, kind, org_number, municipality_code) VALUES
       ($1, 'Nya kommunen', 'MUNICIPALITY', '2120009999', '0199'),
       ($2, 'Privat Vård AB', 'CARE_PROVIDER', '5561234567', NULL)`,
    [NEW_MUNICIPALITY, PRIVATE_PROVIDER],
  );
  await server.owner.query(
    `INSERT INTO unit (hsa_id, name, kind, organization_id, municipality_code)
     SELECT $1, 'Socialtjänsten Nya kommunen', 'MUNICIPAL_SOCIAL_SERVICES'::unit_kind, id, '0199' FROM organization WHERE hsa_id = $2
     UNION ALL
     SELECT $3, 'Privat vårdcentral', 'PRIMARY_CARE'::unit_kind, id, '0180' FROM organization WHERE hsa_id = $4`,
    [NEW_SOC, NEW_MUNICIPALITY, PRIVATE_CLINIC, PRIVATE_PROVIDER],
  );
  for (const hsaId of [SOLNA, HUDDINGE, NEW_MUNICIPALITY]) {
    const { rows } = await server.owner.query('SELECT id FROM organization WHERE hsa_id = $1', [
      hsaId,
    ]);
    orgId[hsaId] = rows[0].id;
  }
  solnaOwner = await server.clientFor(SOC_SOLNA, { roles: ['INFORMATION_OWNER'] });
  solnaOfficer = await server.clientFor(SOC_SOLNA, { roles: ['SECURITY_OFFICER'] });
  huddingeOwner = await server.clientFor(SOC_HUDDINGE, { roles: ['INFORMATION_OWNER'] });
  newOwner = await server.clientFor(NEW_SOC, { roles: ['INFORMATION_OWNER'] });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a public body without a retention decision', () => {
  let publicCase = '';
  let privateCase = '';

  beforeAll(async () => {
    publicCase = (
      await insertClosedCase(server.owner, {
        pin: pinBornOn(16),
        units: [NEW_SOC],
        lastEntryAt: OLD,
      })
    ).caseId;
    privateCase = (
      await insertClosedCase(server.owner, {
        pin: pinBornOn(16),
        units: [PRIVATE_CLINIC],
        lastEntryAt: OLD,
      })
    ).caseId;
  });

  it('keeps its records through a purge, while a private provider’s go under the default', async () => {
    await run('--started-by', 'owner-control');
    expect(await exists(publicCase)).toBe(true);
    expect(await exists(privateCase)).toBe(false);
  });

  it('keeps them also when the purge function is called directly as the purge role', async () => {
    await server.owner.query('BEGIN');
    try {
      await server.owner.query('SET LOCAL ROLE brygga_retention');
      await expect(
        server.owner.query('SELECT retention_purge_cases($1::uuid[])', [[publicCase]]),
      ).rejects.toThrow(/not due under the policy in force/);
    } finally {
      await server.owner.query('ROLLBACK');
    }
    expect(await exists(publicCase)).toBe(true);
  });

  it('refuses a decision that is not one, writing nothing', async () => {
    const before = await count('retention_decision');
    const valid = {
      recordClass: 'CASE',
      reference: 'KS 2026/88 § 12',
      decidedOn: '2026-05-04',
      decidedBy: 'Kommunstyrelsen',
    } as const;
    const attempts: [Record<string, unknown>, string][] = [
      [{ ...valid, recordClass: 'SESSION' }, 'RETENTION_NOT_PER_ORGANIZATION'],
      [{ ...valid, reference: '   ' }, 'REFERENCE_REQUIRED'],
      [{ ...valid, decidedBy: '' }, 'REFERENCE_REQUIRED'],
      [{ ...valid, decidedOn: '2099-01-01' }, 'INVALID_DATE'],
      [
        { ...valid, organizationId: globalId('Organization', orgId[SOLNA]!) },
        'NOT_YOUR_ORGANIZATION',
      ],
      [{ ...valid, organizationId: globalId('Case', orgId[SOLNA]!) }, 'INVALID_ID'],
    ];
    for (const [input, code] of attempts) {
      const result = await newOwner.request(RecordRetentionDecisionDocument, {
        input: input as never,
      });
      expect(result.recordRetentionDecision, JSON.stringify(input)).toMatchObject({
        __typename: 'RetentionError',
        code,
      });
    }
    // Not a calendar day at all: the Date scalar refuses it before anything runs.
    for (const decidedOn of ['2026-02-30', '4 maj 2026']) {
      expect(
        await codeOf(
          newOwner.request(RecordRetentionDecisionDocument, { input: { ...valid, decidedOn } }),
        ),
        decidedOn,
      ).toBe('BAD_USER_INPUT');
    }
    expect(
      await codeOf(solnaOfficer.request(RecordRetentionDecisionDocument, { input: valid })),
    ).toBe('FORBIDDEN');
    expect(await count('retention_decision')).toBe(before);
    expect(await exists(publicCase)).toBe(true);
  });

  it('purges them once the owner has recorded the decision over the API', async () => {
    const recorded = await newOwner.request(RecordRetentionDecisionDocument, {
      input: {
        recordClass: 'CASE',
        reference: 'KS 2026/88 § 12',
        decidedOn: '2026-05-04',
        decidedBy: 'Kommunstyrelsen',
      },
    });
    expect(recorded.recordRetentionDecision).toMatchObject({
      __typename: 'RecordRetentionDecisionSuccess',
      data: {
        recordClass: 'CASE',
        reference: 'KS 2026/88 § 12',
        decidedOn: '2026-05-04',
        decidedBy: 'Kommunstyrelsen',
        organization: { hsaId: NEW_MUNICIPALITY },
      },
    });
    // Nobody changes a recorded decision, the owner of the database included.
    await expect(
      server.owner.query(`UPDATE retention_decision SET reference = 'x'`),
    ).rejects.toThrow(/append-only/);
    await expect(server.owner.query('DELETE FROM retention_decision')).rejects.toThrow(
      /append-only/,
    );
    await run('--started-by', 'owner-control');
    expect(await exists(publicCase)).toBe(false);
  });
});

describe('an access-log month, which every organisation shares', () => {
  it('is kept while any public body lacks a decision for the access log, and goes once it has one', async () => {
    const pin = pinBornOn(16);
    const patientId = await insertPatient(server.owner, pin);
    await appendAccessLog(server.owner, new Date('2015-05-12T10:00:00Z'), { id: patientId, pin });
    const month = async () =>
      (
        await server.owner.query(
          `SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'public.access_log'::regclass AND c.relname = 'access_log_2015_05'`,
        )
      ).rows.length === 1;
    await run();
    expect(await month()).toBe(true);
    const recorded = await newOwner.request(RecordRetentionDecisionDocument, {
      input: {
        recordClass: 'ACCESS_LOG',
        reference: 'KS 2026/90 § 3',
        decidedOn: '2026-05-04',
        decidedBy: 'Kommunstyrelsen',
      },
    });
    expect(recorded.recordRetentionDecision.__typename).toBe('RecordRetentionDecisionSuccess');
    await run();
    expect(await month()).toBe(false);
  });
});

describe('a policy links to the owner’s retention decision', () => {
  it('named, or the latest for the class; never another organisation’s or another class’s', async () => {
    const decision = await newOwner.request(RecordRetentionDecisionDocument, {
      input: {
        recordClass: 'CASE',
        reference: 'SN 2026/12 § 4',
        decidedOn: '2026-06-01',
        decidedBy: 'Socialnämnden',
      },
    });
    const decisionId =
      decision.recordRetentionDecision.__typename === 'RecordRetentionDecisionSuccess'
        ? decision.recordRetentionDecision.data.id
        : '';
    const named = await newOwner.request(DecideRetentionPolicyLinkedDocument, {
      input: { recordClass: 'CASE', retainMonths: 72, decision: 'SN 2026/12 § 4', decisionId },
    });
    expect(named.decideRetentionPolicy).toMatchObject({
      data: {
        retainMonths: 72,
        retentionDecision: {
          id: decisionId,
          reference: 'SN 2026/12 § 4',
          decidedOn: '2026-06-01',
          decidedBy: 'Socialnämnden',
        },
      },
    });
    const latest = await newOwner.request(DecideRetentionPolicyLinkedDocument, {
      input: { recordClass: 'CASE', retainMonths: 66, decision: 'SN 2026/12 § 4, ändrad' },
    });
    expect(latest.decideRetentionPolicy).toMatchObject({
      data: { retentionDecision: { id: decisionId } },
    });
    // Solna's decision (seeded) is not the new municipality's to link.
    const { retentionDecisions } = await solnaOwner.request(RetentionDecisionsDocument, {});
    const solnaCase = retentionDecisions.find((d) => d.recordClass === 'CASE')!;
    const solnaLog = retentionDecisions.find((d) => d.recordClass === 'ACCESS_LOG')!;
    expect(solnaCase.organization.hsaId).toBe(SOLNA);
    const policies = await count('retention_policy');
    const foreign = await newOwner.request(DecideRetentionPolicyLinkedDocument, {
      input: {
        recordClass: 'CASE',
        retainMonths: 60,
        decision: 'Lånat beslut',
        decisionId: solnaCase.id,
      },
    });
    expect(foreign.decideRetentionPolicy).toMatchObject({ code: 'DECISION_NOT_FOUND' });
    const otherClass = await solnaOwner.request(DecideRetentionPolicyLinkedDocument, {
      input: {
        recordClass: 'CASE',
        retainMonths: 60,
        decision: 'Fel klass',
        decisionId: solnaLog.id,
      },
    });
    expect(otherClass.decideRetentionPolicy).toMatchObject({ code: 'DECISION_NOT_FOUND' });
    expect(await count('retention_policy')).toBe(policies);
  });
});

describe('an organisation that approves each purge', () => {
  let due = '';
  let dueLater = '';
  let huddingeDue = '';
  let firstProposal = '';

  async function newestDryRun(): Promise<string> {
    const { purgeRecords } = await solnaOwner.request(PurgeRecordOrganizationCountsDocument, {
      limit: 1,
      mode: 'DRY_RUN',
    });
    return purgeRecords[0]!.id;
  }

  async function decide(client: GraphQLClient, proposalId: string, approve: boolean) {
    return (
      await client.request(DecideRetentionProposalDocument, {
        input: { proposalId, approve, comment: approve ? 'Godkänt' : 'Vänta med gallringen' },
      })
    ).decideRetentionProposal;
  }

  beforeAll(async () => {
    const chosen = await solnaOwner.request(SetRetentionModeDocument, {
      input: { mode: 'APPROVAL' },
    });
    expect(chosen.setRetentionMode).toMatchObject({
      data: { mode: 'APPROVAL', organization: { hsaId: SOLNA } },
    });
    due = (
      await insertClosedCase(server.owner, {
        pin: pinBornOn(16),
        units: [SOC_SOLNA],
        lastEntryAt: OLD,
      })
    ).caseId;
    // Due today, but not yet on 1 January 2026 (five years from 1 June 2021).
    dueLater = (
      await insertClosedCase(server.owner, {
        pin: pinBornOn(16),
        units: [SOC_SOLNA],
        lastEntryAt: new Date('2021-06-01T10:00:00Z'),
      })
    ).caseId;
    huddingeDue = (
      await insertClosedCase(server.owner, {
        pin: pinBornOn(16),
        units: [SOC_HUDDINGE],
        lastEntryAt: OLD,
      })
    ).caseId;
  });

  it('is chosen by its owner only', async () => {
    expect(
      await codeOf(
        solnaOfficer.request(SetRetentionModeDocument, { input: { mode: 'AUTOMATIC' } }),
      ),
    ).toBe('FORBIDDEN');
    const foreign = await huddingeOwner.request(SetRetentionModeDocument, {
      input: { mode: 'AUTOMATIC', organizationId: globalId('Organization', orgId[SOLNA]!) },
    });
    expect(foreign.setRetentionMode).toMatchObject({ code: 'NOT_YOUR_ORGANIZATION' });
  });

  it('keeps its due records through a purge until a proposal is approved; others purge on', async () => {
    await run();
    expect(await exists(due)).toBe(true);
    expect(await exists(huddingeDue)).toBe(false);
  });

  it('sees the dry run as its proposal, with its own counts', async () => {
    await run('--dry-run', '--as-of', '2026-01-01');
    const { purgeRecords } = await solnaOwner.request(PurgeRecordOrganizationCountsDocument, {
      limit: 1,
      mode: 'DRY_RUN',
    });
    const solnaCases = purgeRecords[0]!.organizationCounts.filter((l) => l.recordClass === 'CASE');
    expect(solnaCases.reduce((s, l) => s + l.purged, 0)).toBe(1);
    firstProposal = purgeRecords[0]!.id;
  });

  it('refuses verdicts that are not the owner’s to give, writing nothing', async () => {
    const before = await count('retention_proposal_decision');
    const { purgeRecords } = await solnaOwner.request(PurgeRecordOrganizationCountsDocument, {
      limit: 1,
      mode: 'PURGE',
    });
    expect(await decide(solnaOwner, purgeRecords[0]!.id, true)).toMatchObject({
      code: 'PROPOSAL_NOT_FOUND',
    });
    expect(await decide(solnaOwner, globalId('Case', due), true)).toMatchObject({
      code: 'INVALID_ID',
    });
    // Huddinge purges automatically: there is nothing for its owner to approve.
    expect(await decide(huddingeOwner, firstProposal, true)).toMatchObject({
      code: 'APPROVAL_NOT_REQUIRED',
    });
    expect(
      await codeOf(
        solnaOfficer.request(DecideRetentionProposalDocument, {
          input: { proposalId: firstProposal, approve: true },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await count('retention_proposal_decision')).toBe(before);
  });

  it('keeps them when the owner rejects the proposal, and records the verdict', async () => {
    expect(await decide(solnaOwner, firstProposal, false)).toMatchObject({
      __typename: 'DecideRetentionProposalSuccess',
      data: {
        verdict: 'REJECTED',
        comment: 'Vänta med gallringen',
        proposal: { id: firstProposal, mode: 'DRY_RUN', asOf: '2026-01-01' },
        organization: { hsaId: SOLNA },
      },
    });
    await run();
    expect(await exists(due)).toBe(true);
  });

  it('purges what was due on the approved proposal’s day, and no more', async () => {
    await run('--dry-run', '--as-of', '2026-01-01');
    const second = await newestDryRun();
    expect(await decide(solnaOwner, firstProposal, true)).toMatchObject({
      code: 'PROPOSAL_SUPERSEDED',
    });
    expect(await decide(solnaOwner, second, true)).toMatchObject({
      data: { verdict: 'APPROVED' },
    });
    expect(await decide(solnaOwner, second, false)).toMatchObject({
      code: 'PROPOSAL_ALREADY_DECIDED',
    });
    await expect(
      server.owner.query(`UPDATE retention_proposal_decision SET verdict = 'REJECTED'`),
    ).rejects.toThrow(/append-only/);
    await run();
    expect(await exists(due)).toBe(false);
    // Due today, but not on the approved day: it waits for the next proposal.
    expect(await exists(dueLater)).toBe(true);
  });
});
