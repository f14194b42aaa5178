import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config.js';
import { connectDatabase, type Database } from '../db/client.js';
import { UnauthenticatedError } from '../graphql/errors.js';
import { MemoryKeyStore } from '../identity/key-store.js';
import { InvalidTokenError, TokenService } from '../identity/tokens.js';
import { createServices, type Services } from '../services.js';
import { type Authenticate, createGraphQLServer, sqlCountScope } from './graphql-server.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  url: string;
  db: Database;
  services: Services;
  tokens: TokenService;
  logger: Logger;
  close(): Promise<void>;
}

/** Composes the HTTP service: health, GraphQL, and (issue 3) the identity gateway. */
export async function startServer(
  config: Config & { DATABASE_URL: string },
): Promise<RunningServer> {
  const logger = createLogger(config.LOG_LEVEL);
  const db = connectDatabase(config.DATABASE_URL, {
    appRole: config.DATABASE_APP_ROLE,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const services = createServices(db);
  const tokens = new TokenService(await MemoryKeyStore.create(), {
    issuer: config.PUBLIC_URL,
    audience: `${config.PUBLIC_URL}/graphql`,
    accessTokenSeconds: 300,
  });
  const authenticate: Authenticate = async (authorization) => {
    if (!authorization) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization);
    if (!match)
      throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    try {
      return await tokens.verifyAccessToken(match[1]!);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new UnauthenticatedError(`The access token is not valid (${error.reason}).`);
      throw error;
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = http.createServer(app);

  app.get('/healthz', async (_req, res) => {
    try {
      await db.pool.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.use(
    '/graphql',
    sqlCountScope,
    express.json({ limit: '256kb' }),
    await createGraphQLServer({ config, db, services, httpServer, authenticate, logger }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const address = httpServer.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${address.port}`;
  logger.info('Brygga is listening', { url: `${url}/graphql` });

  return {
    url,
    db,
    services,
    tokens,
    logger,
    async close() {
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await db.close();
    },
  };
}
