import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
/**
 * One graphql-js for everything, as plain Node has it: Node resolves `graphql` to its
 * CommonJS entry (package "main"), Vite to its ESM build ("module"), and two copies refuse
 * each other's schema (graphql-ws executing the Pothos schema, for one).
 */
const oneGraphql = {
  alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
};

export default defineConfig({
  // One graphql-js for everything, as plain Node has it: Node resolves `graphql` to its
  // CommonJS entry (package "main"), Vite to its ESM build ("module"), and two copies
  // refuse each other's schema (graphql-ws executing the Pothos schema, for one).
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        resolve: oneGraphql,
        test: {
          name: 'integration',
          // test/browser: Chromium against the real server (test/support/browser.ts).
          include: [
            'test/integration/**/*.test.ts',
            'test/security/**/*.test.ts',
            'test/browser/**/*.browser.test.ts',
          ],
          // Each file gets its own database cloned from a template built once here, so files
          // run in parallel; two workers match this machine's two cores.
          globalSetup: ['test/support/global-setup.ts'],
          // Keeps each test process's output for the whole suite's log check (global-setup.ts).
          setupFiles: ['test/support/log-capture.ts'],
          pool: 'forks',
          maxWorkers: 2,
          // graphql-ws imports graphql itself: loaded by the runner like our code, it gets
          // the same copy of graphql-js (two copies refuse each other's schema). Production
          // has one copy either way.

          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
