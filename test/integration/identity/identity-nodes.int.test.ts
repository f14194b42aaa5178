import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Role } from '../../../src/authz/roles.js';
import { globalId, SOC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: IdentityProvider, MappingRuleSet, IdentitySession and IdentityEvent are Relay
 * nodes. `id` is the global id, `node(id:)` loads each one under the same rule as its list
 * (identity admins; identity events also security officers), and everyone the list refuses
 * is refused by `node` with the same code, with nothing of the object in the answer.
 */
let server: TestServer;
const tokens: Record<string, string> = {};
let admin = '';

interface Answer {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(token: string | null, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

const NODE = `query ($id: ID!) { node(id: $id) { __typename id
  ... on IdentityProvider { slug ruleSetGlobalId }
  ... on MappingRuleSet { name currentVersion }
  ... on IdentitySession { subject idpGlobalId }
  ... on IdentityEvent { type eventIdpGlobalId: idpGlobalId } } }`;

/** One object of each type, as its list answers it to an identity admin. */
const listed: Record<string, Record<string, unknown>> = {};

/** The list query of each type, to compare its refusals with `node`'s. */
const LISTS: Record<string, string> = {
  IdentityProvider: '{ identityProviders { id } }',
  MappingRuleSet: '{ mappingRuleSets { id } }',
  IdentitySession: `{ identitySessions(subject: "x") { id } }`,
  IdentityEvent: '{ identityEventLog(first: 1) { edges { node { id } } } }',
};

const ROLES: Record<string, [string, Role[]]> = {
  admin: [WARD_KAROLINSKA_GERIATRIK, ['IDENTITY_ADMIN']],
  ward: [WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
  social: [SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
  officer: [SOC_SOLNA, ['SECURITY_OFFICER']],
  finance: [WARD_KAROLINSKA_GERIATRIK, ['FINANCE']],
};

beforeAll(async () => {
  server = await startTestServer();
  for (const [name, [unit, roles]] of Object.entries(ROLES))
    tokens[name] = await server.tokenFor(principalFor(unit, roles, `Nod ${name}`));
  admin = tokens.admin!;
  const subject = principalFor(...ROLES.admin!, 'x').hsaId;
  const lists = await gql(
    admin,
    `query ($subject: String!) {
      identityProviders { id slug ruleSetGlobalId }
      mappingRuleSets { id name currentVersion }
      identitySessions(subject: $subject, first: 1) { id subject idpGlobalId }
      identityEventLog(first: 1, filter: { types: [IDP_CREATED] }) {
        edges { node { id type eventIdpGlobalId: idpGlobalId } } } }`,
    { subject },
  );
  if (lists.errors) throw new Error(`fixture: ${JSON.stringify(lists.errors)}`);
  listed.IdentityProvider = lists.data!.identityProviders[0];
  listed.MappingRuleSet = lists.data!.mappingRuleSets[0];
  listed.IdentitySession = lists.data!.identitySessions[0];
  listed.IdentityEvent = lists.data!.identityEventLog.edges[0].node;
  for (const [type, row] of Object.entries(listed))
    if (!row) throw new Error(`fixture: no ${type} listed`);
});
afterAll(() => server?.close());

const TYPES = ['IdentityProvider', 'MappingRuleSet', 'IdentitySession', 'IdentityEvent'];

describe('identity objects as nodes', () => {
  test.each(TYPES)('%s: `id` is a global id of the type', (type) => {
    const id = listed[type]!.id as string;
    expect(decodeGlobalID(id).typename).toBe(type);
    expect(decodeGlobalID(id).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each(TYPES)(
    '%s: an identity admin loads it by node(id:) as the list shows it',
    async (type) => {
      const row = listed[type]!;
      const answer = await gql(admin, NODE, { id: row.id });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.node).toEqual({ __typename: type, ...row });
    },
  );

  test('nodes(ids:) loads all four in order', async () => {
    const ids = TYPES.map((type) => listed[type]!.id);
    const answer = await gql(admin, 'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', {
      ids,
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.nodes).toEqual(TYPES.map((type, i) => ({ __typename: type, id: ids[i] })));
  });

  test('the ids an identity object answers are global ids node(id:) loads', async () => {
    const follow = async (id: unknown) => (await gql(admin, NODE, { id })).data?.node?.__typename;
    expect(await follow(listed.IdentityProvider!.ruleSetGlobalId)).toBe('MappingRuleSet');
    expect(await follow(listed.IdentitySession!.idpGlobalId)).toBe('IdentityProvider');
    expect(await follow(listed.IdentityEvent!.eventIdpGlobalId)).toBe('IdentityProvider');
  });

  test.each(['ward', 'social', 'finance'])(
    'a %s user cannot load any of them: refused as by the lists, nothing of the object answered',
    async (role) => {
      for (const type of TYPES) {
        const list = await gql(tokens[role]!, LISTS[type]!);
        const refusedCode = list.errors?.[0]?.extensions?.code;
        expect(refusedCode, `${type} list`).toBe('FORBIDDEN');
        const answer = await gql(tokens[role]!, NODE, { id: listed[type]!.id });
        expect(answer.data?.node ?? null, type).toBeNull();
        expect(
          answer.errors?.map((e) => e.extensions?.code),
          type,
        ).toEqual([refusedCode]);
        expect(JSON.stringify(answer), type).not.toContain(String(listed[type]!.id).slice(0, 8));
      }
    },
  );

  test('a security officer loads identity events, as the event log, and nothing else of identity', async () => {
    const officer = tokens.officer!;
    const event = await gql(officer, NODE, { id: listed.IdentityEvent!.id });
    expect(event.errors).toBeUndefined();
    expect(event.data?.node).toEqual({ __typename: 'IdentityEvent', ...listed.IdentityEvent });
    for (const type of ['IdentityProvider', 'MappingRuleSet', 'IdentitySession']) {
      const answer = await gql(officer, NODE, { id: listed[type]!.id });
      expect(answer.data?.node ?? null, type).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code, type).toBe(
        (await gql(officer, LISTS[type]!)).errors?.[0]?.extensions?.code,
      );
    }
  });

  test('without a token: UNAUTHENTICATED, as the lists', async () => {
    for (const type of TYPES) {
      const answer = await gql(null, NODE, { id: listed[type]!.id });
      expect(answer.data?.node ?? null, type).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code, type).toBe('UNAUTHENTICATED');
    }
  });

  test('an id of nothing is null; a global id around something that is no UUID is INVALID_ID', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    for (const type of TYPES) {
      const missing = await gql(admin, NODE, { id: globalId(type, none) });
      expect(missing.errors, type).toBeUndefined();
      expect(missing.data?.node, type).toBeNull();
      const malformed = await gql(admin, NODE, { id: globalId(type, 'not-a-uuid') });
      expect(malformed.data?.node ?? null, type).toBeNull();
      expect(malformed.errors?.[0]?.extensions?.code, type).toBe('INVALID_ID');
    }
  });
});
