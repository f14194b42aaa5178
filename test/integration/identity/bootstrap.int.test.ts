import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import {
  EXAMPLE_RULE_SETS,
  type ExampleRuleSetName,
  loadExampleRuleSet,
} from '../../../src/identity/example-rule-sets.js';
import { spEndpoints } from '../../../src/identity/saml/service-provider.js';
import { SOC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { freePort, graphql, sessionCookieOf } from '../../support/demo-login.js';
import { SamlifyIdp } from '../../support/idp/samlify-idp.js';
import { INERA, type TestUser } from '../../support/idp/users.js';
import { keepOutputOf } from '../../support/log-capture.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * `npm run federation -- bootstrap`: the first IdP of a deployment from its metadata (file
 * or URL), with an example rule set from docs/federation and a rule that makes one person
 * identity admin. Then real signed responses through that IdP: the admin signs in with
 * IDENTITY_ADMIN, the example rules give staff their roles, and the LoA rule holds.
 */
let server: TestServer;
let baseUrl = '';
let dir = '';
let metadataServer: http.Server;
const metadataDocuments = new Map<string, string>();

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = await startTestServer({ PORT: String(port), PUBLIC_URL: baseUrl });
  dir = await mkdtemp(join(tmpdir(), 'brygga-bootstrap-'));
  metadataServer = http.createServer((req, res) => {
    const body = metadataDocuments.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/samlmetadata+xml' });
    res.end(body ?? '');
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  metadataServer?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function federation(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/federation.ts', ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: server.databaseUrl,
      PUBLIC_URL: baseUrl,
      IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK: 'true',
    },
  });
  keepOutputOf(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

async function newIdp(name: string): Promise<SamlifyIdp> {
  const keys = await generateSelfSignedCertificate(name);
  return new SamlifyIdp(
    `https://${name}.example/saml`,
    `https://${name}.example/sso`,
    keys.certificatePem,
    keys.privateKeyPem,
  );
}

/** A full login through `slug` with a response `idp` signs for `user`; the refresh's answer. */
async function login(slug: string, idp: SamlifyIdp, user: TestUser) {
  const start = await fetch(`${baseUrl}/auth/saml/${slug}/login?returnTo=/`, {
    redirect: 'manual',
  });
  const spMetadata = await (await fetch(`${baseUrl}/auth/saml/${slug}/metadata`)).text();
  const endpoints = spEndpoints(baseUrl, slug);
  const signed = await idp.respond({
    authorizeUrl: start.headers.get('location'),
    spMetadata,
    acsUrl: endpoints.acsUrl,
    user,
  });
  const acs = await fetch(endpoints.acsUrl, {
    method: 'POST',
    body: new URLSearchParams({
      SAMLResponse: signed.SAMLResponse,
      RelayState: signed.RelayState ?? '',
    }),
    redirect: 'manual',
  });
  const cookie = sessionCookieOf(acs);
  if (!cookie) return { status: acs.status, page: await acs.text(), roles: null, token: null };
  const refresh = await fetch(`${baseUrl}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: '{}',
  });
  const body = (await refresh.json()) as { roles: string[]; accessToken: string };
  return { status: acs.status, page: '', roles: body.roles, token: body.accessToken };
}

function ineraUser(hsaId: string, rights: string[], loa = 'http://id.sambi.se/loa/loa3'): TestUser {
  return {
    nameId: hsaId,
    attributes: {
      [`${INERA}employeeHsaId`]: [hsaId],
      [`${INERA}givenName`]: ['Första'],
      [`${INERA}surname`]: ['Admin'],
      [`${INERA}commissionPurpose`]: ['Vård och behandling'],
      [`${INERA}commissionRight`]: rights,
      [`${INERA}healthCareUnitHsaId`]: [WARD_KAROLINSKA_GERIATRIK],
      [`${INERA}healthCareProviderHsaId`]: ['SE2321000016-0001'],
      'urn:sambi:names:attribute:levelOfAssurance': [loa],
    },
    authnContextClassRef: loa,
  };
}

describe('the example rule sets', () => {
  it('load and validate', async () => {
    for (const name of Object.keys(EXAMPLE_RULE_SETS) as ExampleRuleSetName[]) {
      const definition = await loadExampleRuleSet(name);
      expect(definition.roleRules.length).toBeGreaterThan(0);
    }
  });
});

describe('federation bootstrap', () => {
  it('creates an Inera IdP from a metadata file whose named admin signs in as identity admin', {
    timeout: 60_000,
  }, async () => {
    const inera = await newIdp('inera-bootstrap');
    const file = join(dir, 'inera.xml');
    await writeFile(file, inera.idp.getMetadata());
    const result = await federation([
      ...[
        'bootstrap',
        '--metadata',
        file,
        '--admin-hsa-id',
        'SE2321000016-ADM1',
        '--rules',
        'inera',
      ],
    ]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toMatchObject({
      idp: 'inera',
      entityId: 'https://inera-bootstrap.example/saml',
      ruleSet: 'Inera IdP (SITHS) rules',
      spMetadataUrl: `${baseUrl}/auth/saml/inera/metadata`,
    });

    const admin = await login('inera', inera, ineraUser('SE2321000016-ADM1', []));
    expect(admin.roles).toEqual(['IDENTITY_ADMIN']);
    const idps = await graphql(
      baseUrl,
      admin.token!,
      '{ identityProviders { slug requiredLevelOfAssurance } }',
    );
    expect(idps.errors).toBeUndefined();
    expect(idps.data.identityProviders).toContainEqual({
      slug: 'inera',
      requiredLevelOfAssurance: 3,
    });

    // The example rules give staff their roles from the commission's rights.
    const nurse = await login('inera', inera, ineraUser('SE2321000016-N123', ['Slutenvård']));
    expect(nurse.roles).toEqual(['WARD_STAFF']);
    // Anyone else with the same attributes is no admin: the rule names one HSA-ID.
    const other = await login('inera', inera, ineraUser('SE2321000016-ADM2', []));
    expect(other.status).toBe(400);
    expect(other.page).toContain('no role rule matched');
    // The LoA rule: loa2 is below the IdP's required loa3, admin or not.
    const weak = await login(
      'inera',
      inera,
      ineraUser('SE2321000016-ADM1', [], 'http://id.sambi.se/loa/loa2'),
    );
    expect(weak.status).toBe(400);
    expect(weak.page).toContain('not strong enough');
  });

  it('creates a municipality IdP from a metadata URL, mapping its own attribute names', async () => {
    const kommun = await newIdp('solna-bootstrap');
    metadataDocuments.set('/solna.xml', kommun.idp.getMetadata());
    const url = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/solna.xml`;
    const result = await federation([
      ...['bootstrap', '--metadata', url, '--admin-hsa-id', 'SE2120000183-ADM1'],
      ...['--rules', 'municipality', '--slug', 'solna', '--name', 'Solna stad IdP'],
    ]);
    expect(result.code, result.output).toBe(0);
    const { rows } = await server.owner.query(
      `SELECT metadata_url FROM identity_provider WHERE slug = 'solna'`,
    );
    expect(rows[0].metadata_url).toBe(url);

    const own = 'https://idp.solna.example/attributes/';
    const person = (hsaId: string, group: string): TestUser => ({
      nameId: hsaId,
      attributes: {
        [`${own}hsaId`]: [hsaId],
        [`${own}givenName`]: ['Eva'],
        [`${own}sn`]: ['Strand'],
        [`${own}unitHsaId`]: [SOC_SOLNA],
        [`${own}group`]: [group],
        [`${own}loa`]: ['http://id.elegnamnden.se/loa/1.0/loa3'],
      },
    });
    const worker = await login('solna', kommun, person('SE2120000183-H001', 'bistandshandlaggare'));
    expect(worker.roles).toEqual(['SOCIAL_SERVICES_STAFF']);
    const cases = await graphql(
      baseUrl,
      worker.token!,
      '{ cases(first: 5) { edges { node { id } } } }',
    );
    expect(cases.data.cases.edges.length).toBeGreaterThan(0);
    const admin = await login('solna', kommun, person('SE2120000183-ADM1', 'ingen-grupp'));
    expect(admin.roles).toEqual(['IDENTITY_ADMIN']);
  });

  it('refuses bad input in one line and writes nothing', { timeout: 120_000 }, async () => {
    const count = async () =>
      (
        await server.owner.query(
          `SELECT (SELECT count(*) FROM identity_provider)::int AS idps,
                  (SELECT count(*) FROM identity_mapping_rule_set)::int AS sets`,
        )
      ).rows[0];
    const before = await count();
    const idp = await newIdp('another');
    const file = join(dir, 'another.xml');
    await writeFile(file, idp.idp.getMetadata());
    const broken = join(dir, 'broken.xml');
    await writeFile(broken, '<EntityDescriptor>');
    const cases: [string[], string][] = [
      [['--rules', 'okta'], 'no example rule set "okta"; choose inera or municipality'],
      [['--rules', 'inera', '--admin-hsa-id', 'admin'], '--admin-hsa-id admin is not an HSA-ID'],
      [['--rules', 'inera', '--slug', 'inera'], 'an IdP "inera" exists already'],
      [
        ['--rules', 'inera', '--slug', 'other', '--name', 'Other', '--metadata', broken],
        'metadata is not well-formed',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await federation([
        ...['bootstrap', '--metadata', file, '--admin-hsa-id', 'SE2321000016-ADM9'],
        ...args,
      ]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.output.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.output, args.join(' ')).toContain(message);
    }
    expect(await count()).toEqual(before);
  });
});
