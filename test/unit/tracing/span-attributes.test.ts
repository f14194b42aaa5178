import { describe, expect, it } from 'vitest';
import { scrubSpanAttributes } from '../../../src/tracing/span-attributes.js';

describe('span attributes leaving the process', () => {
  it('drop the GraphQL document and query strings, scrub personnummer, keep the rest', () => {
    const attributes: Record<string, unknown> = {
      'graphql.source': 'query { lookupPatient(personalIdentityNumber: "19121212-1212") { id } }',
      'graphql.operation.name': 'LookupPatient',
      'http.target': '/graphql?variables=%7B%22pnr%22%3A%2219121212-1212%22%7D',
      'http.url': 'http://127.0.0.1:4000/graphql?query=x',
      'url.full': 'http://127.0.0.1:4000/graphql?query=x',
      'url.query': 'query=x',
      'db.statement': "SELECT 1 WHERE p = '191212121212'",
      'http.status_code': 200,
    };
    scrubSpanAttributes(attributes);
    expect(attributes).toEqual({
      'graphql.operation.name': 'LookupPatient',
      'http.target': '/graphql',
      'http.url': 'http://127.0.0.1:4000/graphql',
      'url.full': 'http://127.0.0.1:4000/graphql',
      'db.statement': "SELECT 1 WHERE p = '[personnummer]'",
      'http.status_code': 200,
    });
  });
});
