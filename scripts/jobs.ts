/**
 * Runs a scheduled job once, now, through the job queue (graphile-worker), e.g.
 *   npx tsx scripts/jobs.ts monthly-invoicing 2026-10
 * Without a month the month before today (Stockholm) is drafted. Needs DATABASE_URL (the
 * owner connection: the queue schema is created on first use).
 */
import { loadConfig } from '../src/config.js';
import { runJobNow } from '../src/jobs/scheduler.js';
import { isJobName, JOBS } from '../src/jobs/tasks.js';

const [name, month] = process.argv.slice(2);
if (name === undefined || !isJobName(name)) {
  process.stderr.write(`usage: jobs.ts <${Object.keys(JOBS).join('|')}> [YYYY-MM]\n`);
  process.exit(64);
}
const config = loadConfig();
if (!config.DATABASE_URL) {
  process.stderr.write('jobs.ts: set DATABASE_URL to the database to run the job against\n');
  process.exit(78);
}
await runJobNow(
  {
    DATABASE_URL: config.DATABASE_URL,
    DATABASE_APP_ROLE: config.DATABASE_APP_ROLE,
    LOG_LEVEL: config.LOG_LEVEL,
  },
  name,
  month === undefined ? {} : { month },
);
process.stderr.write(`jobs.ts: ${name} ${month ?? '(previous month)'} done; see table job_run\n`);
