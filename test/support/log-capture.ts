import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The whole suite's output, kept for the log check (issue 19: nothing of a patient in any
 * log line). A setup file of the integration tests: in each test process it tees what the
 * process writes to stdout and stderr (the in-process servers' pino lines among it) into
 * the run's folder, `BRYGGA_TEST_LOG_DIR`, which global-setup.ts makes and scans when the
 * run ends. Processes the tests start are kept through `keepOutputOf`.
 *
 * The servers log at info here so that the check reads what production writes; only their
 * errors still reach the terminal, as before.
 */
const dir = process.env.BRYGGA_TEST_LOG_DIR;
const INSTALLED = Symbol.for('brygga.test.logCapture');

/** Appends text to this process's file in the run's log folder. */
export function keepForLogCheck(text: string | Buffer): void {
  if (dir) appendFileSync(join(dir, `${process.pid}.log`), text);
}

/** Keeps a started process's output for the check too. */
export function keepOutputOf(child: ChildProcess): void {
  child.stdout?.on('data', keepForLogCheck);
  child.stderr?.on('data', keepForLogCheck);
}

/** A pino line below error: kept for the check, not shown in the test output. */
const QUIET = /^\{"level":"(trace|debug|info|warn)"/;

type Write = typeof process.stdout.write;

function tee(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    keepForLogCheck(text);
    if (QUIET.test(text)) {
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as Write;
}

const marked = globalThis as { [INSTALLED]?: boolean };
if (dir && !marked[INSTALLED]) {
  marked[INSTALLED] = true;
  tee(process.stdout);
  tee(process.stderr);
}
