import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { graphqlAt, type Harness, startHarness } from '../../support/idp/harness.js';
import {
  identityAdmin,
  ineraNurse,
  ineraSecurityOfficer,
  municipalOfficer,
} from '../../support/idp/users.js';

/**
 * Over HTTP: the token signing keys an identity admin reads (and nobody else), before and
 * after a rotation, against what the JWKS publishes; identity events filtered by IdP,
 * outcome and person, paged by cursor, and the filters and cursors that are refused.
 */

let h: Harness;
let admin: string;
let officer: string;
let nurse: string;
let ids: { inera: string; kommun: string };

const gql = (token: string | null, query: string, variables: Record<string, unknown> = {}) =>
  graphqlAt(h.url, token, query, variables);

const KEYS =
  '{ tokenSigningKeys { kid algorithm state createdAt publishedAt activatesAt retiresAt } }';
type Key = {
  kid: string;
  algorithm: string;
  state: string;
  createdAt: string;
  publishedAt: string;
  activatesAt: string;
  retiresAt: string | null;
};

beforeAll(async () => {
  h = await startHarness();
  admin = (await h.login('inera', identityAdmin())).accessToken;
  nurse = (await h.login('inera', ineraNurse())).accessToken;
  officer = (await h.login('inera', ineraSecurityOfficer())).accessToken;
  await h.login('kommun', municipalOfficer());
  // A refused login at the municipality's IdP: her groups give no role.
  const refused = await h.signedResponse(
    'kommun',
    municipalOfficer({ 'urn:kommun:grupp': ['alla'] }),
  );
  expect(
    (await h.postAcs('kommun', { SAMLResponse: refused.SAMLResponse, RelayState: '/' })).status,
  ).toBe(400);
  const idps = await gql(admin, '{ identityProviders { id slug } }');
  const listed = (idps.data?.identityProviders ?? []) as { id: string; slug: string }[];
  const idOf = (slug: string) => listed.find((i) => i.slug === slug)?.id ?? '';
  ids = { inera: idOf('inera'), kommun: idOf('kommun') };
});
afterAll(async () => {
  await h?.close();
});

describe('token signing keys', () => {
  test('only identity admins read them: anonymous UNAUTHENTICATED, a security officer and a nurse FORBIDDEN', async () => {
    expect((await gql(null, KEYS)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    for (const token of [officer, nurse]) {
      const refused = await gql(token, KEYS);
      expect(refused.status).toBe(200);
      expect(refused.data?.tokenSigningKeys ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
  });

  test('a rotation publishes a successor ahead and schedules the signing key’s retirement; the JWKS agrees', async () => {
    const before = (await gql(admin, KEYS)).data?.tokenSigningKeys as Key[];
    const signing = before.filter((k) => k.state === 'SIGNING');
    expect(signing).toHaveLength(1);
    expect(signing[0]).toMatchObject({ algorithm: 'ES256', retiresAt: null });

    const rotated = await gql(
      admin,
      'mutation { rotateTokenSigningKey { ... on RotateTokenSigningKeySuccess { keyId } } }',
    );
    const kid = rotated.data?.rotateTokenSigningKey.keyId as string;
    const after = (await gql(admin, KEYS)).data?.tokenSigningKeys as Key[];
    expect(after).toHaveLength(before.length + 1);
    const [newest] = after;
    expect(newest).toMatchObject({ kid, state: 'PUBLISHED', algorithm: 'ES256', retiresAt: null });
    expect(newest!.publishedAt).toBe(newest!.createdAt);
    // Published now, signing after the publish lead (IDENTITY_KEY_PUBLISH_LEAD_SECONDS, 900).
    expect(Date.parse(newest!.activatesAt) - Date.parse(newest!.createdAt)).toBe(900_000);
    const old = after.find((k) => k.kid === signing[0]!.kid)!;
    expect(old.state).toBe('SIGNING');
    expect(Date.parse(old.retiresAt!)).toBeGreaterThan(Date.parse(newest!.activatesAt));

    const jwks = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(
      after
        .filter((k) => k.state !== 'RETIRED')
        .map((k) => k.kid)
        .sort(),
    );
  });
});

const EVENT_LOG = `query ($filter: IdentityEventFilter, $first: Int, $after: String) {
  identityEventLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id type outcome idpGlobalId subject reason } }
  }
}`;
type Event = {
  id: string;
  type: string;
  outcome: string;
  idpGlobalId: string | null;
  subject: string | null;
  reason: string | null;
};

describe('identity events by IdP, outcome and person', () => {
  test('the list filters by IdP: each IdP’s logins and no other’s', async () => {
    const list = async (idpId: string) =>
      (
        await gql(
          officer,
          'query ($idpId: ID) { identityEvents(idpId: $idpId, types: [LOGIN]) { idpGlobalId } }',
          {
            idpId,
          },
        )
      ).data?.identityEvents as { idpGlobalId: string }[];
    const inera = await list(ids.inera);
    const kommun = await list(ids.kommun);
    expect(inera.length).toBeGreaterThanOrEqual(3);
    expect(kommun.length).toBe(2);
    expect(new Set(inera.map((e) => e.idpGlobalId))).toEqual(new Set([ids.inera]));
    expect(new Set(kommun.map((e) => e.idpGlobalId))).toEqual(new Set([ids.kommun]));
    // The raw UUID (deprecated) still names the same IdP.
    expect(await list(decodeGlobalID(ids.kommun).id)).toEqual(kommun);
  });

  test('IdP, outcome and person together select the refused login alone', async () => {
    const answer = await gql(admin, EVENT_LOG, {
      filter: {
        idpId: ids.kommun,
        outcome: 'FAILURE',
        subject: 'SE2120001234-K042',
        types: ['LOGIN'],
      },
    });
    expect(answer.errors).toBeUndefined();
    const log = answer.data?.identityEventLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges.map((e: { node: Event }) => e.node)).toEqual([
      expect.objectContaining({
        type: 'LOGIN',
        outcome: 'FAILURE',
        idpGlobalId: ids.kommun,
        subject: 'SE2120001234-K042',
        reason: 'NO_ACCESS',
      }),
    ]);
    const successes = await gql(admin, EVENT_LOG, {
      filter: { idpId: ids.kommun, outcome: 'SUCCESS', types: ['LOGIN'] },
    });
    expect(successes.data?.identityEventLog.totalCount).toBe(1);
  });

  test('cursor pages, followed to the end, are the whole list in order, each event once', async () => {
    const whole = (await gql(officer, '{ identityEvents(first: 500) { id } }')).data
      ?.identityEvents as { id: string }[];
    expect(whole.length).toBeGreaterThan(5);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await gql(officer, EVENT_LOG, { first: 2, after });
      expect(page.errors).toBeUndefined();
      const log = page.data?.identityEventLog;
      expect(log.totalCount).toBe(whole.length);
      seen.push(...log.edges.map((e: { node: Event }) => e.node.id));
      pages += 1;
      if (!log.pageInfo.hasNextPage) break;
      after = log.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.map((e) => e.id));
    expect(pages).toBe(Math.ceil(whole.length / 2));
  });

  test('a nurse may not read them; an officer may', async () => {
    expect((await gql(nurse, EVENT_LOG, { first: 1 })).errors?.[0]?.extensions.code).toBe(
      'FORBIDDEN',
    );
    expect((await gql(officer, EVENT_LOG, { first: 1 })).errors).toBeUndefined();
  });

  // Refused in the resolver, the answer is executed (data: null): 200, as the media types
  // ask; refused before execution (the page size), 400 under graphql-response+json.
  test.each([
    ['an IdP id that is no id', { filter: { idpId: 'inera' } }, 200, 'INVALID_ID', 'filter.idpId'],
    [
      'an empty period',
      { filter: { since: '2026-12-04T10:00:00Z', until: '2026-12-04T10:00:00Z' } },
      200,
      'INVALID_ARGUMENT',
      'filter.until',
    ],
    [
      'a cursor of something else',
      { first: 5, after: 'bm90IGEgY3Vyc29y' },
      200,
      'INVALID_CURSOR',
      'after',
    ],
    ['a page above 100', { first: 101 }, 400, 'INVALID_ARGUMENT', undefined],
  ])('refuses %s with a stable code', async (_what, variables, status, code, field) => {
    const answer = await graphqlAt(h.url, admin, EVENT_LOG, variables, {
      accept: 'application/graphql-response+json',
    });
    expect(answer.status).toBe(status);
    expect(answer.data?.identityEventLog ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions.code).toBe(code);
    if (field) expect(answer.errors?.[0]?.extensions.field).toBe(field);
  });

  test('the list refuses a malformed IdP id too', async () => {
    const answer = await gql(admin, '{ identityEvents(idpId: "kommun") { id } }');
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_ID',
      field: 'idpId',
    });
  });
});
