import { scrubPersonnummer } from '../http/logger.js';

/**
 * What a span may carry out of the process: nothing of a patient. The instrumentations
 * record, among others, the request URL (a GET's query string can hold GraphQL variables),
 * the GraphQL document (literals in it can name a patient) and SQL text (parameterised, so
 * without values, but scrubbed all the same). This removes the document and every query
 * string, and scrubs personnummer-shaped strings from every other string attribute. The
 * GraphQL instrumentation's own option keeps variable values out (allowValues: false).
 */
const DROPPED = new Set(['graphql.source', 'url.query']);
const URLS = new Set(['http.url', 'http.target', 'url.full']);

export function scrubSpanAttributes(attributes: Record<string, unknown>): void {
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (DROPPED.has(key)) {
      delete attributes[key];
    } else if (typeof value === 'string') {
      const withoutQuery = URLS.has(key) ? value.split('?')[0]! : value;
      attributes[key] = scrubPersonnummer(withoutQuery);
    }
  }
}
