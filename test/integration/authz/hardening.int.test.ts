import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Production settings: only trusted documents run (the persisted-documents manifest that
 * graphql-codegen writes), introspection and field suggestions are off, errors masked.
 */
let server: TestServer;
let token = '';
let manifest: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://brygga.test',
    IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    TRUSTED_DOCUMENTS: 'enforce',
    TRUSTED_DOCUMENTS_FILE: 'test/generated/persisted-documents.json',
  });
  token = await server.tokenFor(principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Prod'));
  manifest = JSON.parse(await readFile('test/generated/persisted-documents.json', 'utf8'));
});
afterAll(() => server?.close());

async function post(body: object) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('in production with trusted documents enforced', () => {
  const id = () => Object.entries(manifest).find(([, d]) => d.startsWith('query SearchUnits'))![0];

  it('runs a trusted document sent by id', async () => {
    const { status, body } = await post({ documentId: id(), variables: { first: 2 } });
    expect(status).toBe(200);
    expect(body.data.units.edges).toHaveLength(2);
  });

  it('runs the same document sent in full, and nothing else', async () => {
    const stored = manifest[id()]!;
    expect(createHash('sha256').update(stored).digest('hex')).toBe(id().replace('sha256:', ''));
    expect(
      (await post({ query: stored, variables: { first: 1 } })).body.data.units.edges,
    ).toHaveLength(1);
    const other = await post({ query: '{ units(first: 1) { edges { node { id } } } }' });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('in production, whatever the document', () => {
  let open: TestServer;
  let openToken = '';
  beforeAll(async () => {
    open = await startTestServer({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://brygga.test',
      IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
      TRUSTED_DOCUMENTS: 'off',
    });
    openToken = await open.tokenFor(
      principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Prod'),
    );
  });
  afterAll(() => open?.close());

  const send = async (query: string) =>
    (await (
      await fetch(`${open.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${openToken}` },
        body: JSON.stringify({ query }),
      })
    ).json()) as any;

  it('refuses introspection', async () => {
    const result = await send('{ __schema { types { name } } }');
    expect(result.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.data).toBeUndefined();
  });

  it('suggests no field names in errors', async () => {
    const result = await send('{ case(id: "x") { referenc } }');
    expect(result.errors[0].message).not.toMatch(/Did you mean/);
  });
});
