import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
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
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
