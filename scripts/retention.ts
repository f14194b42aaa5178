/**
 * Retention (gallring) by hand, through the same runner the nightly job uses:
 *
 *   npm run retention -- run [--dry-run] [--as-of YYYY-MM-DD] [--batch-size N] [--started-by NAME] [--archive-dir DIR]
 *
 * --archive-dir (default RETENTION_ARCHIVE_DIR): where cases a decision marks for archiving
 * are handed over as packages before they are purged (docs/archive-package.md).
 *   npm run retention -- records [--limit N]
 *   npm run retention -- verify
 *
 * `run` shows a progress bar per record class on a terminal (a line per class otherwise),
 * then prints the purge record as JSON. `verify` checks the purge record's chain of seals
 * (src/retention/verify-record.ts), prints the result as JSON and exits 1 on a problem. A run cut off (Ctrl-C, kill) resumes on the next
 * `run`. Exit codes: 0 done, 1 failed, 64 usage, 75 another run is in progress or a cut-off
 * purge must be finished first, 78 configuration. Needs DATABASE_URL (the owner connection).
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { DatabaseAvailability } from '../src/db/availability.js';
import { createLogger } from '../src/http/logger.js';
import type { Progress } from '../src/retention/context.js';
import { RetentionError, runRetention } from '../src/retention/run.js';
import { verifyPurgeRecord } from '../src/retention/verify-record.js';

const USAGE = `usage: retention.ts run [--dry-run] [--as-of YYYY-MM-DD] [--batch-size N] [--started-by NAME] [--archive-dir DIR]
       retention.ts records [--limit N]
       retention.ts verify\n`;

function usage(message?: string): never {
  if (message) process.stderr.write(`retention.ts: ${message}\n`);
  process.stderr.write(USAGE);
  process.exit(64);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'as-of': { type: 'string' },
      'batch-size': { type: 'string', default: '1000' },
      'started-by': { type: 'string' },
      'archive-dir': { type: 'string' },
      limit: { type: 'string', default: '10' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const [command] = parsed.positionals;
if (command !== 'run' && command !== 'records' && command !== 'verify') usage();

// Only the database is needed: retention runs without the API's keys and settings.
const databaseUrl = process.env.DATABASE_URL;
if (
  !databaseUrl ||
  !URL.canParse(databaseUrl) ||
  !/^postgres(ql)?:$/.test(new URL(databaseUrl).protocol)
) {
  process.stderr.write(
    'retention.ts: set DATABASE_URL to the PostgreSQL database to purge (postgresql://…)\n',
  );
  process.exit(78);
}
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: 3,
  application_name: 'brygga-retention',
});
// A connection the server cuts fails the run's current statement (the run resumes next
// time) instead of ending the process from an 'error' event nobody listens to.
new DatabaseAvailability(() => pool.query('SELECT 1'), createLogger('warn'), 'retention').guard(
  pool,
);

if (command === 'verify') {
  const verification = await verifyPurgeRecord(pool);
  process.stdout.write(`${JSON.stringify(verification, null, 2)}\n`);
  await pool.end();
  process.exit(verification.ok ? 0 : 1);
}

if (command === 'records') {
  const limit = Number(parsed.values.limit);
  if (!Number.isInteger(limit) || limit < 1) usage('--limit must be a positive whole number');
  const { rows } = await pool.query(
    `SELECT r.id, r.mode, to_char(r.as_of, 'YYYY-MM-DD') AS as_of, r.status, r.started_by,
            r.started_by_login, r.started_at, r.finished_at, r.resumed, r.resumed_by, r.error, r.seal,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('recordClass', i.record_class, 'decision', i.decision,
               'purged', i.purged, 'held', i.held, 'keptForResearch', i.kept_for_research, 'rows', i.rows)
               ORDER BY i.record_class), '[]')
             FROM retention_run_item_record i WHERE i.run_id = r.id) AS items
     FROM retention_run_record r ORDER BY r.started_at DESC LIMIT $1`,
    [limit],
  );
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  await pool.end();
  process.exit(0);
}

const batchSize = Number(parsed.values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  usage('--batch-size must be a whole number from 1 to 10000');
}

const archiveDir = parsed.values['archive-dir'] ?? process.env.RETENTION_ARCHIVE_DIR;

// A first Ctrl-C stops between batches (the run resumes later); a second one exits now.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nretention.ts: stopping after the current batch\n');
  });
}

const bars = process.stderr.isTTY
  ? new cliProgress.MultiBar(
      {
        format: '{class} [{bar}] {value}/{total} examined, {purged} purged',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    )
  : null;
const shown = new Map<string, cliProgress.SingleBar>();
const lastLine = new Map<string, string>();
function onProgress(p: Progress): void {
  const payload = { class: p.recordClass.padEnd(16), purged: p.purged };
  if (bars) {
    let bar = shown.get(p.recordClass);
    if (!bar) {
      bar = bars.create(Math.max(p.total, 1), 0, payload);
      shown.set(p.recordClass, bar);
    }
    bar.setTotal(Math.max(p.total, p.examined, 1));
    bar.update(p.examined, payload);
    return;
  }
  const line = `${p.recordClass}: ${p.examined}/${p.total} examined, ${p.purged} purged`;
  if (lastLine.get(p.recordClass) !== line) {
    lastLine.set(p.recordClass, line);
    process.stderr.write(`${line}\n`);
  }
}

try {
  const report = await runRetention(pool, {
    mode: parsed.values['dry-run'] ? 'DRY_RUN' : 'PURGE',
    startedBy: `cli:${parsed.values['started-by'] ?? process.env.USER ?? 'unknown'}`,
    ...(parsed.values['as-of'] === undefined ? {} : { asOf: parsed.values['as-of'] }),
    batchSize,
    ...(archiveDir ? { archiveDir } : {}),
    progress: onProgress,
    shouldStop: () => stopping,
  });
  bars?.stop();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await pool.end();
  process.exit(report.status === 'FAILED' ? 1 : 0);
} catch (error) {
  bars?.stop();
  await pool.end();
  if (error instanceof RetentionError) {
    process.stderr.write(`retention.ts: ${error.code}: ${error.message}\n`);
    process.exit(error.code === 'INVALID_AS_OF' ? 64 : 75);
  }
  throw error;
}
