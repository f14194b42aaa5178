import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, PERSONNUMMER_SHAPE, scrubPersonnummer } from '../../../src/http/logger.js';
import { currentRequest, requestContext } from '../../../src/http/request-context.js';

/** A logger writing into an array of parsed lines. */
function capture(level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

/** Runs `fn` inside a request's context, as the first middleware does. */
function inRequest(headers: Record<string, string>, fn: () => void) {
  const res = { locals: {} as Record<string, unknown>, setHeader: () => undefined };
  requestContext({ headers } as never, res as never, () => fn());
}

describe('the logger', () => {
  it('writes the shape Brygga always wrote: time (ISO), level by name, message, fields', () => {
    const { logger, lines } = capture('info');
    logger.info('database connection lost', { pool: 'api', code: '57P01' });
    logger.debug('not at info');
    expect(lines).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'info',
        message: 'database connection lost',
        pool: 'api',
        code: '57P01',
      },
    ]);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture('silent');
    logger.error('anything');
    expect(lines).toEqual([]);
  });

  it("adds the request's id, operation and principal to every line logged while serving it", () => {
    const { logger, lines } = capture();
    inRequest({ 'x-request-id': 'req-7' }, () => {
      currentRequest()!.operationName = 'Cases';
      currentRequest()!.hsaId = 'SE2321000016-DP01';
      logger.warn('deep inside');
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({
      requestId: 'req-7',
      operationName: 'Cases',
      hsaId: 'SE2321000016-DP01',
    });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('replaces a request id that is not a plain token', () => {
    const { logger, lines } = capture();
    inRequest({ 'x-request-id': 'a"b\n{"level":"error"}' }, () => logger.info('x'));
    expect(lines[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('scrubs personnummer-shaped strings from every line, whatever field carries them', () => {
    const { logger, lines } = capture();
    logger.error('unexpected error', {
      error: 'Invalid `prisma.patient.findUnique()`: { personalIdentityNumber: "19121212-1212" }',
      other: 'also 194001019802 and 4001019802 and 400101-9802 and 19400161+9802',
    });
    const text = JSON.stringify(lines);
    expect(text.match(PERSONNUMMER_SHAPE)).toBeNull();
    expect(text).not.toMatch(/1212-1212|9802/);
  });

  it('keeps what only looks like digits: UUIDs, timestamps, durations, counts', () => {
    const kept = [
      'ref 0b8e2c44-1c2a-4b5e-9f00-191212121212',
      '"time":"2026-12-03T23:45:53.245Z"',
      'epoch 1796342400000',
      'unavailableMs 1234',
    ];
    for (const text of kept) expect(scrubPersonnummer(text)).toBe(text);
  });

  it('keeps a UUID whose first two groups read as a personnummer, not one followed by anything else', () => {
    // One in about 200 000 random request ids; scrubbed, the request's lines would lose it.
    const id = '19811212-4720-8e53-7fa6-9c51e92a0b11';
    expect(scrubPersonnummer(`"requestId":"${id}"`)).toBe(`"requestId":"${id}"`);
    expect(scrubPersonnummer(`ids ${id.toUpperCase()}, ${id}.`)).toBe(
      `ids ${id.toUpperCase()}, ${id}.`,
    );
    for (const text of [
      'pnr 19811212-4720-8e53',
      'pnr 19811212-4720-8e53-7fa6-9c51e92a0b11-x',
      'pnr 19811212-4720-8e53-7fa6-9c51e92a0b1',
      'pnr 198112124720-8e53-7fa6-9c51e92a0b11',
    ]) {
      expect(scrubPersonnummer(text)).toContain('[personnummer]');
    }
  });

  it('censors fields named for patient data or request variables', () => {
    const { logger, lines } = capture();
    logger.info('x', {
      variables: { pnr: 'x' },
      nested: { personnummer: 'y', authorization: 'Bearer z' },
    });
    expect(lines[0]).toMatchObject({
      variables: '[redacted]',
      nested: { personnummer: '[redacted]', authorization: '[redacted]' },
    });
  });
});
