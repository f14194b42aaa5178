import type { AccessRecord, AccessRecorder } from './access-recorder.js';
import { type CollectedAccess, RequestAccessLog } from './request-access-log.js';
import { type AccessRequest, appendAccesses, type Queryable } from './writer.js';

/** A command's access-log rows could not be written; its transaction was rolled back. */
export class AccessLogUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the access log could not be written; the command was rolled back', { cause });
    this.name = 'AccessLogUnavailableError';
  }
}

/**
 * The access log of one command, written inside the command's transaction (ARCHITECTURE
 * invariant 1: no change to patient data commits without its log row, and no log row
 * without the change). `append` is the transaction's last statement, so the month's
 * chain lock is held only until the commit that follows it; `committed` is called once
 * the transaction has committed, so the request's own read rows leave out what the
 * command's row already says (RequestAccessLog.collected).
 *
 * If the append fails, the request is marked to fail closed (the plugin answers
 * ACCESS_LOG_UNAVAILABLE, HTTP 503) and AccessLogUnavailableError rolls the transaction back.
 */
export class CommandAccessLog {
  private pending: CollectedAccess[] = [];

  constructor(
    private readonly log: AccessRecorder,
    private readonly request: AccessRequest,
    private readonly now: () => Date,
    private readonly lockWaitMs: number,
  ) {}

  async append(tx: Queryable, records: readonly AccessRecord[]): Promise<void> {
    const log = this.log;
    if (!(log instanceof RequestAccessLog)) {
      throw new AccessLogUnavailableError(new Error('ctx.access is not the request access log'));
    }
    const rows = RequestAccessLog.fold(records);
    try {
      await appendAccesses(tx, this.request, rows, this.now(), this.lockWaitMs);
    } catch (error) {
      log.commandLogUnavailable(error);
      throw new AccessLogUnavailableError(error);
    }
    this.pending = rows;
  }

  committed(): void {
    if (this.log instanceof RequestAccessLog) this.log.committedByCommand(this.pending);
    this.pending = [];
  }
}
