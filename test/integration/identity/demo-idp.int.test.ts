import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { SCALE_FIRST_WARD, SCALE_REGION } from '../../../src/db/seed/scale-reference-data.js';
import { startServer } from '../../../src/http/app.js';
import {
  PERSONA_KEYS,
  PERSONAS,
  SCALE_PERSONA_KEYS,
} from '../../../src/identity/demo-idp/personas.js';
import { SOC_SODERMALM, SOC_SOLNA, SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import {
  demoLogin,
  demoResponseFor,
  formsOf,
  freePort,
  graphql,
  postToAcs,
  sessionCookieOf,
} from '../../support/demo-login.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The demo IdP through HTTP as a browser uses it: Brygga's login redirect, the persona
 * page, a persona's button, the signed response posted to the ACS (the same validation as
 * any IdP), the session cookie, an access token, and GraphQL as that persona.
 */
let server: TestServer;
let baseUrl = '';

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = await startTestServer({ DEMO_IDP: 'true', PORT: String(port), PUBLIC_URL: baseUrl });
});
afterAll(() => server?.close());

const CASES = `query { cases(first: 100) { edges { node { id ward { hsaId } municipalityUnits { hsaId }
  parties { unit { hsaId organization { hsaId } } } patient { familyName } } } } }`;

describe('the demo IdP', () => {
  it('is federated like any IdP: metadata imported, certificate pinned, example Inera rules, LoA 3', async () => {
    const { rows } = await server.owner.query(
      `SELECT i.entity_id, i.sso_url, i.required_loa, i.signing_certificates, s.name
       FROM identity_provider i JOIN identity_mapping_rule_set s ON s.id = i.rule_set_id
       WHERE i.slug = 'demo'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].entity_id).toBe(`${baseUrl}/demo-idp/metadata`);
    expect(rows[0].sso_url).toBe(`${baseUrl}/demo-idp/sso`);
    expect(rows[0].required_loa).toBe(3);
    const metadata = await (await fetch(`${baseUrl}/demo-idp/metadata`)).text();
    const pinned = (rows[0].signing_certificates[0] as string).replace(/-----[A-Z ]+-----|\s/g, '');
    expect(metadata.replace(/\s/g, '')).toContain(pinned);
    const events = await server.owner.query(
      `SELECT type FROM identity_event WHERE actor = 'system:demo-idp' ORDER BY occurred_at`,
    );
    expect(events.rows.map((r) => r.type)).toEqual([
      'MAPPING_CHANGED',
      'IDP_CREATED',
      'METADATA_IMPORTED',
    ]);
  });

  it('lists every persona with its attributes and one button each', async () => {
    const { personaPage } = await demoResponseFor(baseUrl, 'ward-nurse');
    const forms = formsOf(personaPage);
    expect(forms.map((f) => f.fields.persona)).toEqual([...PERSONA_KEYS]);
    expect(forms.map((f) => f.button)).toEqual(PERSONAS.map((p) => p.label));
    expect(personaPage).toContain('http://sambi.se/attributes/1/employeeHsaId');
    expect(personaPage).toContain('http://id.sambi.se/loa/loa3');
    for (const persona of PERSONAS) expect(personaPage).toContain(persona.hsaId);
  });

  it('signs in the ward nurse, who sees the cases of her ward and no other', async () => {
    const login = await demoLogin(baseUrl, 'ward-nurse');
    expect(login.redirectedTo).toBe('/graphql');
    expect(login.roles).toEqual(['WARD_STAFF']);
    expect(login.actingCommission?.unitHsaId).toBe(WARD_KAROLINSKA_GERIATRIK);
    const result = await graphql(baseUrl, login.accessToken, CASES);
    expect(result.errors).toBeUndefined();
    const cases = result.data.cases.edges.map((e: any) => e.node);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.parties.map((p: any) => p.unit.hsaId)).toContain(WARD_KAROLINSKA_GERIATRIK);
      expect(c.patient.familyName).not.toBeNull();
    }
  });

  it('offers the scale region’s security officer only once npm run seed:scale’s region is there', async () => {
    const [scaleOfficer] = SCALE_PERSONA_KEYS;
    // Without the region: no button, and a forged choice is refused.
    const { personaPage } = await demoResponseFor(baseUrl, 'ward-nurse');
    expect(personaPage).not.toContain(scaleOfficer);
    const form = formsOf(personaPage)[0]!;
    const forged = await fetch(new URL(form.action, baseUrl), {
      method: 'POST',
      body: new URLSearchParams({ ...form.fields, persona: scaleOfficer }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Choose one of the personas on the page.');

    // The region and its first ward, as seed:scale names them.
    const { rows } = await server.owner.query<{ id: string }>(
      `INSERT INTO organization (id, hsa_id, name, kind, org_number)
       VALUES (gen_random_uuid(), $1, 'Region Skala', 'CARE_PROVIDER', '2321000099') RETURNING id`,
      [SCALE_REGION],
    );
    await server.owner.query(
      `INSERT INTO unit (id, hsa_id, name, kind, organization_id, municipality_code)
       VALUES (gen_random_uuid(), $1, 'Norra sjukhuset Geriatrik', 'WARD_SOMATIC', $2, '0180')`,
      [SCALE_FIRST_WARD, rows[0]!.id],
    );
    const login = await demoLogin(baseUrl, scaleOfficer);
    expect(login.roles).toEqual(['SECURITY_OFFICER']);
    expect(login.actingCommission?.unitHsaId).toBe(SCALE_FIRST_WARD);
    const log = await graphql(
      baseUrl,
      login.accessToken,
      'query { accessLog(first: 5) { totalCount } }',
    );
    expect(log.errors).toBeUndefined();
    // The demo region's rows are not the scale region's officer's to read.
    expect(log.data.accessLog.totalCount).toBe(0);
  });

  it('signs in the Solna social worker, who sees Solna’s cases', async () => {
    const login = await demoLogin(baseUrl, 'social-worker-solna');
    expect(login.roles).toEqual(['SOCIAL_SERVICES_STAFF']);
    const result = await graphql(baseUrl, login.accessToken, CASES);
    const cases = result.data.cases.edges.map((e: any) => e.node);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases)
      expect(c.municipalityUnits.map((u: any) => u.hsaId)).toContain(SOC_SOLNA);
  });

  it('signs in the Solna finance officer, who sees every Solna case but no medical field', async () => {
    const login = await demoLogin(baseUrl, 'finance-officer');
    expect(login.roles).toEqual(['FINANCE']);
    const result = await graphql(
      baseUrl,
      login.accessToken,
      `query { cases(first: 100) { edges { node { parties { unit { organization { hsaId } } } psychiatric } } } }`,
    );
    const cases = result.data.cases.edges.map((e: any) => e.node);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.parties.map((p: any) => p.unit.organization.hsaId)).toContain(SOLNA);
      expect(c.psychiatric).toBeNull();
    }
    expect(result.extensions.redactions.length).toBeGreaterThan(0);
  });

  it('signs in the security officer, who reads the access log but no case', async () => {
    const login = await demoLogin(baseUrl, 'security-officer-region');
    expect(login.roles).toEqual(['SECURITY_OFFICER']);
    const log = await graphql(
      baseUrl,
      login.accessToken,
      'query { accessLog(first: 5) { edges { node { id } } } }',
    );
    expect(log.errors).toBeUndefined();
    const cases = await graphql(
      baseUrl,
      login.accessToken,
      'query { cases(first: 5) { edges { node { id } } } }',
    );
    expect(cases.data?.cases.edges ?? []).toEqual([]);
  });

  it('gives every care persona seeded cases of their own unit to work on', async () => {
    for (const key of [
      'ward-physician',
      'primary-care-physician',
      'social-worker-stockholm',
      'municipal-nurse',
    ] as const) {
      const persona = PERSONAS.find((p) => p.key === key)!;
      const login = await demoLogin(baseUrl, key);
      expect(login.actingCommission?.unitHsaId, key).toBe(persona.commission.unitHsaId);
      const result = await graphql(baseUrl, login.accessToken, CASES);
      const cases = result.data.cases.edges.map((e: any) => e.node);
      expect(cases.length, key).toBeGreaterThan(0);
      for (const c of cases) {
        expect(
          c.parties.map((p: any) => p.unit.hsaId),
          key,
        ).toContain(persona.commission.unitHsaId);
      }
    }
  });

  it('signs in a person with two commissions acting in neither until they choose one', async () => {
    const login = await demoLogin(baseUrl, 'security-officer-two-municipalities');
    expect(login.roles).toEqual(['SECURITY_OFFICER']);
    expect(login.actingCommission).toBeNull();
    const mine = await graphql(baseUrl, login.accessToken, '{ myCommissions { unitHsaId } }');
    expect(mine.data.myCommissions.map((c: any) => c.unitHsaId).sort()).toEqual(
      [SOC_SODERMALM, SOC_SOLNA].sort(),
    );
    const chosen = await graphql(
      baseUrl,
      login.accessToken,
      `mutation { chooseCommission(unitHsaId: "${SOC_SOLNA}", purpose: "Vård och behandling") { ... on ChooseCommissionSuccess { token { accessToken actingCommission { unitHsaId } } } } }`,
    );
    expect(chosen.data.chooseCommission.token.actingCommission.unitHsaId).toBe(SOC_SOLNA);
    const viewer = await graphql(
      baseUrl,
      chosen.data.chooseCommission.token.accessToken,
      '{ viewer { actingCommission { unitHsaId } otherCommissions { unitHsaId } } }',
    );
    expect(viewer.data.viewer).toEqual({
      actingCommission: { unitHsaId: SOC_SOLNA },
      otherCommissions: [{ unitHsaId: SOC_SODERMALM }],
    });
  });

  it('signs in the identity admin, who sees the demo logins among the identity events', async () => {
    const nurse = PERSONAS.find((p) => p.key === 'ward-nurse')!;
    await demoLogin(baseUrl, 'ward-nurse');
    const login = await demoLogin(baseUrl, 'identity-admin');
    expect(login.roles).toEqual(['IDENTITY_ADMIN']);
    const result = await graphql(
      baseUrl,
      login.accessToken,
      'query { recentLogins(idpSlug: "demo") { subject outcome details } }',
    );
    expect(result.errors).toBeUndefined();
    const nurseLogin = result.data.recentLogins.find((e: any) => e.subject === nurse.hsaId);
    expect(nurseLogin).toMatchObject({ outcome: 'SUCCESS' });
    expect(nurseLogin.details).toMatchObject({
      roles: ['WARD_STAFF'],
      levelOfAssurance: 'http://id.sambi.se/loa/loa3',
      matchedRules: ['hospital ward (slutenvård)'],
    });
  });

  it('tells the person without access why, and records the refusal', async () => {
    const persona = PERSONAS.find((p) => p.key === 'no-access')!;
    const { responseForm } = await demoResponseFor(baseUrl, 'no-access');
    const acs = await postToAcs(responseForm);
    expect(acs.status).toBe(400);
    expect(acs.headers.getSetCookie()).toEqual([]);
    const page = await acs.text();
    expect(page).toContain('your directory entry gives you no access to Brygga');
    expect(page).toContain('no role rule matched');
    const { rows } = await server.owner.query(
      `SELECT outcome, reason, details FROM identity_event
       WHERE type = 'LOGIN' AND subject = $1 ORDER BY occurred_at DESC LIMIT 1`,
      [persona.hsaId],
    );
    expect(rows[0]).toMatchObject({ outcome: 'FAILURE', reason: 'NO_ACCESS' });
    expect(rows[0].details.detail).toContain('Journaladministration');
  });

  it('cannot bypass the ACS: a tampered response is refused and no session opens', async () => {
    const { responseForm } = await demoResponseFor(baseUrl, 'ward-nurse');
    const xml = Buffer.from(responseForm.fields.SAMLResponse!, 'base64').toString('utf8');
    const tampered = xml.replace('Slutenvård', 'Identitetsadministration');
    expect(tampered).not.toBe(xml);
    const acs = await postToAcs({
      action: responseForm.action,
      fields: { ...responseForm.fields, SAMLResponse: Buffer.from(tampered).toString('base64') },
    });
    expect(acs.status).toBe(400);
    expect(acs.headers.getSetCookie()).toEqual([]);
    const { rows } = await server.owner.query(
      `SELECT reason FROM identity_event WHERE type = 'LOGIN' ORDER BY occurred_at DESC LIMIT 1`,
    );
    expect(rows[0].reason).toBe('SIGNATURE');
  });

  it('answers each request once: the same response posted again is a replay', async () => {
    const { responseForm } = await demoResponseFor(baseUrl, 'ward-physician');
    expect((await postToAcs(responseForm)).status).toBe(303);
    const again = await postToAcs(responseForm);
    expect(again.status).toBe(400);
  });

  it('refuses a request our SP did not sign', async () => {
    const login = await fetch(`${baseUrl}/auth/saml/demo/login?returnTo=/`, { redirect: 'manual' });
    const url = new URL(login.headers.get('location')!);
    const signature = url.searchParams.get('Signature')!;
    url.searchParams.set('Signature', `${signature.slice(0, -4)}AAA=`);
    const page = await fetch(url);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('signature does not verify');
    const unsigned = await fetch(
      `${baseUrl}/demo-idp/sso?SAMLRequest=${encodeURIComponent(url.searchParams.get('SAMLRequest')!)}`,
    );
    expect(unsigned.status).toBe(400);
  });
});

describe('the session cookie', () => {
  it('is not Secure on plain http at loopback, in development', async () => {
    const { responseForm } = await demoResponseFor(baseUrl, 'ward-nurse');
    const acs = await postToAcs(responseForm);
    const cookie = acs.headers.getSetCookie().find((c) => c.startsWith('brygga_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/auth/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('is Secure, at the ACS and at every refresh, when PUBLIC_URL is https', async () => {
    const publicUrl = 'https://brygga.test';
    const https = await startTestServer({ DEMO_IDP: 'true', PUBLIC_URL: publicUrl });
    try {
      const { responseForm } = await demoResponseFor(https.url, 'ward-nurse', { publicUrl });
      const acs = await postToAcs(responseForm);
      expect(acs.status).toBe(303);
      const cookie = acs.headers.getSetCookie().find((c) => c.startsWith('brygga_session='))!;
      expect(cookie).toMatch(/; Secure/);
      const refresh = await fetch(`${https.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: sessionCookieOf(acs)! },
        body: '{}',
      });
      expect(refresh.status).toBe(200);
      expect(refresh.headers.getSetCookie()[0]).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });
});

describe('a restart', () => {
  it('keeps the demo IdP’s key and registration: nothing is re-imported', async () => {
    const before = await server.owner.query(
      `SELECT (SELECT public_key FROM identity_signing_key WHERE purpose = 'DEMO_IDP') AS cert,
              (SELECT count(*)::int FROM identity_event WHERE actor = 'system:demo-idp') AS events`,
    );
    const again = await startServer({
      ...loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        PUBLIC_URL: baseUrl,
        DATABASE_URL: server.databaseUrl,
        DEMO_IDP: 'true',
        LOG_LEVEL: 'error',
      }),
      DATABASE_URL: server.databaseUrl,
    });
    try {
      const after = await server.owner.query(
        `SELECT (SELECT public_key FROM identity_signing_key WHERE purpose = 'DEMO_IDP') AS cert,
                (SELECT count(*)::int FROM identity_event WHERE actor = 'system:demo-idp') AS events`,
      );
      expect(after.rows[0]).toEqual(before.rows[0]);
      expect(before.rows[0].events).toBe(3);
    } finally {
      await again.close();
    }
  });
});
