import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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
  instrumentPool(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
