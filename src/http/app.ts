import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config.js';
import { connectDatabase, type Database } from '../db/client.js';
import { apiDatabaseUrl, assertApiLoginConfined } from '../db/login-roles.js';
import { RejectedTokenError } from '../graphql/errors.js';
import { createDemoIdp } from '../identity/demo-idp/index.js';
import {
  createIdentityRouter,
  createIdentityServices,
  type IdentityServices,
} from '../identity/index.js';
import { InvalidTokenError, type TokenService } from '../identity/tokens.js';
import { idleScavenger } from '../idle-scavenge.js';
import { watchIdentityProviders } from '../metrics/identity-providers.js';
import { idleScavenges } from '../metrics/registry.js';
import { ContractSchemas } from '../patient-portal/schema-validation.js';
import { type CarePlansProducer, startCarePlansProducer } from '../patient-portal/server.js';
import {
  type ProducerTlsMaterial,
  readConfiguredProducerTls,
} from '../patient-portal/tls-files.js';
import { createServices, type Services } from '../services.js';
import { CaseEventFeed } from '../subscriptions/case-event-feed.js';
import { createSubscriptionServer } from '../subscriptions/server.js';
import { createWebRoutes } from '../web/index.js';
import {
  type Authenticate,
  actorOf,
  armorProtection,
  createGraphQLServer,
  sqlCountScope,
} from './graphql-server.js';
import { createLogger, type Logger } from './logger.js';
import { readinessCheck } from './readiness.js';
import { requestContext } from './request-context.js';
import { BODY_LIMIT, requestErrorHandler } from './request-errors.js';
import { requestLog } from './request-log.js';
import { runningRequests } from './running-requests.js';
import { loadManifest, trustedDocuments } from './trusted-documents.js';

/** How long a stopping server waits for handlers whose clients have gone (Apollo's drain waits as long). */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  url: string;
  db: Database;
  services: Services;
  tokens: TokenService;
  identity: IdentityServices;
  logger: Logger;
  /** The GetCarePlans producer for 1177, when CARE_PLANS_PRODUCER_PORT is set. */
  carePlansProducer: CarePlansProducer | null;
  /** Committed case events heard by this process, and its live subscribers (src/subscriptions). */
  feed: CaseEventFeed;
  close(): Promise<void>;
}

/** What the process read at its start, handed on so that the server does not read it again. */
export interface ReadAtStart {
  /**
   * The GetCarePlans producer's certificate material (null: the producer is off). When not
   * given (tests, benchmarks), the server reads and checks the configured files itself.
   */
  producerTls?: ProducerTlsMaterial | null;
}

/** Composes the HTTP service: health, the pages for browsers, the identity gateway, GraphQL. */
export async function startServer(
  config: Config & { DATABASE_URL: string },
  readAtStart: ReadAtStart = {},
): Promise<RunningServer> {
  // A certificate file that is missing or does not parse stops the start before the
  // database is touched, not the first request.
  const producerTls =
    readAtStart.producerTls === undefined
      ? await readConfiguredProducerTls(config)
      : readAtStart.producerTls;
  const logger = createLogger(config.LOG_LEVEL);
  const db = connectDatabase(apiDatabaseUrl(config), {
    appRole: config.DATABASE_APP_ROLE,
    poolSize: config.DATABASE_POOL_SIZE,
    idleSeconds: config.DATABASE_POOL_IDLE_SECONDS,
    log: logger,
  });
  await assertApiLoginConfined(db.pool, config.DATABASE_APP_ROLE).catch(async (error) => {
    await db.close();
    throw error;
  });
  const identity = await createIdentityServices({
    prisma: db.prisma,
    pool: db.pool,
    config,
    log: (entry) => logger.warn('identity', entry),
  });
  const services = createServices(db, identity);
  const unwatchIdps = watchIdentityProviders(db.pool);
  const tokens = identity.tokens;
  const authenticate: Authenticate = async (authorization) => {
    try {
      return await identity.authenticate(authorization);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new RejectedTokenError(error.reason);
      throw error;
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = http.createServer(app);
  const requests = runningRequests(() => scavengeWhenIdle?.());
  const scavengeWhenIdle = config.IDLE_SCAVENGE
    ? idleScavenger({ busy: requests.busy, collected: () => idleScavenges.inc() })
    : undefined;
  // First: every later line of the request carries its id, operation and principal.
  app.use(requestContext, requestLog(logger));
  app.use(requests.middleware);

  // Live while the process serves; whether it should get traffic is /readyz.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let stopping = false;
  app.get('/readyz', await readinessCheck({ db, identity, stopping: () => stopping }));
  const web = createWebRoutes({ config, signInChoices: () => identity.idps.signInChoices() });
  app.use(web.router);
  app.use(createIdentityRouter(identity.router));
  if (config.DEMO_IDP) app.use(await createDemoIdp({ identity, prisma: db.prisma }));
  // In `allow` mode a missing manifest only means no document ids are known yet.
  const manifest =
    config.TRUSTED_DOCUMENTS === 'enforce' ||
    (config.TRUSTED_DOCUMENTS === 'allow' && existsSync(config.TRUSTED_DOCUMENTS_FILE))
      ? loadManifest(config.TRUSTED_DOCUMENTS_FILE)
      : new Map<string, string>();
  // The API's answers get no entity tag: Express's default hashes every body it sends
  // (SHA-1 over a 110 kB case list), for a validator no POST can use and no GraphQL client
  // sends back. A mounted app of its own keeps that setting off the pages and the console.
  const api = express();
  api.disable('x-powered-by');
  api.set('etag', false);
  api.use(
    ...(config.EXPOSE_SQL_COUNT ? [sqlCountScope] : []),
    express.json({ limit: BODY_LIMIT }),
    trustedDocuments(config.TRUSTED_DOCUMENTS, manifest),
    await createGraphQLServer({ config, db, services, httpServer, authenticate, logger }),
  );
  app.use('/graphql', web.graphqlPage, api);
  app.use(requestErrorHandler(logger, db.availability));

  // Before the API listens: a producer that cannot start (its port taken) stops the start
  // with nothing left listening.
  const carePlansProducer = await startProducerIfConfigured(config, producerTls, db, logger).catch(
    async (error: unknown) => {
      unwatchIdps();
      await db.close();
      throw error;
    },
  );

  // Subscriptions: the same port and path, over an HTTP upgrade (src/subscriptions).
  const feed = new CaseEventFeed(apiDatabaseUrl(config), logger);
  await feed.start().catch(async (error: unknown) => {
    await carePlansProducer?.close();
    unwatchIdps();
    await db.close();
    throw error;
  });
  const subscriptions = createSubscriptionServer({
    httpServer,
    db,
    services,
    feed,
    authenticate: (authorization) => identity.authenticate(authorization),
    sessionActive: (sessionId) => identity.sessions.isActive(sessionId, new Date()),
    actorOf: (principal) => actorOf(principal, services),
    logger,
    sessionCheckSeconds: config.SUBSCRIPTION_SESSION_CHECK_SECONDS,
    accessLogLockWaitMs: config.ACCESS_LOG_LOCK_TIMEOUT_MS,
    validationRules: armorProtection(config.NODE_ENV === 'production').validationRules,
    // Half the pool: deliveries wait their turn, requests keep the other half.
    deliverySlots: Math.max(1, Math.floor(config.DATABASE_POOL_SIZE / 2)),
  });

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const address = httpServer.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${address.port}`;
  logger.info('Brygga is listening', { url: `${url}/graphql` });

  return {
    url,
    db,
    services,
    tokens,
    identity,
    logger,
    carePlansProducer,
    feed,
    async close() {
      stopping = true;
      await subscriptions.close();
      await feed.stop();
      await carePlansProducer?.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await requests.settled(SHUTDOWN_GRACE_MS);
      unwatchIdps();
      await db.close();
    },
  };
}

/** The GetCarePlans producer (src/patient-portal), off unless its port is configured. */
async function startProducerIfConfigured(
  config: Config,
  tls: ProducerTlsMaterial | null,
  db: Database,
  logger: Logger,
): Promise<CarePlansProducer | null> {
  if (tls === null || config.CARE_PLANS_PRODUCER_PORT === undefined) return null;
  // loadConfig refuses a producer port without the rest of its configuration.
  const producer = await startCarePlansProducer({
    host: config.CARE_PLANS_PRODUCER_HOST,
    port: config.CARE_PLANS_PRODUCER_PORT,
    tls: {
      ...tls,
      pinnedClientCertificates: config.CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256!,
    },
    prisma: db.prisma,
    accessLog: db.pool,
    accessLogLockWaitMs: config.ACCESS_LOG_LOCK_TIMEOUT_MS,
    schemas: new ContractSchemas(),
    logger,
    logicalAddresses: config.CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES!,
    sourceSystemHsaId: config.CARE_PLANS_SOURCE_SYSTEM_HSA_ID!,
    platformHsaId: config.CARE_PLANS_PLATFORM_HSA_ID!,
  });
  logger.info('GetCarePlans producer is listening', { url: producer.url });
  return producer;
}
