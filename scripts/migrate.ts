/** Applies prisma/migrations to DATABASE_URL. */
import { migrate } from '../src/db/migrate.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('migrate: set DATABASE_URL to the database to migrate\n');
  process.exit(78);
}
const report = await migrate(url);
process.stdout.write(
  report.applied.length > 0
    ? `applied: ${report.applied.join(', ')}\n`
    : `up to date (${report.alreadyApplied} migrations)\n`,
);
