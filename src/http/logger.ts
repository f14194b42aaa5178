import pino from 'pino';
import { currentRequest } from './request-context.js';

/**
 * The structured logger: pino, one JSON line per entry on stderr, in the shape Brygga has
 * always written — `{"time":"<ISO>","level":"info","message":"…",…fields}` — so log
 * pipelines and the tests that read it see no change. A line logged while a request is
 * served also carries that request's `requestId`, `operationName` and `hsaId` (the
 * principal's), from the request context (request-context.ts).
 *
 * Nothing of a patient belongs in a log line. Callers log codes, ids and counts; as a
 * second line of defence every line is scrubbed of personnummer-shaped strings (an
 * unexpected error's message can quote a query's arguments), and fields named for
 * patient data or request variables are censored.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Twelve or ten digits that read as a date of birth and four more, with or without the
 * separator (- or +; samordningsnummer add 60 to the day). Not part of a longer word or
 * number, nor of a UUID: neither its last group nor its first two, which read as one about
 * once in 200 000 random UUIDs (19811212-4720-8e53-7fa6-9c51e92a0b11). Scrubbed, such a
 * request id would be lost from its own request's lines.
 */
export const PERSONNUMMER_SHAPE =
  /(?<![\w.-])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+]?\d{4}(?![\w]|(?<=\d{8}-\d{4})-[\dA-Fa-f]{4}-[\dA-Fa-f]{4}-[\dA-Fa-f]{12}(?![\w-]))/g;

export const PERSONNUMMER_REPLACEMENT = '[personnummer]';

/** Field names whose values are never logged (at any depth pino's redaction reaches). */
const CENSORED = [
  'personnummer',
  'personalIdentityNumber',
  'patientName',
  'variables',
  'authorization',
  'cookie',
  '*.personnummer',
  '*.personalIdentityNumber',
  '*.patientName',
  '*.variables',
  '*.authorization',
  '*.cookie',
];

export function scrubPersonnummer(line: string): string {
  return line.replace(PERSONNUMMER_SHAPE, PERSONNUMMER_REPLACEMENT);
}

/** The pino options that give Brygga's line shape; exported for the tests of that shape. */
export function pinoOptions(level: Level): pino.LoggerOptions {
  return {
    level,
    base: undefined,
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: CENSORED, censor: '[redacted]' },
    mixin: () => {
      const request = currentRequest();
      if (!request) return {};
      return {
        requestId: request.requestId,
        operationName: request.operationName ?? null,
        hsaId: request.hsaId ?? null,
      };
    },
    hooks: { streamWrite: scrubPersonnummer },
  };
}

/**
 * A logger at `level` writing to process.stderr, as Brygga always did (synchronous for
 * files, pipes and terminals on Linux, so a line is out before an exit and in order with
 * the process's other stderr lines), or to `destination` (tests).
 */
export function createLogger(level: Level, destination?: pino.DestinationStream): Logger {
  const log = pino(pinoOptions(level), destination ?? process.stderr);
  const at =
    (name: Exclude<Level, 'silent'>) => (message: string, fields?: Record<string, unknown>) =>
      fields ? log[name](fields, message) : log[name](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
