/**
 * Why the server closed a subscription socket: WebSocket close codes in the 4000–4999
 * range applications may use, next to graphql-ws's own (4400 bad request, 4401 before
 * acknowledgement, 4403 forbidden, 4500 internal). A client that sees 4440 or 4401 signs in
 * again; one that sees 4441 reconnects with a fresh access token.
 */
export const CLOSE = {
  /** connection_init without an access token, or with one that is not valid. */
  UNAUTHORIZED: { code: 4401, reason: 'Unauthorized' },
  /** A valid token without an acting commission for a unit Brygga knows. */
  NO_ACTING_UNIT: { code: 4403, reason: 'Forbidden: no acting unit' },
  /** The session behind the token was revoked or ended (signed out, admin revocation). */
  SESSION_ENDED: { code: 4440, reason: 'Session ended' },
  /** The access token expired: reconnect with a fresh one (POST /auth/refresh). */
  TOKEN_EXPIRED: { code: 4441, reason: 'Access token expired' },
  /** The server is stopping: reconnect (to another process). */
  GOING_AWAY: { code: 1001, reason: 'Server stopping' },
} as const;
