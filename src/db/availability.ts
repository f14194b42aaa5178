import type pg from 'pg';
import {
  databaseAvailable,
  databaseConnectionLost,
  databaseConnectionRestored,
} from '../metrics/registry.js';
import { connectionFailureOf, isConnectionError } from './connection-errors.js';

/** What availability logs through (src/http/logger.ts fits). */
export interface AvailabilityLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface AvailabilityCounts {
  /** Times the database was found lost, and found back, since the start. */
  lost: number;
  restored: number;
}

/** Backoff of the probe while the database is away: 100 ms doubling to 5 s, with jitter. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/**
 * Whether this process can reach its database, learned from what its connections report.
 * The one place that owns database faults:
 * - `guard(pool)` gives the pool and every connection it opens an 'error' listener. node-
 *   postgres emits 'error' on a client whose connection the server ended (a terminated
 *   backend, a restart, a failover); on a checked-out client without a listener that
 *   ends the process. A client that reported an error is no longer queryable, so the pool
 *   destroys it when it is released instead of handing it out again.
 * - A connection-class error (connection-errors.ts) marks the database lost, logs it once,
 *   and starts a probe with backoff; the first probe that succeeds marks it restored. New
 *   connections are opened by the pools on demand, so requests recover by themselves; the
 *   probe is what tells /readyz and the operator that they can.
 * No log line carries query text, parameters or rows: only codes and the server's message.
 */
export class DatabaseAvailability {
  private lostAt: number | null = null;
  private attempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly counts: AvailabilityCounts = { lost: 0, restored: 0 };

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: AvailabilityLog,
    private readonly name: string,
  ) {
    databaseAvailable.set({ pool: name }, 1);
  }

  /** False from a lost connection until a probe reached the database again. */
  get available(): boolean {
    return this.lostAt === null;
  }

  get stats(): AvailabilityCounts {
    return { ...this.counts };
  }

  /** Listens for 'error' on the pool and on each connection it opens. */
  guard(pool: pg.Pool): void {
    pool.on('error', (error) => this.report(error, 'idle connection'));
    pool.on('connect', (client) => {
      client.on('error', (error) => this.report(error, 'connection'));
    });
  }

  /**
   * Tells availability about an error a query or a connection met; anything that is not a
   * connection failure is ignored here (it is the request's business).
   */
  report(error: unknown, where = 'query'): void {
    if (this.closed || !isConnectionError(error)) return;
    if (this.lostAt !== null) return;
    this.lostAt = Date.now();
    this.attempts = 0;
    this.counts.lost += 1;
    databaseConnectionLost.inc({ pool: this.name });
    databaseAvailable.set({ pool: this.name }, 0);
    this.log.warn('database connection lost', {
      pool: this.name,
      where,
      ...describe(error),
    });
    this.scheduleProbe();
  }

  /** Stops probing; reports after this are ignored (the pool is being closed on purpose). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scheduleProbe(): void {
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempts);
    const delay = Math.ceil(ceiling * (0.5 + Math.random() / 2));
    this.timer = setTimeout(() => void this.runProbe(), delay);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    this.attempts += 1;
    try {
      await this.probe();
    } catch {
      // The readiness check may have found the database back meanwhile.
      if (!this.closed && this.lostAt !== null) this.scheduleProbe();
      return;
    }
    this.restored('probe');
  }

  /**
   * A query on this pool just succeeded (the readiness check's): the database is back even
   * if the probe's next attempt is seconds away, so /readyz never says ready while
   * `available` still says lost.
   */
  reached(): void {
    if (this.lostAt === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.restored('readiness');
  }

  private restored(by: string): void {
    if (this.closed || this.lostAt === null) return;
    const unavailableMs = Date.now() - this.lostAt;
    this.lostAt = null;
    this.counts.restored += 1;
    databaseConnectionRestored.inc({ pool: this.name });
    databaseAvailable.set({ pool: this.name }, 1);
    this.log.info('database connection restored', {
      pool: this.name,
      unavailableMs,
      attempts: this.attempts,
      by,
    });
  }
}

/**
 * The failure's code and the driver's or server's message, never a query or its
 * parameters: Prisma's own messages can quote the call's arguments, so of a Prisma error
 * only the code is kept.
 */
function describe(error: unknown): Record<string, unknown> {
  const failure = connectionFailureOf(error) as
    | { code?: unknown; kind?: unknown; message?: unknown }
    | undefined;
  const prisma = failure?.constructor.name.startsWith('PrismaClient') ?? false;
  return {
    code: typeof failure?.code === 'string' ? failure.code : undefined,
    kind: typeof failure?.kind === 'string' ? failure.kind : undefined,
    reason: !prisma && typeof failure?.message === 'string' ? failure.message : undefined,
  };
}
