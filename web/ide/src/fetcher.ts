import type { GraphiQLProps } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import type { Session } from '../../shared/session.js';
import type { Redaction } from './redactions-panel.js';

type Fetcher = GraphiQLProps['fetcher'];
type Params = Parameters<Fetcher>[0];
/** What GraphiQL shows of one result; the redactions are read beside it. */
type Result = Awaited<ReturnType<Fetcher>> & { extensions?: { redactions?: Redaction[] } };

/**
 * Queries and mutations are posted to /graphql with the session's access token as
 * `Authorization: Bearer`; subscriptions go over a WebSocket to the same path (graphql-ws),
 * signed in with the same in-memory token in `connection_init`. Each result's (or
 * delivery's) `extensions.redactions` goes to the panel beside the result.
 */
export function createFetcher(
  session: Session,
  onRedactions: (redactions: Redaction[]) => void,
): Fetcher {
  const live = liveClient(session);
  return async (params, options) => {
    if (isSubscription(params)) return deliveries(live(), params, onRedactions);
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
    const result = (await response.json()) as Result;
    onRedactions(result.extensions?.redactions ?? []);
    return result;
  };
}

function isSubscription(params: Params): boolean {
  try {
    const operation = getOperationAST(parse(params.query), params.operationName ?? undefined);
    return operation?.operation === 'subscription';
  } catch {
    return false; // the server answers a document that does not parse
  }
}

/**
 * One socket, opened with the first subscription. The token is read at every (re)connect:
 * the server closes the socket when the token expires (4441), and graphql-ws reconnects
 * with the refreshed one and subscribes again.
 */
function liveClient(session: Session): () => Client {
  let client: Client | null = null;
  return () => {
    client ??= createClient({
      url: `${window.location.origin.replace(/^http/, 'ws')}/graphql`,
      connectionParams: async () => {
        const token = await session.accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    return client;
  };
}

async function* deliveries(
  client: Client,
  params: Params,
  onRedactions: (redactions: Redaction[]) => void,
): AsyncGenerator<Result> {
  const subscription = client.iterate({
    query: params.query,
    ...(params.operationName ? { operationName: params.operationName } : {}),
    ...(params.variables ? { variables: params.variables } : {}),
  });
  for await (const delivery of subscription) {
    const result = delivery as Result;
    onRedactions(result.extensions?.redactions ?? []);
    yield result;
  }
}
