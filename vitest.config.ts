import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each get their own database cloned from a template, so files can
    // run in parallel; two workers match this machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
