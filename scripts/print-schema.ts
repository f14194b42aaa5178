/**
 * Prints the GraphQL schema from the code into schema/schema.graphql.
 * `--check` exits non-zero when the committed file is stale (used by the tests and CI).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { printSchemaSdl, SCHEMA_FILE } from '../src/graphql/print.js';

const sdl = printSchemaSdl();
if (process.argv.includes('--check')) {
  const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  if (committed !== sdl) {
    process.stderr.write('schema/schema.graphql is stale: run `npm run schema:print`\n');
    process.exit(1);
  }
} else {
  await writeFile(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
