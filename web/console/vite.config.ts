import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the console into web/console/dist (gitignored) at `npm install` (the `prepare`
 * script, after codegen has written the typed documents). The API process serves it under
 * /console/ (src/web/console.ts), so every asset URL starts there and nothing is loaded
 * from any other host. Each role's area is its own chunk, loaded when first opened.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      // React libraries mark modules "use client" for server components; a plain browser
      // bundle has no use for the directive, and the warning would bury real ones.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
