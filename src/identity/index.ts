import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../authz/principal.js';
import type { PrismaClient } from '../db/client.js';
import { DatabaseCareProviderDirectory } from './care-providers.js';
import { IdentityEvents } from './events.js';
import { Gateway } from './gateway.js';
import { IdentityProviders } from './idps.js';
import { KeyBox } from './key-box.js';
import { DatabaseKeyStore } from './key-store.js';
import { ReplayStore } from './replay.js';
import type { IdentityRouterDeps } from './routes.js';
import { RuleSets } from './rule-sets.js';
import { Sessions } from './sessions.js';
import { SpKeyStore } from './sp-keys.js';
import { CLOCK_TOLERANCE_SECONDS, InvalidTokenError, TokenService } from './tokens.js';

export { createIdentityRouter } from './routes.js';
export { InvalidTokenError } from './tokens.js';

/**
 * The identity gateway's services, built once per process by src/http/app.ts. Settings
 * come from src/config.ts (the IDENTITY_* variables, see `IdentityConfig`).
 */
export interface IdentityConfig {
  NODE_ENV: 'development' | 'test' | 'production';
  PUBLIC_URL: string;
  IDENTITY_TOKEN_ISSUER?: string;
  IDENTITY_TOKEN_AUDIENCE?: string;
  IDENTITY_ACCESS_TOKEN_SECONDS?: number;
  IDENTITY_SESSION_SECONDS?: number;
  IDENTITY_SESSION_CACHE_SECONDS?: number;
  IDENTITY_ACCEPTED_PURPOSES?: string;
  IDENTITY_KEY_ENCRYPTION_KEY?: string;
  IDENTITY_KEY_ROTATION_DAYS?: number;
  IDENTITY_KEY_PUBLISH_LEAD_SECONDS?: number;
  IDENTITY_AUTHN_REQUEST_SECONDS?: number;
  IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK?: boolean;
}

export interface IdentitySettings {
  publicUrl: string;
  issuer: string;
  audience: string;
  accessTokenSeconds: number;
  sessionSeconds: number;
  sessionCacheSeconds: number;
  acceptedPurposes: string[];
  keyEncryptionKey: string;
  rotationSeconds: number;
  publishLeadSeconds: number;
  authnRequestSeconds: number;
  metadataAllowHttpLoopback: boolean;
}

/** JWKS responses are cacheable for 300 s (routes.ts); a new key is published longer first. */
const JWKS_MAX_AGE_SECONDS = 300;

export function identitySettings(config: IdentityConfig): IdentitySettings {
  const publicUrl = config.PUBLIC_URL.replace(/\/+$/, '');
  const key = config.IDENTITY_KEY_ENCRYPTION_KEY;
  if (!key && config.NODE_ENV === 'production') {
    throw new Error(
      'IDENTITY_KEY_ENCRYPTION_KEY is required in production (32 random bytes, base64)',
    );
  }
  const publishLeadSeconds = config.IDENTITY_KEY_PUBLISH_LEAD_SECONDS ?? 900;
  if (publishLeadSeconds <= JWKS_MAX_AGE_SECONDS + 10) {
    throw new Error(
      `IDENTITY_KEY_PUBLISH_LEAD_SECONDS must exceed the JWKS cache time (${JWKS_MAX_AGE_SECONDS} s)`,
    );
  }
  return {
    publicUrl,
    issuer: config.IDENTITY_TOKEN_ISSUER ?? publicUrl,
    audience: config.IDENTITY_TOKEN_AUDIENCE ?? `${publicUrl}/graphql`,
    accessTokenSeconds: config.IDENTITY_ACCESS_TOKEN_SECONDS ?? 300,
    sessionSeconds: config.IDENTITY_SESSION_SECONDS ?? 8 * 3600,
    sessionCacheSeconds: config.IDENTITY_SESSION_CACHE_SECONDS ?? 2,
    acceptedPurposes: (config.IDENTITY_ACCEPTED_PURPOSES ?? 'Vård och behandling')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    // Development and tests only: a fixed key, so local data survives restarts.
    keyEncryptionKey:
      key ??
      createHash('sha256').update('brygga development key, never for production').digest('base64'),
    rotationSeconds: (config.IDENTITY_KEY_ROTATION_DAYS ?? 30) * 86400,
    publishLeadSeconds,
    authnRequestSeconds: config.IDENTITY_AUTHN_REQUEST_SECONDS ?? 600,
    metadataAllowHttpLoopback: config.IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK ?? false,
  };
}

export interface IdentityServices {
  settings: IdentitySettings;
  tokens: TokenService;
  keys: DatabaseKeyStore;
  spKeys: SpKeyStore;
  sessions: Sessions;
  idps: IdentityProviders;
  ruleSets: RuleSets;
  events: IdentityEvents;
  replay: ReplayStore;
  gateway: Gateway;
  /** What createIdentityRouter needs. */
  router: IdentityRouterDeps;
  /**
   * The GraphQL context's call: null without an Authorization header; the principal for a
   * valid token of a live session; InvalidTokenError for anything else.
   */
  authenticate(authorizationHeader: string | undefined | null): Promise<Principal | null>;
  /**
   * Scheduled maintenance, safe to run from several processes: token key rotation and due
   * IdP metadata refresh. Expired replay entries are retention's (src/retention), which
   * records their purge like any other. Run by the scheduler
   * (`npx tsx scripts/federation.ts maintain`) or on a timer in any process.
   */
  maintain(): Promise<{
    keyCreated: string | null;
    metadata: Awaited<ReturnType<IdentityProviders['refreshDueMetadata']>>;
  }>;
}

export async function createIdentityServices(input: {
  prisma: PrismaClient;
  pool?: pg.Pool;
  config: IdentityConfig;
  now?: () => Date;
  log?: (entry: Record<string, unknown>) => void;
}): Promise<IdentityServices> {
  const { prisma } = input;
  const now = input.now ?? (() => new Date());
  const log =
    input.log ?? ((entry) => console.warn(JSON.stringify({ area: 'identity', ...entry })));
  const settings = identitySettings(input.config);
  const box = new KeyBox(settings.keyEncryptionKey);
  const events = new IdentityEvents(prisma, now);
  const keys = new DatabaseKeyStore(prisma, box, events, {
    rotationSeconds: settings.rotationSeconds,
    publishLeadSeconds: settings.publishLeadSeconds,
    retireAfterSeconds: settings.accessTokenSeconds + CLOCK_TOLERANCE_SECONDS + 60,
    cacheSeconds: 10,
  });
  const tokens = new TokenService(keys, {
    issuer: settings.issuer,
    audience: settings.audience,
    accessTokenSeconds: settings.accessTokenSeconds,
  });
  const spKeys = new SpKeyStore(prisma, box, events);
  const sessions = new Sessions(prisma, {
    sessionSeconds: settings.sessionSeconds,
    cacheSeconds: settings.sessionCacheSeconds,
  });
  const idps = new IdentityProviders(prisma, events, now, {
    allowHttpLoopback: settings.metadataAllowHttpLoopback,
    timeoutMs: 10_000,
  });
  const ruleSets = new RuleSets(prisma, events, now);
  const replay = new ReplayStore(prisma);
  const gateway = new Gateway({
    idps,
    ruleSets,
    sessions,
    replay,
    spKeys,
    tokens,
    events,
    careProviders: new DatabaseCareProviderDirectory(prisma),
    settings: {
      publicUrl: settings.publicUrl,
      acceptedPurposes: settings.acceptedPurposes,
      authnRequestSeconds: settings.authnRequestSeconds,
    },
    now,
    log,
  });

  await keys.maintain(now());
  await spKeys.ensureOne(now(), `${new URL(settings.publicUrl).hostname} SAML SP`);

  return {
    settings,
    tokens,
    keys,
    spKeys,
    sessions,
    idps,
    ruleSets,
    events,
    replay,
    gateway,
    router: {
      gateway,
      keys,
      sessionSeconds: settings.sessionSeconds,
      secureCookies: new URL(settings.publicUrl).protocol === 'https:',
      now,
      log,
    },
    async authenticate(header) {
      if (header === undefined || header === null || header === '') return null;
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
      if (!match) throw new InvalidTokenError('malformed Authorization header');
      const at = now();
      const verified = await tokens.verifyAccessToken(match[1]!, at);
      if (!(await sessions.isActive(verified.sessionId, at)))
        throw new InvalidTokenError('session ended');
      const { tokenId: _tokenId, ...principal } = verified;
      return principal;
    },
    async maintain() {
      const at = now();
      const { created } = await keys.maintain(at);
      const metadata = await idps.refreshDueMetadata();
      return { keyCreated: created, metadata };
    },
  };
}
