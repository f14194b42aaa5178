import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddNoteDocument,
  CaseByIdDocument,
  CasesDocument,
  LiftPatientBlockDocument,
  NodeDocument,
  NotifyReadyForDischargeDocument,
  OpenEmergencyAccessDocument,
  RegisterPatientBlockDocument,
  WhyAccessDocument,
} from '../../generated/graphql.js';
import {
  SOC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Attempts to get around the row rule, consent, block and lock through every path. */
let server: TestServer;
let ward: GraphQLClient;
let social: GraphQLClient;
let caseId = '';
let patientId = '';
let pnr = '';

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ClientError) return e.response.errors?.[0]?.extensions?.code as string;
    throw e;
  }
  return undefined;
}

async function raw(client: { token: string }, body: object) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SODERMALM, { roles: ['SOCIAL_SERVICES_STAFF'] });
  // A case shared by the Karolinska ward and Södermalm social services, consent not given.
  const { rows } = await server.owner.query<{ id: string; patient_id: string; pnr: string }>(
    `SELECT c.id, c.patient_id, p.personal_identity_number AS pnr FROM "case" c JOIN patient p ON p.id = c.patient_id
     WHERE c.status = 'PLANNING'
       AND EXISTS (SELECT 1 FROM case_party q JOIN unit u ON u.id = q.unit_id WHERE q.case_id = c.id AND u.hsa_id = $1)
       AND EXISTS (SELECT 1 FROM case_party q JOIN unit u ON u.id = q.unit_id WHERE q.case_id = c.id AND u.hsa_id = $2)
       AND EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.type = 'PLANNING_BASIS_SENT')
     LIMIT 1`,
    [WARD_KAROLINSKA_GERIATRIK, SOC_SODERMALM],
  );
  caseId = `Case:${rows[0]!.id}`;
  caseId = Buffer.from(caseId).toString('base64');
  patientId = Buffer.from(`Patient:${rows[0]!.patient_id}`).toString('base64');
  pnr = rows[0]!.pnr;
  await server.owner.query(`UPDATE "case" SET consent = 'NOT_ASKED' WHERE id = $1`, [rows[0]!.id]);
});
afterAll(() => server?.close());

describe('row rule', () => {
  it('hides the case from a unit that is not a party: list, case(id), node(id), nested and filters', async () => {
    const outsider = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN);
    expect((await outsider.request(CaseByIdDocument, { id: caseId })).case).toBeNull();
    expect((await outsider.request(NodeDocument, { id: caseId })).node).toBeNull();
    expect((await outsider.request(NodeDocument, { id: patientId })).node).toBeNull();
    const listed = await outsider.request(CasesDocument, {
      first: 100,
      filter: { personalIdentityNumber: pnr },
    });
    expect(listed.cases.edges).toEqual([]);
    // Its events and notes are not reachable by id either.
    const { rows } = await server.owner.query<{ id: string }>(
      'SELECT id FROM case_event WHERE case_id = $1 LIMIT 1',
      [decodeGlobalID(caseId).id],
    );
    expect(
      (
        await outsider.request(NodeDocument, {
          id: Buffer.from(`CaseEvent:${rows[0]!.id}`).toString('base64'),
        })
      ).node,
    ).toBeNull();
    // And it cannot act on it.
    const act = await outsider.request(AddNoteDocument, { input: { caseId, text: 'hej' } });
    expect(act.addNote).toMatchObject({ code: 'CASE_NOT_FOUND' });
  });

  it('opens the case by emergency access with a reason, for a limited time, and flags it', async () => {
    const outsider = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN);
    const short = await outsider.request(OpenEmergencyAccessDocument, {
      input: { personalIdentityNumber: pnr, reason: 'akut' },
    });
    expect(short.openEmergencyAccess).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
    const finance = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN, { roles: ['FINANCE'] });
    const refused = await finance.request(OpenEmergencyAccessDocument, {
      input: {
        personalIdentityNumber: pnr,
        reason: 'Medvetslös patient, behöver läkemedelslistan',
      },
    });
    expect(refused.openEmergencyAccess).toMatchObject({ code: 'FORBIDDEN' });

    const opened = await outsider.request(OpenEmergencyAccessDocument, {
      input: {
        personalIdentityNumber: pnr,
        reason: 'Medvetslös patient, behöver läkemedelslistan',
      },
    });
    expect(opened.openEmergencyAccess).toMatchObject({ __typename: 'OpenEmergencyAccessSuccess' });
    expect((await outsider.request(CaseByIdDocument, { id: caseId })).case?.id).toBe(caseId);
    const why = await outsider.request(WhyAccessDocument, {
      caseId,
      field: 'Case.dischargeInformation',
    });
    expect(why.whyAccess.rowRule).toMatch(/^emergency access until/);

    // An expired grant opens nothing (grants are append-only, so the expired one is
    // inserted for another person rather than moved into the past).
    const other = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN, {
      name: 'Other',
      hsaId: 'SE2321000016-XXXX',
    });
    const { rows } = await server.owner.query<{ id: string }>(
      `SELECT id FROM unit WHERE hsa_id = $1`,
      [WARD_SODERSJUKHUSET_MEDICIN],
    );
    await server.owner.query(
      `INSERT INTO emergency_access (case_id, user_hsa_id, user_name, unit_id, reason, granted_at, expires_at)
       VALUES ($1, 'SE2321000016-XXXX', 'Other', $2, 'Gammal nödöppning för test', now() - interval '3 hours', now() - interval '1 hour')`,
      [decodeGlobalID(caseId).id, rows[0]!.id],
    );
    expect((await other.request(CaseByIdDocument, { id: caseId })).case).toBeNull();
    // And a grant cannot be extended afterwards, not even by the database owner.
    await expect(
      server.owner.query(`UPDATE emergency_access SET expires_at = now() + interval '1 day'`),
    ).rejects.toThrow(/append-only/);
  });
});

describe('consent (samtycke)', () => {
  it('withholds medical information from social services until consent is recorded', async () => {
    const before = await raw(await tokenHolder(SOC_SODERMALM, 'SOCIAL_SERVICES_STAFF'), {
      query: `query($id: ID!) { case(id: $id) { psychiatric dischargeInformation { summary } events(first: 50) { edges { node { type payload } } } } }`,
      variables: { id: caseId },
    });
    const basis = before.body.data.case.events.edges.find(
      (e: any) => e.node.type === 'PLANNING_BASIS_SENT',
    );
    expect(basis.node.payload).toBeNull();
    expect(before.body.extensions.redactions).toContainEqual(
      expect.objectContaining({ category: 'MEDICAL', reason: 'CONSENT_REQUIRED' }),
    );
    // psychiatric is needed for payment responsibility: shown without consent.
    expect(before.body.data.case.psychiatric).not.toBeNull();

    const why = await social.request(WhyAccessDocument, { caseId, field: 'CaseEvent.payload' });
    expect(why.whyAccess).toMatchObject({
      allowed: false,
      reason: 'CONSENT_REQUIRED',
      caseVisible: true,
    });

    await server.owner.query(`UPDATE "case" SET consent = 'GIVEN' WHERE id = $1`, [
      decodeGlobalID(caseId).id,
    ]);
    const after = await raw(await tokenHolder(SOC_SODERMALM, 'SOCIAL_SERVICES_STAFF'), {
      query: `query($id: ID!) { case(id: $id) { events(first: 50) { edges { node { type payload } } } } }`,
      variables: { id: caseId },
    });
    const basisAfter = after.body.data.case.events.edges.find(
      (e: any) => e.node.type === 'PLANNING_BASIS_SENT',
    );
    expect(basisAfter.node.payload).toMatchObject({ diagnosisSummary: expect.any(String) });
    await server.owner.query(`UPDATE "case" SET consent = 'NOT_ASKED' WHERE id = $1`, [
      decodeGlobalID(caseId).id,
    ]);
  });
});

describe('block (spärr)', () => {
  it('hides the blocked organisation’s planning and medical content from others, until lifted', async () => {
    const outsider = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
    const notParty = await outsider.request(RegisterPatientBlockDocument, { input: { patientId } });
    expect(notParty.registerPatientBlock).toMatchObject({ code: 'CASE_NOT_FOUND' });

    const blocked = await social.request(RegisterPatientBlockDocument, { input: { patientId } });
    expect(blocked.registerPatientBlock.__typename).toBe('RegisterPatientBlockSuccess');
    const seenByWard = await raw(await tokenHolder(WARD_KAROLINSKA_GERIATRIK, 'WARD_STAFF'), {
      query: `query($id: ID!) { case(id: $id) { reference notes { text } events(first: 1) { edges { node { type } } } } }`,
      variables: { id: caseId },
    });
    expect(seenByWard.body.data.case.reference).not.toBeNull();
    expect(seenByWard.body.data.case.notes).toBeNull();
    expect(seenByWard.body.data.case.events).toBeNull();
    expect(seenByWard.body.extensions.redactions.map((r: any) => r.reason)).toEqual([
      'PATIENT_BLOCK',
      'PATIENT_BLOCK',
    ]);
    // The blocked organisation itself still sees its own case content.
    const seenBySocial = await social.request(CaseByIdDocument, { id: caseId });
    expect(seenBySocial.case?.notes).not.toBeNull();

    const lifted = await social.request(LiftPatientBlockDocument, { input: { patientId } });
    expect(lifted.liftPatientBlock.__typename).toBe('LiftPatientBlockSuccess');
    expect((await ward.request(CaseByIdDocument, { id: caseId })).case?.notes).not.toBeNull();
    const again = await social.request(LiftPatientBlockDocument, { input: { patientId } });
    expect(again.liftPatientBlock).toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('writes follow the policy too', () => {
  it('refuses workflow commands to roles without the category', async () => {
    const finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
    const result = await finance.request(NotifyReadyForDischargeDocument, {
      input: { caseId, readyAt: new Date().toISOString() },
    });
    expect(result.notifyReadyForDischarge).toMatchObject({ code: 'FORBIDDEN' });
    const unmapped = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: [] });
    expect(
      (await unmapped.request(AddNoteDocument, { input: { caseId, text: 'x' } })).addNote,
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses filtering by identity to a role that may not read it', async () => {
    const officer = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, {
      roles: ['SECURITY_OFFICER'],
    });
    expect(
      await code(officer.request(CasesDocument, { filter: { personalIdentityNumber: pnr } })),
    ).toBe('FORBIDDEN');
    const both = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, {
      roles: ['SECURITY_OFFICER', 'FINANCE'],
    });
    expect(
      (await both.request(CasesDocument, { filter: { personalIdentityNumber: pnr } })).cases.edges
        .length,
    ).toBe(1);
  });
});

describe('API hardening', () => {
  it('refuses deep, alias-heavy and batched requests, and cross-site simple requests', async () => {
    const holder = await tokenHolder(WARD_KAROLINSKA_GERIATRIK, 'WARD_STAFF');
    let deep =
      '{ cases { edges { node { patient { cases { edges { node { patient { cases { edges { node { id } } } } } } } } } } } }';
    const tooDeep = await raw(holder, { query: deep });
    expect(tooDeep.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    deep = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: units { edges { cursor } }`).join(' ')} }`;
    const aliases = await raw(holder, { query: deep });
    expect(aliases.body.errors[0].message).toMatch(/alias/i);
    const batch = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(batch.status).toBe(400);
    const csrf = await fetch(`${server.url}/graphql?query=%7B__typename%7D`, {
      headers: { 'content-type': 'text/plain' },
    });
    expect(csrf.status).toBe(400);
  });

  it('caps `first` on connections: 100 served, more refused rather than cut', async () => {
    await server.owner.query(
      `INSERT INTO unit (hsa_id, name, kind, organization_id, municipality_code)
       SELECT 'SE2321000016-Z' || g, 'Extra ' || g, 'PRIMARY_CARE', organization_id, '0180'
       FROM generate_series(1, 120) g, (SELECT organization_id FROM unit LIMIT 1) o`,
    );
    const holder = await tokenHolder(WARD_KAROLINSKA_GERIATRIK, 'WARD_STAFF');
    const big = await raw(holder, {
      query: '{ units(first: 500) { edges { cursor } pageInfo { hasNextPage } } }',
    });
    expect(big.body.errors?.[0]?.extensions?.code).toBe('INVALID_ARGUMENT');
    expect(big.body.data).toBeUndefined();
    const full = await raw(holder, {
      query: '{ units(first: 100) { edges { cursor } pageInfo { hasNextPage } } }',
    });
    expect(full.body.errors, JSON.stringify(full.body)).toBeUndefined();
    expect(full.body.data.units.edges).toHaveLength(100);
    expect(full.body.data.units.pageInfo.hasNextPage).toBe(true);
  });
});

async function tokenHolder(unit: string, role: 'WARD_STAFF' | 'SOCIAL_SERVICES_STAFF') {
  const { principalFor } = await import('../../support/server.js');
  return { token: await server.tokenFor(principalFor(unit, [role], 'Test')) };
}
