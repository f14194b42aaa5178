/** The outbox's defaults, shared by the configuration (src/config.ts) and the scheduler. */
export const NOTIFICATION_DEFAULTS = {
  /** Ten minutes: a busy unit hears at most six times an hour, and a quiet one at once. */
  coalesceSeconds: 600,
  /** graphile-worker waits e^n seconds after the n-th failure: eight attempts span about half an hour. */
  maxAttempts: 8,
} as const;
