import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isConnectionError, isDatabaseUnavailable } from '../../../src/db/connection-errors.js';

/**
 * The error shapes seen when PostgreSQL ends or refuses connections, as node-postgres,
 * @prisma/adapter-pg and Prisma Client report them (captured from real runs), against the
 * errors that are the request's own business and must stay what they are.
 */
const serverError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), {
    code,
    syscall: 'connect',
    errno: -111,
  });
/** Prisma Client's error for a model query whose connection the server ended. */
const prismaError = (code: string, originalCode: string) =>
  Object.assign(new Error('Invalid `prisma.unit.findFirst()` invocation: Database error.'), {
    code,
    meta: {
      modelName: 'Unit',
      driverAdapterError: {
        name: 'DriverAdapterError',
        cause: { originalCode, kind: 'postgres', code: originalCode, severity: 'FATAL' },
      },
    },
  });

describe('a connection failure', () => {
  it.each([
    [
      'a terminated backend (57P01)',
      serverError('57P01', 'terminating connection due to administrator command'),
    ],
    [
      'a crash of the server (57P02)',
      serverError('57P02', 'terminating connection because of crash of another server process'),
    ],
    [
      'a server starting or in recovery (57P03)',
      serverError('57P03', 'the database system is starting up'),
    ],
    ['a connection exception (08006)', serverError('08006', 'connection failure')],
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    [
      'several refused addresses',
      new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]),
    ],
    ['node-postgres: terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    [
      'node-postgres: a client after its error',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['Prisma: model query (P2039 over 57P01)', prismaError('P2039', '57P01')],
    ['Prisma: raw query (P2010 over 57P01)', prismaError('P2010', '57P01')],
    ['Prisma: server closed the connection', Object.assign(new Error('closed'), { code: 'P1017' })],
    ['Prisma: cannot reach the server', Object.assign(new Error('unreachable'), { code: 'P1001' })],
    [
      'the adapter: database not reachable',
      { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } },
    ],
    [
      'a GraphQL error over any of these',
      new GraphQLError('wrapped', {
        originalError: serverError('57P01', 'terminating connection'),
      }),
    ],
  ])('%s', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

describe('no connection in time', () => {
  it.each([
    [
      'Prisma: a transaction could not start (P2028)',
      Object.assign(
        new Error('Transaction API error: Unable to start a transaction in the given time.'),
        { code: 'P2028' },
      ),
    ],
    [
      'Prisma: its pool timed out (P2024)',
      Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' }),
    ],
    [
      'node-postgres: the pool wait timed out',
      new Error('timeout exceeded when trying to connect'),
    ],
  ])('%s is unavailable for the request but no lost connection', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isConnectionError(error)).toBe(false);
  });
});

describe('the request’s own errors', () => {
  it.each([
    ['a unique violation', serverError('23505', 'duplicate key value violates unique constraint')],
    ['a refused UPDATE of the event list', serverError('P0001', 'case_event is append-only')],
    ['a serialization failure', serverError('40001', 'could not serialize access')],
    ['a syntax error', serverError('42601', 'syntax error at or near')],
    [
      'Prisma: unique constraint (P2002)',
      Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
    ],
    ['Prisma: a constraint under a driver error', prismaError('P2010', '23505')],
    ['a plain error', new Error('something else')],
    ['not an error at all', 'Connection terminated unexpectedly'],
    ['nothing', undefined],
  ])('%s is neither', (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('survives an error whose causes form a loop', () => {
    const a: { cause?: unknown; message: string } = { message: 'a' };
    a.cause = { message: 'b', cause: a };
    expect(isConnectionError(a)).toBe(false);
  });
});
