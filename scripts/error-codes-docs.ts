/**
 * Generates docs/error-codes.md from the one list of codes (src/graphql/error-codes.ts) and
 * the typed result codes of the mutations. `--check` fails when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ACCESS_REVIEW_ERROR_CODES } from '../src/audit/review-error.js';
import { COMMAND_ERROR_CODES } from '../src/cases/command-error.js';
import {
  type ErrorCodeSpec,
  REQUEST_ERROR_CODES,
  RESULT_ERROR_MEANINGS,
} from '../src/graphql/error-codes.js';
import { IDENTITY_ERROR_CODES } from '../src/identity/command-error.js';
import { INVOICING_ERROR_CODES } from '../src/invoicing/errors.js';
import { NOTIFICATION_ERROR_CODES } from '../src/notifications/errors.js';
import { RETENTION_ERROR_CODES } from '../src/retention/errors.js';

const DOC = new URL('../docs/error-codes.md', import.meta.url).pathname;

const PHASES: Record<ErrorCodeSpec['phase'], string> = {
  http: 'the HTTP request',
  request: 'not executed',
  field: 'while executing',
  response: 'after executing',
};

function statusOf(spec: ErrorCodeSpec): string {
  if (spec.phase === 'request') return `${spec.status} (graphql-response+json), 200 (json)`;
  return String(spec.status);
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function resultTable(title: string, enumName: string, codes: readonly string[]): string[] {
  return [
    `### ${title}`,
    '',
    `\`${enumName}\`, answered as data with HTTP 200.`,
    '',
    '| code | meaning |',
    '|---|---|',
    ...codes.map(
      (code) =>
        `| \`${code}\` | ${cell(RESULT_ERROR_MEANINGS[code as keyof typeof RESULT_ERROR_MEANINGS])} |`,
    ),
    '',
  ];
}

function render(): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from `src/graphql/error-codes.ts` and the result-code lists of the mutations by `npm run docs:errors`. Do not edit by hand.',
    '',
    'Clients switch on the code, never on the message. Two kinds of errors:',
    '',
    '- **Errors that end a request or a field** carry `extensions.code` in the response’s `errors`. Their HTTP status follows the GraphQL-over-HTTP spec: a request that was not executed (syntax, validation, limits, variables, connection arguments) answers 400 when the client accepts `application/graphql-response+json` and 200 under `application/json` (the default without an Accept header); an executed request answers 200 with the errors next to its data; faults before GraphQL have their own status. A code not in this list never reaches a client: anything unexpected is `INTERNAL_SERVER_ERROR` with a `reference` that is also in the server log.',
    '- **Refused commands** answer as data: the `CommandError`, `InvoicingError`, `RetentionError`, `IdentityError` or `AccessReviewError` member of the mutation’s result union. Each implements the `Error` interface (`message`, `field`, `params`) and adds its own `code`. A refused command writes nothing.',
    '',
    '## `extensions.code`',
    '',
    '| code | where | HTTP status | meaning |',
    '|---|---|---|---|',
  ];
  for (const [code, spec] of Object.entries(REQUEST_ERROR_CODES) as [string, ErrorCodeSpec][]) {
    lines.push(
      `| \`${code}\` | ${PHASES[spec.phase]} | ${statusOf(spec)} | ${cell(spec.meaning)} |`,
    );
  }
  lines.push(
    '',
    '## Result codes of the mutations',
    '',
    ...resultTable('Workflow commands', 'ErrorCode', COMMAND_ERROR_CODES),
    ...resultTable('Invoicing', 'InvoicingErrorCode', INVOICING_ERROR_CODES),
    ...resultTable('Retention', 'RetentionErrorCode', RETENTION_ERROR_CODES),
    ...resultTable('Identity', 'IdentityErrorCode', IDENTITY_ERROR_CODES),
    ...resultTable('Access-log review', 'AccessReviewErrorCode', ACCESS_REVIEW_ERROR_CODES),
    ...resultTable('Notifications', 'NotificationErrorCode', NOTIFICATION_ERROR_CODES),
  );
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

if (process.argv.includes('--check')) {
  if ((await readFile(DOC, 'utf8').catch(() => '')) !== render()) {
    process.stderr.write('docs/error-codes.md is stale: run `npm run docs:errors`\n');
    process.exit(1);
  }
} else {
  await writeFile(DOC, render());
  process.stdout.write(`wrote ${DOC}\n`);
}
