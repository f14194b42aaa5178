import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the GraphQL IDE into web/ide/dist (gitignored) at `npm install` (the `prepare`
 * script). The API process serves it under /ide/ (src/web/ide.ts), so every asset URL
 * starts there and nothing is loaded from any other host.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ide/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the served bundle: it stays small and the build fast.
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // React libraries mark modules "use client" for server components; a plain browser
      // bundle has no use for the directive, and the warning would bury real ones.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
