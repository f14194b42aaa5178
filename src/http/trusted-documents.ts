import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { sendRequestError } from './request-errors.js';

/**
 * Trusted documents (persisted operations as an allow-list, not a cache): the operations
 * the front-ends ship are generated ahead (graphql-codegen's persisted-documents manifest,
 * `{ "<sha256>": "<document>" }`), and in `enforce` mode nothing else is executed. A client
 * sends `documentId` (or Apollo's `extensions.persistedQuery.sha256Hash`); in `allow` mode
 * a full `query` is still accepted, which suits development and GraphQL tooling.
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'enforce';

export function loadManifest(path: string): Map<string, string> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const manifest = new Map<string, string>();
  for (const [key, document] of Object.entries(parsed)) {
    const hash = key.replace(/^sha256:/, '');
    if (typeof document !== 'string')
      throw new Error(`trusted documents: entry ${hash} is not a document`);
    const actual = createHash('sha256').update(document).digest('hex');
    if (actual !== hash)
      throw new Error(`trusted documents: entry ${hash} does not match its document's hash`);
    manifest.set(hash, document);
  }
  return manifest;
}

export function trustedDocuments(
  mode: TrustedDocumentsMode,
  manifest: Map<string, string>,
): RequestHandler {
  return (req, res, next) => {
    if (
      mode === 'off' ||
      req.method !== 'POST' ||
      typeof req.body !== 'object' ||
      req.body === null
    )
      return next();
    const body = req.body as {
      query?: unknown;
      documentId?: unknown;
      extensions?: { persistedQuery?: { sha256Hash?: unknown } };
    };
    const id = body.documentId ?? body.extensions?.persistedQuery?.sha256Hash;
    if (typeof id === 'string') {
      const document = manifest.get(id.replace(/^sha256:/, ''));
      if (!document)
        return sendRequestError(
          res,
          'PERSISTED_QUERY_NOT_FOUND',
          'Unknown document id: this operation is not a trusted document.',
        );
      body.query = document;
      delete body.documentId;
      if (body.extensions) delete body.extensions.persistedQuery;
      return next();
    }
    if (mode === 'enforce') {
      const hash =
        typeof body.query === 'string' ? createHash('sha256').update(body.query).digest('hex') : '';
      if (!manifest.has(hash)) {
        return sendRequestError(
          res,
          'TRUSTED_DOCUMENT_REQUIRED',
          'Only trusted documents are executed here: send a documentId.',
        );
      }
    }
    return next();
  };
}
