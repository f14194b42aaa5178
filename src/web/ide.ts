import type { Request, RequestHandler, Router } from 'express';
import { builtAppHandlers } from './built-app.js';
import { originsOf } from './security-headers.js';

export interface IdeDeps {
  /** web/ide/dist: the Vite build of web/ide (`npm run build:ide`, run by `prepare`). */
  distDir: string;
  schemaUrl: string;
  signInChoices(): Promise<{ slug: string; displayName: string; sloUrl: string | null }[]>;
}

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
  return builtAppHandlers({
    distDir: deps.distDir,
    title: 'The GraphQL IDE',
    buildScript: 'build:ide',
    async pageConfig() {
      const idps = await deps.signInChoices();
      return {
        config: {
          identityProviders: idps.map(({ slug, displayName }) => ({ slug, displayName })),
          schemaUrl: deps.schemaUrl,
        },
        formTargets: originsOf(idps.map((idp) => idp.sloUrl)),
      };
    },
  });
}
