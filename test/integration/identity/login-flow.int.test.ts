import * as samlify from 'samlify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, KOMMUN_RULES, startHarness } from '../../support/idp/harness.js';
import { Browser, type IdpServer, startIdpServer } from '../../support/idp/idp-server.js';
import { INERA, identityAdmin, ineraNurse, municipalOfficer } from '../../support/idp/users.js';

/**
 * End to end, as a browser: Brygga's login URL → the IdP (samlify for Inera, pysaml2 for
 * a municipality) → the self-submitting form to our ACS → the session cookie → an access
 * token → GraphQL. Then an identity admin changes a mapping over GraphQL and the next
 * login (and the next token refresh) reflects it.
 */

let idps: IdpServer;
let h: Harness;
beforeAll(async () => {
  idps = await startIdpServer();
  h = await startHarness({ idpBaseUrl: idps.url });
  idps.attach(h);
});
afterAll(async () => {
  await h?.close();
  await idps?.close();
});

async function graphql(
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const res = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, any>;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
}

async function browserLogin(slug: 'inera' | 'kommun', returnTo = '/cases') {
  const browser = new Browser();
  const page = await browser.navigate(
    `${h.url}/auth/saml/${slug}/login?returnTo=${encodeURIComponent(returnTo)}`,
  );
  return { browser, page };
}

const nurseWithTwoWards = () =>
  ineraNurse({
    [`${INERA}commissionHsaId`]: ['SE2321000016-C001', 'SE2321000016-C002', 'SE2321000016-C003'],
    [`${INERA}commissionName`]: ['Avd 12', 'Avd 14', 'Avd 12 statistik'],
    [`${INERA}commissionPurpose`]: ['Vård och behandling', 'Vård och behandling', 'Statistik'],
    [`${INERA}healthCareUnitHsaId`]: [
      'SE2321000016-W012',
      'SE2321000016-W014',
      'SE2321000016-W012',
    ],
    [`${INERA}healthCareProviderHsaId`]: [
      'SE2321000016-0001',
      'SE2321000016-0001',
      'SE2321000016-0001',
    ],
  });

describe('a ward nurse through Inera (samlify)', () => {
  test('logs in following redirects, gets her roles and commissions, chooses the acting unit, calls GraphQL', async () => {
    idps.users.inera = nurseWithTwoWards();
    const { browser, page } = await browserLogin('inera');
    expect(page.url).toBe(`${h.url}/cases`);
    expect(page.visited.some((u) => u.startsWith(`${idps.url}/inera/sso?SAMLRequest=`))).toBe(true);
    expect(page.visited).toContain(`${h.url}/auth/saml/inera/acs`);

    const token = await browser.accessToken(h.url);
    expect(token.status).toBe(200);
    expect(token.body.roles).toEqual(['WARD_STAFF']);
    // The statistics commission has a purpose Brygga does not serve: it does not count.
    expect((token.body.commissions as { unitHsaId: string }[]).map((c) => c.unitHsaId)).toEqual([
      'SE2321000016-W012',
      'SE2321000016-W014',
    ]);
    expect(token.body.actingCommission).toBeNull();

    const accessToken = token.body.accessToken as string;
    const mine = await graphql(accessToken, '{ myCommissions { unitHsaId purpose } }');
    expect(mine.data?.myCommissions).toHaveLength(2);

    // A purpose Brygga does not serve: refused as data, the session left as it was.
    const refused = await graphql(
      accessToken,
      'mutation { chooseCommission(unitHsaId: "SE2321000016-W012", purpose: "Statistik") { __typename ... on IdentityError { code field params { name } } } }',
    );
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.chooseCommission).toEqual({
      __typename: 'IdentityError',
      code: 'NO_SUCH_COMMISSION',
      field: null,
      params: [],
    });

    const chosen = await graphql(
      accessToken,
      'mutation { chooseCommission(unitHsaId: "SE2321000016-W014", purpose: "Vård och behandling") { ... on ChooseCommissionSuccess { token { accessToken actingCommission { unitHsaId hsaId } roles } } } }',
    );
    expect(chosen.errors).toBeUndefined();
    expect(chosen.data?.chooseCommission.token.actingCommission).toEqual({
      unitHsaId: 'SE2321000016-W014',
      hsaId: 'SE2321000016-C002',
    });
    const acting = await fetch(`${h.url}/test/whoami`, {
      headers: { authorization: `Bearer ${chosen.data?.chooseCommission.token.accessToken}` },
    });
    expect(
      ((await acting.json()) as { actingCommission: { unitHsaId: string } }).actingCommission
        .unitHsaId,
    ).toBe('SE2321000016-W014');

    // The choice belongs to the session: the next refresh keeps it.
    const again = await browser.accessToken(h.url);
    expect((again.body.actingCommission as { unitHsaId: string }).unitHsaId).toBe(
      'SE2321000016-W014',
    );

    // A nurse is no identity admin.
    const forbidden = await graphql(accessToken, '{ identityProviders { slug } }');
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a municipal case officer through her municipality (pysaml2)', () => {
  test('logs in with the municipality’s own attribute names; an admin’s mapping change shows at the next login', async () => {
    idps.users.kommun = municipalOfficer();
    const first = await browserLogin('kommun', '/');
    expect(first.page.url).toBe(`${h.url}/`);
    const token = await first.browser.accessToken(h.url);
    expect(token.body.roles).toEqual(['SOCIAL_SERVICES_STAFF']);
    expect(token.body.actingCommission).toMatchObject({
      unitHsaId: 'SE2120001234-SOC1',
      providerHsaId: 'SE2120001234-0001',
      purpose: 'Vård och behandling',
    });

    // The identity admin logs in through Inera and edits the municipality's rules.
    idps.users.inera = identityAdmin();
    const admin = await browserLogin('inera', '/admin');
    const adminToken = (await admin.browser.accessToken(h.url)).body.accessToken as string;
    const sets = await graphql(adminToken, '{ mappingRuleSets { id name currentVersion } }');
    const allSets = (sets.data?.mappingRuleSets ?? []) as {
      id: string;
      name: string;
      currentVersion: number;
    }[];
    const kommunSet = allSets.find((s) => s.name === 'Kommunen')!;

    const invalid = await graphql(
      adminToken,
      'mutation ($id: ID!, $definition: JSONObject!) { updateMappingRuleSet(id: $id, definition: $definition) { __typename ... on UpdateMappingRuleSetSuccess { mappingRuleSet { currentVersion } } ... on IdentityError { code field } } }',
      {
        id: kommunSet.id,
        definition: {
          ...KOMMUN_RULES,
          roleRules: [
            { ...KOMMUN_RULES.roleRules[0], match: { kind: 'regex', pattern: '(unclosed' } },
          ],
        },
      },
    );
    expect(invalid.data?.updateMappingRuleSet).toMatchObject({
      __typename: 'IdentityError',
      code: 'INVALID_MAPPING_RULES',
    });

    const changed = await graphql(
      adminToken,
      'mutation ($id: ID!, $definition: JSONObject!, $v: Int) { updateMappingRuleSet(id: $id, definition: $definition, expectedVersion: $v, comment: "hemsjukvård också") { __typename ... on UpdateMappingRuleSetSuccess { mappingRuleSet { currentVersion } } ... on IdentityError { code field } } }',
      {
        id: kommunSet.id,
        v: kommunSet.currentVersion,
        definition: {
          ...KOMMUN_RULES,
          roleRules: [
            {
              ...KOMMUN_RULES.roleRules[0],
              roles: ['SOCIAL_SERVICES_STAFF', 'MUNICIPAL_HEALTH_CARE_STAFF'],
            },
          ],
        },
      },
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.updateMappingRuleSet.mappingRuleSet.currentVersion).toBe(
      kommunSet.currentVersion + 1,
    );

    // The open session's next token already carries the new roles (derived at every issue) …
    const refreshed = await first.browser.accessToken(h.url);
    expect(refreshed.body.roles).toEqual(['MUNICIPAL_HEALTH_CARE_STAFF', 'SOCIAL_SERVICES_STAFF']);
    // … and so does the next login.
    const second = await browserLogin('kommun', '/');
    expect((await second.browser.accessToken(h.url)).body.roles).toEqual([
      'MUNICIPAL_HEALTH_CARE_STAFF',
      'SOCIAL_SERVICES_STAFF',
    ]);

    // When the directory drops the group, the next login gets no role: nothing is accumulated.
    idps.users.kommun = municipalOfficer({ 'urn:kommun:grupp': ['alla'] });
    const third = await browserLogin('kommun', '/');
    expect(third.page.response.status).toBe(400);
    expect(await third.page.response.text()).toContain('gives you no access');

    const logins = await graphql(
      adminToken,
      '{ recentLogins(idpSlug: "kommun", first: 3) { outcome reason subject } }',
    );
    expect(logins.data?.recentLogins[0]).toMatchObject({ outcome: 'FAILURE', reason: 'NO_ACCESS' });
    expect(logins.data?.recentLogins[1]).toMatchObject({
      outcome: 'SUCCESS',
      subject: 'SE2120001234-K042',
    });
  });
});

describe('logout', () => {
  test('ends the session: the browser’s token is refused by GraphQL at once', async () => {
    idps.users.inera = ineraNurse();
    const { browser } = await browserLogin('inera');
    const token = (await browser.accessToken(h.url)).body.accessToken as string;
    expect((await graphql(token, '{ myCommissions { unitHsaId } }')).errors).toBeUndefined();
    const out = await browser.request(`${h.url}/auth/logout`, { method: 'POST' });
    expect(out.status).toBe(303);
    const after = await graphql(token, '{ myCommissions { unitHsaId } }');
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await browser.accessToken(h.url)).status).toBe(401);
  });
});

describe('single logout', () => {
  test('SP-initiated: logout sends the browser to the IdP with a LogoutRequest we signed', async () => {
    await h.services.idps.update('inera', { sloUrl: `${idps.url}/inera/slo` }, 'test-admin');
    try {
      idps.users.inera = ineraNurse();
      const { browser } = await browserLogin('inera');
      const out = await browser.request(`${h.url}/auth/logout`, { method: 'POST' });
      expect(out.status).toBe(303);
      const location = new URL(out.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${idps.url}/inera/slo`);
      expect(location.searchParams.get('Signature')).toBeTruthy();
      const octetString = location.search
        .slice(1)
        .split('&')
        .filter((p) => !p.startsWith('Signature='))
        .join('&');
      const sp = samlify.ServiceProvider({ metadata: await h.spMetadata('inera') });
      const parsed = await h.inera.idp.parseLogoutRequest(sp, 'redirect', {
        query: Object.fromEntries(location.searchParams.entries()),
        octetString,
      });
      expect((parsed.extract as { nameID?: string }).nameID).toBe('SE2321000016-N001');
    } finally {
      await h.services.idps.update('inera', { sloUrl: null }, 'test-admin');
    }
  });

  test('IdP-initiated: a signed LogoutRequest ends the matching session; an unsigned one is refused', async () => {
    idps.users.inera = ineraNurse();
    const { browser } = await browserLogin('inera');
    const token = (await browser.accessToken(h.url)).body.accessToken as string;
    const sid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;
    const { rows } = await h.owner.query<{ session_index: string }>(
      'SELECT session_index FROM identity_session WHERE id = $1',
      [sid],
    );

    const sp = samlify.ServiceProvider({
      metadata: await h.spMetadata('inera'),
      wantLogoutRequestSigned: true,
    });
    const request = h.inera.idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'SE2321000016-N001',
      sessionIndex: rows[0]!.session_index,
    }) as { context: string };
    const query = request.context.slice(request.context.indexOf('?') + 1);
    expect(query).toContain('Signature=');

    const unsigned = query
      .split('&')
      .filter((p) => !p.startsWith('Signature=') && !p.startsWith('SigAlg='))
      .join('&');
    expect(
      (await fetch(`${h.url}/auth/saml/inera/slo?${unsigned}`, { redirect: 'manual' })).status,
    ).toBe(400);
    expect((await h.whoami(token)).status).toBe(200);

    const res = await fetch(`${h.url}/auth/saml/inera/slo?${query}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect((await h.whoami(token)).status).toBe(401);
  });
});
