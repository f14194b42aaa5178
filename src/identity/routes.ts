import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { currentRequest } from '../http/request-context.js';
import { CommissionChoiceError, type Gateway, LoginFailure } from './gateway.js';
import type { KeyStore } from './key-store.js';
import { loginFailedPage } from './login-page.js';
import { MAX_MESSAGE_BYTES, SamlRejection } from './saml/xml.js';
import { RefreshRejected, SESSION_COOKIE } from './sessions.js';

/**
 * The identity gateway's HTTP endpoints, mounted at the root by src/http/app.ts:
 *   GET  /auth/saml/:idpId/login      SP-initiated login (302 to the IdP, signed AuthnRequest)
 *   POST /auth/saml/:idpId/acs        the IdP posts its SAMLResponse here
 *   GET  /auth/saml/:idpId/metadata   our SP metadata for that IdP (current and next certificates)
 *   GET|POST /auth/saml/:idpId/slo    single logout (IdP-initiated request, or response to ours)
 *   POST /auth/refresh                session cookie → access token (and a rotated cookie)
 *   POST /auth/logout                 ends the session; 303 to the IdP's SLO when it has one
 *   GET  /.well-known/jwks.json       the published token keys
 */

export interface IdentityRouterDeps {
  gateway: Gateway;
  keys: KeyStore;
  sessionSeconds: number;
  /** Secure cookies: PUBLIC_URL is https (plain http only on loopback in development, config.ts). */
  secureCookies: boolean;
  now: () => Date;
  log: (entry: Record<string, unknown>) => void;
}

const cookieOptions = (secure: boolean, maxAgeMs: number) =>
  ({ httpOnly: true, secure, sameSite: 'strict', path: '/auth', maxAge: maxAgeMs }) as const;

function requestIdOf(req: Request): string {
  // The id the request context gave it (src/http/request-context.ts), as its log lines have.
  const given = currentRequest()?.requestId;
  if (given) return given;
  const header = req.get('x-request-id');
  return header && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
}

function sendLoginFailure(
  res: Response,
  error: unknown,
  log: IdentityRouterDeps['log'],
  reference: string,
): void {
  const failure =
    error instanceof LoginFailure
      ? error
      : new LoginFailure(
          'MALFORMED',
          'The login could not be completed. Start again; if it keeps happening, contact your IT support.',
          reference,
        );
  if (!(error instanceof LoginFailure))
    log({ msg: 'login error', error: String((error as Error)?.stack ?? error), reference });
  const status = failure.code === 'UNKNOWN_IDP' ? 404 : failure.code === 'TOO_LARGE' ? 413 : 400;
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(loginFailedPage(failure.plainMessage, failure.reference, failure.explanation));
}

/**
 * A lost database is no login failure and no ended session: it goes to the server's error
 * handler, which answers 503 DATABASE_UNAVAILABLE with Retry-After (src/http/request-errors.ts)
 * and leaves the session cookie as it is, so the same step can be tried again.
 */
function passOnDatabaseUnavailable(error: unknown, next: NextFunction): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  next(error);
  return true;
}

export function createIdentityRouter(deps: IdentityRouterDeps): Router {
  const router = Router();
  const form = express.urlencoded({
    extended: false,
    limit: Math.ceil((MAX_MESSAGE_BYTES * 4) / 3) + 4096,
    parameterLimit: 10,
  });
  const cookies = cookieParser();

  router.get('/auth/saml/:idpId/login', async (req, res, next) => {
    const requestId = requestIdOf(req);
    try {
      const url = await deps.gateway.startLogin(req.params.idpId, req.query.returnTo, requestId);
      res.set('Cache-Control', 'no-store').redirect(302, url);
    } catch (error) {
      if (passOnDatabaseUnavailable(error, next)) return;
      sendLoginFailure(res, error, deps.log, requestId);
    }
  });

  router.post(
    '/auth/saml/:idpId/acs',
    (req, res, next) => {
      form(req, res, async (error?: unknown) => {
        if (!error) {
          next();
          return;
        }
        const requestId = requestIdOf(req);
        const tooLarge = (error as { type?: string }).type === 'entity.too.large';
        // A callback, not a route: a rejection here (the refusal's identity event could not
        // be written) would be unhandled and end the process, so it goes to next().
        try {
          const failure = await deps.gateway.refuse(
            req.params.idpId as string,
            tooLarge ? 'TOO_LARGE' : 'MALFORMED',
            tooLarge
              ? 'request body over the size limit'
              : `request body not readable: ${(error as Error).message}`,
            requestId,
          );
          sendLoginFailure(res, failure, deps.log, requestId);
        } catch (refusalError) {
          next(refusalError);
        }
      });
    },
    async (req, res, next) => {
      const requestId = requestIdOf(req);
      try {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const result = await deps.gateway.completeLogin(req.params.idpId, body, requestId);
        const state = currentRequest();
        if (state) state.hsaId = result.principal.hsaId;
        res
          .cookie(
            SESSION_COOKIE,
            result.cookie,
            cookieOptions(deps.secureCookies, deps.sessionSeconds * 1000),
          )
          .set('Cache-Control', 'no-store')
          .redirect(303, result.redirectTo);
      } catch (error) {
        if (passOnDatabaseUnavailable(error, next)) return;
        sendLoginFailure(res, error, deps.log, requestId);
      }
    },
  );

  router.get('/auth/saml/:idpId/metadata', async (req, res, next) => {
    try {
      const xml = await deps.gateway.spMetadata(req.params.idpId);
      res.type('application/samlmetadata+xml').set('Cache-Control', 'max-age=300').send(xml);
    } catch (error) {
      if (passOnDatabaseUnavailable(error, next)) return;
      if (
        error instanceof SamlRejection &&
        (error.code === 'UNKNOWN_IDP' || error.code === 'IDP_DISABLED')
      ) {
        res.status(404).type('text').send('No such identity provider.');
        return;
      }
      deps.log({ msg: 'sp metadata failed', error: String(error) });
      res.status(500).type('text').send('SP metadata is not available.');
    }
  });

  const slo = async (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req);
    try {
      const originalQuery = req.originalUrl.includes('?')
        ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
        : '';
      const result = await deps.gateway.singleLogout(
        req.params.idpId as string,
        {
          query: req.query as Record<string, unknown>,
          originalQuery,
          body: req.method === 'POST' ? (req.body as Record<string, unknown>) : undefined,
        },
        requestId,
      );
      res.clearCookie(SESSION_COOKIE, { path: '/auth' }).redirect(303, result.redirectTo);
    } catch (error) {
      if (passOnDatabaseUnavailable(error, next)) return;
      deps.log({
        msg: 'single logout refused',
        idp: req.params.idpId,
        error: (error as Error).message,
        reference: requestId,
      });
      res
        .status(400)
        .type('html')
        .send(
          loginFailedPage(
            'The logout message could not be checked. Close your browser to end your session.',
            requestId,
          ),
        );
    }
  };
  router.get('/auth/saml/:idpId/slo', slo);
  router.post('/auth/saml/:idpId/slo', form, slo);

  // Refresh requires a JSON request: a cross-site form cannot send one (CSRF), and the
  // cookie is SameSite=Strict on top.
  router.post('/auth/refresh', cookies, async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!req.is('application/json')) {
      res
        .status(415)
        .json({ error: 'CONTENT_TYPE', message: 'Send the request as application/json.' });
      return;
    }
    try {
      const issued = await deps.gateway.refresh(req.cookies?.[SESSION_COOKIE], requestIdOf(req));
      const state = currentRequest();
      if (state) state.hsaId = issued.principal.hsaId;
      res
        .cookie(
          SESSION_COOKIE,
          issued.cookie,
          cookieOptions(deps.secureCookies, deps.sessionSeconds * 1000),
        )
        .json({
          accessToken: issued.accessToken,
          tokenType: 'Bearer',
          expiresAt: issued.expiresAt.toISOString(),
          name: issued.principal.name,
          roles: issued.principal.roles,
          commissions: issued.principal.commissions,
          actingCommission: issued.principal.actingCommission,
        });
    } catch (error) {
      if (error instanceof RefreshRejected || error instanceof CommissionChoiceError) {
        res
          .clearCookie(SESSION_COOKIE, { path: '/auth' })
          .status(401)
          .json({ error: 'SESSION_ENDED', message: 'Log in again.' });
        return;
      }
      if (passOnDatabaseUnavailable(error, next)) return;
      deps.log({ msg: 'refresh failed', error: String((error as Error)?.stack ?? error) });
      res.status(500).json({ error: 'INTERNAL', message: 'Try again.' });
    }
  });

  router.post('/auth/logout', cookies, async (req, res, next) => {
    try {
      const result = await deps.gateway.logout(req.cookies?.[SESSION_COOKIE], requestIdOf(req));
      res
        .clearCookie(SESSION_COOKIE, { path: '/auth' })
        .set('Cache-Control', 'no-store')
        .redirect(303, result.redirectTo);
    } catch (error) {
      // Not signed out while the session could not be ended: the cookie stays for a retry.
      if (passOnDatabaseUnavailable(error, next)) return;
      deps.log({ msg: 'logout failed', error: String((error as Error)?.stack ?? error) });
      res.clearCookie(SESSION_COOKIE, { path: '/auth' }).redirect(303, '/');
    }
  });

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const now = deps.now();
    await deps.keys.refresh(now);
    res.set('Cache-Control', 'public, max-age=300').json(deps.keys.publicJwks(now));
  });

  return router;
}
