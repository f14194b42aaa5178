/**
 * Tells an error that means "the database connection is gone or cannot be had" (a
 * restart, a failover, a terminated backend, a refused connection) from every other
 * database error. Such a failure says nothing about the request: the same request may
 * succeed a moment later, so it is answered as retryable (DATABASE_UNAVAILABLE) rather
 * than as an internal error.
 */

/** SQLSTATEs of a connection that ended or cannot start. */
const CONNECTION_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, smart/fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '57P05', // idle_session_timeout
]);
/** Class 08: connection exception (08000, 08003, 08006, 08001, 08004, 08P01 …). */
const CONNECTION_CLASS = '08';

/** Socket errors of Node on the way to or from the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Prisma's codes for the same: P1001 can't reach the server, P1002 timed out reaching it,
 * P1008 operation timed out, P1017 server closed the connection.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);

/**
 * No connection could be had in time, although the database may be up: P2024 (Prisma's
 * pool), P2028 (a transaction that could not start within maxWait, or that Prisma closed
 * for running past its timeout: rolled back either way), and node-postgres' pool wait.
 * Seen while a pool refills after its connections were cut. Retryable, but not a loss.
 */
const BUSY_CODES = new Set(['P2024', 'P2028']);
const BUSY_MESSAGES = [/^timeout exceeded when trying to connect/];

/** The driver adapter's kinds (@prisma/adapter-pg's convertDriverError). */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** node-postgres' own messages; these errors carry no code. */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Connection terminated due to connection timeout/,
  /^Query read timeout/,
];

export function isConnectionError(error: unknown): boolean {
  return connectionFailureOf(error) !== undefined;
}

/**
 * The request could not get the database: its connection failed, or none could be had
 * in time. Either way nothing of it was committed by the failed statement, and the same
 * request may succeed shortly: answered as DATABASE_UNAVAILABLE.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((e) => isConnectionFailure(e) || isBusy(e));
}

function isBusy(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && BUSY_CODES.has(code)) return true;
  return typeof message === 'string' && BUSY_MESSAGES.some((pattern) => pattern.test(message));
}

/** The error in the chain that says the connection failed, if one does. */
export function connectionFailureOf(error: unknown): object | undefined {
  return causes(error).find(isConnectionFailure);
}

function isConnectionFailure(error: object): boolean {
  const e = error as {
    code?: unknown;
    kind?: unknown;
    originalCode?: unknown;
    message?: unknown;
  };
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (CONNECTION_SQLSTATES.has(code) || (code.length === 5 && code.startsWith(CONNECTION_CLASS)))
      return true;
    if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code)) return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  return (
    typeof e.message === 'string' &&
    PG_MESSAGES.some((pattern) => pattern.test(e.message as string))
  );
}

/**
 * The error and what it wraps: `cause` (DriverAdapterError, Error), `originalError`
 * (GraphQLError), Prisma's `meta.driverAdapterError`, and each error of an AggregateError
 * (Node's connect to several addresses).
 */
function causes(error: unknown): object[] {
  const seen = new Set<object>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    const e = next as {
      cause?: unknown;
      originalError?: unknown;
      meta?: { driverAdapterError?: unknown };
      errors?: unknown;
    };
    pending.push(e.cause, e.originalError, e.meta?.driverAdapterError);
    if (Array.isArray(e.errors)) pending.push(...e.errors);
  }
  return [...seen];
}
