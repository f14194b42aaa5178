import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RequestHandler, Router } from 'express';
import type { Config } from '../config.js';
import { DEMO_IDP_SLUG } from '../identity/demo-idp/register.js';
import { consoleRouter } from './console.js';
import { ideHandlers, wantsPage } from './ide.js';
import { setPageSecurityHeaders } from './security-headers.js';
import { startPage } from './start-page.js';

/**
 * What Brygga serves to browsers: the start page at /, the console at /console, the GraphQL
 * IDE (at /ide, and at /graphql for a browser's GET) and the schema as text. None of it
 * loads anything from another host (src/web/README.md).
 */

export interface WebDeps {
  config: Pick<Config, 'NODE_ENV' | 'GRAPHQL_IDE'>;
  signInChoices(): Promise<{ slug: string; displayName: string; sloUrl: string | null }[]>;
  /** Where the IDE's and the console's builds and the schema are; default this checkout. */
  distDir?: string;
  consoleDistDir?: string;
  schemaFile?: string;
}

const fromRoot = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** The IDE is on in development and tests, and in production only when GRAPHQL_IDE=true. */
export function ideEnabled(config: WebDeps['config']): boolean {
  return config.GRAPHQL_IDE ?? config.NODE_ENV !== 'production';
}

export interface WebRoutes {
  /** Mounted at the root: /, /start.css, /schema.graphql, /console/*, /ide, /ide/assets. */
  router: Router;
  /** Put before the GraphQL server on /graphql: answers a browser's GET with the IDE. */
  graphqlPage: RequestHandler;
}

export function createWebRoutes(deps: WebDeps): WebRoutes {
  const production = deps.config.NODE_ENV === 'production';
  const withIde = ideEnabled(deps.config);
  // The SDL says what introspection says; production turns introspection off, so the
  // schema is served there only to an IDE someone turned on.
  const schemaServed = !production || withIde;
  const router = Router();
  const stylesheet = readFileSync(fileURLToPath(new URL('./start.css', import.meta.url)), 'utf8');
  const schemaFile = deps.schemaFile ?? fromRoot('schema/schema.graphql');

  router.get('/', async (_req, res, next) => {
    try {
      const idps = await deps.signInChoices();
      // The demo IdP (development only) comes first.
      const ordered = production
        ? idps
        : [
            ...idps.filter((idp) => idp.slug === DEMO_IDP_SLUG),
            ...idps.filter((idp) => idp.slug !== DEMO_IDP_SLUG),
          ];
      setPageSecurityHeaders(res);
      res.type('html').send(
        startPage({
          identityProviders: ordered,
          returnTo: withIde ? '/ide' : '/',
          ideUrl: withIde ? '/ide' : null,
          consoleUrl: '/console',
          schemaUrl: schemaServed ? '/schema.graphql' : null,
        }),
      );
    } catch (error) {
      next(error);
    }
  });
  router.get('/start.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=300').send(stylesheet);
  });

  if (schemaServed) {
    const sdl = readFileSync(schemaFile, 'utf8');
    router.get('/schema.graphql', (_req, res) => {
      res
        .type('text/plain; charset=utf-8')
        .set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' })
        .send(sdl);
    });
  }

  // The console is for production use (unlike the IDE): always served.
  router.use(
    consoleRouter({
      distDir: deps.consoleDistDir ?? fromRoot('web/console/dist'),
      signInChoices: deps.signInChoices,
    }),
  );

  if (!withIde) {
    return { router, graphqlPage: (_req, _res, next) => next() };
  }
  const ide = ideHandlers({
    distDir: deps.distDir ?? fromRoot('web/ide/dist'),
    schemaUrl: '/schema.graphql',
    signInChoices: deps.signInChoices,
  });
  router.get('/ide', ide.page);
  router.use('/ide/assets', ide.assets);
  return {
    router,
    graphqlPage: (req, res, next) => (wantsPage(req) ? ide.page(req, res, next) : next()),
  };
}
