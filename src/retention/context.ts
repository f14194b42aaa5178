import type pg from 'pg';
import type { IsoDate } from '../domain/calendar.js';
import type { RecordClass } from '../domain/retention/rules.js';
import type { PolicyBook } from './policies.js';
import type { PurgeStats } from './purge-transaction.js';

export type RunMode = 'PURGE' | 'DRY_RUN';

export interface Progress {
  recordClass: RecordClass;
  /** Records examined so far in this pass, of `total` (an upper bound where counting exactly costs a pass). */
  examined: number;
  total: number;
  purged: number;
}

/** What every step of a run gets: the run, its fixed day, the policies read at start. */
export interface StepContext {
  /** Connects as the database owner; purge batches switch to the purge role. */
  pool: pg.Pool;
  runId: string;
  mode: RunMode;
  asOf: IsoDate;
  book: PolicyBook;
  batchSize: number;
  /** Where packages for the e-archive are written; null: cases to be archived are not purged. */
  archiveDir: string | null;
  stats: PurgeStats;
  progress: (progress: Progress) => void;
  /** Checked between batches: a stopping process ends the run cleanly, to be resumed. */
  shouldStop: () => boolean;
}

/** Thrown between batches when the process is stopping; the run stays RUNNING and resumes. */
export class RunInterrupted extends Error {
  constructor() {
    super('retention run interrupted; it resumes on the next start');
    this.name = 'RunInterrupted';
  }
}

export function checkpoint(context: StepContext): void {
  if (context.shouldStop()) throw new RunInterrupted();
}
