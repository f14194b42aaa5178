import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as attack from '../support/idp/attacks.js';
import { expectLoginRefused } from '../support/idp/expect.js';
import { type Harness, KOMMUN_RULES, startHarness } from '../support/idp/harness.js';
import {
  INERA,
  identityAdmin,
  ineraNurse,
  municipalOfficer,
  type TestUser,
} from '../support/idp/users.js';
import { keepOutputOf } from '../support/log-capture.js';

/**
 * What a correctly signed assertion may still say wrongly about the person (issue 14,
 * items 6 and 7): an attribute the mapping reads as one value (or as a position in the
 * commission lists) sent ambiguously, and a NameID that names someone else than the
 * identifier attribute. Real signed responses from samlify ("inera") and pysaml2 ("kommun").
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const post = (slug: string, samlResponse: string) =>
  h.postAcs(slug, { SAMLResponse: samlResponse, RelayState: '/' });
const signed = async (user: TestUser, slug: 'inera' | 'kommun' = 'inera') =>
  (await h.signedResponse(slug, user)).SAMLResponse;

/** `npm run federation -- …` against the harness's database. */
async function federation(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/federation.ts', ...args], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'silent' },
  });
  keepOutputOf(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

async function lastLoginDetails() {
  const { rows } = await h.owner.query<{
    outcome: string;
    reason: string | null;
    subject: string | null;
    details: Record<string, unknown>;
  }>(
    `SELECT outcome, reason, subject, details FROM identity_event WHERE type = 'LOGIN'
     ORDER BY occurred_at DESC, id DESC LIMIT 1`,
  );
  return rows[0]!;
}

async function principalAfter(res: Response) {
  expect(res.status).toBe(303);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('brygga_session='))!
    .split(';')[0]!;
  const refreshed = await h.refresh(cookie);
  expect(refreshed.status).toBe(200);
  const { accessToken } = (await refreshed.json()) as { accessToken: string };
  return (await (await h.whoami(accessToken)).json()) as {
    hsaId: string;
    roles: string[];
    commissions: { unitHsaId: string; providerHsaId: string; purpose: string }[];
  };
}

/** One commission, so that every commission list has one value. */
const oneCommission = {
  [`${INERA}commissionHsaId`]: ['SE2321000016-C001'],
  [`${INERA}commissionName`]: ['Avd 12 vård'],
  [`${INERA}commissionPurpose`]: ['Vård och behandling'],
  [`${INERA}healthCareUnitHsaId`]: ['SE2321000016-W012'],
  [`${INERA}healthCareProviderHsaId`]: ['SE2321000016-0001'],
};
const nurse = (overrides: Record<string, string[]> = {}) =>
  ineraNurse({ ...oneCommission, ...overrides });
/** The nurse's attributes in one statement, and `extra` as a second AttributeStatement. */
function withSecondStatement(extra: [string, string[]][]): TestUser {
  const user = nurse();
  return { ...user, attributeStatements: [Object.entries(user.attributes), extra] };
}
/** The nurse's attributes with `extra` Attribute elements added to the same statement. */
function withRepeatedAttribute(extra: [string, string[]][]): TestUser {
  const user = nurse();
  return { ...user, attributeStatements: [[...Object.entries(user.attributes), ...extra]] };
}

describe('ambiguous attributes are refused (AMBIGUOUS_ATTRIBUTE), never "first value wins"', () => {
  test('a second AttributeStatement with another unit', async () => {
    const before = await h.sessionCount();
    const user = withSecondStatement([[`${INERA}healthCareUnitHsaId`, ['SE2321000016-W099']]]);
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
    const event = await lastLoginDetails();
    // The unit list is sent twice, and no longer lines up with the purposes and providers.
    expect(event.details.attributes).toEqual(
      expect.arrayContaining([`${INERA}healthCareUnitHsaId`, `${INERA}commissionPurpose`]),
    );
    expect(event.subject).toBe('SE2321000016-N001');
  });
  test('a second AttributeStatement with another employee HSA-ID', async () => {
    const before = await h.sessionCount();
    const user = withSecondStatement([[`${INERA}employeeHsaId`, ['SE2321000016-N999']]]);
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
    expect((await lastLoginDetails()).details.attributes).toEqual([`${INERA}employeeHsaId`]);
  });
  test('two Attribute elements of the same name in one statement (another purpose)', async () => {
    const before = await h.sessionCount();
    const user = withRepeatedAttribute([[`${INERA}commissionPurpose`, ['Statistik']]]);
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('a single-valued attribute with two values (two employee HSA-IDs)', async () => {
    const before = await h.sessionCount();
    const user = nurse({
      [`${INERA}employeeHsaId`]: ['SE2321000016-N001', 'SE2321000016-N999'],
    });
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('two purposes for one unit: which purpose the commission has is unclear', async () => {
    const before = await h.sessionCount();
    const user = nurse({ [`${INERA}commissionPurpose`]: ['Vård och behandling', 'Statistik'] });
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('two units but one care provider', async () => {
    const before = await h.sessionCount();
    const user = nurse({
      [`${INERA}healthCareUnitHsaId`]: ['SE2321000016-W012', 'SE2321000016-W014'],
      [`${INERA}commissionPurpose`]: ['Vård och behandling', 'Vård och behandling'],
      [`${INERA}commissionHsaId`]: ['SE2321000016-C001', 'SE2321000016-C002'],
      [`${INERA}commissionName`]: ['Avd 12', 'Avd 14'],
    });
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('a case difference is a different value', async () => {
    const before = await h.sessionCount();
    const user = withSecondStatement([[`${INERA}employeeHsaId`, ['se2321000016-n001']]]);
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('an empty second value is a different value', async () => {
    const before = await h.sessionCount();
    const user = nurse({ [`${INERA}surname`]: ['Lind', ''] });
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['AMBIGUOUS_ATTRIBUTE'],
      before,
    );
  });
  test('a comment injected into the repeated value is refused before any mapping', async () => {
    const before = await h.sessionCount();
    const user = withSecondStatement([[`${INERA}healthCareUnitHsaId`, ['SE2321000016-W012']]]);
    const res = await post(
      'inera',
      attack.commentInAttributeValue(await signed(user), `${INERA}healthCareUnitHsaId`, 'last'),
    );
    await expectLoginRefused(h, res, ['UNSAFE_XML'], before);
  });

  test('the mapping dry-run names the ambiguous attribute (an attribute given twice)', async () => {
    const admin = await h.login('inera', identityAdmin());
    const res = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({
        query:
          'query ($a: [SamlAttributeInput!]) { mappingDryRun(idpSlug: "inera", attributes: $a) { grantsAccess ambiguousAttributes { attribute reason } } }',
        variables: {
          a: [
            ...Object.entries(nurse().attributes).map(([name, values]) => ({ name, values })),
            { name: `${INERA}employeeHsaId`, values: ['SE2321000016-N999'] },
          ],
        },
      }),
    });
    const body = (await res.json()) as { data: { mappingDryRun: any } };
    expect(body.data.mappingDryRun).toEqual({
      grantsAccess: false,
      ambiguousAttributes: [
        {
          attribute: `${INERA}employeeHsaId`,
          reason: 'employeeHsaId must have one value, the assertion has 2 different',
        },
      ],
    });
  });
  test('an identical repeat counts once (one commission, not two)', async () => {
    const user = withSecondStatement([
      [`${INERA}healthCareUnitHsaId`, ['SE2321000016-W012']],
      [`${INERA}employeeHsaId`, ['SE2321000016-N001']],
    ]);
    const principal = await principalAfter(await post('inera', await signed(user)));
    expect(principal.hsaId).toBe('SE2321000016-N001');
    expect(principal.commissions.map((c) => c.unitHsaId)).toEqual(['SE2321000016-W012']);
  });
  test('values equal once trimmed are one value (the mapping uses the trimmed value)', async () => {
    const user = nurse({
      [`${INERA}employeeHsaId`]: ['SE2321000016-N001', '  SE2321000016-N001 '],
    });
    expect((await principalAfter(await post('inera', await signed(user)))).hsaId).toBe(
      'SE2321000016-N001',
    );
  });
  test('multi-valued attributes stay multi-valued, also across statements', async () => {
    const admin = identityAdmin();
    const user: TestUser = {
      ...admin,
      attributeStatements: [
        Object.entries({
          ...admin.attributes,
          [`${INERA}healthcareProfessionalLicense`]: ['SJK', 'LK'],
        }),
        [[`${INERA}commissionRight`, ['Logggranskning']]],
      ],
    };
    const principal = await principalAfter(await post('inera', await signed(user)));
    expect(principal.roles).toEqual(['IDENTITY_ADMIN', 'SECURITY_OFFICER', 'WARD_STAFF']);
  });
  test('several commissions, each list position by position, are still accepted', async () => {
    const principal = await principalAfter(await post('inera', await signed(ineraNurse())));
    expect(principal.commissions).toHaveLength(1);
    expect(principal.commissions[0]).toMatchObject({ purpose: 'Vård och behandling' });
  });
});

describe('NameID and the person’s identifier', () => {
  test('Inera-style rule sets require agreement by default: another NameID is refused and audited', async () => {
    const before = await h.sessionCount();
    const user = { ...nurse(), nameId: 'SE2321000016-N999' };
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['SUBJECT_MISMATCH'],
      before,
    );
    const event = await lastLoginDetails();
    expect(event.subject).toBe('SE2321000016-N001');
    expect(event.details).toMatchObject({
      identifier: 'SE2321000016-N001',
      nameId: 'SE2321000016-N999',
    });
  });
  test('a case difference in the NameID is a mismatch', async () => {
    const before = await h.sessionCount();
    const user = { ...nurse(), nameId: 'se2321000016-n001' };
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['SUBJECT_MISMATCH'],
      before,
    );
  });
  test('a NameID that is a personal identity number is refused and not stored in the audit', async () => {
    const before = await h.sessionCount();
    const user = { ...nurse(), nameId: '197705232382' };
    await expectLoginRefused(
      h,
      await post('inera', await signed(user)),
      ['SUBJECT_MISMATCH'],
      before,
    );
    expect(JSON.stringify(await lastLoginDetails())).not.toContain('197705232382');
  });
  test('whitespace around the NameID is not a difference (XML text is trimmed)', async () => {
    const user = { ...nurse(), nameId: '  SE2321000016-N001\n' };
    expect((await principalAfter(await post('inera', await signed(user)))).hsaId).toBe(
      'SE2321000016-N001',
    );
  });
  test('a comment in the NameID (to make it read as the identifier) is refused', async () => {
    const before = await h.sessionCount();
    const res = await post('inera', attack.commentInNameId(await signed(nurse())));
    await expectLoginRefused(h, res, ['UNSAFE_XML'], before);
  });

  test('a municipal IdP (CUSTOM) keeps today’s behaviour until configured; then pysaml2’s mismatch is refused, at login and at refresh', {
    timeout: 120_000,
  }, async () => {
    const admin = await h.login('inera', identityAdmin());
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await (
        await fetch(`${h.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${admin.accessToken}`,
          },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as {
        data?: Record<string, any>;
        errors?: { extensions: Record<string, unknown>; message: string }[];
      };
    const setQuery =
      '{ mappingRuleSets { id name currentVersion current { subject { identifierAttribute nameIdMustMatch } } } }';
    const sets = (await gql(setQuery)).data!.mappingRuleSets as any[];
    expect(sets.find((s) => s.name === 'Inera SITHS').current.subject).toEqual({
      identifierAttribute: `${INERA}employeeHsaId`,
      nameIdMustMatch: true,
    });
    const kommun = sets.find((s) => s.name === 'Kommunen');
    expect(kommun.current.subject).toEqual({
      identifierAttribute: 'urn:kommun:hsaid',
      nameIdMustMatch: false,
    });

    // Her NameID is an e-mail address, her identifier an HSA-ID: accepted, as before.
    const officer = await h.login('kommun', municipalOfficer());

    const update =
      'mutation ($id: ID!, $definition: JSONObject!) { updateMappingRuleSet(id: $id, definition: $definition) { __typename ... on UpdateMappingRuleSetSuccess { mappingRuleSet { currentVersion } } ... on IdentityError { code field } } }';
    const invalid = [
      { ...KOMMUN_RULES, subject: { nameIdMustMatch: 'yes' } },
      {
        ...KOMMUN_RULES,
        subject: { nameIdMustMatch: true, identifierAttribute: 'urn:kommun:other' },
      },
      { ...KOMMUN_RULES, subject: { nameIdMustMatch: true, identifierAttribute: '' } },
    ];
    for (const definition of invalid) {
      const refused = await gql(update, { id: kommun.id, definition });
      expect(refused.data?.updateMappingRuleSet).toMatchObject({
        __typename: 'IdentityError',
        code: 'INVALID_MAPPING_RULES',
      });
    }
    const changed = await gql(update, {
      id: kommun.id,
      definition: { ...KOMMUN_RULES, subject: { nameIdMustMatch: true } },
    });
    expect(changed.data?.updateMappingRuleSet.mappingRuleSet.currentVersion).toBe(
      kommun.currentVersion + 1,
    );

    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('kommun', await signed(municipalOfficer(), 'kommun')),
      ['SUBJECT_MISMATCH'],
      before,
    );
    expect((await lastLoginDetails()).details).toMatchObject({
      identifier: 'SE2120001234-K042',
      nameId: 'anna.berg@kommun.example',
    });
    // The open session is judged by the current rules at its next token.
    expect((await h.refresh(officer.cookie)).status).toBe(401);

    // An edit that leaves `subject` out keeps it.
    const edited = await gql(update, { id: kommun.id, definition: KOMMUN_RULES });
    expect(edited.errors).toBeUndefined();
    const after = (await gql(setQuery)).data!.mappingRuleSets.find(
      (s: any) => s.name === 'Kommunen',
    );
    expect(after.current.subject.nameIdMustMatch).toBe(true);

    // Where her IdP's NameID is her HSA-ID, she gets in.
    const agreeing = { ...municipalOfficer(), nameId: 'SE2120001234-K042' };
    expect(
      (await principalAfter(await post('kommun', await signed(agreeing, 'kommun')))).hsaId,
    ).toBe('SE2120001234-K042');
  });

  test('the federation CLI sets the subject rule as a new version, and refuses a bad one', {
    timeout: 120_000,
  }, async () => {
    const subjectOf = async () =>
      (await h.services.ruleSets.current(h.kommunRuleSetId)).definition.subject;
    const versionOf = async () => (await h.services.ruleSets.current(h.kommunRuleSetId)).version;
    const start = await versionOf();

    expect((await federation(['rules', 'subject', 'Kommunen'])).code).toBe(2);
    const conflicting = await federation([
      ...['rules', 'subject', 'Kommunen', '--name-id-must-match'],
      ...['--identifier-attribute', 'urn:kommun:other'],
    ]);
    expect(conflicting.code).toBe(1);
    expect(conflicting.output).toMatch(/identifier is named twice/);
    expect(await versionOf()).toBe(start);

    const mayDiffer = await federation(['rules', 'subject', 'Kommunen', '--name-id-may-differ']);
    expect(mayDiffer.code, mayDiffer.output).toBe(0);
    expect(await versionOf()).toBe(start + 1);
    expect(await subjectOf()).toEqual({ nameIdMustMatch: false });
    // Her e-mail NameID is accepted again (pysaml2).
    expect(
      (await principalAfter(await post('kommun', await signed(municipalOfficer(), 'kommun'))))
        .hsaId,
    ).toBe('SE2120001234-K042');
    const { rows } = await h.owner.query<{ actor: string; details: { version: number } }>(
      `SELECT actor, details FROM identity_event WHERE type = 'MAPPING_CHANGED'
       ORDER BY occurred_at DESC, id DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      details: { version: start + 1 },
    });
  });

  test('a rule set version stored before the setting existed does not compare the NameID', async () => {
    // A version written before this change: no `subject` in its definition.
    const set = await h.owner.query<{ current_version: number }>(
      'SELECT current_version FROM identity_mapping_rule_set WHERE id = $1',
      [h.ineraRuleSetId],
    );
    const version = set.rows[0]!.current_version + 1;
    await h.owner.query(
      `INSERT INTO identity_mapping_rule_set_version (rule_set_id, version, definition, comment, created_by, created_at)
       SELECT rule_set_id, $2, definition - 'subject', 'as stored before', 'test', now()
       FROM identity_mapping_rule_set_version WHERE rule_set_id = $1 AND version = $3`,
      [h.ineraRuleSetId, version, version - 1],
    );
    await h.owner.query('UPDATE identity_mapping_rule_set SET current_version = $2 WHERE id = $1', [
      h.ineraRuleSetId,
      version,
    ]);
    const user = { ...nurse(), nameId: 'SE2321000016-N999' };
    expect((await principalAfter(await post('inera', await signed(user)))).hsaId).toBe(
      'SE2321000016-N001',
    );
  });
});
