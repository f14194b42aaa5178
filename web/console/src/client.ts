import { Client, fetchExchange } from 'urql';
import type { Session } from '../../shared/session.js';

/**
 * The console's GraphQL client: urql, running the typed documents codegen writes from
 * web/console/src/**\/*.graphql against the public endpoint, exactly as any other client.
 * Every request carries the session's in-memory access token (refreshed first when it is
 * about to expire). No normalised or document cache: the console shows patient-access data
 * whose every read the API logs, so it asks again rather than showing a stale copy, and a
 * commission switch or sign-out leaves nothing behind.
 */
export function createConsoleClient(session: Session): Client {
  return new Client({
    url: '/graphql',
    exchanges: [fetchExchange],
    requestPolicy: 'network-only',
    preferGetMethod: false,
    fetchOptions: { credentials: 'omit' },
    fetch: async (input, init) => {
      const token = await session.accessToken();
      const headers = new Headers(init?.headers);
      headers.set('accept', 'application/graphql-response+json, application/json');
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  });
}
