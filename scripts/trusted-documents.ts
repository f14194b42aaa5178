/**
 * `npm run codegen` (after graphql-codegen): the served trusted-documents manifest,
 * schema/persisted-documents.json (TRUSTED_DOCUMENTS_FILE's default), made from the
 * manifests codegen writes for our own clients: the console's documents
 * (web/console/src/**\/*.graphql), which it sends by id, and test/operations, which the
 * integration tests and the IDE's examples run. Under TRUSTED_DOCUMENTS=enforce nothing
 * else is executed, so a document a client needs is registered by adding it to one of
 * those folders. Two manifests giving one hash two documents cannot happen (the hash is of
 * the document); this refuses it anyway rather than serve either.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const SOURCES = [
  'web/console/src/generated/persisted-documents.json',
  'test/generated/persisted-documents.json',
] as const;
const SERVED = 'schema/persisted-documents.json';

const merged: Record<string, string> = {};
for (const source of SOURCES) {
  const manifest = JSON.parse(readFileSync(new URL(source, root), 'utf8')) as Record<
    string,
    string
  >;
  for (const [hash, document] of Object.entries(manifest)) {
    if (merged[hash] !== undefined && merged[hash] !== document) {
      throw new Error(`trusted documents: ${hash} names two documents (${source})`);
    }
    merged[hash] = document;
  }
}
const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(new URL(SERVED, root), `${JSON.stringify(sorted, null, 2)}\n`);
process.stderr.write(
  `trusted documents: ${Object.keys(sorted).length} in ${fileURLToPath(new URL(SERVED, root))}\n`,
);
