import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  REGION,
  SOC_SODERMALM,
  SODERMALM,
  STOCKHOLM_STAD,
} from '../../../src/db/seed/demo-reference-data.js';
import { expectLoginRefused } from '../../support/idp/expect.js';
import { type Harness, KOMMUN_RULES, startHarness } from '../../support/idp/harness.js';
import { INERA, ineraNurse, municipalOfficer, type TestUser } from '../../support/idp/users.js';

/**
 * A commission's care provider is checked against Brygga's directory (issue 14, item 8):
 * a unit of Stockholms stad (a Södermalm district unit) with the region as its provider is
 * refused; the principal, and so the access log, carries the directory's provider, never
 * the assertion's. Real signed responses from samlify ("inera") and pysaml2 ("kommun").
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const post = (slug: string, samlResponse: string) =>
  h.postAcs(slug, { SAMLResponse: samlResponse, RelayState: '/' });

/** An Inera-IdP user with one commission at `unit` under `provider`. */
const worker = (unit: string, provider: string): TestUser =>
  ineraNurse({
    [`${INERA}employeeHsaId`]: ['SE2120001439-P001'],
    [`${INERA}commissionHsaId`]: ['SE2120001439-C001'],
    [`${INERA}commissionName`]: ['Biståndsenheten'],
    [`${INERA}commissionPurpose`]: ['Vård och behandling'],
    [`${INERA}healthCareUnitHsaId`]: [unit],
    [`${INERA}healthCareProviderHsaId`]: [provider],
  });
const withNameId = (user: TestUser): TestUser => ({
  ...user,
  nameId: user.attributes[`${INERA}employeeHsaId`]![0]!,
});

async function loginAs(slug: 'inera' | 'kommun', user: TestUser) {
  return post(slug, (await h.signedResponse(slug, user)).SAMLResponse);
}

async function tokenAfter(res: Response): Promise<string> {
  expect(res.status).toBe(303);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('brygga_session='))!
    .split(';')[0]!;
  const refreshed = await h.refresh(cookie);
  expect(refreshed.status).toBe(200);
  return ((await refreshed.json()) as { accessToken: string }).accessToken;
}

async function providersOf(token: string) {
  const principal = (await (await h.whoami(token)).json()) as {
    commissions: { unitHsaId: string; providerHsaId: string }[];
    actingCommission: { providerHsaId: string } | null;
  };
  return {
    commissions: principal.commissions.map((c) => c.providerHsaId),
    acting: principal.actingCommission?.providerHsaId ?? null,
  };
}

async function lastLogin() {
  const { rows } = await h.owner.query<{
    outcome: string;
    reason: string;
    details: Record<string, unknown>;
  }>(
    `SELECT outcome, reason, details FROM identity_event WHERE type = 'LOGIN'
     ORDER BY occurred_at DESC, id DESC LIMIT 1`,
  );
  return rows[0]!;
}

async function casesAs(token: string) {
  const res = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: '{ cases(first: 3) { edges { node { reference patient { givenName } } } } }',
    }),
  });
  return (await res.json()) as {
    data?: { cases: { edges: unknown[] } };
    errors?: { extensions: { code: string } }[];
  };
}

describe('the commission’s care provider against the directory', () => {
  test('a Stockholms stad unit with the region as its care provider is refused and audited', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await loginAs('inera', withNameId(worker(SOC_SODERMALM, REGION))),
      ['COMMISSION_PROVIDER_MISMATCH'],
      before,
    );
    expect((await lastLogin()).details).toMatchObject({
      commissions: [
        { unit: SOC_SODERMALM, assertedProvider: REGION, directoryProvider: STOCKHOLM_STAD },
      ],
    });
  });
  test('a case difference in the provider is another provider', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await loginAs('inera', withNameId(worker(SOC_SODERMALM, STOCKHOLM_STAD.toLowerCase()))),
      ['COMMISSION_PROVIDER_MISMATCH'],
      before,
    );
  });
  test('the municipality as provider is accepted', async () => {
    const token = await tokenAfter(
      await loginAs('inera', withNameId(worker(SOC_SODERMALM, STOCKHOLM_STAD))),
    );
    expect(await providersOf(token)).toEqual({
      commissions: [STOCKHOLM_STAD],
      acting: STOCKHOLM_STAD,
    });
  });
  test('the unit’s district is accepted, and the principal gets the directory’s care provider', async () => {
    const token = await tokenAfter(
      await loginAs('inera', withNameId(worker(SOC_SODERMALM, SODERMALM))),
    );
    expect(await providersOf(token)).toEqual({
      commissions: [STOCKHOLM_STAD],
      acting: STOCKHOLM_STAD,
    });
  });
  test('whitespace around the provider is trimmed like every value', async () => {
    const token = await tokenAfter(
      await loginAs('inera', withNameId(worker(SOC_SODERMALM, ` ${STOCKHOLM_STAD}\n`))),
    );
    expect((await providersOf(token)).acting).toBe(STOCKHOLM_STAD);
  });
  test('a unit the directory does not know keeps today’s behaviour: login, but no unit to act for', async () => {
    // The unit's HSA-ID in another case is not a unit of the directory: no check, and no
    // actor either, so no patient data and no access-log row.
    const token = await tokenAfter(
      await loginAs('inera', withNameId(worker(SOC_SODERMALM.toLowerCase(), REGION))),
    );
    expect((await providersOf(token)).acting).toBe(REGION);
    const cases = await casesAs(token);
    expect(cases.data?.cases.edges ?? []).toEqual([]);
    const { rows } = await h.owner.query('SELECT 1 FROM access_log WHERE user_hsa_id = $1', [
      'SE2120001439-P001',
    ]);
    expect(rows).toEqual([]);
  });
});

describe('the access log takes the provider from the directory (pysaml2, a municipal IdP)', () => {
  test('a default provider that is not the unit’s is refused; the district’s is logged as the city’s', {
    timeout: 120_000,
  }, async () => {
    const officer = municipalOfficer({
      'urn:kommun:hsaid': ['SE2120001439-K042'],
      'urn:kommun:enhet': [SOC_SODERMALM],
    });
    await h.services.ruleSets.update(
      {
        ruleSetId: h.kommunRuleSetId,
        definition: {
          ...KOMMUN_RULES,
          commissions: { ...KOMMUN_RULES.commissions, defaultProviderHsaId: REGION },
        },
      },
      'test-admin',
    );
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await loginAs('kommun', officer),
      ['COMMISSION_PROVIDER_MISMATCH'],
      before,
    );

    await h.services.ruleSets.update(
      {
        ruleSetId: h.kommunRuleSetId,
        definition: {
          ...KOMMUN_RULES,
          commissions: { ...KOMMUN_RULES.commissions, defaultProviderHsaId: SODERMALM },
        },
      },
      'test-admin',
    );
    const token = await tokenAfter(await loginAs('kommun', officer));
    const cases = await casesAs(token);
    expect(cases.errors).toBeUndefined();
    expect(cases.data!.cases.edges.length).toBeGreaterThan(0);
    const { rows } = await h.owner.query<{ unit_hsa_id: string; provider_hsa_id: string }>(
      'SELECT DISTINCT unit_hsa_id, provider_hsa_id FROM access_log WHERE user_hsa_id = $1',
      ['SE2120001439-K042'],
    );
    expect(rows).toEqual([{ unit_hsa_id: SOC_SODERMALM, provider_hsa_id: STOCKHOLM_STAD }]);
  });
});
