import { Router } from 'express';
import { builtAppHandlers } from './built-app.js';
import { originsOf } from './security-headers.js';

export interface ConsoleDeps {
  /** web/console/dist: the Vite build of web/console (`npm run build:console`, run by `prepare`). */
  distDir: string;
  signInChoices(): Promise<{ slug: string; displayName: string; sloUrl: string | null }[]>;
}

/**
 * The console for security officers, identity admins, finance and information owners: one
 * page under /console for every path below it (the console routes in the browser, so a
 * bookmarked /console/security/log opens where it was), and its assets under
 * /console/assets. It reads everything through the public GraphQL API, as any client would.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const { page, assets } = builtAppHandlers({
    distDir: deps.distDir,
    title: 'The console',
    buildScript: 'build:console',
    async pageConfig() {
      const idps = await deps.signInChoices();
      return {
        config: { identityProviders: idps.map(({ slug, displayName }) => ({ slug, displayName })) },
        formTargets: originsOf(idps.map((idp) => idp.sloUrl)),
      };
    },
  });
  const router = Router();
  router.use('/console/assets', assets);
  router.get(['/console', '/console/*path'], page);
  return router;
}
