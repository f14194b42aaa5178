import client from 'prom-client';

/**
 * Brygga's Prometheus metrics (prom-client), one registry per process, served by
 * src/metrics/server.ts on METRICS_PORT. Labels are bounded sets (operation names are
 * capped, codes come from src/graphql/error-codes.ts, IdP slugs and job names from the
 * database and the task list): no label ever carries a patient, a person or a request's
 * arguments. docs/operations.md lists every metric with the alerts built on them.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'brygga_' });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new client.Counter({
  name: 'brygga_http_requests_total',
  help: 'Requests answered, by operation (GraphQL operation name or route) and outcome (ok, an error code, or http_<status>)',
  labelNames: ['operation', 'outcome'] as const,
  registers: [registry],
});

export const httpRequestDuration = new client.Histogram({
  name: 'brygga_http_request_duration_seconds',
  help: 'Time from a request arriving to its response ending, by operation',
  labelNames: ['operation'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const accessLogAppendDuration = new client.Histogram({
  name: 'brygga_access_log_append_duration_seconds',
  help: 'Time of one access-log append (one statement, chain lock included), by outcome (ok, failed)',
  labelNames: ['outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const queryPlans = new client.Counter({
  name: 'brygga_graphql_query_plans_total',
  help: 'Prisma query plans of a field, by outcome: kept (a kept plan played), planned (planned and kept), not_kept (its functions read what cannot be recorded), unavailable (plugin-prisma without the patch); src/graphql/plan-cache.ts',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const idleScavenges = new client.Counter({
  name: 'brygga_idle_scavenges_total',
  help: 'Young-generation collections the API started while no request was running (their pauses are in brygga_nodejs_gc_duration_seconds{kind="minor"}); src/idle-scavenge.ts',
  registers: [registry],
});

export const compiledReadFallbacks = new client.Counter({
  name: 'brygga_compiled_read_fallbacks_total',
  help: 'Reads the compiled path left to Prisma (their arguments ask what it does not compile), by model; src/db/compiled-read/',
  labelNames: ['model'] as const,
  registers: [registry],
});

export const accessLogAppendFailures = new client.Counter({
  name: 'brygga_access_log_append_failures_total',
  help: 'Access-log appends that failed (the request answered ACCESS_LOG_UNAVAILABLE or its command rolled back)',
  registers: [registry],
});

export const accessLogCommandAnswerBeyondRow = new client.Counter({
  name: 'brygga_access_log_command_answer_beyond_row_total',
  help: 'READ rows written for what a command’s answer read beyond the command’s own row, which names what the answer was worked out to read (should stay 0; src/audit/README.md)',
  registers: [registry],
});

export const databaseConnectionLost = new client.Counter({
  name: 'brygga_db_connection_lost_total',
  help: 'Times a pool found the database lost (src/db/availability.ts)',
  labelNames: ['pool'] as const,
  registers: [registry],
});

export const databaseConnectionRestored = new client.Counter({
  name: 'brygga_db_connection_restored_total',
  help: 'Times a pool found the database back after a loss',
  labelNames: ['pool'] as const,
  registers: [registry],
});

export const databaseAvailable = new client.Gauge({
  name: 'brygga_db_available',
  help: '1 while the pool reaches its database, 0 from a lost connection until a probe succeeds',
  labelNames: ['pool'] as const,
  aggregator: 'min',
  registers: [registry],
});

export const samlLogins = new client.Counter({
  name: 'brygga_saml_logins_total',
  help: 'SAML logins completed at our ACS, by IdP slug and outcome (success, or the refusal code)',
  labelNames: ['idp', 'outcome'] as const,
  registers: [registry],
});

export const metadataRefreshFailures = new client.Counter({
  name: 'brygga_idp_metadata_refresh_failures_total',
  help: 'Scheduled IdP metadata refreshes that failed (the IdP keeps its current certificates)',
  labelNames: ['idp'] as const,
  registers: [registry],
});

export const jobRuns = new client.Counter({
  name: 'brygga_job_runs_total',
  help: 'Scheduled job runs in this process, by job and outcome (success, failure)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new client.Histogram({
  name: 'brygga_job_duration_seconds',
  help: 'Duration of scheduled job runs, by job',
  labelNames: ['job'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [registry],
});

export const jobLastSuccess = new client.Gauge({
  name: 'brygga_job_last_success_timestamp_seconds',
  help: 'When each job last succeeded in this process (Unix time)',
  labelNames: ['job'] as const,
  aggregator: 'max',
  registers: [registry],
});

export const notificationAttempts = new client.Counter({
  name: 'brygga_notification_attempts_total',
  help: 'Notification sends (e-mail, SMS) attempted, by channel and outcome: sent, failed (tried again later), abandoned (the last attempt failed), cancelled (the subscription ended first)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

/** Runs a scheduled job's body and counts it; the body's result or error passes through. */
export async function countedJob<T>(job: string, body: () => Promise<T>): Promise<T> {
  const end = jobDuration.startTimer({ job });
  try {
    const result = await body();
    jobRuns.inc({ job, outcome: 'success' });
    jobLastSuccess.set({ job }, Date.now() / 1000);
    return result;
  } catch (error) {
    jobRuns.inc({ job, outcome: 'failure' });
    throw error;
  } finally {
    end();
  }
}

/** Operation label values kept; beyond them `other`, so a client cannot grow the series. */
const MAX_OPERATIONS = 200;
const operations = new Set<string>();

export function operationLabel(name: string): string {
  if (operations.has(name)) return name;
  if (operations.size >= MAX_OPERATIONS) return 'other';
  operations.add(name);
  return name;
}

export const subscriptionSockets = new client.Gauge({
  name: 'brygga_subscription_sockets',
  help: 'Open, signed-in subscription sockets (graphql-ws) of this process',
  registers: [registry],
});

export const subscriptionDeliveriesAwaitingLog = new client.Gauge({
  name: 'brygga_subscription_deliveries_awaiting_log',
  help: 'Subscription payloads executed and held until their access-log rows are written (queued for the next batch or in the one being written)',
  registers: [registry],
});

export const subscriptionDeliveries = new client.Counter({
  name: 'brygga_subscription_deliveries_total',
  help: 'Subscription payloads sent, by outcome (ok, error, ACCESS_LOG_UNAVAILABLE)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
