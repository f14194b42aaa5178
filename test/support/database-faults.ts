import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pg from 'pg';
import { ADMIN_URL } from './database.js';

/**
 * What the database-fault tests share: ending the server's connections as PostgreSQL does
 * on a failover (pg_terminate_backend), noticing an uncaught exception, and waiting for a
 * condition without any timing assertion.
 */

/** Ends every backend of `database` whose application_name matches (LIKE). */
export async function terminateBackends(
  database: string,
  applicationName = 'brygga-%',
): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = $1 AND application_name LIKE $2 AND pid <> pg_backend_pid()`,
      [database, applicationName],
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  } finally {
    await admin.end();
  }
}

/** Backends of `database` with this application_name (LIKE), and whether each waits on a lock. */
export async function backends(
  database: string,
  applicationName: string,
): Promise<{ pid: number; waitingOnLock: boolean; query: string }[]> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number; waiting: boolean; query: string }>(
      `SELECT pid, wait_event_type = 'Lock' AS waiting, query FROM pg_stat_activity
       WHERE datname = $1 AND application_name LIKE $2`,
      [database, applicationName],
    );
    return rows.map((r) => ({ pid: r.pid, waitingOnLock: r.waiting, query: r.query }));
  } finally {
    await admin.end();
  }
}

/** The database name of a connection URL. */
export function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

/** Counts uncaught exceptions and unhandled rejections of this process while installed. */
export function recordUncaught(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/**
 * Polls until `condition` holds (generous limit: this is a shared machine). `lastSeen`, if
 * given, is added to the error on giving up: what the condition last saw, so a rare failure
 * in a whole-suite run says why.
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  limitMs = 60_000,
  lastSeen?: () => string,
): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(condition)
        .catch(() => false)
    )
      return;
    if (Date.now() > end) {
      throw new Error(`gave up waiting: ${what}${lastSeen ? `; last seen: ${lastSeen()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface GraphQLAnswer<T> {
  status: number;
  retryAfter: string | null;
  body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** One GraphQL POST with its HTTP status and Retry-After; a refused connection throws. */
export async function postGraphQL<T, V>(
  url: string,
  token: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  requestId?: string,
): Promise<GraphQLAnswer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as GraphQLAnswer<T>['body'],
  };
}
