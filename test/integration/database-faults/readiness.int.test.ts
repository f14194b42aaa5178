import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessCheck } from '../../../src/http/readiness.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * /readyz: ready only with the database reachable, every migration applied and a token
 * signing key loaded, and not while stopping; /healthz stays live regardless. The
 * database's own absence is driven in restart-under-load.int.test.ts.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const readyz = async (base = server.url) => {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('/readyz', () => {
  it('is ready with the database, the migrations and a signing key', async () => {
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', database: { available: true, lost: 0, restored: 0 } },
    });
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('is not ready while a migration this code knows is not applied', async () => {
    const { rows } = await server.owner.query<{ name: string; checksum: string }>(
      'DELETE FROM brygga_migration WHERE name = (SELECT max(name) FROM brygga_migration) RETURNING name, checksum',
    );
    const latest = rows[0]!;
    try {
      expect(await readyz()).toMatchObject({
        status: 503,
        body: { status: 'not ready', reasons: [`migrations not applied: ${latest.name}`] },
      });
    } finally {
      await server.owner.query('INSERT INTO brygga_migration (name, checksum) VALUES ($1, $2)', [
        latest.name,
        latest.checksum,
      ]);
    }
    expect((await readyz()).status).toBe(200);
  });

  it('is not ready once the process is stopping', async () => {
    const app = express();
    app.get(
      '/readyz',
      await readinessCheck({ db: server.db, identity: server.identity, stopping: () => true }),
    );
    const probe = http.createServer(app);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = probe.address() as AddressInfo;
      expect(await readyz(`http://127.0.0.1:${port}`)).toMatchObject({
        status: 503,
        body: { status: 'not ready', reasons: ['stopping'] },
      });
    } finally {
      await new Promise((resolve) => probe.close(resolve));
    }
  });
});
