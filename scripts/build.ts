/**
 * `npm run build`: the production build in dist/, run by `npm run start:prod` (node, no
 * TypeScript loader). tsc compiles src/ and the operators' command-line tools to
 * dist/src and dist/scripts; the files the code reads at run time beside its sources
 * (migrations, the start page's stylesheet, the IDE's and the console's builds, the schema,
 * the example rule sets) are copied to the same places relative to dist/ as they have to the checkout, so
 * each `new URL('../../…', import.meta.url)` finds them unchanged. dist/ is then all a
 * container needs besides node_modules (Dockerfile).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Read at run time, relative to the code that reads them (paths from the checkout's root). */
export const RUNTIME_FILES = [
  'prisma/migrations',
  'contracts',
  'docs/federation',
  'schema/schema.graphql',
  'src/web/start.css',
  'web/ide/dist',
  'web/console/dist',
] as const;

if (!existsSync(join(root, 'src/db/generated/prisma/client.ts'))) {
  throw new Error('build: the Prisma client is not generated; run npm run prisma:generate');
}
if (!existsSync(join(root, 'web/ide/dist/index.html'))) {
  throw new Error('build: the IDE is not built; run npm run build:ide');
}
if (!existsSync(join(root, 'web/console/dist/index.html'))) {
  throw new Error('build: the console is not built; run npm run build:console');
}
if (!existsSync(join(root, 'schema/persisted-documents.json'))) {
  throw new Error('build: no trusted-documents manifest; run npm run codegen');
}

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
for (const file of RUNTIME_FILES) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  cpSync(join(root, file), join(dist, file), { recursive: true });
}
// The trusted-documents manifest (TRUSTED_DOCUMENTS_FILE's default): the console sends its
// documents by id, so it is served in every mode (scripts/trusted-documents.ts).
const manifest = 'schema/persisted-documents.json';
cpSync(join(root, manifest), join(dist, manifest));
// ES modules without the checkout's package.json (a container copies dist/ on its own).
writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
process.stderr.write(`build: dist/ ready (node dist/src/main.js)\n`);
