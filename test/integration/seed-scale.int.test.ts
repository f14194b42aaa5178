import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_URL, dropDatabase } from '../support/database.js';
import { keepOutputOf } from '../support/log-capture.js';

/**
 * The scale seed (scripts/seed-scale.ts) at tiny sizes, through its CLI: two databases
 * seeded with the same sizes and seed hold the same data (digests), the counts hang
 * together, the workflow state matches the event lists, and the access log's chains
 * verify with the same verifier `npm run audit:verify` runs.
 */
const names = [1, 2].map(() => `brygga_t_scale_${randomBytes(4).toString('hex')}`);
afterAll(async () => {
  for (const name of names) await dropDatabase(name);
});

function urlOf(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
    });
    keepOutputOf(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const SIZES = [
  '--cases',
  '150',
  '--log-rows',
  '4000',
  '--users',
  '120',
  '--areas',
  '5',
  '--wards',
  '6',
  '--primary-care',
  '10',
  '--days',
  '70',
  '--end',
  '2026-11-01',
];

interface Summary {
  counts: Record<string, number>;
  digests: Record<string, { rows: number; md5: string }>;
}

describe('seed-scale', () => {
  it('is deterministic, consistent and leaves verifiable chains', {
    timeout: 180_000,
  }, async () => {
    const summaries: Summary[] = [];
    for (const name of names) {
      const result = await run(
        'scripts/seed-scale.ts',
        [...SIZES, '--reset', '--json', '--digest'],
        {
          DATABASE_URL: urlOf(name),
        },
      );
      expect(result.code, result.stderr).toBe(0);
      summaries.push(JSON.parse(result.stdout) as Summary);
    }
    const [first, second] = summaries as [Summary, Summary];
    expect(first.digests).toEqual(second.digests);
    for (const [table, n] of Object.entries(first.counts)) {
      expect(first.digests[table]?.rows, table).toBe(n);
    }
    expect(first.counts.case).toBe(150);
    expect(first.counts.access_log).toBe(4000);

    const db = new pg.Client({ connectionString: urlOf(names[0]!) });
    await db.connect();
    try {
      // Every decision bumped the version once and appended one event, numbered 1..n.
      const { rows: broken } = await db.query(
        `SELECT c.id FROM "case" c JOIN case_event e ON e.case_id = c.id GROUP BY c.id
         HAVING count(*) <> max(c.version) OR max(e.sequence) <> count(*)`,
      );
      expect(broken).toEqual([]);
      // Statuses agree with the events that made them.
      const { rows: statuses } = await db.query<{ status: string; last: string; n: number }>(
        `SELECT c.status, e.type AS last, count(*)::int AS n FROM "case" c
         JOIN case_event e ON e.case_id = c.id AND e.sequence = c.version GROUP BY 1, 2`,
      );
      for (const s of statuses) {
        if (s.status === 'CLOSED') expect(s.last).toBe('CASE_CLOSED');
        if (s.status === 'DISCHARGED') expect(s.last).toBe('DISCHARGED');
        if (s.last === 'CASE_CLOSED') expect(s.status).toBe('CLOSED');
      }
      expect(new Set(statuses.map((s) => s.status)).size).toBeGreaterThanOrEqual(4);
      // Each case has its ward, and every event's author acted in a party unit.
      const { rows: orphans } = await db.query(
        `SELECT e.id FROM case_event e WHERE NOT EXISTS (
           SELECT 1 FROM case_party p WHERE p.case_id = e.case_id AND p.unit_id = e.author_unit_id)`,
      );
      expect(orphans).toEqual([]);
    } finally {
      await db.end();
    }

    const verified = await run('scripts/verify-access-log.ts', [], {
      DATABASE_URL: urlOf(names[0]!),
    });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^ok: 4000 rows in \d+ partitions/);
  });
});
