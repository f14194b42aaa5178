import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signXml } from '@node-saml/node-saml/lib/xml.js';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import { globalId } from '../../support/demo.js';
import { graphqlAt, type Harness, startHarness } from '../../support/idp/harness.js';
import { SamlifyIdp } from '../../support/idp/samlify-idp.js';
import {
  INERA,
  identityAdmin,
  ineraNurse,
  ineraSecurityOfficer,
  LOA,
  legacyNurse,
  SAMBI,
} from '../../support/idp/users.js';

/**
 * Identity administration through GraphQL: IdPs and metadata (file, URL, signed,
 * scheduled refresh), mapping rules and their dry-run, sessions, identity events; and the
 * bad input that must change nothing.
 */

let h: Harness;
let admin: string;
let officer: string;
let nurse: string;
let metadataServer: http.Server;
let metadataUrl: string;
const served: { body: string } = { body: '' };

beforeAll(async () => {
  h = await startHarness();
  admin = (await h.login('inera', identityAdmin())).accessToken;
  nurse = (await h.login('inera', ineraNurse())).accessToken;
  officer = (await h.login('inera', ineraSecurityOfficer())).accessToken;
  metadataServer = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/samlmetadata+xml');
    res.end(served.body);
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataUrl = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata.xml`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => metadataServer?.close(() => resolve()));
  await h?.close();
});

const gql = (token: string | null, query: string, variables: Record<string, unknown> = {}) =>
  graphqlAt(h.url, token, query, variables);
async function counts() {
  const { rows } = await h.owner.query<{ idps: string; versions: string; events: string }>(
    `SELECT (SELECT count(*) FROM identity_provider) AS idps,
            (SELECT count(*) FROM identity_mapping_rule_set_version) AS versions,
            (SELECT count(*) FROM identity_event WHERE type <> 'LOGIN') AS events`,
  );
  return rows[0]!;
}
async function newIdp(name: string) {
  const keys = await generateSelfSignedCertificate(name);
  return new SamlifyIdp(
    `https://${name}.test/saml`,
    `https://${name}.test/sso`,
    keys.certificatePem,
    keys.privateKeyPem,
  );
}

describe('who may', () => {
  test('anonymous: UNAUTHENTICATED; a nurse: FORBIDDEN; the identity admin: yes', async () => {
    expect((await gql(null, '{ identityProviders { slug } }')).errors?.[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await gql(nurse, '{ identityProviders { slug } }')).errors?.[0]?.extensions.code).toBe(
      'FORBIDDEN',
    );
    const ok = await gql(
      admin,
      '{ identityProviders { slug requiredLevelOfAssurance signingCertificates { sha256Fingerprint } serviceProvider { acsUrl } } }',
    );
    expect(ok.data?.identityProviders.map((i: { slug: string }) => i.slug)).toEqual([
      'inera',
      'kommun',
    ]);
    expect(ok.data?.identityProviders[0].serviceProvider.acsUrl).toBe(
      `${h.url}/auth/saml/inera/acs`,
    );
  });
  test('security officers read identity events; a nurse does not; the log is append-only', async () => {
    const events = await gql(
      officer,
      '{ identityEvents(types: [LOGIN], first: 5) { type outcome subject actor } }',
    );
    expect(events.errors).toBeUndefined();
    expect(events.data?.identityEvents.length).toBeGreaterThan(0);
    expect((await gql(nurse, '{ identityEvents { type } }')).errors?.[0]?.extensions.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await gql(officer, '{ identityProviders { slug } }')).errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    await expect(h.db.pool.query(`UPDATE identity_event SET reason = 'x'`)).rejects.toThrow();
    await expect(h.db.pool.query('DELETE FROM identity_event')).rejects.toThrow();
    await expect(h.owner.query('DELETE FROM identity_event')).rejects.toThrow(/append-only/);
    await expect(
      h.owner.query('UPDATE identity_mapping_rule_set_version SET comment = $1', ['x']),
    ).rejects.toThrow(/append-only/);
  });
  test('an identity admin reads no patient data', async () => {
    const res = await gql(admin, '{ cases(first: 1) { edges { node { id } } } }');
    expect(res.errors?.[0]?.extensions.code).toMatch(
      /FORBIDDEN|UNAUTHENTICATED|GRAPHQL_VALIDATION_FAILED/,
    );
  });
});

describe('identity providers', () => {
  test('create, update, disable; each change audited', async () => {
    const idp = await newIdp('region');
    const created = await gql(
      admin,
      `mutation ($input: IdentityProviderInput!) { createIdentityProvider(input: $input) { __typename ... on CreateIdentityProviderSuccess { identityProvider { slug enabled requiredLevelOfAssurance ruleSetGlobalId } } ... on IdentityError { code field message } } }`,
      {
        input: {
          slug: 'region',
          displayName: 'Regionens IdP',
          entityId: idp.entityId,
          ssoUrl: idp.ssoUrl,
          signingCertificates: [idp.certificatePem],
          ruleSetId: globalId('MappingRuleSet', h.ineraRuleSetId),
          requiredLevelOfAssurance: 3,
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createIdentityProvider.identityProvider).toMatchObject({
      slug: 'region',
      ruleSetGlobalId: globalId('MappingRuleSet', h.ineraRuleSetId),
    });
    const updated = await gql(
      admin,
      `mutation { updateIdentityProvider(slug: "region", patch: { clockSkewSeconds: 90 }) { __typename ... on UpdateIdentityProviderSuccess { identityProvider { clockSkewSeconds } } ... on IdentityError { code field message } } }`,
    );
    expect(updated.data?.updateIdentityProvider.identityProvider.clockSkewSeconds).toBe(90);
    const disabled = await gql(
      admin,
      'mutation { disableIdentityProvider(slug: "region") { __typename ... on DisableIdentityProviderSuccess { identityProvider { enabled } } ... on IdentityError { code field message } } }',
    );
    expect(disabled.data?.disableIdentityProvider.identityProvider.enabled).toBe(false);
    const { rows } = await h.owner.query(
      `SELECT type, actor FROM identity_event WHERE type IN ('IDP_CREATED','IDP_UPDATED','IDP_DISABLED') ORDER BY occurred_at`,
    );
    expect(rows.map((r) => r.type)).toEqual(
      expect.arrayContaining(['IDP_CREATED', 'IDP_UPDATED', 'IDP_DISABLED']),
    );
    expect(rows.at(-1)?.actor).toContain('SE2321000016-A001');
  });
  test('bad input changes nothing: unknown IdP, a clock skew over 300 s, a certificate that is no certificate', async () => {
    const before = await counts();
    const unknown = await gql(
      admin,
      'mutation { updateIdentityProvider(slug: "nope", patch: { clockSkewSeconds: 10 }) { __typename ... on UpdateIdentityProviderSuccess { identityProvider { slug } } ... on IdentityError { code field message } } }',
    );
    expect(unknown.data?.updateIdentityProvider.code).toBe('IDENTITY_PROVIDER_NOT_FOUND');
    const skew = await gql(
      admin,
      'mutation { updateIdentityProvider(slug: "inera", patch: { clockSkewSeconds: 3600 }) { __typename ... on UpdateIdentityProviderSuccess { identityProvider { slug } } ... on IdentityError { code field message } } }',
    );
    expect(skew.data?.updateIdentityProvider).toMatchObject({
      __typename: 'IdentityError',
      code: 'INVALID_IDP',
      field: 'clockSkewSeconds',
    });
    const cert = await gql(
      admin,
      'mutation { updateIdentityProvider(slug: "inera", patch: { signingCertificates: ["not a cert"] }) { __typename ... on UpdateIdentityProviderSuccess { identityProvider { slug } } ... on IdentityError { code field message } } }',
    );
    expect(cert.data?.updateIdentityProvider).toMatchObject({ code: 'INVALID_IDP' });
    expect(await counts()).toEqual(before);
  });
});

describe('metadata', () => {
  const importMutation = `mutation ($slug: String, $xml: String, $url: String, $newProvider: NewIdentityProviderFromMetadata) {
    importIdentityProviderMetadata(slug: $slug, xml: $xml, url: $url, newProvider: $newProvider) {
      __typename ... on IdentityError { code field message }
      ... on ImportIdentityProviderMetadataSuccess { identityProvider {
      slug entityId ssoUrl signingCertificates { sha256Fingerprint } metadataUrl metadataRefreshedAt nextMetadataRefreshAt } } } }`;

  test('a new IdP from an uploaded metadata document', async () => {
    const idp = await newIdp('vgr');
    const res = await gql(admin, importMutation, {
      xml: idp.idp.getMetadata(),
      newProvider: { slug: 'vgr', displayName: 'VGR', ruleSetId: h.ineraRuleSetId },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.importIdentityProviderMetadata.identityProvider).toMatchObject({
      slug: 'vgr',
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      // A file is never fetched again.
      nextMetadataRefreshAt: null,
    });
  });
  test('bad metadata changes nothing: malformed XML, no signing certificate, a DTD, not metadata', async () => {
    const idp = await newIdp('bad');
    const noCert = idp.idp
      .getMetadata()
      .replace(/<(\w+:)?KeyDescriptor[\s\S]*?<\/(\w+:)?KeyDescriptor>/g, '');
    const before = await counts();
    for (const [xml, message] of [
      ['<EntityDescriptor', /well-formed/],
      [noCert, /no signing certificate/],
      [`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idp.idp.getMetadata()}`, /DTD/],
      ['<html><body>not metadata</body></html>', /not SAML metadata/],
    ] as const) {
      const res = await gql(admin, importMutation, {
        xml,
        newProvider: { slug: 'bad', displayName: 'Bad', ruleSetId: h.ineraRuleSetId },
      });
      expect(res.data?.importIdentityProviderMetadata).toMatchObject({
        __typename: 'IdentityError',
        code: 'INVALID_METADATA',
      });
      expect(res.data?.importIdentityProviderMetadata.message).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });
  test('certificate rollover from a URL, then the scheduled refresh claims each IdP once', async () => {
    const current = (await h.services.idps.require('kommun')).signingCertificates[0]!;
    const next = await generateSelfSignedCertificate('kommun next');
    const idp = new SamlifyIdp(h.kommun.entityId, h.kommun.ssoUrl, current, next.privateKeyPem);
    // Rollover metadata: both certificates, so logins keep working during the change.
    served.body = idp.idp
      .getMetadata()
      .replace(
        /<(\w+:)?X509Certificate>[\s\S]*?<\/(\w+:)?X509Certificate>/,
        (m) =>
          `${m}</ds:X509Data></ds:KeyInfo></KeyDescriptor><KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${next.certificatePem.replace(/-----[^-]+-----|\s/g, '')}</ds:X509Certificate>`,
      );
    const res = await gql(admin, importMutation, { slug: 'kommun', url: metadataUrl });
    expect(res.errors).toBeUndefined();
    expect(
      res.data?.importIdentityProviderMetadata.identityProvider.signingCertificates,
    ).toHaveLength(2);
    expect(res.data?.importIdentityProviderMetadata.identityProvider.metadataUrl).toBe(metadataUrl);
    // The next scheduled refresh: the one just made plus the refresh period (a day).
    const times = await gql(
      admin,
      '{ identityProvider(slug: "kommun") { metadataRefreshedAt metadataRefreshSeconds nextMetadataRefreshAt } }',
    );
    const kommun = times.data?.identityProvider;
    expect(kommun.metadataRefreshSeconds).toBe(86400);
    expect(Date.parse(kommun.nextMetadataRefreshAt) - Date.parse(kommun.metadataRefreshedAt)).toBe(
      86_400_000,
    );

    // Due now: two processes run the scheduled refresh at once; exactly one refreshes.
    await h.owner.query(
      `UPDATE identity_provider SET metadata_refreshed_at = now() - interval '2 days' WHERE slug = 'kommun'`,
    );
    const [a, b] = await Promise.all([
      h.services.idps.refreshDueMetadata(),
      h.services.idps.refreshDueMetadata(),
    ]);
    expect([...a.refreshed, ...b.refreshed]).toEqual(['kommun']);
    expect(await h.services.idps.refreshDueMetadata()).toEqual({ refreshed: [], failed: [] });

    // A failed refresh keeps the pinned certificates and is audited.
    served.body = '<broken';
    await h.owner.query(
      `UPDATE identity_provider SET metadata_refreshed_at = now() - interval '2 days' WHERE slug = 'kommun'`,
    );
    const failed = await h.services.idps.refreshDueMetadata();
    expect(failed.failed[0]?.slug).toBe('kommun');
    expect((await h.services.idps.require('kommun')).signingCertificates).toHaveLength(2);
    const { rows } = await h.owner.query(
      `SELECT 1 FROM identity_event WHERE type = 'METADATA_REFRESH_FAILED'`,
    );
    expect(rows).toHaveLength(1);
  });
  test('federation-signed metadata: accepted when the signature verifies, refused when tampered or unsigned', async () => {
    const federation = await generateSelfSignedCertificate('federation operator');
    await h.services.idps.update(
      'vgr',
      { metadataSigningCertificates: [federation.certificatePem] },
      'test-admin',
    );
    const vgr = await h.services.idps.require('vgr');
    const idp = new SamlifyIdp(
      vgr.entityId,
      'https://vgr.test/sso2',
      vgr.signingCertificates[0]!,
      federation.privateKeyPem,
    );
    const unsigned = idp.idp
      .getMetadata()
      .replace('<EntityDescriptor', '<EntityDescriptor ID="_md1"');
    const signed = signXml(
      unsigned,
      "/*[local-name(.)='EntityDescriptor']",
      { reference: "/*[local-name(.)='EntityDescriptor']/*[1]", action: 'before' },
      {
        privateKey: federation.privateKeyPem,
        signatureAlgorithm: 'sha256',
        digestAlgorithm: 'sha256',
      },
    );
    const before = await counts();
    const refusedUnsigned = await gql(admin, importMutation, { slug: 'vgr', xml: unsigned });
    expect(refusedUnsigned.data?.importIdentityProviderMetadata.message).toMatch(/not signed/);
    const refusedTampered = await gql(admin, importMutation, {
      slug: 'vgr',
      xml: signed.replace('https://vgr.test/sso2', 'https://evil.test/sso'),
    });
    expect(refusedTampered.data?.importIdentityProviderMetadata.message).toMatch(/does not verify/);
    expect(await counts()).toEqual(before);
    const accepted = await gql(admin, importMutation, { slug: 'vgr', xml: signed });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.importIdentityProviderMetadata.identityProvider.ssoUrl).toBe(
      'https://vgr.test/sso2',
    );
  });
  test('metadata URLs: https only (http only to loopback when configured)', async () => {
    const res = await gql(admin, importMutation, {
      slug: 'inera',
      url: 'http://metadata.example.org/md.xml',
    });
    expect(res.data?.importIdentityProviderMetadata).toMatchObject({ code: 'INVALID_METADATA' });
    expect(res.data?.importIdentityProviderMetadata.message).toMatch(/https only/);
  });
  test('our SP metadata publishes the current and the next SP certificate', async () => {
    const before = await (await fetch(`${h.url}/auth/saml/inera/metadata`)).text();
    expect(before.match(/X509Certificate>/g)).toHaveLength(2);
    await h.services.spKeys.generate(
      new Date(Date.now() + 7 * 86400_000),
      new Date(),
      'test-admin',
      'next SP key',
    );
    h.clock.offsetMs = 11_000;
    try {
      const after = await (await fetch(`${h.url}/auth/saml/inera/metadata`)).text();
      expect(after.match(/X509Certificate>/g)).toHaveLength(4);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('mapping rules', () => {
  const dryRun = `query ($slug: String, $attributes: [SamlAttributeInput!], $xml: String, $definition: JSONObject) {
    mappingDryRun(idpSlug: $slug, attributes: $attributes, assertionXml: $xml, definition: $definition) {
      grantsAccess hsaId name roles commissions { unitHsaId purpose providerHsaId hsaId }
      refusedCommissions { reason } rules { name matched explanation } denialReasons ruleSetVersion } }`;
  const asInput = (attributes: Record<string, string[]>) =>
    Object.entries(attributes).map(([name, values]) => ({ name, values }));

  test('dry-run on attributes: the principal, the rules that matched, the commissions refused', async () => {
    const res = await gql(admin, dryRun, {
      slug: 'inera',
      attributes: asInput(ineraNurse().attributes),
    });
    expect(res.errors).toBeUndefined();
    const r = res.data!.mappingDryRun;
    expect(r).toMatchObject({
      grantsAccess: true,
      hsaId: 'SE2321000016-N001',
      name: 'Sara Lind',
      roles: ['WARD_STAFF'],
    });
    expect(
      r.rules.find((x: { name: string }) => x.name === 'nurse or doctor licence'),
    ).toMatchObject({ matched: true });
    expect(r.commissions).toEqual([
      {
        unitHsaId: 'SE2321000016-W012',
        purpose: 'Vård och behandling',
        providerHsaId: 'SE2321000016-0001',
        hsaId: 'SE2321000016-C001',
      },
    ]);
    expect(r.refusedCommissions[0].reason).toMatch(/Statistik/);
  });
  test('dry-run says why no access results', async () => {
    const attributes = {
      ...ineraNurse().attributes,
      [`${INERA}healthcareProfessionalLicense`]: ['APOTEKARE'],
    };
    const r = (await gql(admin, dryRun, { slug: 'inera', attributes: asInput(attributes) })).data!
      .mappingDryRun;
    expect(r.grantsAccess).toBe(false);
    expect(r.roles).toEqual([]);
    expect(r.denialReasons.join(' ')).toMatch(
      /no role rule matched: nurse or doctor licence: values "APOTEKARE" do not belong to \[SJK, LK, USK\]/,
    );
  });
  test('dry-run on a whole assertion, with the older urn:sambi names and a regex rule', async () => {
    const r = await h.signedResponse('inera', legacyNurse());
    const xml = Buffer.from(r.SAMLResponse, 'base64').toString();
    const definition = {
      roleRules: [
        {
          name: 'ward system role',
          attribute: `${SAMBI}systemRole`,
          match: { kind: 'regex', pattern: 'BRYGGA;avd(elning)?' },
          roles: ['WARD_STAFF'],
        },
      ],
      commissions: { profile: 'SAMBI_LEGACY' },
    };
    const res = await gql(admin, dryRun, { xml, definition });
    expect(res.errors).toBeUndefined();
    expect(res.data!.mappingDryRun).toMatchObject({
      grantsAccess: true,
      hsaId: 'SE2321000016-N002',
      roles: ['WARD_STAFF'],
      commissions: [
        {
          unitHsaId: 'SE2321000016-W020',
          purpose: 'Vård och behandling',
          providerHsaId: 'SE2321000016-0001',
          hsaId: 'SE2321000016-C010',
        },
      ],
    });
  });
  test('invalid rules are refused with a clear message and nothing is stored', async () => {
    const before = await counts();
    const base = { commissions: { profile: 'INERA' } };
    const cases: [unknown, RegExp][] = [
      [
        {
          ...base,
          roleRules: [
            {
              name: 'r',
              attribute: LOA,
              match: { kind: 'regex', pattern: '([a-z' },
              roles: ['WARD_STAFF'],
            },
          ],
        },
        /invalid regular expression/,
      ],
      [
        {
          ...base,
          roleRules: [
            {
              name: 'r',
              attribute: LOA,
              match: { kind: 'regex', pattern: '(a+)+' },
              roles: ['WARD_STAFF'],
            },
          ],
        },
        /nested quantifiers/,
      ],
      [
        {
          ...base,
          roleRules: [
            {
              name: 'r',
              attribute: LOA,
              match: { kind: 'exact', value: 'x' },
              roles: ['SUPERUSER'],
            },
          ],
        },
        /roleRules\.0\.roles/,
      ],
      [{ roleRules: [], commissions: { profile: 'CUSTOM' } }, /CUSTOM profile names/],
    ];
    for (const [definition, message] of cases) {
      const res = await gql(
        admin,
        'mutation ($d: JSONObject!) { createMappingRuleSet(name: "bad", definition: $d) { __typename ... on CreateMappingRuleSetSuccess { mappingRuleSet { id } } ... on IdentityError { code field message } } }',
        { d: definition },
      );
      expect(res.data?.createMappingRuleSet).toMatchObject({
        __typename: 'IdentityError',
        code: 'INVALID_MAPPING_RULES',
      });
      expect(res.data?.createMappingRuleSet.message).toMatch(message);
    }
    const stale = await gql(
      admin,
      'mutation ($id: ID!, $d: JSONObject!) { updateMappingRuleSet(id: $id, definition: $d, expectedVersion: 99) { __typename ... on UpdateMappingRuleSetSuccess { mappingRuleSet { id } } ... on IdentityError { code field message } } }',
      {
        id: h.ineraRuleSetId,
        d: { roleRules: [], commissions: { profile: 'INERA' } },
      },
    );
    expect(stale.data?.updateMappingRuleSet).toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
      field: 'expectedVersion',
    });
    expect(await counts()).toEqual(before);
  });
  test('versions are kept; the audit names who changed what', async () => {
    const created = await gql(
      admin,
      'mutation ($d: JSONObject!) { createMappingRuleSet(name: "Kommun B", definition: $d, comment: "first") { __typename ... on CreateMappingRuleSetSuccess { mappingRuleSet { id globalId currentVersion } } ... on IdentityError { code field message } } }',
      {
        d: { roleRules: [], commissions: { profile: 'INERA' } },
      },
    );
    const { id: ruleSetGlobalId, globalId: deprecatedGlobalId } =
      created.data!.createMappingRuleSet.mappingRuleSet;
    // `id` is the global id (MappingRuleSet is a Node); the deprecated `globalId` answers the same.
    expect(decodeGlobalID(ruleSetGlobalId).typename).toBe('MappingRuleSet');
    expect(deprecatedGlobalId).toBe(ruleSetGlobalId);
    await gql(
      admin,
      'mutation ($id: ID!, $d: JSONObject!) { updateMappingRuleSet(id: $id, definition: $d, comment: "second") { __typename } }',
      {
        id: ruleSetGlobalId,
        d: {
          roleRules: [
            {
              name: 'all',
              attribute: LOA,
              match: { kind: 'oneOf', values: ['http://id.sambi.se/loa/loa3'] },
              roles: ['FINANCE'],
            },
          ],
          commissions: { profile: 'INERA' },
        },
      },
    );
    const sets = await gql(
      admin,
      '{ mappingRuleSets { id currentVersion versions { version comment createdBy } } }',
    );
    const set = sets.data!.mappingRuleSets.find((s: { id: string }) => s.id === ruleSetGlobalId);
    expect(set.currentVersion).toBe(2);
    expect(set.versions.map((v: { comment: string }) => v.comment)).toEqual(['second', 'first']);
    expect(set.versions[0].createdBy).toContain('SE2321000016-A001');
  });
  test('a new rule set needs a name of its own: blank, too long or taken is refused, nothing stored', async () => {
    const before = await counts();
    const create = (name: string) =>
      gql(
        admin,
        `mutation ($n: String!, $d: JSONObject!) { createMappingRuleSet(name: $n, definition: $d) {
          __typename ... on CreateMappingRuleSetSuccess { mappingRuleSet { id name } }
          ... on IdentityError { code field } } }`,
        { n: name, d: { roleRules: [], commissions: { profile: 'INERA' } } },
      );
    for (const [name, refusal] of [
      ['   ', { code: 'INVALID_INPUT', field: 'name' }],
      ['x'.repeat(101), { code: 'INVALID_INPUT', field: 'name' }],
      ['Kommun B', { code: 'ALREADY_EXISTS' }],
      [' Kommun B ', { code: 'ALREADY_EXISTS' }],
    ] as const) {
      const refused = await create(name);
      expect(refused.errors).toBeUndefined();
      expect(refused.data?.createMappingRuleSet, name).toMatchObject({
        __typename: 'IdentityError',
        ...refusal,
      });
    }
    expect(await counts()).toEqual(before);
    const created = await create('  Kommun C ');
    expect(created.data?.createMappingRuleSet.mappingRuleSet.name).toBe('Kommun C');
  });
});

describe('sessions and keys', () => {
  test('an admin revokes a session through GraphQL; its token stops working', async () => {
    const session = await h.login('inera', ineraNurse());
    const sid = JSON.parse(
      Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString(),
    ).sid;
    const list = await gql(
      admin,
      '{ identitySessions(subject: "SE2321000016-N001") { id globalId revokedAt } }',
    );
    const listed = list.data?.identitySessions.find(
      (s: { id: string }) => s.id === globalId('IdentitySession', sid),
    );
    expect(listed.globalId).toBe(listed.id);
    const revoke = `mutation ($id: ID!) { revokeSession(sessionId: $id, reason: "card reported lost") { __typename ... on RevokeSessionSuccess { revoked } ... on IdentityError { code field message } } }`;
    const revoked = await gql(admin, revoke, { id: listed.id });
    expect(revoked.data?.revokeSession).toEqual({
      __typename: 'RevokeSessionSuccess',
      revoked: true,
    });
    // Already ended: nothing to revoke, said as data (the raw UUID is still taken).
    expect((await gql(admin, revoke, { id: sid })).data?.revokeSession.revoked).toBe(false);
    expect(
      (await gql(session.accessToken, '{ myCommissions { unitHsaId } }')).errors?.[0]?.extensions
        .code,
    ).toBe('UNAUTHENTICATED');
    const events = await gql(
      officer,
      '{ identityEvents(types: [SESSION_REVOKED]) { actor reason sessionId sessionGlobalId } }',
    );
    expect(events.data?.identityEvents[0]).toMatchObject({
      reason: 'card reported lost',
      sessionId: sid,
      sessionGlobalId: globalId('IdentitySession', sid),
    });
  });
  test('an admin rotates the token key; the event names the admin', async () => {
    const res = await gql(
      admin,
      'mutation { rotateTokenSigningKey { ... on RotateTokenSigningKeySuccess { keyId } } }',
    );
    expect(res.data?.rotateTokenSigningKey.keyId).toMatch(/^es256-/);
    const events = await gql(
      officer,
      '{ identityEvents(types: [KEY_CREATED], first: 1) { actor details } }',
    );
    expect(events.data?.identityEvents[0].actor).toContain('SE2321000016-A001');
  });
});

describe('ids the identity commands take (issue 20)', () => {
  const refusal = '{ __typename ... on IdentityError { code field } }';
  test('a malformed id, or the global id of another type, is INVALID_ID naming the field; nothing changes', async () => {
    const before = await counts();
    for (const id of ['garbage', globalId('Case', h.ineraRuleSetId), '']) {
      const update = await gql(
        admin,
        `mutation ($id: ID!) { updateMappingRuleSet(id: $id, definition: { roleRules: [] }) ${refusal} }`,
        { id },
      );
      expect(update.data?.updateMappingRuleSet, id).toEqual({
        __typename: 'IdentityError',
        code: 'INVALID_ID',
        field: 'id',
      });
      const revoke = await gql(
        admin,
        `mutation ($id: ID!) { revokeSession(sessionId: $id, reason: "x") ${refusal} }`,
        { id },
      );
      expect(revoke.data?.revokeSession, id).toMatchObject({
        code: 'INVALID_ID',
        field: 'sessionId',
      });
      const create = await gql(
        admin,
        `mutation ($id: ID!) { createIdentityProvider(input: { slug: "x", displayName: "X", entityId: "https://x.test", ssoUrl: "https://x.test/sso", signingCertificates: [], ruleSetId: $id }) ${refusal} }`,
        { id },
      );
      expect(create.data?.createIdentityProvider, id).toMatchObject({
        code: 'INVALID_ID',
        field: 'input.ruleSetId',
      });
      const patch = await gql(
        admin,
        `mutation ($id: ID!) { updateIdentityProvider(slug: "inera", patch: { ruleSetId: $id }) ${refusal} }`,
        { id },
      );
      expect(patch.data?.updateIdentityProvider, id).toMatchObject({
        code: 'INVALID_ID',
        field: 'patch.ruleSetId',
      });
      const dryRun = await gql(
        admin,
        'query ($id: ID!) { mappingDryRun(ruleSetId: $id, attributes: []) { grantsAccess } }',
        { id },
      );
      expect(dryRun.errors?.[0]?.extensions, id).toMatchObject({
        code: 'INVALID_ID',
        field: 'ruleSetId',
      });
    }
    expect(await counts()).toEqual(before);
  });
  test('a well-formed id of nothing: RULE_SET_NOT_FOUND, SESSION_NOT_FOUND', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    const update = await gql(
      admin,
      `mutation ($id: ID!) { updateMappingRuleSet(id: $id, definition: { roleRules: [], commissions: { profile: "INERA" } }) ${refusal} }`,
      { id: globalId('MappingRuleSet', none) },
    );
    expect(update.data?.updateMappingRuleSet.code).toBe('RULE_SET_NOT_FOUND');
    const revoke = await gql(
      admin,
      `mutation ($id: ID!) { revokeSession(sessionId: $id, reason: "x") ${refusal} }`,
      { id: globalId('IdentitySession', none) },
    );
    expect(revoke.data?.revokeSession).toMatchObject({
      code: 'SESSION_NOT_FOUND',
      field: 'sessionId',
    });
  });
  test('the dry-run takes the rule set by its global id as by its raw one', async () => {
    const dryRun = (id: string) =>
      gql(
        admin,
        'query ($id: ID!) { mappingDryRun(ruleSetId: $id, attributes: []) { ruleSetVersion denialReasons } }',
        { id },
      );
    const byGlobal = await dryRun(globalId('MappingRuleSet', h.ineraRuleSetId));
    expect(byGlobal.errors).toBeUndefined();
    expect(byGlobal.data).toEqual((await dryRun(h.ineraRuleSetId)).data);
  });
});
