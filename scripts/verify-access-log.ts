/**
 * Verifies the PDL access log's hash chains: every monthly partition from its genesis to
 * its last row, and each sealed month's final hash. Prints "ok" with counts and exits 0,
 * or the first broken link and exits 1. Connects with DATABASE_URL as the API role (which
 * may read the log), so it needs no more rights than the API has.
 *
 *   DATABASE_URL=postgresql://… npx tsx scripts/verify-access-log.ts [--json]
 */
import pg from 'pg';
import { verifyAccessLog } from '../src/audit/verify.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('verify-access-log: set DATABASE_URL to the database to verify\n');
  process.exit(78);
}
const role = process.env.DATABASE_APP_ROLE ?? 'brygga_app';
const client = new pg.Client({ connectionString: url, options: `-c role=${role} -c timezone=UTC` });
await client.connect();
try {
  const report = await verifyAccessLog(client);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.ok) {
    process.stdout.write(
      `ok: ${report.rows} rows in ${report.partitions.length} partitions` +
        (report.sealedAndDropped.length
          ? `; sealed and dropped: ${report.sealedAndDropped.join(', ')}`
          : '') +
        (report.detachPending.length
          ? `; sealed, detach pending (a cut-off retention run; the next run drops them): ${report.detachPending.join(', ')}`
          : '') +
        '\n',
    );
    for (const p of report.partitions) {
      process.stdout.write(
        `  ${p.month}: ${p.rows} rows, last ${p.lastHash}${p.sealed ? ' (sealed)' : ''}\n`,
      );
    }
  } else {
    const b = report.broken!;
    process.stdout.write(
      `BROKEN: ${b.problem} in ${b.partition} at position ${b.chainPosition}` +
        `${b.rowId ? ` (row ${b.rowId})` : ''}\n  expected ${b.expected}\n  found    ${b.found}\n`,
    );
  }
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await client.end();
}
