import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The pages for browsers over real HTTP: the start page at /, the GraphQL IDE at /ide and
 * at /graphql for a browser's GET, the schema as text, and the production switch.
 * test/browser drives the same pages in Chromium.
 */

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function addIdp(
  server: TestServer,
  slug: string,
  displayName: string,
  options: { sloUrl?: string; enabled?: boolean } = {},
) {
  const rules =
    (await server.identity.ruleSets.findByName('pages')) ??
    (await server.identity.ruleSets.create(
      { name: 'pages', definition: { roleRules: [], commissions: { profile: 'INERA' } } },
      'test',
    ));
  const { certificatePem } = await generateSelfSignedCertificate(slug);
  await server.identity.idps.create(
    {
      slug,
      displayName,
      entityId: `urn:test:${slug}`,
      ssoUrl: `https://${slug}.invalid/sso`,
      sloUrl: options.sloUrl ?? null,
      signingCertificates: [certificatePem],
      ruleSetId: rules.id,
    },
    'test',
  );
  if (options.enabled === false) await server.identity.idps.disable(slug, 'test');
}

function configOf(html: string): { identityProviders: { slug: string; displayName: string }[] } {
  const match = /<script type="application\/json" id="brygga-config">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('no page configuration in the IDE page');
  return JSON.parse(match[1]!);
}

describe('in development', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await addIdp(server, 'region-idp', 'Region Stockholm </script><b>', {
      sloUrl: 'https://idp.region.invalid/slo',
    });
    await addIdp(server, 'old-idp', 'Retired IdP', { enabled: false });
  });
  afterAll(() => server?.close());

  it('serves the start page at / with a strict policy, the enabled IdPs and the links', async () => {
    const response = await fetch(`${server.url}/`, { headers: { accept: HTML } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain(
      'href="/auth/saml/region-idp/login?returnTo=%2Fide">Sign in with Region Stockholm &lt;/script&gt;&lt;b&gt;</a>',
    );
    expect(html).not.toContain('old-idp');
    for (const link of [
      'href="/ide"',
      'href="/schema.graphql"',
      'href="/.well-known/jwks.json"',
      'href="/auth/saml/region-idp/metadata"',
    ])
      expect(html).toContain(link);
    // Nothing on the page comes from another host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const css = await fetch(`${server.url}/start.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers a browser GET of /graphql with the IDE and its sign-in choices', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: HTML } });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self'");
    // Signing out redirects a form to the IdP's logout; form-action must allow exactly that.
    expect(csp).toContain("form-action 'self' https://idp.region.invalid;");
    const html = await response.text();
    // The display name cannot close the data element: `<` is escaped in the JSON.
    expect(html).not.toContain('</script><b>');
    expect(configOf(html).identityProviders).toEqual([
      { slug: 'region-idp', displayName: 'Region Stockholm </script><b>' },
    ]);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).toMatch(/^\/ide\/assets\//);
      const asset = await fetch(`${server.url}${src}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
    const ide = await fetch(`${server.url}/ide`, { headers: { accept: HTML } });
    expect(configOf(await ide.text()).identityProviders).toHaveLength(1);
  });

  it('serves the console at /console and every path below it, with its assets', async () => {
    for (const path of ['/console', '/console/security', '/console/security/extract']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: HTML } });
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("form-action 'self' https://idp.region.invalid;");
      const html = await response.text();
      expect(configOf(html).identityProviders).toEqual([
        { slug: 'region-idp', displayName: 'Region Stockholm </script><b>' },
      ]);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(0);
      for (const src of assets) {
        expect(src).toMatch(/^\/console\/assets\//);
        const asset = await fetch(`${server.url}${src}`);
        expect(asset.status).toBe(200);
        expect(asset.headers.get('cache-control')).toContain('immutable');
      }
    }
    const unknown = await fetch(`${server.url}/console/assets/nothing.js`);
    expect(unknown.status).toBe(404);
    // Only GET: a POST to the console is no page.
    const post = await fetch(`${server.url}/console`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('still answers GraphQL on /graphql: POST, and GET with a query', async () => {
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toMatchObject({ data: { __typename: 'Query' } });
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toMatchObject({ data: { __typename: 'Query' } });
    // A GET that asks for JSON without a query is Apollo's, not a page.
    const bare = await fetch(`${server.url}/graphql`, { headers: { accept: 'application/json' } });
    expect(bare.headers.get('content-type')).not.toMatch(/^text\/html/);
  });

  it('serves the committed schema as text', async () => {
    const response = await fetch(`${server.url}/schema.graphql`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(readFileSync('schema/schema.graphql', 'utf8'));
  });

  it('refuses an asset that is not in the build', async () => {
    // A path that climbs out of the build directory is refused, never answered with the file.
    const response = await fetch(`${server.url}/ide/assets/..%2F..%2Fpackage.json`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('"name": "brygga"');
    const unknown = await fetch(
      `${server.url}/ide/assets/nothing-${randomBytes(4).toString('hex')}.js`,
    );
    expect(unknown.status).toBe(404);
  });
});

describe('in production', () => {
  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://brygga.example',
    IDENTITY_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };

  it('serves the console in production too', async () => {
    const server = await startTestServer(production);
    try {
      const response = await fetch(`${server.url}/console/security`, { headers: { accept: HTML } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const start = await (await fetch(`${server.url}/`, { headers: { accept: HTML } })).text();
      expect(start).toContain('href="/console"');
    } finally {
      await server.close();
    }
  });

  it('serves no IDE and no schema unless GRAPHQL_IDE=true', async () => {
    const server = await startTestServer(production);
    try {
      const ide = await fetch(`${server.url}/ide`, { headers: { accept: HTML } });
      expect(ide.status).toBe(404);
      const graphql = await fetch(`${server.url}/graphql`, { headers: { accept: HTML } });
      expect(await graphql.text()).not.toContain('brygga-config');
      expect((await fetch(`${server.url}/schema.graphql`)).status).toBe(404);
      const start = await (await fetch(`${server.url}/`, { headers: { accept: HTML } })).text();
      expect(start).not.toContain('href="/ide"');
      expect(start).not.toContain('href="/schema.graphql"');
      expect(start).toContain('href="/.well-known/jwks.json"');
    } finally {
      await server.close();
    }
  });

  it('serves the IDE and the schema with GRAPHQL_IDE=true', async () => {
    const server = await startTestServer({ ...production, GRAPHQL_IDE: 'true' });
    try {
      const graphql = await fetch(`${server.url}/graphql`, { headers: { accept: HTML } });
      expect(graphql.status).toBe(200);
      expect(configOf(await graphql.text()).identityProviders).toEqual([]);
      expect((await fetch(`${server.url}/schema.graphql`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

it('the built IDE requests nothing from another host', () => {
  // The bundle may mention URLs in strings (licences, docs links); what it must not have is
  // a stylesheet import or font from elsewhere.
  const dir = 'web/ide/dist/assets';
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.css'))) {
    const css = readFileSync(`${dir}/${file}`, 'utf8');
    expect(css).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
  }
});

it('the built console requests nothing from another host', () => {
  const dir = 'web/console/dist/assets';
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.css'))) {
    const css = readFileSync(`${dir}/${file}`, 'utf8');
    expect(css).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
  }
});
