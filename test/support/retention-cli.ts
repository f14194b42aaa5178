import { type ChildProcess, spawn } from 'node:child_process';
import type { RunReport } from '../../src/retention/run.js';
import { keepOutputOf } from './log-capture.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  report: RunReport | null;
}

/** Starts `scripts/retention.ts` against a database, as an operator would. */
export function spawnRetention(
  databaseUrl: string,
  args: string[],
): {
  child: ChildProcess;
  done: Promise<CliResult>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/retention.ts', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' },
  });
  keepOutputOf(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) =>
    child.on('exit', (code) => {
      let report: RunReport | null = null;
      try {
        report = JSON.parse(stdout) as RunReport;
      } catch {
        report = null;
      }
      resolve({ code, stdout, stderr, report });
    }),
  );
  return { child, done };
}

export function runRetentionCli(databaseUrl: string, args: string[]): Promise<CliResult> {
  return spawnRetention(databaseUrl, args).done;
}
