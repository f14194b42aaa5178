import { describe, expect, it } from 'vitest';
import { responseMediaType, statusOf } from '../../../src/http/response-status.js';

const JSON_TYPE = 'application/json';
const STRICT = 'application/graphql-response+json';
const error = (code: string) => ({ message: code, extensions: { code } });

describe('the HTTP status of a GraphQL response', () => {
  it('leaves a response without errors alone', () => {
    expect(statusOf({ data: { a: 1 } }, STRICT)).toBeUndefined();
  });

  it('answers 200 whenever data is not null, whatever the errors', () => {
    for (const code of ['UNAUTHENTICATED', 'ACCESS_LOG_UNAVAILABLE', 'INVALID_ID', 'SOMETHING']) {
      expect(statusOf({ data: { a: null }, errors: [error(code)] }, STRICT)).toEqual({
        status: 200,
      });
    }
  });

  it('gives a withheld response its own status, before a missing token', () => {
    expect(
      statusOf(
        { data: null, errors: [error('UNAUTHENTICATED'), error('ACCESS_LOG_UNAVAILABLE')] },
        JSON_TYPE,
      ),
    ).toEqual({ status: 503 });
    expect(statusOf({ data: null, errors: [error('UNAUTHENTICATED')] }, JSON_TYPE)).toEqual({
      status: 401,
      headers: [['www-authenticate', 'Bearer']],
    });
    expect(statusOf({ data: null, errors: [error('FORBIDDEN')] }, STRICT)).toEqual({
      status: 200,
    });
  });

  it('answers a request that was not executed by media type', () => {
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'INVALID_ARGUMENT']) {
      expect(statusOf({ errors: [error(code)] }, STRICT)).toEqual({ status: 400 });
      expect(statusOf({ errors: [error(code)] }, JSON_TYPE)).toEqual({ status: 200 });
    }
  });

  it('keeps the status set by whoever raised an HTTP-level or unknown error', () => {
    for (const code of ['BAD_REQUEST', 'UNAUTHENTICATED', 'PAYLOAD_TOO_LARGE', 'SOMETHING']) {
      expect(statusOf({ errors: [error(code)] }, STRICT)).toBeUndefined();
    }
  });

  it('chooses the media type as Apollo Server does', () => {
    expect(responseMediaType(undefined)).toBe(JSON_TYPE);
    expect(responseMediaType('*/*')).toBe(JSON_TYPE);
    expect(responseMediaType(`${STRICT}, ${JSON_TYPE};q=0.9`)).toBe(STRICT);
    expect(responseMediaType('text/html')).toBeNull();
  });
});
