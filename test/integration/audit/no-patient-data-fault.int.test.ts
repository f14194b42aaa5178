import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/authz/roles.js';
import { stockholmInstant } from '../../../src/domain/calendar.js';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import {
  globalId,
  organizationIds,
  SOC_SOLNA,
  SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { demoLogin, freePort } from '../../support/demo-login.js';
import { INERA_RULES } from '../../support/idp/harness.js';
import { SamlifyIdp } from '../../support/idp/samlify-idp.js';
import { insertCase } from '../../support/invoicing-cases.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { appendAccessLog, insertClosedCase, pinBornOn } from '../../support/retention-fixtures.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import { NO_PATIENT_DATA } from './no-patient-data-mutations.js';

/**
 * The other half of the fault injection (issue 14; command-log-fault.int.test.ts has the
 * commands on patient data): every mutation that NO_PATIENT_DATA says writes no patient
 * data is called here once, with INSERT on the access log refused to the API role the
 * whole time. Each must succeed and leave no access-log row: if one of them did read or
 * write patient data, it would have to log it, could not, and would answer
 * ACCESS_LOG_UNAVAILABLE, and this test would fail. The calls select only `__typename`,
 * so what is tested is the command, not what an answer happens to read.
 */
let server: TestServer;
const tokens = new Map<string, string>();
/** What earlier steps made and later steps act on. */
const made: Record<string, string> = {};
const orgId = new Map<string, string>();

type As = 'admin' | 'finance' | 'owner' | 'officer' | 'staff' | 'nurse';
/** Tokens minted for a person of the unit with the roles (test sessions). */
const PERSONAS: Record<Exclude<As, 'nurse'>, [string, Role[]]> = {
  admin: [WARD_KAROLINSKA_GERIATRIK, ['IDENTITY_ADMIN']],
  finance: [WARD_KAROLINSKA_GERIATRIK, ['FINANCE']],
  owner: [SOC_SOLNA, ['INFORMATION_OWNER']],
  officer: [WARD_KAROLINSKA_GERIATRIK, ['SECURITY_OFFICER']],
  staff: [SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
};
/**
 * The demo IdP's ward nurse, signed in through SAML: choosing a commission re-reads the
 * login's attributes, so it needs a real login; `revokeSession` ends this session last.
 */
const nurse = {
  commission: {} as { hsaId: string; purpose: string; unitHsaId: string },
  sessionId: '',
};

interface Step {
  as: As;
  /** The mutation's text; its result selects `__typename` only (or is a scalar). */
  query: string;
  variables?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Picks what later steps need from the database after the call. */
  after?: () => Promise<void>;
}

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await server.owner.query(sql, params);
  if (rows.length !== 1) throw new Error(`expected one row from: ${sql}`);
  return Object.values(rows[0] as object)[0] as T;
}

const at = (date: string, time: string) => stockholmInstant(date, time);

/** One step per mutation, in an order in which each acts on what the earlier ones made. */
/** Why an invoicing command refused, in the failure message. */
const WHY = 'fragment Why on InvoicingError { code field message }';

const STEPS: [string, Step][] = [
  [
    'chooseCommission',
    {
      as: 'nurse',
      query: `mutation ($c: String, $p: String!, $u: String!) {
        chooseCommission(commissionHsaId: $c, purpose: $p, unitHsaId: $u) { __typename } }`,
      variables: () => ({
        c: nurse.commission.hsaId,
        p: nurse.commission.purpose,
        u: nurse.commission.unitHsaId,
      }),
    },
  ],
  [
    'rotateTokenSigningKey',
    { as: 'admin', query: 'mutation { rotateTokenSigningKey { __typename } }' },
  ],
  [
    'createMappingRuleSet',
    {
      as: 'admin',
      query: `mutation ($d: JSONObject!) {
        createMappingRuleSet(name: "Fault rules", definition: $d) { __typename } }`,
      variables: () => ({ d: INERA_RULES }),
      after: async () => {
        made.ruleSet = await one(
          `SELECT id FROM identity_mapping_rule_set WHERE name = 'Fault rules'`,
        );
      },
    },
  ],
  [
    'updateMappingRuleSet',
    {
      as: 'admin',
      query: `mutation ($id: ID!, $d: JSONObject!) {
        updateMappingRuleSet(id: $id, definition: $d, comment: "one rule fewer") { __typename } }`,
      variables: () => ({
        id: made.ruleSet,
        d: { ...INERA_RULES, roleRules: INERA_RULES.roleRules.slice(0, 2) },
      }),
    },
  ],
  [
    'createIdentityProvider',
    {
      as: 'admin',
      query: `mutation ($input: IdentityProviderInput!) {
        createIdentityProvider(input: $input) { __typename } }`,
      variables: async () => {
        const keys = await generateSelfSignedCertificate('fault');
        return {
          input: {
            slug: 'fault',
            displayName: 'Fault IdP',
            entityId: 'https://fault.test/saml',
            ssoUrl: 'https://fault.test/sso',
            signingCertificates: [keys.certificatePem],
            ruleSetId: made.ruleSet,
          },
        };
      },
    },
  ],
  [
    'updateIdentityProvider',
    {
      as: 'admin',
      query: `mutation { updateIdentityProvider(slug: "fault", patch: { displayName: "Fault IdP 2" }) {
        __typename } }`,
    },
  ],
  [
    'disableIdentityProvider',
    { as: 'admin', query: 'mutation { disableIdentityProvider(slug: "fault") { __typename } }' },
  ],
  [
    'importIdentityProviderMetadata',
    {
      as: 'admin',
      query: `mutation ($xml: String!, $p: NewIdentityProviderFromMetadata!) {
        importIdentityProviderMetadata(xml: $xml, newProvider: $p) { __typename } }`,
      variables: async () => {
        const keys = await generateSelfSignedCertificate('imported');
        const idp = new SamlifyIdp(
          'https://imported.test/saml',
          'https://imported.test/sso',
          keys.certificatePem,
          keys.privateKeyPem,
        );
        return {
          xml: idp.idp.getMetadata(),
          p: {
            slug: 'imported',
            displayName: 'Imported',
            ruleSetId: made.ruleSet,
          },
        };
      },
    },
  ],
  [
    'createPaymentAgreement',
    {
      as: 'finance',
      query: `mutation ($input: CreatePaymentAgreementInput!) {
        createPaymentAgreement(input: $input) { __typename ...Why } }`,
      variables: () => ({
        input: {
          name: 'Solna – lagens grundregel',
          model: 'STATUTORY_DEFAULT',
          municipalityId: globalId('Organization', orgId.get(SOLNA)!),
          validFrom: '2026-01-01',
          prices: [{ year: 2026, pricePerDay: '9300.00' }],
          decision: 'RS 2026/1',
        },
      }),
    },
  ],
  [
    'setPopulationFigures',
    {
      as: 'finance',
      query: `mutation ($input: SetPopulationFiguresInput!) {
        setPopulationFigures(input: $input) { __typename } }`,
      variables: () => ({
        input: {
          year: 2026,
          source: 'testsiffror',
          figures: [{ organizationId: globalId('Organization', orgId.get(SOLNA)!), population: 1 }],
        },
      }),
    },
  ],
  [
    'draftInvoiceBasis',
    {
      as: 'finance',
      query: `mutation ($input: DraftInvoiceBasisInput!) {
        draftInvoiceBasis(input: $input) { __typename ...Why } }`,
      variables: async () => {
        // A Solna resident's March on the Karolinska ward: four days to pay.
        const { eventIds } = await insertCase(server.owner, {
          homeOrganizationId: orgId.get(SOLNA)!,
          reference: 'BR-FAULT-000001',
          admittedAt: at('2026-02-27', '08:00'),
          events: [
            { type: 'ADMISSION_NOTICE_SENT', at: at('2026-02-27', '09:00') },
            { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-02', '10:00') },
            { type: 'DISCHARGED', at: at('2026-03-09', '14:00') },
          ],
        });
        made.readyEvent = eventIds[1]!;
        return {
          input: { municipalityId: globalId('Organization', orgId.get(SOLNA)!), month: '2026-03' },
        };
      },
      after: async () => {
        made.invoice = await one(`SELECT id FROM invoice WHERE period = '2026-03-01'`);
        made.line = await one('SELECT id FROM invoice_line WHERE invoice_id = $1', [made.invoice]);
      },
    },
  ],
  [
    'approveInvoice',
    {
      as: 'finance',
      query:
        'mutation ($id: ID!) { approveInvoice(input: { invoiceId: $id }) { __typename ...Why } }',
      variables: () => ({ id: globalId('Invoice', made.invoice!) }),
    },
  ],
  [
    'markInvoiceSent',
    {
      as: 'finance',
      query:
        'mutation ($id: ID!) { markInvoiceSent(input: { invoiceId: $id }) { __typename ...Why } }',
      variables: () => ({ id: globalId('Invoice', made.invoice!) }),
    },
  ],
  [
    'creditInvoiceLine',
    {
      as: 'finance',
      query: `mutation ($id: ID!) {
        creditInvoiceLine(input: { lineId: $id, reason: "fel utskrivningsklar" }) { __typename ...Why } }`,
      variables: () => ({ id: globalId('InvoiceLine', made.line!) }),
    },
  ],
  [
    'draftCorrectionInvoice',
    {
      as: 'finance',
      query: `mutation ($input: DraftInvoiceBasisInput!) {
        draftCorrectionInvoice(input: $input) { __typename ...Why } }`,
      variables: () => ({
        input: { municipalityId: globalId('Organization', orgId.get(SOLNA)!), month: '2026-03' },
      }),
    },
  ],
  [
    'createCostSharingContract',
    {
      as: 'finance',
      query: `mutation ($input: CreateCostSharingContractInput!) {
        createCostSharingContract(input: $input) { __typename ...Why } }`,
      variables: () => ({
        input: {
          name: 'Systemavtal',
          validFrom: '2026-01-01',
          validTo: '2027-12-31',
          capPerDebtor: '615312.00',
          decision: 'RS 2025/100',
        },
      }),
    },
  ],
  [
    'draftCostSharingInvoices',
    {
      as: 'finance',
      query: `mutation ($input: DraftCostSharingInput!) {
        draftCostSharingInvoices(input: $input) { __typename ...Why } }`,
      variables: () => ({
        input: {
          month: '2026-01',
          systemCost: { amount: '1000.00', populationYear: 2026, unassignedResidents: 'EQUAL' },
        },
      }),
    },
  ],
  [
    'recordRetentionDecision',
    {
      as: 'owner',
      query: `mutation ($input: RecordRetentionDecisionInput!) {
        recordRetentionDecision(input: $input) { __typename } }`,
      variables: () => ({
        input: {
          recordClass: 'CASE',
          reference: 'SN 2026/12 § 4',
          decidedOn: '2026-06-01',
          decidedBy: 'Socialnämnden',
        },
      }),
    },
  ],
  [
    'decideRetentionPolicy',
    {
      as: 'owner',
      query: `mutation ($input: DecideRetentionPolicyInput!) {
        decideRetentionPolicy(input: $input) { __typename } }`,
      variables: () => ({
        input: { recordClass: 'CASE', retainMonths: 72, decision: 'SN 2026/12 § 4' },
      }),
    },
  ],
  [
    'setRetentionMode',
    {
      as: 'owner',
      query: 'mutation { setRetentionMode(input: { mode: APPROVAL }) { __typename } }',
      after: async () => {
        // The owner's next dry run is the proposal decideRetentionProposal rules on.
        const result = await runRetentionCli(server.databaseUrl, ['run', '--dry-run']);
        expect(result.code, result.stderr).toBe(0);
        made.proposal = await one(
          `SELECT id FROM retention_run WHERE mode = 'DRY_RUN' ORDER BY started_at DESC LIMIT 1`,
        );
      },
    },
  ],
  [
    'decideRetentionProposal',
    {
      as: 'owner',
      query: `mutation ($id: ID!) {
        decideRetentionProposal(input: { proposalId: $id, approve: true, comment: "Godkänt" }) {
          __typename } }`,
      variables: () => ({ id: globalId('PurgeRecord', made.proposal!) }),
    },
  ],
  [
    'placeLegalHold',
    {
      as: 'owner',
      query: `mutation ($id: ID!) {
        placeLegalHold(input: { caseId: $id, reason: "JO-anmälan" }) { __typename } }`,
      variables: async () => {
        const { caseId } = await insertClosedCase(server.owner, {
          pin: pinBornOn(16),
          units: [SOC_SOLNA],
          lastEntryAt: new Date('2020-03-01T10:00:00Z'),
        });
        return { id: globalId('Case', caseId) };
      },
      after: async () => {
        made.hold = await one('SELECT id FROM legal_hold WHERE released_at IS NULL');
      },
    },
  ],
  [
    'releaseLegalHold',
    {
      as: 'owner',
      query: `mutation ($id: ID!) {
        releaseLegalHold(input: { id: $id, reason: "JO-ärendet avslutat" }) { __typename } }`,
      variables: () => ({ id: globalId('LegalHold', made.hold!) }),
    },
  ],
  [
    'drawAccessLogSample',
    {
      as: 'officer',
      query: `mutation ($month: YearMonth!) {
        drawAccessLogSample(input: { month: $month, percent: 50, seed: "fault" }) { __typename } }`,
      variables: async () => ({
        month: await one<string>(
          `SELECT to_char(now() AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM')`,
        ),
      }),
      after: async () => {
        made.sample = await one('SELECT id FROM access_review_sample');
      },
    },
  ],
  [
    'recordAccessReview',
    {
      as: 'officer',
      query: `mutation ($id: ID!) {
        recordAccessReview(input: { sampleId: $id, conclusion: NO_REMARK }) { __typename } }`,
      variables: () => ({ id: made.sample }),
    },
  ],
  [
    'addNotificationSubscription',
    {
      as: 'staff',
      query: `mutation {
        addNotificationSubscription(input: { channel: SMS, address: "+46701234567" }) { __typename } }`,
      after: async () => {
        made.subscription = await one('SELECT id FROM notification_subscription');
      },
    },
  ],
  [
    'endNotificationSubscription',
    {
      as: 'staff',
      query: `mutation ($id: ID!) {
        endNotificationSubscription(input: { id: $id }) { __typename } }`,
      variables: () => ({ id: globalId('NotificationSubscription', made.subscription!) }),
    },
  ],
  [
    'revokeSession',
    {
      as: 'admin',
      query: `mutation ($id: ID!) {
        revokeSession(sessionId: $id, reason: "left the organisation") { __typename } }`,
      variables: () => ({ id: nurse.sessionId }),
    },
  ],
];

async function accessLogRows(): Promise<number> {
  return Number(await one('SELECT count(*) FROM access_log'));
}

beforeAll(async () => {
  const port = await freePort();
  server = await startTestServer({
    DEMO_IDP: 'true',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  for (const [hsaId, id] of await organizationIds(server.owner)) orgId.set(hsaId, id);
  for (const [as, [unit, roles]] of Object.entries(PERSONAS)) {
    tokens.set(as, await server.tokenFor(principalFor(unit, roles, `Fault ${as}`)));
  }
  const login = await demoLogin(server.url, 'ward-nurse');
  tokens.set('nurse', login.accessToken);
  nurse.commission = login.actingCommission as typeof nurse.commission;
  nurse.sessionId = await one('SELECT id FROM identity_session ORDER BY created_at DESC LIMIT 1');
  // A month of the region's log with rows to sample, written before the fault.
  const { rows: patients } = await server.owner.query<{ id: string; pin: string }>(
    'SELECT id, personal_identity_number AS pin FROM patient LIMIT 1',
  );
  await appendAccessLog(server.owner, new Date(), patients[0]!, 4);
  await server.owner.query('REVOKE INSERT ON access_log FROM brygga_app');
}, 60_000);
afterAll(async () => {
  await server?.owner.query('GRANT INSERT ON access_log TO brygga_app');
  await server?.close();
});

describe('with the access log refused, each mutation that writes no patient data', () => {
  it('has a step here', () => {
    expect(STEPS.map(([name]) => name).sort()).toEqual(Object.keys(NO_PATIENT_DATA).sort());
  });

  it.each(STEPS)('%s succeeds and leaves no access-log row', async (mutation, step) => {
    const before = await accessLogRows();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.get(step.as)}`,
      },
      body: JSON.stringify({
        query: step.query.includes('...Why') ? `${step.query}\n${WHY}` : step.query,
        variables: (await step.variables?.()) ?? {},
      }),
    });
    const body = (await response.json()) as {
      data?: Record<string, { __typename?: string } | string | boolean> | null;
      errors?: unknown[];
    };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.errors, JSON.stringify(body)).toBeUndefined();
    const result = body.data?.[mutation];
    expect(result, JSON.stringify(body)).toBeTruthy();
    if (typeof result === 'object')
      expect(result.__typename, JSON.stringify(body)).not.toMatch(/Error$/);
    expect(await accessLogRows()).toBe(before);
    await step.after?.();
  });
});
