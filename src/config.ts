import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { NOTIFICATION_SENDERS } from './notifications/sender.js';
import { NOTIFICATION_DEFAULTS } from './notifications/settings.js';

/**
 * Configuration from the environment, validated once at start. A bad value stops the
 * process with one line naming the variable (see main.ts), never a stack trace.
 */

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535); // 0: any free port (tests)

const processes = z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]);

export const configSchema = z.object({
  /** `production` turns off introspection, the IDE and field suggestions, and requires https and the key encryption key. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** The address the API listens on (`0.0.0.0` in a container). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The API's port (0: any free port). */
  PORT: port.default(4000),
  /** The address people and IdPs reach us at; SAML ACS URLs and token issuer derive from it. */
  PUBLIC_URL: z.url().optional(),
  /** When unset, an embedded PostgreSQL is started in EMBEDDED_PG_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  /**
   * The API's own login (brygga_api), which cannot become the owner or the purge role.
   * Unset: DATABASE_URL's server and database as brygga_api without a password (src/db/login-roles.ts).
   */
  DATABASE_API_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  /** The embedded PostgreSQL's data directory (only without DATABASE_URL). */
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  /** The embedded PostgreSQL's port (only without DATABASE_URL). */
  EMBEDDED_PG_PORT: port.default(54329),
  /**
   * The demo IdP (src/identity/demo-idp): on by default with the embedded database outside
   * production; never in production.
   */
  DEMO_IDP: boolean.optional(),
  /** Seed the demo region when the database has no organisations yet. */
  SEED_DEMO: boolean.optional(),
  /** Role the API switches to on every connection; it may only do what migrations grant. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain PostgreSQL role name')
    .default('brygga_app'),
  /** Database connections per API process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * How long an API process keeps an idle database connection open. Each connection holds
   * its prepared statements (the case in full, a page of the case list;
   * src/db/statement-names.ts); a new one parses them again and plans the first five runs
   * of each afresh, tens of milliseconds a statement on a large database. node-postgres closes idle
   * connections after 10 s, so a quiet minute cost the next requests that; measured on the
   * bench's data, 25 s without requests raised the p99 of the case list at a steady load
   * from 58 to 248 ms (docs/performance.md). The pool never holds more than
   * DATABASE_POOL_SIZE connections either way.
   */
  DATABASE_POOL_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /**
   * Where the nightly retention run hands over packages for the e-archive before purging
   * cases a retention decision marks for archiving (docs/archive-package.md). Unset: such
   * cases are not purged, and the run fails saying so.
   */
  RETENTION_ARCHIVE_DIR: z.string().min(1).optional(),
  /**
   * How long an access-log write may wait for the month's chain lock (or a lock on its
   * partition) before the request fails closed with ACCESS_LOG_UNAVAILABLE.
   */
  ACCESS_LOG_LOCK_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5_000),
  /**
   * How often an open subscription socket checks its access token and session again
   * (besides before every delivery): a revoked session's socket closes within this.
   */
  SUBSCRIPTION_SESSION_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** Adds the SQL statement count of a request to the response's extensions (dev, tests, bench). */
  EXPOSE_SQL_COUNT: boolean.default(false),
  /**
   * API processes (node:cluster workers), one per core at most: a number or `auto` (the
   * cores available). WEB_CONCURRENCY, the platform convention, is read when it is unset.
   */
  API_PROCESSES: processes.optional(),
  /** The platform convention for API_PROCESSES, read when that is unset. */
  WEB_CONCURRENCY: processes.optional(),
  /**
   * Collect V8's young generation when no request is running and it is half full, so that
   * requests rarely meet a collection (src/idle-scavenge.ts). Needs node's --expose-gc.
   */
  IDLE_SCAVENGE: boolean.default(true),
  /** Run the Postgres-backed scheduler (monthly invoicing, statistics) in this process. */
  SCHEDULER_ENABLED: boolean.default(true),
  // Notifications outside the browser (src/notifications/README.md), sent by the scheduler.
  /** Where a unit's e-mail and SMS notifications go: `log` writes one line each (channel, masked address, unit, text). */
  NOTIFICATION_SENDER: z.enum(NOTIFICATION_SENDERS).default('log'),
  /** A subscription gets at most one notification per this many seconds; events in between are counted in the next. */
  NOTIFICATION_COALESCE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(NOTIFICATION_DEFAULTS.coalesceSeconds),
  /** Attempts to send one notification before it is FAILED (graphile-worker's backoff: e^attempt seconds between them). */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(25)
    .default(NOTIFICATION_DEFAULTS.maxAttempts),
  /** Serve the GraphQL IDE (/ide, and /graphql for browsers). Default: on except in production. */
  GRAPHQL_IDE: boolean.optional(),
  /** The least severe log lines written (JSON on stderr, src/http/logger.ts); `debug` adds the probes' request lines. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * Serve Prometheus metrics at /metrics on this port (src/metrics/server.ts); unset: no
   * metrics listener. Never the public PORT: the metrics name IdPs, operations and volumes.
   */
  METRICS_PORT: port.optional(),
  /** Where the metrics listener binds: loopback unless a scraper elsewhere needs it. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * OpenTelemetry traces (src/tracing.ts) are exported over OTLP/HTTP to this collector
   * when set, and not started at all otherwise. The SDK reads its other OTEL_* variables.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The service.name of the traces. */
  OTEL_SERVICE_NAME: z.string().min(1).default('brygga'),
  /** Trusted documents: off, allow (documentId or a full query), enforce (documentId or a listed query only). */
  TRUSTED_DOCUMENTS: z.enum(['off', 'allow', 'enforce']).default('allow'),
  /** The manifest of trusted documents ({ sha256: document }); npm run codegen writes the default (the console's documents and test/operations). */
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).default('schema/persisted-documents.json'),
  // The identity gateway (src/identity/README.md explains each).
  /** 32 random bytes, base64: encrypts token and SP private keys at rest. Required in production. */
  IDENTITY_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64')
    .optional(),
  /** The access tokens' `iss`; default PUBLIC_URL. */
  IDENTITY_TOKEN_ISSUER: z.url().optional(),
  /** The access tokens' `aud`; default PUBLIC_URL/graphql. */
  IDENTITY_TOKEN_AUDIENCE: z.url().optional(),
  /** Access-token lifetime. */
  IDENTITY_ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Session (refresh cookie) lifetime. */
  IDENTITY_SESSION_SECONDS: z.coerce.number().int().min(300).max(86_400).default(28_800),
  /** How long a process trusts its "session still live?" answer (0: ask every time). */
  IDENTITY_SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(2),
  /** Commission purposes (medarbetaruppdrag) this service serves, comma-separated. */
  IDENTITY_ACCEPTED_PURPOSES: z.string().min(1).default('Vård och behandling'),
  /** Token signing key age that makes the maintenance job rotate it. */
  IDENTITY_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A new token key is in the JWKS this long before it signs (more than the JWKS max-age of 300 s). */
  IDENTITY_KEY_PUBLISH_LEAD_SECONDS: z.coerce.number().int().min(311).default(900),
  /** How long an AuthnRequest ID may be answered. */
  IDENTITY_AUTHN_REQUEST_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  /** Allow http://127.0.0.1 metadata URLs (tests only). */
  IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK: boolean.default(false),
  // The GetCarePlans producer for 1177 (src/patient-portal, docs/patient-portal.md).
  /**
   * Serve the national GetCarePlans contract (SOAP 1.1, mutual TLS) on this port; unset:
   * off. Never the public PORT: only the national platform may call it.
   */
  CARE_PLANS_PRODUCER_PORT: port.optional(),
  /** Where the GetCarePlans producer binds. */
  CARE_PLANS_PRODUCER_HOST: z.string().min(1).default('127.0.0.1'),
  /** PEM file: our server certificate (chain) for the GetCarePlans producer. */
  CARE_PLANS_PRODUCER_TLS_CERT_FILE: z.string().min(1).optional(),
  /** PEM file: the private key of CARE_PLANS_PRODUCER_TLS_CERT_FILE. */
  CARE_PLANS_PRODUCER_TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM file: the CA certificates that issue the national platform's client certificate. */
  CARE_PLANS_PRODUCER_CLIENT_CA_FILE: z.string().min(1).optional(),
  /**
   * The national platform's client certificate, pinned: SHA-256 fingerprints (hex, colons
   * optional), comma-separated to allow a renewal to overlap. Any other certificate is refused.
   */
  CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: z
    .string()
    .transform((v) => v.split(',').map((f) => f.trim().replaceAll(':', '').toUpperCase()))
    .refine(
      (list) => list.every((f) => /^[0-9A-F]{64}$/.test(f)),
      'must be SHA-256 fingerprints: 64 hex digits each, comma-separated',
    )
    .optional(),
  /** The national platform's HSA-ID, named in the access log as the one who asked. */
  CARE_PLANS_PLATFORM_HSA_ID: z
    .string()
    .regex(/^SE\d{10}-[A-Za-z0-9]+$/, 'must be an HSA-ID')
    .max(31)
    .optional(),
  /**
   * The logical addresses (RIV-TA LogicalAddress) this producer answers for,
   * comma-separated: as registered for Brygga in the platform's address register (TAK).
   */
  CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    )
    .refine((list) => list.length > 0, 'must name at least one logical address')
    .optional(),
  /** Brygga's source-system HSA-ID (sourceSystemHSAId in every answer). */
  CARE_PLANS_SOURCE_SYSTEM_HSA_ID: z
    .string()
    .regex(/^SE\d{10}-[A-Za-z0-9]+$/, 'must be an HSA-ID')
    .max(31)
    .optional(),
});

/** What the GetCarePlans producer needs, all of it, when CARE_PLANS_PRODUCER_PORT is set. */
const CARE_PLANS_REQUIRED = [
  'CARE_PLANS_PRODUCER_TLS_CERT_FILE',
  'CARE_PLANS_PRODUCER_TLS_KEY_FILE',
  'CARE_PLANS_PRODUCER_CLIENT_CA_FILE',
  'CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256',
  'CARE_PLANS_PLATFORM_HSA_ID',
  'CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES',
  'CARE_PLANS_SOURCE_SYSTEM_HSA_ID',
] as const;

export type Config = Omit<
  z.infer<typeof configSchema>,
  'API_PROCESSES' | 'WEB_CONCURRENCY' | 'DEMO_IDP'
> & {
  PUBLIC_URL: string;
  /** Resolved: whether this process serves and federates the demo IdP. */
  DEMO_IDP: boolean;
  /** Resolved: how many API processes to run (1: no cluster). */
  API_PROCESSES: number;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.') || 'environment';
    throw new ConfigError(`invalid configuration: ${name}: ${issue.message}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && !config.IDENTITY_KEY_ENCRYPTION_KEY) {
    throw new ConfigError(
      'invalid configuration: IDENTITY_KEY_ENCRYPTION_KEY: required in production',
    );
  }
  const publicUrl =
    config.PUBLIC_URL ??
    `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  checkPublicUrl(publicUrl, config.NODE_ENV);
  const demoIdp = config.DEMO_IDP ?? (!config.DATABASE_URL && config.NODE_ENV !== 'production');
  if (demoIdp && config.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration: DEMO_IDP: the demo IdP signs in anyone; it never runs with NODE_ENV=production',
    );
  }
  if (
    config.METRICS_PORT !== undefined &&
    config.METRICS_PORT !== 0 &&
    config.METRICS_PORT === config.PORT
  ) {
    throw new ConfigError(
      'invalid configuration: METRICS_PORT: must not be PORT (the metrics are not for the public port)',
    );
  }
  if (config.CARE_PLANS_PRODUCER_PORT !== undefined) {
    const missing = CARE_PLANS_REQUIRED.find((name) => config[name] === undefined);
    if (missing) {
      throw new ConfigError(
        `invalid configuration: ${missing}: required when CARE_PLANS_PRODUCER_PORT is set`,
      );
    }
    if (config.CARE_PLANS_PRODUCER_PORT !== 0 && config.CARE_PLANS_PRODUCER_PORT === config.PORT) {
      throw new ConfigError(
        'invalid configuration: CARE_PLANS_PRODUCER_PORT: must not be PORT (only the national platform may call it, over mutual TLS)',
      );
    }
  }
  const { WEB_CONCURRENCY, ...rest } = config;
  const processCount = config.API_PROCESSES ?? WEB_CONCURRENCY ?? 1;
  return {
    ...rest,
    API_PROCESSES: processCount === 'auto' ? availableParallelism() : processCount,
    PUBLIC_URL: publicUrl,
    DEMO_IDP: demoIdp,
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The session cookie is Secure whenever PUBLIC_URL is https (src/identity/routes.ts). Plain
 * http would send it in clear text, so it is allowed only on loopback outside production.
 */
function checkPublicUrl(publicUrl: string, nodeEnv: string): void {
  const url = new URL(publicUrl);
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') {
    throw new ConfigError('invalid configuration: PUBLIC_URL: must be an http(s) URL');
  }
  if (nodeEnv === 'production') {
    throw new ConfigError('invalid configuration: PUBLIC_URL: must be https in production');
  }
  if (!LOOPBACK.test(url.hostname)) {
    throw new ConfigError(
      `invalid configuration: PUBLIC_URL: plain http only on loopback (127.0.0.1, localhost, [::1]); use https for ${url.hostname}`,
    );
  }
}
