import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { killStarted, listening, start, startedOutput } from '../../support/api-process.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../support/database.js';
import { recordUncaught, terminateBackends, until } from '../../support/database-faults.js';
import {
  expectOnlyDataOrRetryable,
  LOAD_NOTE_TEXT,
  mintWardToken,
  startLoad,
  tally,
} from '../../support/fault-load.js';
import { patientDataIn } from '../../support/patient-data-in-logs.js';

/**
 * The scenario: 32 clients reading cases and adding notes while PostgreSQL ends
 * every connection of the API process (pool, transactions, the scheduler's LISTEN and
 * job connections), three times in a row. The process, started as `npm start` starts it,
 * stays up and serves again after each cut; every answer is data with its access-log rows
 * or a retryable 503; the access-log chain verifies. The numbers are printed, not asserted.
 */
afterAll(() => {
  killStarted();
  // No line any of these processes logged names a patient or carries a personnummer.
  expect(patientDataIn(startedOutput())).toEqual([]);
});

describe('all connections terminated under load', () => {
  it('three times in a row: the process stays up and answers again', {
    timeout: 180_000,
  }, async () => {
    const name = `brygga_t_cut_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await createDatabaseFromTemplate(name);
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    const uncaught = recordUncaught();
    try {
      const env = {
        DATABASE_URL: databaseUrl,
        PORT: '0',
        PUBLIC_URL: 'http://127.0.0.1:4998',
        LOG_LEVEL: 'info',
      };
      const run = start(env);
      const url = await listening(run);
      const token = await mintWardToken(databaseUrl, env);
      const load = await startLoad({ url, token, concurrency: 32, maxRequests: 6_000 });
      const phases: Record<string, unknown>[] = [];
      try {
        await until('the load is served', () => load.deliveredSince(0) >= 20);
        for (let cut = 1; cut <= 3; cut += 1) {
          const before = load.outcomes.length;
          const at = Date.now();
          const terminated = await terminateBackends(name, 'brygga-%');
          // Seen three times in whole-suite runs, never alone: not ready for 60 s after a
          // cut. The last answer and the process's last lines said why: the process had
          // ended, on graphile-worker's unhandled rejection of its cron's lost connection
          // (src/jobs/worker-rejections.ts). They stay, should anything else do it.
          let readiness = 'no answer yet';
          await until(
            `ready after cut ${cut}`,
            async () => {
              const answer = await fetch(`${url}/readyz`).catch((error: unknown) => error);
              if (!(answer instanceof Response)) {
                readiness = `request failed: ${String(answer)}`;
                return false;
              }
              readiness = `${answer.status} ${await answer.text()}`;
              return answer.ok;
            },
            60_000,
            () => `${readiness}; process output ends: ${run.output().slice(-4_000)}`,
          );
          const msToReady = Date.now() - at;
          await until(`answers with data after cut ${cut}`, () => load.deliveredSince(at) >= 5);
          const firstDelivery = load.outcomes.find((o) => o.at > at && o.status === 200)?.at;
          phases.push({
            cut,
            terminated,
            ...tally(load.outcomes.slice(before)),
            msToFirstData: firstDelivery ? firstDelivery - at : null,
            msToReady,
          });
        }
      } finally {
        await load.stop();
      }
      console.log(JSON.stringify({ scenario: 'terminated x3', phases, all: tally(load.outcomes) }));

      expect(run.child.exitCode, run.output()).toBeNull();
      await expectOnlyDataOrRetryable(load.outcomes, owner);
      expect(run.output()).toMatch(/"message":"database connection lost"/);
      expect(run.output()).toMatch(/"message":"database connection restored"/);
      // No patient data in the log: neither the notes written nor any personnummer served.
      const { rows } = await owner.query<{ pnr: string }>(
        'SELECT DISTINCT personal_identity_number AS pnr FROM patient',
      );
      const output = run.output();
      expect(output).not.toContain(LOAD_NOTE_TEXT);
      expect(rows.filter((r) => output.includes(r.pnr))).toEqual([]);

      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).toBe(0);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await owner.end();
      await dropDatabase(name);
    }
  });
});
