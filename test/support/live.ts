import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestServer } from './server.js';

export interface LiveClient {
  client: Client;
  /** Resolves with the close code and reason once the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A graphql-ws client over a real WebSocket to the test server's /graphql, no retries. */
export function liveClient(server: Pick<TestServer, 'url'>, token?: string): LiveClient {
  let resolveClosed: (value: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    resolveClosed = resolve;
  });
  const client = createClient({
    url: `${server.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        resolveClosed({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  return { client, closed };
}

/**
 * Waits until the process has `count` live subscribers registered with its feed, so a
 * command sent next is heard: a condition, polled, never a fixed sleep.
 */
export async function untilSubscribers(
  server: Pick<TestServer, 'feed'>,
  count: number,
): Promise<void> {
  while (server.feed.subscriberCount < count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the process's feed has at most `count` live subscribers (polled, no sleep). */
export async function untilSubscribersAtMost(
  server: Pick<TestServer, 'feed'>,
  count: number,
): Promise<void> {
  while (server.feed.subscriberCount > count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
