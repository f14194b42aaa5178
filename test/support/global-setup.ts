import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { seedDemoRegion } from '../../src/db/seed/demo-region.js';
import { databaseUrl, withAdmin } from './database.js';
import { patientDataIn } from './patient-data-in-logs.js';

/**
 * Builds the template database every integration test file clones: migrated and seeded
 * with the demo region. Its name carries this run's process id so that two test runs on
 * one PostgreSQL (two developers, CI and a developer) never drop each other's template.
 *
 * Also the whole suite's log check (issue 19): every test process keeps its output in a
 * folder of this run (log-capture.ts); when the run ends, the folder is searched for
 * anything of a patient (patient-data-in-logs.ts). A find fails the run (exit code 1)
 * and names the file and line.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = `brygga_tpl_${process.pid}`;
  process.env.BRYGGA_TEST_TEMPLATE = template;
  const logs = join(tmpdir(), `brygga-test-logs-${process.pid}`);
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  process.env.BRYGGA_TEST_LOG_DIR = logs;
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const url = databaseUrl(template);
  await migrate(url);
  await seedDemoRegion(url);
  return async () => {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    checkLogs(logs);
  };
}

function checkLogs(folder: string): void {
  const files = readdirSync(folder);
  let lines = 0;
  const finds: string[] = [];
  for (const file of files) {
    for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
      lines += 1;
      const found = patientDataIn(line);
      if (found.length > 0) finds.push(`${file}: ${found.join(', ')} in: ${line.slice(0, 300)}`);
    }
  }
  if (finds.length === 0) {
    rmSync(folder, { recursive: true, force: true });
    console.log(
      `Log check: ${lines} lines of ${files.length} test processes, nothing of a patient.`,
    );
    return;
  }
  console.error(
    `Log check FAILED: patient data in ${finds.length} lines of the suite's output (kept in ${folder}):\n${finds.slice(0, 20).join('\n')}`,
  );
  process.exitCode = 1;
}
