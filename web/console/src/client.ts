import { persistedExchange } from '@urql/exchange-persisted';
import { Client, fetchExchange } from 'urql';
import type { Session } from '../../shared/session.js';

/** The id codegen gave a document (`sha256:<hash>`), which the API's manifest lists. */
const documentIdOf = (document: unknown): Promise<string> => {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error('console: a document without a codegen hash (run npm run codegen)');
  return Promise.resolve(hash);
};

/**
 * The console's GraphQL client: urql, running the typed documents codegen writes from
 * web/console/src/**\/*.graphql against the public endpoint, exactly as any other client.
 * It sends each document by its id (a trusted document, `extensions.persistedQuery`),
 * never its text, so it works under TRUSTED_DOCUMENTS=enforce as in `allow`; the served
 * manifest lists the console's documents (scripts/trusted-documents.ts).
 * Every request carries the session's in-memory access token (refreshed first when it is
 * about to expire). No normalised or document cache: the console shows patient-access data
 * whose every read the API logs, so it asks again rather than showing a stale copy, and a
 * commission switch or sign-out leaves nothing behind.
 */
export function createConsoleClient(session: Session): Client {
  return new Client({
    url: '/graphql',
    exchanges: [
      persistedExchange({
        generateHash: (_query, document) => documentIdOf(document),
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: false,
      }),
      fetchExchange,
    ],
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
