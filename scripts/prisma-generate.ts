/**
 * `prisma generate` without network access. The Prisma CLI insists on locating its
 * schema-engine binary before any command, and would download it; `generate` never runs
 * that engine, so we point PRISMA_SCHEMA_ENGINE_BINARY at an executable that exists (Node
 * itself). Commands that do need the engine (migrate, db) are not used: see README.
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['prisma', 'generate', '--schema', 'prisma'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
