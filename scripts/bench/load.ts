import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';
import { graphqlError, summarize } from './load-results.js';
import { pacedLoad } from './paced-load.js';

/**
 * One measured run with autocannon (at a fixed rate, paced-load.ts): requests/s, latency
 * percentiles computed from every response time (autocannon's own summary has no p95), and
 * a count of GraphQL error responses, which arrive with status 200 and would otherwise pass
 * for successes.
 */
export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  graphqlErrors: number;
}

export interface RequestSpec {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /**
   * Called per request with the connection's own context object (kept across the
   * connection's requests); returns the body (and optionally headers) to send.
   */
  next: (context: Record<string, unknown>) => { body: string; headers?: Record<string, string> };
  /** Sees each response; return true when it counts as an error (default: GraphQL errors). */
  isError?: (
    status: number,
    body: string,
    headers: IncomingHttpHeaders,
    context: Record<string, unknown>,
  ) => boolean;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  amount?: number;
  /**
   * Requests per second over all connections, evenly spaced (an open model, paced-load.ts);
   * unset: as fast as each connection gets its answers (autocannon).
   */
  overallRate?: number;
  /** Several requests in sequence per connection, e.g. a login and then a token refresh. */
  requests: RequestSpec[];
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.overallRate) return pacedLoad({ ...options, overallRate: options.overallRate });
  let graphqlErrors = 0;
  const times: number[] = [];
  let settle: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const opts: autocannon.Options = {
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 15 }),
    timeout: 30,
    requests: options.requests.map((spec) => ({
      method: spec.method ?? 'POST',
      path: spec.path,
      setupRequest: (request: autocannon.Request, context: object) => {
        const { body, headers } = spec.next(context as Record<string, unknown>);
        return {
          ...request,
          body,
          headers: { ...request.headers, ...spec.headers, ...headers },
        } as autocannon.Request;
      },
      onResponse: (
        status: number,
        body: string,
        context: object,
        headers: IncomingHttpHeaders | undefined,
      ) => {
        const isError = spec.isError ?? graphqlError;
        if (isError(status, body, headers ?? {}, context as Record<string, unknown>)) {
          graphqlErrors += 1;
        }
      },
    })),
  };
  const instance = autocannon(opts, (error, result) => (error ? fail(error) : settle(result)));
  // The client, status, bytes, then the response time in ms.
  instance.on('response', (...args: unknown[]) => {
    times.push(args[3] as number);
  });
  const result = await finished;
  return summarize(
    times,
    result.duration,
    { non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, graphqlErrors },
    // autocannon's count: the requests answered within the run.
    result.requests.total,
  );
}
