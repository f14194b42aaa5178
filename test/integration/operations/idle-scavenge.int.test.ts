import { randomBytes } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { killStarted, listening, NPM_START_FLAGS, start } from '../../support/api-process.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../support/database.js';

/**
 * Young-generation collections between requests (src/idle-scavenge.ts), through the CLI as
 * `npm start` runs it: requests one after another leave the process idle after each, and
 * once the young generation is half full the process collects it there, which the metrics
 * count. Started without --expose-gc it says so and serves as before.
 */
const name = `brygga_t_idle_gc_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  killStarted();
  await dropDatabase(name);
});

/** A request that allocates a few MiB: the schema's introspection (open outside production). */
const introspection = JSON.stringify({ query: getIntrospectionQuery() });

async function metric(metricsUrl: string, line: RegExp): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(line.exec(text)?.[1] ?? 0);
}

describe('idle scavenges', () => {
  it('collects the young generation when no request is running, and counts it', {
    timeout: 120_000,
  }, async () => {
    const databaseUrl = await createDatabaseFromTemplate(name);
    const run = start({ DATABASE_URL: databaseUrl, PORT: '0', METRICS_PORT: '0' });
    const url = await listening(run);
    expect(run.output()).not.toMatch(/started without/);
    const metricsUrl = /metrics at (http:\S+)/.exec(run.output())![1]!;
    const idleScavenges = () => metric(metricsUrl, /^brygga_idle_scavenges_total (\d+)$/m);
    expect(await idleScavenges()).toBe(0);

    // One at a time, each awaited: the process is idle between them. The young generation
    // fills within a few; a bound, not a clock, ends the loop.
    let sent = 0;
    while ((await idleScavenges()) === 0 && sent < 200) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: introspection,
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      sent += 1;
    }
    expect(await idleScavenges(), `after ${sent} requests`).toBeGreaterThan(0);
    // Each is a minor collection in V8's own count.
    const minor = await metric(
      metricsUrl,
      /^brygga_nodejs_gc_duration_seconds_count\{kind="minor"\} (\d+)$/m,
    );
    expect(minor).toBeGreaterThanOrEqual(await idleScavenges());
  });

  it('says at start that it runs without --expose-gc, and serves', {
    timeout: 120_000,
  }, async () => {
    const run = start(
      { DATABASE_URL: await createDatabaseFromTemplate(`${name}_plain`), PORT: '0' },
      NPM_START_FLAGS.filter((flag) => flag !== '--expose-gc'),
    );
    try {
      const url = await listening(run);
      expect(run.output()).toContain('brygga: started without --expose-gc;');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
      await dropDatabase(`${name}_plain`);
    }
  });
});
