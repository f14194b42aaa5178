import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isWorkerConnectionRejection } from '../../../src/jobs/worker-rejections.js';

const withStack = (error: Error & { code?: string }, stack: string) =>
  Object.assign(error, { stack: `${error.name}: ${error.message}\n${stack}` });
const cronFrame =
  '    at async cronMain (/srv/app/node_modules/graphile-worker/dist/cron.js:340:5)';
const ourFrame = '    at async appendEntries (/srv/app/src/audit/writer.ts:143:22)';
const lost = () => Object.assign(new Error('terminating connection'), { code: '57P01' });

describe('the unhandled rejections the scheduler tolerates', () => {
  it('is exactly a lost connection raised through graphile-worker', () => {
    expect(isWorkerConnectionRejection(withStack(lost(), cronFrame))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isWorkerConnectionRejection(withStack(refused, cronFrame))).toBe(true);
    // Our own code's lost connection is ours to handle: a missing catch must still show.
    expect(isWorkerConnectionRejection(withStack(lost(), ourFrame))).toBe(false);
    // Not a connection failure: a bug, whoever raised it.
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(isWorkerConnectionRejection(withStack(syntax, cronFrame))).toBe(false);
    expect(isWorkerConnectionRejection('57P01 in graphile-worker')).toBe(false);
  });

  const fixture = fileURLToPath(
    new URL('../../support/worker-rejection-process.ts', import.meta.url),
  );
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('keeps the process alive through graphile-worker’s, with a warning', () => {
    const result = run();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'alive after the cut; warned: scheduler: graphile-worker left a lost database connection unhandled',
    );
    expect(result.stdout).toContain('alive at the end');
  });

  it('still ends the process on any other unhandled rejection, as Node does', () => {
    const result = run('other');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('alive after the cut');
    expect(result.stdout).not.toContain('alive at the end');
    expect(result.stderr).toContain('an unrelated failure');
  });
});
