import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseFromTemplate, dropDatabase } from '../support/database.js';
import { keepOutputOf } from '../support/log-capture.js';

/**
 * Cluster mode through the CLI: API_PROCESSES=2 forks two API processes that share the
 * port and both serve requests, the scheduler runs in one of them only, and SIGTERM stops
 * the workers and then the primary with exit code 0.
 */
const children: ChildProcess[] = [];
const name = `brygga_t_cluster_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await dropDatabase(name);
});

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bytes a process has read through system calls (sockets included), from /proc. */
function bytesRead(pid: number): number {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return Number(/rchar: (\d+)/.exec(io)![1]);
}

describe('cluster mode', () => {
  it('serves from two API processes and stops cleanly', { timeout: 120_000 }, async () => {
    const databaseUrl = await createDatabaseFromTemplate(name);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        API_PROCESSES: '2',
        PORT: '0',
        LOG_LEVEL: 'info',
        SCHEDULER_ENABLED: 'true',
        METRICS_PORT: '0',
      },
    });
    keepOutputOf(child);
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );

    await waitFor(() => /started 2 API processes/.test(output), 100_000);
    await waitFor(() => /runs the scheduler/.test(output), 30_000);
    const workers = [...output.matchAll(/API process (\d+) \(slot \d\) is listening/g)].map((m) =>
      Number(m[1]),
    );
    expect(new Set(workers).size, output).toBe(2);
    // Both share one port: the primary accepts and hands connections out in turn.
    const urls = new Set([...output.matchAll(/"url":"(http:[^"]+)"/g)].map((m) => m[1]));
    expect(urls.size, output).toBe(1);
    const url = [...urls][0]!.replace('/graphql', '/healthz');

    const before = existsSync(`/proc/${workers[0]}/io`) ? workers.map(bytesRead) : null;
    for (let i = 0; i < 20; i++) {
      // A new connection each time, so the primary's round robin reaches both workers.
      const response = await fetch(url, { headers: { connection: 'close' } });
      expect(await response.json()).toEqual({ status: 'ok' });
    }
    if (before) {
      const after = workers.map(bytesRead);
      expect(after[0]! - before[0]!, 'first API process served').toBeGreaterThan(1000);
      expect(after[1]! - before[1]!, 'second API process served').toBeGreaterThan(1000);
    }
    expect(output.match(/runs the scheduler/g)).toHaveLength(1);
    // The primary serves the sum of both API processes' metrics.
    const metricsUrl = /metrics at (http:\S+)/.exec(output)![1]!;
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toContain(
      'brygga_http_requests_total{operation="GET /healthz",outcome="ok"} 20',
    );
    expect(metrics).toContain('brygga_db_pool_max_connections{pool="api"} 20');

    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).not.toMatch(/failed/);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
