// Identity's GraphQL types register on the builder before the schema is built.
import '../../../src/graphql/types/identity/index.js';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { loadConfig } from '../../../src/config.js';
import { connectDatabase, type Database } from '../../../src/db/client.js';
import { UnauthenticatedError } from '../../../src/graphql/errors.js';
import { createGraphQLServer } from '../../../src/http/graphql-server.js';
import { createLogger } from '../../../src/http/logger.js';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import {
  createIdentityRouter,
  createIdentityServices,
  type IdentityServices,
} from '../../../src/identity/index.js';
import { spEndpoints } from '../../../src/identity/saml/service-provider.js';
import { InvalidTokenError } from '../../../src/identity/tokens.js';
import { createServices } from '../../../src/services.js';
import { createDatabaseFromTemplate, dropDatabase } from '../database.js';
import { keepForLogCheck } from '../log-capture.js';
import { Pysaml2Idp } from './pysaml2-idp.js';
import { SamlifyIdp, type SignedResponse } from './samlify-idp.js';
import { INERA, type TestUser } from './users.js';

/**
 * The identity gateway on its own HTTP server against a fresh database, with two real
 * test IdPs: "inera" (samlify; Inera attribute names; LoA 3; signed responses required)
 * and "kommun" (pysaml2; a municipality's own names; IdP-initiated login allowed).
 * GET /test/whoami answers with what `authenticate` makes of the Authorization header,
 * exactly as the GraphQL context does.
 */

export const INERA_RULES = {
  roleRules: [
    {
      name: 'nurse or doctor licence',
      attribute: `${INERA}healthcareProfessionalLicense`,
      match: { kind: 'oneOf', values: ['SJK', 'LK', 'USK'] },
      roles: ['WARD_STAFF'],
    },
    {
      name: 'security officer right',
      attribute: `${INERA}commissionRight`,
      match: { kind: 'regex', pattern: 'Logggranskning(;.*)?' },
      roles: ['SECURITY_OFFICER'],
    },
    {
      name: 'identity admin right',
      attribute: `${INERA}commissionRight`,
      match: { kind: 'exact', value: 'Identitetsadministration' },
      roles: ['IDENTITY_ADMIN'],
    },
  ],
  commissions: { profile: 'INERA' },
};

export const KOMMUN_RULES = {
  roleRules: [
    {
      name: 'biståndshandläggare',
      attribute: 'urn:kommun:grupp',
      match: { kind: 'exact', value: 'bistandshandlaggare' },
      roles: ['SOCIAL_SERVICES_STAFF'],
    },
  ],
  commissions: {
    profile: 'CUSTOM',
    attributes: {
      employeeHsaId: 'urn:kommun:hsaid',
      givenName: 'urn:kommun:fornamn',
      surname: 'urn:kommun:efternamn',
      unitHsaId: 'urn:kommun:enhet',
    },
    defaultProviderHsaId: 'SE2120001234-0001',
    defaultPurpose: 'Vård och behandling',
  },
};

/** What a GraphQL request over HTTP answered. */
export interface GraphQLAnswer {
  status: number;
  data?: Record<string, any>;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

/** Posts a GraphQL request to the harness (or any server) at `url`, as `token` (or anonymous). */
export async function graphqlAt(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GraphQLAnswer, 'status'>) };
}

export interface Harness {
  url: string;
  /** The test database's URL (for the command-line tools). */
  databaseUrl: string;
  db: Database;
  owner: pg.Client;
  services: IdentityServices;
  inera: SamlifyIdp;
  kommun: Pysaml2Idp;
  /** samlify with a key nobody pinned, claiming to be the "inera" IdP. */
  impostor: SamlifyIdp;
  ineraRuleSetId: string;
  kommunRuleSetId: string;
  logs: Record<string, unknown>[];
  /** The gateway's clock: real time plus `offsetMs` (token expiry, key rotation). */
  clock: { offsetMs: number };
  spMetadata(slug: string): Promise<string>;
  /** Our redirect to the IdP (a signed AuthnRequest), as the browser would receive it. */
  startLogin(slug: string, returnTo?: string): Promise<string>;
  /** A signed response from the slug's IdP to a fresh AuthnRequest. */
  signedResponse(
    slug: 'inera' | 'kommun',
    user: TestUser,
    options?: Record<string, unknown>,
  ): Promise<SignedResponse>;
  postAcs(slug: string, form: Record<string, string>): Promise<Response>;
  whoami(token: string | null): Promise<Response>;
  /** Logs in through the slug's IdP and exchanges the session cookie for an access token. */
  login(
    slug: 'inera' | 'kommun',
    user: TestUser,
  ): Promise<{ cookie: string; accessToken: string; body: RefreshBody }>;
  refresh(cookie: string): Promise<Response>;
  lastLoginEvent(): Promise<{ outcome: string; reason: string | null } | null>;
  sessionCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(options: { idpBaseUrl?: string } = {}): Promise<Harness> {
  const name = `brygga_id_${randomBytes(6).toString('hex')}`;
  const databaseUrl = await createDatabaseFromTemplate(name);
  const db = connectDatabase(databaseUrl, { appRole: 'brygga_app', poolSize: 5 });
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();

  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logs: Record<string, unknown>[] = [];
  const clock = { offsetMs: 0 };
  const services = await createIdentityServices({
    now: () => new Date(Date.now() + clock.offsetMs),
    prisma: db.prisma,
    pool: db.pool,
    config: {
      NODE_ENV: 'test',
      PUBLIC_URL: url,
      IDENTITY_SESSION_CACHE_SECONDS: 0,
      IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK: true,
    },
    log: (entry) => {
      logs.push(entry);
      keepForLogCheck(`${JSON.stringify(entry)}\n`);
    },
  });
  app.use(createIdentityRouter(services.router));
  app.get('/test/whoami', async (req, res) => {
    try {
      const principal = await services.authenticate(req.get('authorization'));
      if (!principal) {
        res.status(401).json({ error: 'UNAUTHENTICATED' });
        return;
      }
      res.json(principal);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        res.status(401).json({ error: 'INVALID_TOKEN', reason: error.reason });
        return;
      }
      res.status(500).json({ error: 'INTERNAL' });
    }
  });
  const appServices = createServices(db, services);
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    await createGraphQLServer({
      config: loadConfig({
        NODE_ENV: 'test',
        PUBLIC_URL: url,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'info',
      }),
      db,
      services: appServices,
      httpServer: server,
      logger: createLogger('info'),
      authenticate: async (authorization) => {
        try {
          return await services.authenticate(authorization);
        } catch (error) {
          if (error instanceof InvalidTokenError)
            throw new UnauthenticatedError(`The access token is not valid (${error.reason}).`);
          throw error;
        }
      },
    }),
  );
  app.get(/.*/, (_req, res) => res.type('text').send('home'));

  const [ineraKeys, kommunKeys, impostorKeys] = await Promise.all([
    generateSelfSignedCertificate('samlify test IdP'),
    generateSelfSignedCertificate('pysaml2 test IdP'),
    generateSelfSignedCertificate('impostor'),
  ]);
  const idpBase = options.idpBaseUrl ?? 'https://idp.test';
  const inera = new SamlifyIdp(
    'https://idp.inera.test/saml',
    `${idpBase}/inera/sso`,
    ineraKeys.certificatePem,
    ineraKeys.privateKeyPem,
  );
  const kommun = new Pysaml2Idp(
    'https://idp.kommun.test/saml',
    `${idpBase}/kommun/sso`,
    kommunKeys.certificatePem,
    kommunKeys.privateKeyPem,
  );
  const impostor = new SamlifyIdp(
    inera.entityId,
    inera.ssoUrl,
    impostorKeys.certificatePem,
    impostorKeys.privateKeyPem,
  );

  const ineraRules = await services.ruleSets.create(
    { name: 'Inera SITHS', definition: INERA_RULES },
    'test-admin',
  );
  const kommunRules = await services.ruleSets.create(
    { name: 'Kommunen', definition: KOMMUN_RULES },
    'test-admin',
  );
  await services.idps.create(
    {
      slug: 'inera',
      displayName: 'Inera IdP (SITHS)',
      entityId: inera.entityId,
      ssoUrl: inera.ssoUrl,
      signingCertificates: [ineraKeys.certificatePem],
      requiredLoa: 3,
      clockSkewSeconds: 30,
      ruleSetId: ineraRules.id,
    },
    'test-admin',
  );
  await services.idps.create(
    {
      slug: 'kommun',
      displayName: 'Kommunens IdP',
      entityId: kommun.entityId,
      ssoUrl: kommun.ssoUrl,
      signingCertificates: [kommunKeys.certificatePem],
      requiredLoa: 3,
      clockSkewSeconds: 60,
      idpInitiatedAllowed: true,
      ruleSetId: kommunRules.id,
    },
    'test-admin',
  );

  const spMetadata = async (slug: string) =>
    (await fetch(`${url}/auth/saml/${slug}/metadata`)).text();
  const startLogin = async (slug: string, returnTo = '/') => {
    const res = await fetch(
      `${url}/auth/saml/${slug}/login?returnTo=${encodeURIComponent(returnTo)}`,
      { redirect: 'manual' },
    );
    if (res.status !== 302)
      throw new Error(`login did not redirect: ${res.status} ${await res.text()}`);
    return res.headers.get('location')!;
  };

  const harness: Harness = {
    url,
    databaseUrl,
    db,
    owner,
    services,
    inera,
    kommun,
    impostor,
    ineraRuleSetId: ineraRules.id,
    kommunRuleSetId: kommunRules.id,
    logs,
    clock,
    spMetadata,
    startLogin,
    async signedResponse(slug, user, options = {}) {
      const authorizeUrl = options.unsolicited ? null : await startLogin(slug);
      const metadata = await spMetadata(slug);
      const endpoints = spEndpoints(url, slug);
      if (slug === 'inera') {
        return inera.respond({
          authorizeUrl,
          spMetadata: metadata,
          acsUrl: endpoints.acsUrl,
          user,
          ...options,
        });
      }
      return kommun.respond({
        authorizeUrl,
        spMetadata: metadata,
        spEntityId: endpoints.entityId,
        acsUrl: endpoints.acsUrl,
        user,
        ...options,
      });
    },
    postAcs(slug, form) {
      return fetch(`${url}/auth/saml/${slug}/acs`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    },
    async login(slug, user) {
      const r = await harness.signedResponse(slug, user);
      const acs = await harness.postAcs(slug, {
        SAMLResponse: r.SAMLResponse,
        RelayState: r.RelayState ?? '/',
      });
      if (acs.status !== 303)
        throw new Error(`login failed: ${acs.status} ${JSON.stringify(logs.at(-1))}`);
      const cookie = sessionCookieOf(acs)!;
      const refreshed = await harness.refresh(cookie);
      if (refreshed.status !== 200)
        throw new Error(`refresh failed: ${refreshed.status} ${await refreshed.text()}`);
      const body = (await refreshed.json()) as RefreshBody;
      return { cookie: sessionCookieOf(refreshed)!, accessToken: body.accessToken, body };
    },
    refresh(cookie) {
      return fetch(`${url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
    },
    whoami(token) {
      return fetch(`${url}/test/whoami`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    },
    async lastLoginEvent() {
      const { rows } = await owner.query<{ outcome: string; reason: string | null }>(
        `SELECT outcome, reason FROM identity_event WHERE type = 'LOGIN' ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      );
      return rows[0] ?? null;
    },
    async sessionCount() {
      const { rows } = await owner.query<{ n: string }>(
        'SELECT count(*) AS n FROM identity_session',
      );
      return Number(rows[0]!.n);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await owner.end();
      await db.close();
      await dropDatabase(name);
    },
  };
  return harness;
}

export interface RefreshBody {
  accessToken: string;
  expiresAt: string;
  roles: string[];
  commissions: { unitHsaId: string; purpose: string; hsaId: string | null }[];
  actingCommission: { unitHsaId: string; purpose: string } | null;
}

/** A session cookie from a login response's Set-Cookie header. */
export function sessionCookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('brygga_session='));
  return header ? header.split(';')[0]! : null;
}
