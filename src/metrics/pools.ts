import type pg from 'pg';
import client from 'prom-client';
import { registry } from './registry.js';

/**
 * Database pool use, read from the pools at each scrape: connections open, idle and
 * requests waiting for one, per pool (api, scheduler, scheduler-jobs). connectDatabase
 * and the scheduler register their pools here and remove them when they close them.
 */
const pools = new Map<string, Set<pg.Pool>>();

export function watchPool(name: string, pool: pg.Pool): () => void {
  const set = pools.get(name) ?? new Set<pg.Pool>();
  pools.set(name, set);
  set.add(pool);
  return () => set.delete(pool);
}

const sum = (name: string, of: (pool: pg.Pool) => number) =>
  [...(pools.get(name) ?? [])].reduce((total, pool) => total + of(pool), 0);

function poolGauge(metric: string, help: string, of: (pool: pg.Pool) => number) {
  return new client.Gauge({
    name: metric,
    help,
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const name of pools.keys()) this.set({ pool: name }, sum(name, of));
    },
  });
}

poolGauge('brygga_db_pool_connections', 'Connections open, per pool', (p) => p.totalCount);
poolGauge(
  'brygga_db_pool_idle_connections',
  'Connections open and idle, per pool',
  (p) => p.idleCount,
);
poolGauge(
  'brygga_db_pool_waiting_requests',
  'Queries waiting for a free connection, per pool',
  (p) => p.waitingCount,
);
poolGauge(
  'brygga_db_pool_max_connections',
  'Connections a pool may open',
  (p) => p.options.max ?? 10,
);
