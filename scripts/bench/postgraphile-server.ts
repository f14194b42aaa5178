/**
 * PostGraphile 5 over Brygga's database, for the side-by-side benchmark only (not part of
 * the product; a devDependency). The amber preset over the `public` schema, connecting as
 * the database owner: PostGraphile has no field authorization and writes no access log,
 * which the report states beside its numbers. Same Node runtime and pool size as the API.
 *
 *   DATABASE_URL=… PORT=… [POOL_SIZE=10] node --import tsx scripts/bench/postgraphile-server.ts
 *
 * Prints one line `listening <url>` when ready. GET /statements answers the number of SQL
 * statements sent so far, so the benchmark can report statements per request.
 */
import './node22-polyfill.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('set DATABASE_URL');
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: Number(process.env.POOL_SIZE ?? 10),
});
let statements = 0;
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    statements += 1;
    return query(...args);
  };
});

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', watch: false, graphiql: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const handler = pgl.createServ(grafserv).createHandler();
const server = createServer((req, res) => {
  if (req.url === '/statements') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ statements }));
    return;
  }
  handler(req, res);
});
// Build the schema before saying we are ready, so the first measured request does not.
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}/graphql\n`);
});
const stop = () => {
  server.close(() => {
    void Promise.resolve(pgl.release())
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
