import http from 'node:http';
import type { LoadOptions, LoadResult } from './load.js';
import { graphqlError, summarize } from './load-results.js';

/**
 * A fixed request rate as an open model: request i is due at start + i / rate, sent then on
 * a free keep-alive connection, and its latency is counted from when it was due. This is
 * what "the API at a fixed load" means, and what autocannon's `overallRate` does not do:
 * autocannon lets each connection send its share of a second's requests as fast as it can
 * at the start of every second and then wait for the next, so the server gets one burst a
 * second and the p99 measured is the time to clear that burst (with 32 connections at 57
 * requests a second, 32 requests arrive at once). Paced, the same 57 arrive 17.5 ms apart.
 *
 * A request that finds every connection busy waits for one (node's agent queues it); that
 * wait is part of its latency, as it would be for a client, so a server that falls behind
 * shows it in the percentiles rather than by quietly being offered less (no coordinated
 * omission). Requests due within `duration` are sent; the run then waits for the last
 * answers (up to 30 s each). One request kind only; `next` gets a fresh context per request.
 */
export async function pacedLoad(
  options: LoadOptions & { overallRate: number },
): Promise<LoadResult> {
  const [spec, ...more] = options.requests;
  if (!spec || more.length > 0) throw new Error('a paced run sends one kind of request');
  const seconds = options.duration ?? 15;
  const target = new URL(spec.path, options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const isError = spec.isError ?? graphqlError;
  const times: number[] = [];
  const counts = { non2xx: 0, errors: 0, timeouts: 0, graphqlErrors: 0 };
  const interval = 1000 / options.overallRate;
  const total = Math.floor(seconds * options.overallRate);
  const answers: Promise<void>[] = [];

  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const { body, headers } = spec.next({});
      let timedOut = false;
      const request = http.request(
        target,
        {
          agent,
          method: spec.method ?? 'POST',
          headers: { ...spec.headers, ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          // A connection lost mid-answer: the answer ends in an error, never in 'end'.
          response.on('error', () => {
            counts.errors += 1;
          });
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            times.push(performance.now() - due);
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status >= 300) counts.non2xx += 1;
            else if (isError(status, text, response.headers, {})) counts.graphqlErrors += 1;
          });
        },
      );
      request.on('timeout', () => {
        timedOut = true;
        request.destroy();
      });
      request.on('error', () => {
        if (timedOut) counts.timeouts += 1;
        else counts.errors += 1;
      });
      // After the answer, or after an error or timeout: each request settles once.
      request.on('close', resolve);
      request.end(body);
    });

  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      // Everything due by now goes out, so a late timer does not lower the rate.
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        answers.push(send(start + sent * interval));
        sent += 1;
      }
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(answers);
  agent.destroy();
  return summarize(times, seconds, counts);
}
