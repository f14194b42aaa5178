/**
 * Live delivery benchmark: N open subscriptions (graphql-ws over real WebSockets) of one
 * municipal unit, and a command (a note added by the ward) every second on a case the
 * unit takes part in. Reports the delivery latency (command sent → payload received, over
 * every subscriber and command: p50, p99, max) and the API process's memory before and
 * after the sockets opened.
 *
 *   npm run bench:subscriptions -- [subscribers=1000] [seconds=60] [users=1]
 *
 * `users`: how many different people of the unit the subscribers are, each signed in
 * with a session of their own (subscriber i is user i mod users). With one, every socket
 * is the same person's (one person's many tabs, the easiest case for reads shared per
 * event); with as many users as subscribers, every socket is a different person's.
 *
 * The API runs in this process (production mode, as scripts/bench/in-process-api.ts
 * starts it), so the memory figures include the N client sockets too: an upper bound of
 * the server's share. Uses a scratch database on BENCH_DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards.
 */
process.env.NODE_ENV = 'production';

import { loadavg } from 'node:os';

const { print } = await import('graphql');
const { createClient } = await import('graphql-ws');
const { default: WebSocket } = await import('ws');
const { default: pg } = await import('pg');
const { GraphQLClient } = await import('graphql-request');
const { migrate } = await import('../src/db/migrate.js');
const { seedDemoRegion } = await import('../src/db/seed/demo-region.js');
const { AddNoteDocument, CaseActivityDocument, InboxDocument } = await import(
  '../test/generated/graphql.js'
);
const { startInProcessApi } = await import('./bench/in-process-api.js');
const { openTestSession } = await import('../test/support/idp/test-sessions.js');
const { principalFor } = await import('../test/support/server.js');
const { encodeGlobalID } = await import('@pothos/plugin-relay');

const subscribers = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 60);
const users = Math.max(1, Math.min(subscribers, Number(process.argv[4] ?? 1)));
const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `brygga_bench_live_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const SOCIAL_SOLNA = 'SE2120000183-SOC1';

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await adminQuery(`CREATE DATABASE ${name}`);
try {
  await migrate(databaseUrl);
  await seedDemoRegion(databaseUrl);
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  const { rows } = await owner.query<{ case_id: string; ward: string }>(
    `SELECT c.id AS case_id, wu.hsa_id AS ward
       FROM "case" c
       JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
       JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
       JOIN case_party wp ON wp.case_id = c.id AND wp.role = 'WARD' AND wp.left_at IS NULL
       JOIN unit wu ON wu.id = wp.unit_id
      WHERE c.status IN ('PLANNING', 'READY_FOR_DISCHARGE')
      LIMIT 1`,
    [SOCIAL_SOLNA],
  );
  await owner.end();
  const target = rows[0];
  if (!target) throw new Error('no open demo case with Solna social services');

  const { server, token } = await startInProcessApi(databaseUrl, SOCIAL_SOLNA);
  const wardPrincipal = principalFor(target.ward, ['WARD_STAFF'], 'Bench ward');
  await openTestSession(server.identity, server.db.prisma, wardPrincipal);
  const ward = new GraphQLClient(`${server.url}/graphql`, {
    headers: {
      authorization: `Bearer ${(await server.tokens.issueAccessToken(wardPrincipal)).token}`,
    },
  });

  // The unit's inbox over HTTP, 30 times one after another: latency of a whole first page.
  const social = new GraphQLClient(`${server.url}/graphql`, {
    headers: { authorization: `Bearer ${await token()}` },
  });
  const inboxTimes: number[] = [];
  let inboxItems = 0;
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    const { inbox } = await social.request(InboxDocument, { first: 50 });
    inboxTimes.push(performance.now() - started);
    inboxItems = inbox.totalCount;
  }
  inboxTimes.sort((a, b) => a - b);

  global.gc?.();
  const before = process.memoryUsage();
  const received = new Map<string, number[]>();
  const query = print(CaseActivityDocument);
  const clients = [];
  // The unit's staff: the bench's own user first, then one more per extra user.
  const bearers = [await token()];
  for (let u = 1; u < users; u++) {
    const person = {
      ...principalFor(SOCIAL_SOLNA, ['SOCIAL_SERVICES_STAFF'], `Bench user ${u}`),
      hsaId: `${SOCIAL_SOLNA}P${u + 100}`,
    };
    await openTestSession(server.identity, server.db.prisma, person);
    bearers.push((await server.tokens.issueAccessToken(person)).token);
  }
  for (let i = 0; i < subscribers; i++) {
    const client = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bearers[i % users]}` },
      retryAttempts: 0,
    });
    client.subscribe(
      { query },
      {
        next: (result) => {
          const data = result.data as { caseActivity?: { event?: { id: string } | null } } | null;
          const id = data?.caseActivity?.event?.id;
          if (id) received.set(id, [...(received.get(id) ?? []), performance.now()]);
        },
        error: (error) => console.error('subscription error', error),
        complete: () => undefined,
      },
    );
    clients.push(client);
    // Opened in batches: a thousand handshakes at once overrun the listen backlog.
    if ((i + 1) % 50 === 0 || i + 1 === subscribers) {
      while (server.feed.subscriberCount < i + 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
  global.gc?.();
  const open = process.memoryUsage();
  console.log(`${subscribers} subscriptions open`);

  const sentAt = new Map<string, number>();
  const caseId = encodeGlobalID('Case', target.case_id);
  for (let s = 0; s < seconds; s++) {
    const tick = performance.now();
    const started = performance.now();
    const result = await ward.request(AddNoteDocument, {
      input: { caseId, text: `Bench note ${s}` },
    });
    if (result.addNote.__typename !== 'AddNoteSuccess') throw new Error('note refused');
    const { rows: latest } = await server.db.pool.query<{ id: string }>(
      `SELECT id FROM case_event WHERE case_id = $1 ORDER BY sequence DESC LIMIT 1`,
      [target.case_id],
    );
    sentAt.set(encodeGlobalID('CaseEvent', latest[0]!.id), started);
    const wait = 1000 - (performance.now() - tick);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  // Every delivery of every command, or give up 60 s after the last command.
  const deadline = performance.now() + 60_000;
  const expected = seconds * subscribers;
  const count = () => [...sentAt.keys()].reduce((n, id) => n + (received.get(id)?.length ?? 0), 0);
  while (count() < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const latencies = [...sentAt].flatMap(([id, at]) => (received.get(id) ?? []).map((t) => t - at));
  latencies.sort((a, b) => a - b);
  const peak = process.memoryUsage();
  // The machine's load over the run (1, 5, 15 minutes): the bench shares it.
  const load = loadavg().map((l) => l.toFixed(1));
  console.log(
    JSON.stringify(
      {
        inbox: {
          items: inboxItems,
          p50Ms: Math.round(quantile(inboxTimes, 0.5)),
          p90Ms: Math.round(quantile(inboxTimes, 0.9)),
        },
        subscribers,
        users,
        commands: seconds,
        deliveries: latencies.length,
        expected,
        latencyMs: {
          p50: Math.round(quantile(latencies, 0.5)),
          p99: Math.round(quantile(latencies, 0.99)),
          max: Math.round(latencies.at(-1) ?? Number.NaN),
        },
        loadAverage: load,
        memory: {
          rssBefore: mib(before.rss),
          rssOpen: mib(open.rss),
          rssAfter: mib(peak.rss),
          heapUsedBefore: mib(before.heapUsed),
          heapUsedOpen: mib(open.heapUsed),
        },
      },
      null,
      2,
    ),
  );
  for (const client of clients) await client.dispose();
  await server.close();
} finally {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
