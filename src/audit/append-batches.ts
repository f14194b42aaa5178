import {
  type AccessLogEntry,
  type AccessRequest,
  accessLogEntries,
  actingFor,
  appendEntries,
  type Queryable,
  type WrittenAccess,
} from './writer.js';

interface Waiting {
  request: AccessRequest;
  accesses: readonly WrittenAccess[];
  written: () => void;
  failed: (error: unknown) => void;
}

/**
 * Access-log appends of many small requests written together (group commit): while one
 * statement is in flight, the requests that arrive wait and then go in the next, all of
 * them in one access_log_append call (one chain lock, one row per access as when each
 * wrote its own). Live delivery needs it: one committed event wakes every subscriber of
 * the case's units, and a thousand appends one after another behind the month's chain
 * lock take longer than the second until the next event. Reads over HTTP use it too
 * (plugin.ts): a call's fixed part (the chain lock, the head read, the commit) is most of
 * what a one-row append costs the database, and concurrent requests share it.
 *
 * A request's promise resolves once its rows are committed and rejects when they are
 * not; every request of a failed statement is rejected, so each caller fails closed as
 * it would alone. A request that cannot be logged at all (no principal acting in a
 * commission) is rejected at once, by itself, and does not hold up the others.
 */
export class AccessLogAppendBatches {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly db: Queryable,
    private readonly lockWaitMs: number | null,
    private readonly options: {
      /** Rows per statement at most: a bound on the statement's size and lock hold. */
      maxRows?: number;
      /** The rows' time, taken once per statement: every row of a call has its time. */
      now?: () => Date;
    } = {},
  ) {}

  /** Resolves when the request's rows are committed; rejects when they are not. */
  append(request: AccessRequest, accesses: readonly WrittenAccess[]): Promise<void> {
    if (accesses.length === 0) return Promise.resolve();
    try {
      actingFor(request);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((written, failed) => {
      this.queue.push({ request, accesses, written, failed });
      if (!this.flushing) {
        this.flushing = true;
        // After the current turn: the deliveries and requests finished in it join the
        // first statement.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeNext();
    } finally {
      this.flushing = false;
    }
  }

  private async writeNext(): Promise<void> {
    const at = this.options.now?.() ?? new Date();
    const maxRows = this.options.maxRows ?? 2_000;
    const members: Waiting[] = [];
    const entries: AccessLogEntry[] = [];
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (members.length > 0 && entries.length + next.accesses.length > maxRows) break;
      this.queue.shift();
      // Cannot throw: append() let in only requests with a principal acting in a commission.
      entries.push(...accessLogEntries(next.request, next.accesses, at));
      members.push(next);
    }
    try {
      await appendEntries(this.db, entries, at, this.lockWaitMs);
    } catch (error) {
      for (const member of members) member.failed(error);
      return;
    }
    for (const member of members) member.written();
  }
}
