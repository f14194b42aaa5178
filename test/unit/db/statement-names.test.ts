import { describe, expect, it } from 'vitest';
import {
  paddedForIn,
  preparedStatements,
  statementNames,
} from '../../../src/db/statement-names.js';

/** Statement names for prepared reads (src/db/statement-names.ts). */
const query = (sql: string) => ({ sql, args: [1], argTypes: [] }) as never;

describe('statement names', () => {
  it('names nothing outside preparedStatements: the protocol’s unnamed statement', () => {
    const names = statementNames(10);
    expect(names(query('SELECT $1'))).toBe('');
  });

  it('gives one text one name, and two texts two, inside preparedStatements', async () => {
    const names = statementNames(10);
    const [a, again, b] = await preparedStatements(async () => [
      names(query('SELECT $1')),
      names(query('SELECT $1')),
      names(query('SELECT $1 + 1')),
    ]);
    expect(a).toMatch(/^p[\w-]{27}$/);
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    // The same text is the same name in another process (a hash, not a counter).
    expect(await preparedStatements(async () => statementNames(10)(query('SELECT $1')))).toBe(a);
  });

  it('leaves texts past the limit unnamed, and keeps naming the ones it has', async () => {
    const names = statementNames(2);
    await preparedStatements(async () => {
      const first = names(query('SELECT 1, $1'));
      names(query('SELECT 2, $1'));
      expect(names(query('SELECT 3, $1'))).toBe('');
      expect(names(query('SELECT 1, $1'))).toBe(first);
    });
  });

  it('names a text the pool runs prepared from the same map, so one limit bounds both', async () => {
    const names = statementNames(2);
    // Outside preparedStatements too: the pool's reads ask for a name explicitly.
    const pooled = names.nameOf('SELECT 1, $1');
    expect(pooled).toMatch(/^p[\w-]{27}$/);
    await preparedStatements(async () => {
      // The same text through Prisma is the same statement on the connection.
      expect(names(query('SELECT 1, $1'))).toBe(pooled);
      names(query('SELECT 2, $1'));
      expect(names(query('SELECT 3, $1'))).toBe('');
    });
    expect(names.nameOf('SELECT 4, $1')).toBe('');
    expect(names.nameOf('SELECT 2, $1')).toMatch(/^p/);
  });

  it('names the statements of a Prisma-like query that starts when awaited', async () => {
    const names = statementNames(10);
    // A thenable that does its work only in `then`, as a PrismaPromise does.
    const lazy: PromiseLike<string> = {
      // biome-ignore lint/suspicious/noThenProperty: the point is a lazy thenable, as Prisma's.
      then: (resolve) => Promise.resolve(names(query('SELECT $1'))).then(resolve),
    };
    expect(await preparedStatements(() => lazy)).toMatch(/^p/);
  });
});

describe('paddedForIn', () => {
  it('pads to the next power of two with the last value, and selects the same values', () => {
    expect(paddedForIn([])).toEqual([]);
    expect(paddedForIn(['a'])).toEqual(['a']);
    expect(paddedForIn(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    const fifty = Array.from({ length: 50 }, (_, i) => i);
    const padded = paddedForIn(fifty);
    expect(padded.length).toBe(64);
    expect(new Set(padded)).toEqual(new Set(fifty));
  });
});
