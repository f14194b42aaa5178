import { migrate } from '../../src/db/migrate.js';
import { seedDemoRegion } from '../../src/db/seed/demo-region.js';
import { databaseUrl, withAdmin } from './database.js';

/**
 * Builds the template database every integration test file clones: migrated and seeded
 * with the demo region. Its name carries this run's process id so that two test runs on
 * one PostgreSQL (two developers, CI and a developer) never drop each other's template.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = `brygga_tpl_${process.pid}`;
  process.env.BRYGGA_TEST_TEMPLATE = template;
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const url = databaseUrl(template);
  await migrate(url);
  await seedDemoRegion(url);
  return async () => {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  };
}
