import { randomBytes, randomUUID } from 'node:crypto';
import { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import type { Principal } from '../../src/authz/principal.js';
import type { Role } from '../../src/authz/roles.js';
import { loadConfig } from '../../src/config.js';
import { demoStaffHsaId } from '../../src/db/seed/demo-region.js';
import { type ReadAtStart, type RunningServer, startServer } from '../../src/http/app.js';
import { createDatabaseFromTemplate, dropDatabase } from './database.js';
import { openTestSession } from './idp/test-sessions.js';

export interface TestServer extends RunningServer {
  databaseUrl: string;
  /** A connection as the database owner, for arranging and inspecting rows. */
  owner: pg.Client;
  /** A GraphQL client acting as a demo staff member of the unit with this HSA-ID. */
  clientFor(
    unitHsaId: string,
    options?: { roles?: Role[]; name?: string; hsaId?: string },
  ): Promise<GraphQLClient>;
  anonymousClient(): GraphQLClient;
  tokenFor(principal: Principal): Promise<string>;
}

/** Starts Brygga on a random port against a fresh clone of the seeded template database. */
export async function startTestServer(
  env: Record<string, string> = {},
  readAtStart: ReadAtStart = {},
): Promise<TestServer> {
  const name = `brygga_t_${randomBytes(6).toString('hex')}`;
  const databaseUrl = await createDatabaseFromTemplate(name);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    // Info, as production logs: log-capture.ts keeps it for the log check, shows only errors.
    LOG_LEVEL: 'info',
    // Session revocation takes effect at once in tests.
    IDENTITY_SESSION_CACHE_SECONDS: '0',
    EXPOSE_SQL_COUNT: 'true',
    ...env,
  });
  const server = await startServer({ ...config, DATABASE_URL: databaseUrl }, readAtStart);
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  const endpoint = `${server.url}/graphql`;

  // Tokens minted directly (not through a SAML login) still need a live session behind them.
  const tokenFor = async (principal: Principal) => {
    await openTestSession(server.identity, server.db.prisma, principal);
    return (await server.tokens.issueAccessToken(principal)).token;
  };
  return {
    ...server,
    databaseUrl,
    owner,
    tokenFor,
    anonymousClient: () => new GraphQLClient(endpoint),
    async clientFor(unitHsaId, options: { roles?: Role[]; name?: string; hsaId?: string } = {}) {
      const hsaId = options.hsaId ?? demoStaffHsaId(unitHsaId);
      const principal = principalFor(
        unitHsaId,
        options.roles ?? ['WARD_STAFF'],
        options.name ?? `Test ${hsaId}`,
      );
      const token = await tokenFor({ ...principal, hsaId });
      return new GraphQLClient(endpoint, { headers: { authorization: `Bearer ${token}` } });
    },
    async close() {
      await owner.end();
      await server.close();
      await dropDatabase(name);
    },
  };
}

export function principalFor(unitHsaId: string, roles: Role[], name: string): Principal {
  const commission = {
    hsaId: `${unitHsaId}C1`,
    name: 'Vård och behandling',
    unitHsaId,
    providerHsaId: `${unitHsaId.slice(0, 12)}-0001`,
    purpose: 'Vård och behandling',
    rights: [],
  };
  return {
    hsaId: demoStaffHsaId(unitHsaId),
    name,
    sessionId: randomUUID(),
    idpId: 'test',
    levelOfAssurance: 'http://id.sambi.se/loa/loa3',
    roles,
    commissions: [commission],
    actingCommission: commission,
  };
}
