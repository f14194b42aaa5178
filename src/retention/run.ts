/**
 * A retention run: every class in turn, under one advisory lock so that only one runner
 * works at a time whichever instance, scheduler or CLI starts it. The run's day (asOf) is
 * fixed when it starts; a run cut off (crash, kill, shutdown) stays RUNNING and the next
 * start resumes it with the same day, finding only what is still there to purge: every
 * deletion is counted in the transaction that makes it, so nothing is counted twice.
 */
import type pg from 'pg';
import { type IsoDate, isIsoDate, stockholmDate } from '../domain/calendar.js';
import type { RecordClass } from '../domain/retention/rules.js';
import { type Progress, RunInterrupted, type RunMode, type StepContext } from './context.js';
import { readPolicyBook } from './policies.js';
import type { PurgeStats } from './purge-transaction.js';
import { dropAccessLogMonths } from './steps/access-log.js';
import { purgeCases } from './steps/cases.js';
import { purgeInvoices } from './steps/invoices.js';
import { purgeSystemRecords } from './steps/system-records.js';

/** Key of the session advisory lock held by the one active runner. */
export const RUNNER_LOCK = [730050, 1];

export class RetentionError extends Error {
  constructor(
    readonly code: 'RETENTION_RUN_IN_PROGRESS' | 'RETENTION_RUN_UNFINISHED' | 'INVALID_AS_OF',
    message: string,
  ) {
    super(message);
    this.name = 'RetentionError';
  }
}

export interface RunOptions {
  mode: RunMode;
  /**
   * Who or what starts (or resumes) the run: 'scheduler:<job id>', 'cli:<user>'. The record
   * also names the PostgreSQL login, which the database sets, not the caller.
   */
  startedBy: string;
  /** The day to apply the rules for; default today in Stockholm. Ignored when resuming. */
  asOf?: IsoDate;
  /** The most records one batch may take (cases are batched adaptively up to it). */
  batchSize?: number;
  /** The folder packages for the e-archive are written to (docs/archive-package.md). */
  archiveDir?: string;
  now?: () => Date;
  progress?: (progress: Progress) => void;
  shouldStop?: () => boolean;
}

export interface RunItem {
  recordClass: RecordClass;
  policyId: string | null;
  decision: string;
  purged: number;
  held: number;
  keptForResearch: number;
  rows: Record<string, number>;
  earliest: Date | null;
  latest: Date | null;
}

export interface OrganizationLine {
  organizationId: string;
  recordClass: RecordClass;
  policyId: string | null;
  purged: number;
  held: number;
  keptForResearch: number;
}

export interface RunReport {
  runId: string;
  mode: RunMode;
  asOf: IsoDate;
  status: 'SUCCEEDED' | 'FAILED' | 'INTERRUPTED';
  resumed: number;
  items: RunItem[];
  /** Each organisation's counts: a shared record counts for every organisation it belongs to. */
  organizations: OrganizationLine[];
  /** The packages handed over to the e-archive before purging, by folder name. */
  archivePackages: string[];
  stats: PurgeStats;
  error?: string;
}

/** The steps in order: small caches first, the access log (which may still see cases) last. */
const STEPS: { recordClass: RecordClass; run: (context: StepContext) => Promise<void> }[] = [
  { recordClass: 'REPLAY_CACHE', run: (c) => purgeSystemRecords(c, 'REPLAY_CACHE') },
  { recordClass: 'SESSION', run: (c) => purgeSystemRecords(c, 'SESSION') },
  { recordClass: 'IDENTITY_EVENT', run: (c) => purgeSystemRecords(c, 'IDENTITY_EVENT') },
  { recordClass: 'CASE', run: purgeCases },
  { recordClass: 'INVOICE_BASIS', run: purgeInvoices },
  { recordClass: 'ACCESS_LOG', run: dropAccessLogMonths },
];

export async function runRetention(pool: pg.Pool, options: RunOptions): Promise<RunReport> {
  const now = options.now ?? (() => new Date());
  if (options.asOf !== undefined && !isIsoDate(options.asOf)) {
    throw new RetentionError(
      'INVALID_AS_OF',
      `asOf must be a date YYYY-MM-DD, not '${options.asOf}'`,
    );
  }
  if (options.asOf !== undefined && options.asOf > stockholmDate(now())) {
    throw new RetentionError(
      'INVALID_AS_OF',
      'asOf may not be in the future: nothing is purged ahead of its time',
    );
  }
  const lockHolder = await pool.connect();
  try {
    const { rows } = await lockHolder.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      RUNNER_LOCK,
    );
    if (!rows[0]?.locked) {
      throw new RetentionError('RETENTION_RUN_IN_PROGRESS', 'another retention run is in progress');
    }
    try {
      return await runLocked(pool, options, now);
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1, $2)', RUNNER_LOCK);
    }
  } finally {
    lockHolder.release();
  }
}

async function runLocked(pool: pg.Pool, options: RunOptions, now: () => Date): Promise<RunReport> {
  const run = await startOrResume(pool, options, now);
  const stats: PurgeStats = { batches: 0, longestTransactionMs: 0, lastTransactionMs: 0 };
  const context: StepContext = {
    pool,
    runId: run.id,
    mode: run.mode,
    asOf: run.asOf,
    book: await readPolicyBook(pool),
    batchSize: options.batchSize ?? 1000,
    archiveDir: options.archiveDir ?? null,
    stats,
    progress: options.progress ?? (() => undefined),
    shouldStop: options.shouldStop ?? (() => false),
  };
  let status: RunReport['status'] = 'SUCCEEDED';
  let error: string | undefined;
  try {
    for (const step of STEPS) await step.run(context);
    await endRun(pool, run.id, 'SUCCEEDED', options.startedBy);
  } catch (caught) {
    if (caught instanceof RunInterrupted) {
      status = 'INTERRUPTED';
    } else {
      status = 'FAILED';
      error = caught instanceof Error ? caught.message : String(caught);
      await endRun(pool, run.id, 'FAILED', options.startedBy, error);
    }
  }
  return {
    runId: run.id,
    mode: run.mode,
    asOf: run.asOf,
    status,
    resumed: run.resumed,
    items: await readItems(pool, run.id),
    organizations: await readOrganizationLines(pool, run.id),
    archivePackages: (
      await pool.query<{ name: string }>(
        'SELECT name FROM retention_archive_package WHERE run_id = $1 ORDER BY seq',
        [run.id],
      )
    ).rows.map((r) => r.name),
    stats,
    ...(error === undefined ? {} : { error }),
  };
}

interface RunRow {
  id: string;
  mode: RunMode;
  asOf: IsoDate;
  resumed: number;
}

/**
 * Appends a run's ending to the record; the database seals it onto the chain of endings
 * (migration 20261203126200) and refuses anything appended to the run afterwards.
 */
async function endRun(
  pool: pg.Pool,
  runId: string,
  kind: 'SUCCEEDED' | 'FAILED' | 'ABANDONED',
  actor: string,
  error?: string,
): Promise<void> {
  await pool.query(
    'INSERT INTO retention_run_event (run_id, kind, actor, login, error) VALUES ($1, $2, $3, session_user, $4)',
    [runId, kind, actor, error ?? null],
  );
}

async function startOrResume(pool: pg.Pool, options: RunOptions, now: () => Date): Promise<RunRow> {
  const { rows } = await pool.query<{ id: string; mode: RunMode; as_of: string; resumed: number }>(
    `SELECT id, mode, to_char(as_of, 'YYYY-MM-DD') AS as_of, resumed FROM retention_run_record WHERE status = 'RUNNING'`,
  );
  const unfinished = rows[0];
  if (unfinished) {
    if (unfinished.mode === options.mode) {
      // Every resumer is named: as it calls itself and as the login the database saw.
      await pool.query(
        `INSERT INTO retention_run_event (run_id, kind, actor, login) VALUES ($1, 'RESUMED', $2, session_user)`,
        [unfinished.id, options.startedBy],
      );
      return {
        id: unfinished.id,
        mode: unfinished.mode,
        asOf: unfinished.as_of,
        resumed: unfinished.resumed + 1,
      };
    }
    if (unfinished.mode === 'PURGE') {
      throw new RetentionError(
        'RETENTION_RUN_UNFINISHED',
        `purge run ${unfinished.id} was cut off; run a purge to finish it before a dry run`,
      );
    }
    // A dry run cut off has nothing to finish: it is closed and a new run starts.
    await endRun(
      pool,
      unfinished.id,
      'ABANDONED',
      options.startedBy,
      'abandoned: a purge run started',
    );
  }
  const asOf = options.asOf ?? stockholmDate(now());
  const inserted = await pool.query<{ id: string }>(
    `INSERT INTO retention_run (mode, as_of, started_by, started_by_login) VALUES ($1, $2::date, $3, session_user) RETURNING id`,
    [options.mode, asOf, options.startedBy],
  );
  return { id: inserted.rows[0]?.id as string, mode: options.mode, asOf, resumed: 0 };
}

export async function readItems(db: pg.Pool | pg.ClientBase, runId: string): Promise<RunItem[]> {
  const { rows } = await db.query<{
    record_class: RecordClass;
    policy_id: string | null;
    decision: string;
    purged: string;
    held: string;
    kept_for_research: string;
    rows: Record<string, number>;
    earliest: Date | null;
    latest: Date | null;
  }>(
    `SELECT record_class, policy_id, decision, purged, held, kept_for_research, rows, earliest, latest
     FROM retention_run_item_record WHERE run_id = $1 ORDER BY record_class, decision`,
    [runId],
  );
  return rows.map((r) => ({
    recordClass: r.record_class,
    policyId: r.policy_id,
    decision: r.decision,
    purged: Number(r.purged),
    held: Number(r.held),
    keptForResearch: Number(r.kept_for_research),
    rows: r.rows,
    earliest: r.earliest,
    latest: r.latest,
  }));
}

export async function readOrganizationLines(
  db: pg.Pool | pg.ClientBase,
  runId: string,
): Promise<OrganizationLine[]> {
  const { rows } = await db.query<{
    organization_id: string;
    record_class: RecordClass;
    policy_id: string | null;
    purged: string;
    held: string;
    kept_for_research: string;
  }>(
    `SELECT organization_id, record_class, policy_id, purged, held, kept_for_research
     FROM retention_run_organization_record WHERE run_id = $1
     ORDER BY organization_id, record_class, policy_id`,
    [runId],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    recordClass: r.record_class,
    policyId: r.policy_id,
    purged: Number(r.purged),
    held: Number(r.held),
    keptForResearch: Number(r.kept_for_research),
  }));
}
