import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The servers under test run as child processes of the benchmark, as in production and
 * on an equal footing: Brygga through its CLI (src/main.ts, so cluster mode is the real
 * one) and PostGraphile through scripts/bench/postgraphile-server.ts.
 */
export interface ServerProcess {
  url: string;
  /** The server's process id, for its CPU time in /proc (under API_PROCESSES > 1, the primary of its workers). */
  pid: number;
  output(): string;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Both servers start as `npm start` starts Brygga: the same young-generation size and
 * --expose-gc (README; only Brygga uses it, src/idle-scavenge.ts).
 * `cpus` (a taskset list, e.g. "0" or "0,1") pins the process and all it forks to those
 * cores, to measure it apart from the load generator and the database.
 */
function spawnTs(
  script: string,
  env: Record<string, string>,
  cpus?: string,
  run: { args?: string[]; cwd?: string } = {},
): ChildProcess {
  const node = [
    process.execPath,
    '--max-semi-space-size=64',
    '--expose-gc',
    '--import',
    'tsx',
    script,
    ...(run.args ?? []),
  ];
  const [command, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  return spawn(command!, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(run.cwd ? { cwd: run.cwd } : {}),
  });
}

/**
 * A script run to its end in `cwd` (another checkout's tree), started as the servers are:
 * its output (stdout and stderr) when it exits 0, an error with that output otherwise.
 */
export function runTs(script: string, args: string[], cwd: string): Promise<string> {
  const child = spawnTs(script, {}, undefined, { args, cwd });
  const { output } = track(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the output is whole only once the pipes have closed.
    child.once('close', (code) =>
      code === 0
        ? resolve(output())
        : reject(new Error(`${script} exited ${code} in ${cwd}:\n${output()}`)),
    );
  });
}

async function until(
  check: () => Promise<boolean> | boolean,
  child: ChildProcess,
  what: string,
  output: () => string,
) {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited (${child.exitCode}):\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start in time:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function track(child: ChildProcess) {
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Brygga's CLI on `port` with `processes` API processes; resolves when every one serves. */
export async function startBrygga(
  env: Record<string, string>,
  processes: number,
  cpus?: string,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnTs(
    'src/main.ts',
    { ...env, PORT: String(port), API_PROCESSES: String(processes) },
    cpus,
  );
  const t = track(child);
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () =>
      (processes === 1 || /started \d+ API processes/.test(t.output())) &&
      (await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )),
    child,
    'Brygga',
    t.output,
  );
  return { url, ...t };
}

export async function startPostGraphile(
  databaseUrl: string,
  poolSize: number,
): Promise<ServerProcess> {
  const child = spawnTs('scripts/bench/postgraphile-server.ts', {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    POOL_SIZE: String(poolSize),
    NODE_ENV: 'production',
    GRAPHILE_ENV: 'production',
  });
  const t = track(child);
  await until(() => /listening http/.test(t.output()), child, 'PostGraphile', t.output);
  const url = /listening (http:\/\/[^\s]+)\/graphql/.exec(t.output())![1]!;
  return { url, ...t };
}
