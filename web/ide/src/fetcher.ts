import type { GraphiQLProps } from 'graphiql';
import type { Session } from '../../shared/session.js';
import type { Redaction } from './redactions-panel.js';

type Fetcher = GraphiQLProps['fetcher'];

/**
 * Posts operations to /graphql with the session's access token as `Authorization: Bearer`,
 * and hands each result's `extensions.redactions` to the panel beside the result.
 */
export function createFetcher(
  session: Session,
  onRedactions: (redactions: Redaction[]) => void,
): Fetcher {
  return async (params, options) => {
    const token = await session.accessToken();
    const response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'omit',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options?.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(params),
    });
    const result = (await response.json()) as { extensions?: { redactions?: Redaction[] } };
    onRedactions(result.extensions?.redactions ?? []);
    return result;
  };
}
