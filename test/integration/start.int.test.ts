import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's first command: `npm start` with no DATABASE_URL starts an embedded
 * PostgreSQL, migrates, seeds the demo region and serves GraphQL. And a bad setting stops
 * the process with one clear line.
 */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  if (env.DATABASE_URL) childEnv.DATABASE_URL = env.DATABASE_URL;
  // As `npm start` runs it (package.json), young-generation flag included.
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'],
    { env: { ...childEnv, NODE_OPTIONS: '' } },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('starting Brygga', () => {
  it('stops with one line naming a bad setting', async () => {
    const run = start({ PORT: 'eighty', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(await run.exited).toBe(78);
    const lines = run.output().trim().split('\n');
    expect(lines).toEqual([
      'brygga: invalid configuration: PORT: Invalid input: expected number, received NaN',
    ]);
  });

  it('runs on an embedded PostgreSQL with the demo region when DATABASE_URL is unset', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'brygga-embedded-'));
    const pgPort = String(56_000 + (process.pid % 1000));
    try {
      const run = start({
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: pgPort,
        PORT: '0',
        LOG_LEVEL: 'info',
      });
      await waitFor(() => /Brygga is listening/.test(run.output()), 100_000);
      expect(run.output()).not.toMatch(/started without --max-semi-space-size/);
      const url = /"url":"(http:[^"]+)"/.exec(run.output())![1]!;
      const health = await fetch(url.replace('/graphql', '/healthz'));
      expect(await health.json()).toEqual({ status: 'ok' });
      const anonymous = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ cases { edges { node { id } } } }' }),
      });
      expect(
        ((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!
          .extensions.code,
      ).toBe('UNAUTHENTICATED');

      const db = new pg.Client({
        connectionString: `postgresql://brygga:brygga-embedded@127.0.0.1:${pgPort}/brygga`,
      });
      await db.connect();
      const { rows } = await db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM "case" GROUP BY 1',
      );
      await db.end();
      expect(rows.map((r) => r.status).sort()).toEqual([
        'CLOSED',
        'DISCHARGED',
        'DISCHARGE_ANNOUNCED',
        'PLANNING',
        'READY_FOR_DISCHARGE',
      ]);
      expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(60);

      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
