import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { registry } from './registry.js';

/**
 * GET /metrics in Prometheus' text format, on a listener of its own (METRICS_PORT, on
 * METRICS_HOST, loopback unless set): the metrics name IdPs, operations and volumes,
 * which the public port has no reason to tell anyone. Off unless METRICS_PORT is set.
 *
 * Under node:cluster (API_PROCESSES > 1) the primary serves it and sums the workers'
 * registries (prom-client's AggregatorRegistry asks each worker over IPC); the workers
 * open no listener of their own.
 */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** In a cluster worker: answer the primary's requests for this process's registry. */
export function shareMetricsWithPrimary(): void {
  // Constructing one is what makes prom-client answer the primary's requests in a worker.
  new client.AggregatorRegistry();
  client.AggregatorRegistry.setRegistries([registry]);
}

export async function startMetricsServer(options: {
  host: string;
  port: number;
  /** Sum the cluster workers' metrics instead of serving this process's own. */
  cluster?: boolean;
}): Promise<MetricsServer> {
  const aggregator = options.cluster && cluster.isPrimary ? new client.AggregatorRegistry() : null;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const metrics = aggregator ? aggregator.clusterMetrics() : registry.metrics();
    metrics.then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      },
      (error: unknown) => {
        process.stderr.write(`brygga: metrics unavailable: ${String(error)}\n`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
