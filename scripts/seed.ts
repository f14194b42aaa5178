/** Seeds the demo region into DATABASE_URL (which must be migrated and empty). */
import { seedDemoRegion } from '../src/db/seed/demo-region.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('seed: set DATABASE_URL to a migrated, empty database\n');
  process.exit(78);
}
const result = await seedDemoRegion(url, { onlyIfEmpty: true });
process.stdout.write(
  result ? `seeded ${result.cases} cases\n` : 'the database already has data; nothing seeded\n',
);
