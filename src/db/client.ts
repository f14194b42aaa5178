import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { endPool } from './end-pool.js';
import { PrismaClient } from './generated/prisma/client.js';
import { instrumentPool } from './sql-statement-counter.js';

export type { PrismaClient } from './generated/prisma/client.js';

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * One pool per process. Every connection switches to the application role, which owns no
 * table and holds only the grants of the migrations: so "append-only" and "insert-only"
 * are enforced by PostgreSQL even if application code tried otherwise.
 */
export function connectDatabase(
  databaseUrl: string,
  options: { appRole: string; poolSize: number },
): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize,
    options: `-c role=${options.appRole} -c timezone=UTC`,
  });
  // An idle connection can be cut by the server (restart, failover, shutdown). Without a
  // listener, pg turns that into an uncaught 'error' that would end the process; the pool
  // drops the connection and opens a new one when next needed.
  pool.on('error', (error) => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', message: 'idle database connection lost', error: error.message })}\n`,
    );
  });
  instrumentPool(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await endPool(pool);
    },
  };
}
