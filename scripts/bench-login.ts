/**
 * Login benchmark: the median time of ACS validation (decode, strict XML, shape and
 * signature checks, replay and request-ID bookkeeping, mapping, session, audit event)
 * plus access-token issue, over 100 logins with real responses signed by samlify.
 *
 *   npx tsx scripts/bench-login.ts [--logins 100]
 *
 * Uses a scratch database on ADMIN_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
 * migrated from scratch and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createIdentityServices } from '../src/identity/index.js';
import { signedLoginResponses } from './bench/fixtures.js';

const { values } = parseArgs({ options: { logins: { type: 'string', default: '100' } } });
const logins = Number(values.logins);
const adminUrl = process.env.ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted.at(-1)!, mean };
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main(): Promise<void> {
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const db = connectDatabase(url.toString(), { appRole: 'brygga_app', poolSize: 4 });
  try {
    const publicUrl = 'https://brygga.example';
    const identity = await createIdentityServices({
      prisma: db.prisma,
      pool: db.pool,
      config: { NODE_ENV: 'test', PUBLIC_URL: publicUrl },
      log: () => undefined,
    });
    // Every login prepared first: our signed AuthnRequest and the IdP's signed response.
    const prepared = await signedLoginResponses(identity, db.prisma, publicUrl, logins + 5);

    const acs: number[] = [];
    const token: number[] = [];
    const total: number[] = [];
    for (const [i, response] of prepared.entries()) {
      const t0 = performance.now();
      const login = await identity.gateway.completeLogin(
        'bench',
        { SAMLResponse: response, RelayState: '/' },
        null,
      );
      const t1 = performance.now();
      await identity.tokens.issueAccessToken(login.principal);
      const t2 = performance.now();
      if (i < 5) continue; // warm-up
      acs.push(t1 - t0);
      token.push(t2 - t1);
      total.push(t2 - t0);
    }
    const s = { acs: stats(acs), token: stats(token), total: stats(total) };
    process.stdout.write(
      [
        `logins measured: ${total.length} (after 5 warm-up), Node ${process.version}`,
        `ACS validation + session   median ${ms(s.acs.median)}  p95 ${ms(s.acs.p95)}  mean ${ms(s.acs.mean)}`,
        `access-token issue (ES256) median ${ms(s.token.median)}  p95 ${ms(s.token.p95)}  mean ${ms(s.token.mean)}`,
        `ACS + token issue          median ${ms(s.total.median)}  p95 ${ms(s.total.p95)}  min ${ms(s.total.min)}  max ${ms(s.total.max)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-login: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
