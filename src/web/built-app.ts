import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { setPageSecurityHeaders } from './security-headers.js';

/**
 * A front-end project that Vite built into `distDir` (web/ide, web/console): its page (the
 * build's index.html with the server's configuration as JSON data) and its content-hashed
 * assets. The IDE and the console are served the same way, so they share this.
 */
export interface BuiltAppDeps {
  distDir: string;
  /** Said in the 503 when the build is missing, e.g. "The GraphQL IDE". */
  title: string;
  /** The npm script that builds it (`npm install` runs it through `prepare`). */
  buildScript: string;
  /** The configuration the page reads, and the origins its forms may go to (an IdP's logout). */
  pageConfig(): Promise<{ config: unknown; formTargets: readonly string[] }>;
}

const CONFIG_PLACEHOLDER = '<!--brygga-config-->';

/** JSON inside a script element: `<` escaped so no value can close the element. */
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function builtAppHandlers(deps: BuiltAppDeps): { page: RequestHandler; assets: Router } {
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
          .send(
            `${deps.title} is not built. Run \`npm run ${deps.buildScript}\` (npm install does it).`,
          );
        return;
      }
      const { config, formTargets } = await deps.pageConfig();
      setPageSecurityHeaders(res, formTargets);
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
