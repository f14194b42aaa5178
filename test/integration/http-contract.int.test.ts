import { auditServer } from 'graphql-http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentWithoutCase, WARD_KAROLINSKA_GERIATRIK } from '../support/demo.js';
import { openTestSession } from '../support/idp/test-sessions.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * The HTTP contract of the GraphQL-over-HTTP spec, through real HTTP: status codes per
 * media type, 401 challenges (RFC 6750), JSON bodies for faults before GraphQL, stable
 * codes for bad connection arguments and ids, limits that count every field, and
 * graphql-http's own audit of the server.
 */
let server: TestServer;
let endpoint = '';
let token = '';

beforeAll(async () => {
  server = await startTestServer();
  endpoint = `${server.url}/graphql`;
  token = await server.tokenFor(principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Test'));
});
afterAll(() => server?.close());

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface Answer {
  status: number;
  contentType: string;
  challenge: string | null;
  text: string;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  };
}

async function post(
  body: unknown,
  options: { accept?: string; authorization?: string | null; url?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  if (options.accept) headers.accept = options.accept;
  const authorization =
    options.authorization === undefined ? `Bearer ${token}` : options.authorization;
  if (authorization) headers.authorization = authorization;
  const res = await fetch(options.url ?? endpoint, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    // left empty: the assertions on the body then fail with the text in view
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    challenge: res.headers.get('www-authenticate'),
    text,
    body: parsed,
  };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

describe('item 9: request errors answer 400 or 200 by media type, never 500', () => {
  const cases: [string, unknown, string][] = [
    ['a syntax error', { query: '{ cases ' }, 'GRAPHQL_PARSE_FAILED'],
    [
      'a name that is not one',
      { query: '{ 8f31403dfe404bccbb0e835f2629c6a7 }' },
      'GRAPHQL_PARSE_FAILED',
    ],
    ['a validation failure', { query: '{ noSuchField }' }, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'the token limit (2,000)',
      { query: `{ ${'__typename '.repeat(2_100)}}` },
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      'a variable of the wrong type',
      {
        query: 'query ($first: Int) { units(first: $first) { edges { cursor } } }',
        variables: { first: 'ten' },
      },
      'BAD_USER_INPUT',
    ],
  ];
  it.each(cases)('%s', async (_what, body, code) => {
    const strict = await post(body, { accept: GRAPHQL_RESPONSE });
    expect(strict.status).toBe(400);
    expect(strict.contentType).toContain(GRAPHQL_RESPONSE);
    expect(codeOf(strict)).toBe(code);
    expect(strict.body).not.toHaveProperty('data');
    const legacy = await post(body, { accept: JSON_TYPE });
    expect(legacy.status).toBe(200);
    expect(legacy.contentType).toContain(JSON_TYPE);
    expect(codeOf(legacy)).toBe(code);
    expect((await post(body, {})).status).toBe(200); // no Accept: application/json
  });

  it('says which limit a document broke', async () => {
    const answer = await post({ query: `{ ${'__typename '.repeat(2_100)}}` });
    expect(answer.body.errors?.[0]?.message).toMatch(/more that 2000 tokens/);
  });

  it('answers a token that is not valid with 401 and RFC 6750’s invalid_token challenge', async () => {
    const principal = principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Ended');
    await openTestSession(server.identity, server.db.prisma, principal);
    const revoked = (await server.tokens.issueAccessToken(principal)).token;
    // The same claims, signed by the server's own key, ten minutes past their expiry.
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
    };
    const key = await server.identity.keys.activeSigningKey(new Date());
    const expired = await new SignJWT({ ...claims, iat: claims.exp - 900, exp: claims.exp - 600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .sign(key.privateKey);
    await server.identity.sessions.revoke(principal.sessionId, 'test', 'lost card', new Date());
    for (const authorization of [
      'Bearer not-a-token',
      'Basic dXNlcjpwYXNz',
      `Bearer ${expired}`,
      `Bearer ${revoked}`,
    ]) {
      for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
        const answer = await post({ query: '{ __typename }' }, { authorization, accept });
        expect(answer.status, authorization).toBe(401);
        expect(answer.challenge).toBe('Bearer error="invalid_token"');
        expect(codeOf(answer)).toBe('UNAUTHENTICATED');
        expect(answer.body.errors?.[0]?.message).toMatch(/^The access token is not valid/);
      }
    }
  });

  it('answers no token where one is needed with 401 and a bare Bearer challenge', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const answer = await post(
        { query: '{ cases { edges { cursor } } }' },
        { authorization: null, accept },
      );
      expect(answer.status).toBe(401);
      expect(answer.challenge).toBe('Bearer');
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.body.data).toBeNull();
    }
  });

  it('still answers what needs no token, with the refused field next to it (200)', async () => {
    const open = await post({ query: '{ __typename }' }, { authorization: null });
    expect(open.status).toBe(200);
    expect(open.body.data).toEqual({ __typename: 'Query' });
    expect(open.body.errors).toBeUndefined();
    const partly = await post(
      { query: '{ __typename case(id: "Q2FzZTox") { id } }' },
      { authorization: null, accept: GRAPHQL_RESPONSE },
    );
    expect(partly.status).toBe(200); // data is not null: the spec's MUST of a 2xx
    expect(partly.body.data).toEqual({ __typename: 'Query', case: null });
    expect(codeOf(partly)).toBe('UNAUTHENTICATED');
    expect(partly.challenge).toBeNull();
  });
});

describe('item 10: stable codes for malformed ids, cursors, page sizes and filters', () => {
  it('answers INVALID_ID for a node id that does not decode', async () => {
    for (const id of ['garbage!!', '', 'Q2FzZQ']) {
      const answer = await post({
        query: 'query ($id: ID!) { node(id: $id) { id } }',
        variables: { id },
      });
      expect(codeOf(answer), id).toBe('INVALID_ID');
      expect(answer.status).toBe(200);
    }
  });

  it('answers INVALID_CURSOR for a cursor that is not one, at the root and nested', async () => {
    for (const query of [
      '{ cases(after: "garbage") { edges { cursor } } }',
      '{ cases(last: 2, before: "garbage") { edges { cursor } } }',
      '{ units(after: "Z2FyYmFnZQ") { edges { cursor } } }',
      '{ cases(first: 2) { edges { node { events(after: "zzz") { edges { cursor } } } } } }',
    ]) {
      const strict = await post({ query }, { accept: GRAPHQL_RESPONSE });
      expect(codeOf(strict), query).toBe('INVALID_CURSOR');
      expect(strict.status).toBe(400);
      expect((await post({ query }, { accept: JSON_TYPE })).status).toBe(200);
    }
  });

  it('answers INVALID_ARGUMENT for page sizes out of range or both directions, in every connection', async () => {
    for (const query of [
      '{ cases(first: -1) { edges { cursor } } }',
      '{ cases(first: 101) { edges { cursor } } }',
      '{ cases(last: 500) { edges { cursor } } }',
      '{ cases(first: 5, last: 5) { edges { cursor } } }',
      '{ units(first: 1000) { edges { cursor } } }',
      '{ invoices(first: -1) { edges { cursor } } }',
      '{ caseEvents(caseId: "x", first: -5) { edges { cursor } } }',
      '{ cases(first: 2) { edges { node { events(first: -1) { edges { cursor } } } } } }',
      '{ cases(first: 2) { edges { node { events(first: 500) { edges { cursor } } } } } }',
      '{ ...Page } fragment Page on Query { units(first: 101) { edges { cursor } } }',
      '{ accessLog(first: 201) { edges { cursor } } }',
    ]) {
      const answer = await post({ query }, { accept: GRAPHQL_RESPONSE });
      expect(codeOf(answer), query).toBe('INVALID_ARGUMENT');
      expect(answer.status).toBe(400);
    }
    const byVariable = await post({
      query: 'query ($n: Int) { cases(first: $n) { edges { cursor } } }',
      variables: { n: -1 },
    });
    expect(codeOf(byVariable)).toBe('INVALID_ARGUMENT');
  });

  it('checks the page arguments of every request of one query text, each with its own variables', async () => {
    // The connections of a text are found once; each request's values are checked anew.
    const query = `query ($n: Int, $m: Int, $after: String) {
      cases(first: $n) { edges { node { events(first: $m, after: $after) { edges { cursor } } } } }
    }`;
    const answers = [];
    for (const variables of [
      { n: 2, m: 1 },
      { n: 101, m: 1 },
      { n: 2, m: 1 },
      { n: 2, m: 500 },
      { n: 2, m: 1, after: 'garbage' },
      { n: 2, m: 1 },
    ]) {
      const answer = await post({ query, variables });
      answers.push(answer.body.errors ? codeOf(answer) : 'ok');
    }
    expect(answers).toEqual([
      'ok',
      'INVALID_ARGUMENT',
      'ok',
      'INVALID_ARGUMENT',
      'INVALID_CURSOR',
      'ok',
    ]);
  });

  it('serves the cap itself, and no more than asked', async () => {
    const answer = await post({ query: '{ units(first: 100) { edges { cursor } } }' });
    expect(answer.body.errors).toBeUndefined();
    const few = await post({ query: '{ units(first: 3) { edges { cursor } } }' });
    expect((few.body.data as { units: { edges: unknown[] } }).units.edges).toHaveLength(3);
  });

  it('answers INVALID_PERSONAL_IDENTITY_NUMBER for a malformed personnummer in the cases filter', async () => {
    const query =
      'query ($pin: String) { cases(filter: { personalIdentityNumber: $pin }) { edges { cursor } } }';
    for (const pin of ['123', '19121212-1213', 'nineteen']) {
      const answer = await post({ query, variables: { pin } });
      expect(codeOf(answer), pin).toBe('INVALID_PERSONAL_IDENTITY_NUMBER');
      expect(answer.body.errors?.[0]?.extensions?.field).toBe('filter.personalIdentityNumber');
    }
    // A well-formed number of someone without a case is still an empty list, not an error.
    const none = await post({
      query,
      variables: { pin: residentWithoutCase(19).personalIdentityNumber },
    });
    expect(none.body).toMatchObject({ data: { cases: { edges: [] } } });
  });
});

describe('item 11: faults before GraphQL get JSON bodies in every mode', () => {
  async function checkFaults(url: string): Promise<void> {
    const malformed = await post('{"query": ', { url });
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toContain(JSON_TYPE);
    expect(codeOf(malformed)).toBe('MALFORMED_JSON');
    const tooLarge = await post({ query: '{ __typename }', padding: 'x'.repeat(300_000) }, { url });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.contentType).toContain(JSON_TYPE);
    expect(codeOf(tooLarge)).toBe('PAYLOAD_TOO_LARGE');
    for (const answer of [malformed, tooLarge]) {
      expect(answer.text).not.toMatch(
        /<html|node_modules|\bat \w|\/work\/|SyntaxError|PayloadTooLarge/i,
      );
    }
    const strict = await post('{"query": ', { url, accept: GRAPHQL_RESPONSE });
    expect(strict.status).toBe(400);
    expect(strict.contentType).toContain(GRAPHQL_RESPONSE);
  }

  it('in the test server', async () => {
    await checkFaults(endpoint);
  });

  it.each(['development', 'production'])('with NODE_ENV=%s', async (mode) => {
    // Express decides whether its own error page shows a stack from process.env.NODE_ENV.
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = mode;
    const other = await startTestServer({
      NODE_ENV: mode,
      IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      // Production refuses a plain-http PUBLIC_URL.
      PUBLIC_URL: 'https://brygga.test',
    });
    try {
      await checkFaults(`${other.url}/graphql`);
    } finally {
      process.env.NODE_ENV = before;
      await other.close();
    }
  });
});

describe('item 12: graphql-http’s audit of the running server', () => {
  it('passes every MUST and warns of no SHOULD', async () => {
    const results = await auditServer({ url: endpoint });
    const musts = results.filter((r) => r.name.startsWith('MUST'));
    expect(musts).toHaveLength(13);
    expect(musts.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}`)).toEqual([]);
    expect(
      results
        .filter((r) => r.status === 'warn' || r.status === 'error')
        .map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`),
    ).toEqual([]);
  });

  it('keeps CSRF prevention: a simple GET without a preflight header is refused', async () => {
    const res = await fetch(`${endpoint}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: JSON_TYPE },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('answers 406 when Accept allows neither JSON media type', async () => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, accept: 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(406);
  });
});

describe('response names: "__proto__" is a name like any other', () => {
  // graphql-js is patched to build responses as ordinary objects (patches/), where this one
  // name would set an object's prototype; it must come back as the field asked for.
  it('answers the alias "__proto__" at the root, nested, and in a list', async () => {
    const answer = await post({
      query: `{
        __proto__: viewer { __proto__: hsaId }
        units(first: 2) { edges { node { __proto__: name name } } }
      }`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const data = answer.body.data as {
      __proto__: { __proto__: string };
      units: { edges: { node: Record<string, string> }[] };
    };
    expect(answer.text).toMatch(/^\{"data":\{"__proto__":\{"__proto__":"[^"]+"\},"units":/);
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(data.units.edges).toHaveLength(2);
    for (const { node } of data.units.edges) {
      expect(Object.keys(node)).toEqual(['__proto__', 'name']);
      expect(Object.getOwnPropertyDescriptor(node, '__proto__')?.value).toBe(node.name);
    }
  });
});

describe('item 13: alias and cost limits count every field', () => {
  const aliases = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;

  it('refuses 500 aliases of __typename', async () => {
    const answer = await post({ query: aliases(500) }, { accept: GRAPHQL_RESPONSE });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/Aliases limit of 15/);
    expect(answer.body).not.toHaveProperty('data');
  });

  it('refuses the 16th alias of __typename and answers 15', async () => {
    expect(codeOf(await post({ query: aliases(16) }))).toBe('GRAPHQL_VALIDATION_FAILED');
    const fifteen = await post({ query: aliases(15) });
    expect(fifteen.body.errors).toBeUndefined();
    expect(Object.keys(fifteen.body.data as object)).toHaveLength(15);
  });

  it('counts __typename in the cost limit, fragments at every use', async () => {
    // 100 × 100 × n fields of nothing but __typename, in a few hundred tokens.
    const document = (spreads: number) =>
      `{ ${'...Hundreds '.repeat(spreads)}}
       fragment Hundreds on Query { ${'...Hundred '.repeat(100)}}
       fragment Hundred on Query { ${'__typename '.repeat(100)}}`;
    const refused = await post({ query: document(10) }, { accept: GRAPHQL_RESPONSE });
    expect(refused.status).toBe(400);
    expect(codeOf(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.body.errors?.[0]?.message).toMatch(/Cost limit of 60000/i);
    const within = await post({ query: document(1) });
    expect(within.body.errors).toBeUndefined();
    expect(within.body.data).toEqual({ __typename: 'Query' });
  });
});

describe('item 14: GraphQL answers carry no entity tag', () => {
  // Express would hash every body it sends for an ETag no POST can use; the pages keep theirs.
  it('sends no ETag (nor X-Powered-By) with a GraphQL answer, by POST or GET', async () => {
    const headers = { 'content-type': JSON_TYPE, authorization: `Bearer ${token}` };
    const byPost = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ viewer { hsaId } }' }),
    });
    const byGet = await fetch(`${endpoint}?query=${encodeURIComponent('{ viewer { hsaId } }')}`, {
      headers: { ...headers, 'apollo-require-preflight': 'true' },
    });
    for (const answer of [byPost, byGet]) {
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('"hsaId"');
      expect(answer.headers.get('etag')).toBeNull();
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });
});
