import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createLogger } from '../http/logger.js';
import { watchPool } from '../metrics/pools.js';
import { type AvailabilityLog, DatabaseAvailability } from './availability.js';
import { endPool } from './end-pool.js';
import { PrismaClient } from './generated/prisma/client.js';
import { type RawReads, rawReads } from './raw-reads.js';
import { instrumentPool } from './sql-statement-counter.js';
import { statementNames } from './statement-names.js';

export type { PrismaClient } from './generated/prisma/client.js';

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Raw reads of many plain rows, through the pool (raw-reads.ts). */
  reads: RawReads;
  /** Whether the database is reachable, as its connections report (availability.ts). */
  availability: DatabaseAvailability;
  close(): Promise<void>;
}

/**
 * How many distinct statements a process prepares (src/db/statement-names.ts): the reads
 * that ask for it send a few texts each, so this only bounds what a connection can hold.
 */
const PREPARED_STATEMENTS = 200;

/**
 * One pool per process. Every connection switches to the application role, which owns no
 * table and holds only the grants of the migrations: so "append-only" and "insert-only"
 * are enforced by PostgreSQL even if application code tried otherwise.
 */
export function connectDatabase(
  databaseUrl: string,
  options: {
    appRole: string;
    poolSize: number;
    /** How long an idle connection stays open (node-postgres's default, 10 s, if unset). */
    idleSeconds?: number;
    log?: AvailabilityLog;
    /** What the connections are for: the log's `pool` and application_name `brygga-<name>`. */
    name?: string;
  },
): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize,
    ...(options.idleSeconds ? { idleTimeoutMillis: options.idleSeconds * 1000 } : {}),
    options: `-c role=${options.appRole} -c timezone=UTC`,
    // Names the connections in pg_stat_activity, so an operator sees whose they are.
    application_name: `brygga-${options.name ?? 'api'}`,
    // A connection to a server that went away without closing it (a failover to another
    // host) is found dead by the kernel's keepalive rather than never.
    keepAlive: true,
    // A server that does not answer at all (an address that moved) fails a connect after
    // this long instead of the operating system's minutes; so does waiting for a free
    // connection in a full pool. Either is answered as DATABASE_UNAVAILABLE.
    connectionTimeoutMillis: 10_000,
  });
  const availability = new DatabaseAvailability(
    () => pool.query('SELECT 1'),
    options.log ?? createLogger('info'),
    options.name ?? 'api',
  );
  // Idle connections, checked-out connections and the adapter's transaction connections:
  // a connection the server cuts is reported, never an uncaught 'error' ending the process.
  availability.guard(pool);
  instrumentPool(pool);
  const unwatch = watchPool(options.name ?? 'api', pool);
  const report = (error: Error) => availability.report(error);
  const names = statementNames(PREPARED_STATEMENTS);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, {
      onPoolError: report,
      onConnectionError: report,
      statementNameGenerator: names,
    }),
  });
  return {
    prisma,
    pool,
    reads: rawReads(pool, names),
    availability,
    async close() {
      availability.close();
      unwatch();
      await prisma.$disconnect();
      await endPool(pool);
    },
  };
}
