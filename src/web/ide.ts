import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { originsOf, setPageSecurityHeaders } from './security-headers.js';

export interface IdeDeps {
  /** web/ide/dist: the Vite build of web/ide (`npm run build:ide`, run by `prepare`). */
  distDir: string;
  schemaUrl: string;
  signInChoices(): Promise<{ slug: string; displayName: string; sloUrl: string | null }[]>;
}

const CONFIG_PLACEHOLDER = '<!--brygga-config-->';

/** JSON inside a script element: `<` escaped so no value can close the element. */
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Does a GET ask for a page rather than a GraphQL result (as Apollo's landing page decides)? */
export function wantsPage(req: Request): boolean {
  return (
    req.method === 'GET' &&
    req.query.query === undefined &&
    req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) ===
      'text/html'
  );
}

/**
 * The GraphQL IDE: the page (with the IdPs to sign in with, as JSON data) and its built
 * assets. `page` serves it wherever it is mounted (/ide, and GET /graphql for browsers).
 */
export function ideHandlers(deps: IdeDeps): { page: RequestHandler; assets: Router } {
  const indexFile = path.join(deps.distDir, 'index.html');
  const template = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  const assets = express.Router();
  assets.use(
    express.static(path.join(deps.distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  // A file that is not in this build (an old hash after a deploy): a plain 404, not an error.
  assets.use((_req, res) => {
    res.status(404).type('text').send('Not found.');
  });

  const page: RequestHandler = async (_req, res, next) => {
    try {
      if (!template) {
        res
          .status(503)
          .type('text')
          .send('The GraphQL IDE is not built. Run `npm run build:ide` (npm install does it).');
        return;
      }
      const idps = await deps.signInChoices();
      const config = {
        identityProviders: idps.map(({ slug, displayName }) => ({ slug, displayName })),
        schemaUrl: deps.schemaUrl,
      };
      setPageSecurityHeaders(res, originsOf(idps.map((idp) => idp.sloUrl)));
      res
        .type('html')
        .send(
          template.replace(
            CONFIG_PLACEHOLDER,
            `<script type="application/json" id="brygga-config">${scriptSafeJson(config)}</script>`,
          ),
        );
    } catch (error) {
      next(error);
    }
  };
  return { page, assets };
}
