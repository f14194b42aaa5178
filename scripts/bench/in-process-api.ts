import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/http/app.js';
import { openTestSession } from '../../test/support/idp/test-sessions.js';
import { principalFor } from '../../test/support/server.js';

/**
 * The API in this process, as production runs it (no scheduler, no trusted-document
 * manifest), and a social-services user of `unitHsaId` behind a live session, whose access
 * tokens `token()` mints: for the single-scenario benchmarks that read cases.
 */
export async function startInProcessApi(
  databaseUrl: string,
  unitHsaId: string,
  env: Record<string, string> = {},
): Promise<{ server: RunningServer; token: () => Promise<string> }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://brygga.bench.example',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
    SCHEDULER_ENABLED: 'false',
    IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    TRUSTED_DOCUMENTS: 'off',
    ...env,
  });
  const server = await startServer({ ...config, DATABASE_URL: databaseUrl });
  const principal = {
    ...principalFor(unitHsaId, ['SOCIAL_SERVICES_STAFF'], 'Bench'),
    sessionId: randomUUID(),
  };
  await openTestSession(server.identity, server.db.prisma, principal);
  return {
    server,
    token: async () => (await server.tokens.issueAccessToken({ ...principal })).token,
  };
}
