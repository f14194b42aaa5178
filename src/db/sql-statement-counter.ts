import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * Counts the SQL statements a request sends, so tests and the benchmark can prove that a
 * query's statement count does not grow with its page size (no N+1). The count lives in
 * the request's async context; statements outside any request are not counted.
 */
const storage = new AsyncLocalStorage<{ statements: number }>();

export function countSqlStatements<T>(fn: () => T): { result: T; counter: { statements: number } } {
  const counter = { statements: 0 };
  return { result: storage.run(counter, fn), counter };
}

export function currentSqlStatementCount(): number | undefined {
  return storage.getStore()?.statements;
}

export function instrumentPool(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const counter = storage.getStore();
      if (counter) counter.statements += 1;
      return query(...args);
    };
  });
}
