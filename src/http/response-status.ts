import type { ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import Negotiator from 'negotiator';
import {
  type ErrorCodeSpec,
  isRequestErrorCode,
  REQUEST_ERROR_CODES,
  type RequestErrorCode,
} from '../graphql/error-codes.js';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const MEDIA_TYPES = ['application/json', GRAPHQL_RESPONSE_JSON];

/**
 * The media type a response is sent as, chosen from the Accept header as Apollo Server
 * chooses it (application/json when there is none); null when the client accepts neither.
 */
export function responseMediaType(accept: string | undefined): string | null {
  if (!accept) return 'application/json';
  return new Negotiator({ headers: { accept } }).mediaType(MEDIA_TYPES) ?? null;
}

export interface DecidedStatus {
  status: number;
  headers?: [string, string][];
}

/**
 * The HTTP status of a GraphQL response, from the phases of src/graphql/error-codes.ts:
 * - executed (the result has `data`): 200, as both media types ask; except when nothing
 *   could be answered (`data: null`) because of a code of phase `response` (its status,
 *   e.g. 503) or for want of a token (401 with RFC 6750's `WWW-Authenticate: Bearer`). The
 *   spec's MUST of a 2xx applies to non-null data, which always answers 200;
 * - not executed because of the document or its variables: 400 under
 *   application/graphql-response+json, 200 under application/json;
 * - anything else keeps the status whoever raised it set (413, 401, 405, 406, 503 …).
 */
export function statusOf(
  result: FormattedExecutionResult,
  mediaType: string | null,
): DecidedStatus | undefined {
  const codes = (result.errors ?? []).map((e) => e.extensions?.code).filter(isRequestErrorCode);
  if (!result.errors?.length) return undefined;
  if (result.data !== undefined) {
    if (result.data !== null) return { status: 200 };
    const withheld = codes.find((code) => REQUEST_ERROR_CODES[code].phase === 'response');
    if (withheld) return { status: REQUEST_ERROR_CODES[withheld].status };
    if (codes.includes('UNAUTHENTICATED' satisfies RequestErrorCode))
      return { status: 401, headers: [['www-authenticate', 'Bearer']] };
    return { status: 200 };
  }
  const first = result.errors[0]?.extensions?.code;
  if (!isRequestErrorCode(first)) return undefined;
  const spec: ErrorCodeSpec = REQUEST_ERROR_CODES[first];
  if (spec.phase !== 'request') return undefined;
  return { status: mediaType === GRAPHQL_RESPONSE_JSON ? spec.status : 200 };
}

/**
 * Sets the status decided by statusOf. Its willSendResponse does no I/O, so it finishes
 * before the access-log plugin's (src/audit/plugin.ts), whose ACCESS_LOG_UNAVAILABLE 503
 * is set after its write and so always wins.
 */
export function responseStatusPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const mediaType = responseMediaType(request.http?.headers.get('accept'));
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const decided = statusOf(response.body.singleResult, mediaType);
          if (!decided) return;
          response.http.status = decided.status;
          for (const [name, value] of decided.headers ?? []) response.http.headers.set(name, value);
        },
      };
    },
  };
}
