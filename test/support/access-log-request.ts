import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type DocumentNode, print } from 'graphql';
import type { TestServer } from './server.js';

/** One access-log row as a test compares it. */
export interface LoggedRow {
  activity: string;
  outcome: string;
  patient_id: string | null;
  case_id: string | null;
  categories: string[];
  emergency_access: boolean;
}

/**
 * Sends one GraphQL request over HTTP with its own request id and answers the response
 * with the access-log rows that request left, ordered so a test can compare them whole.
 */
export async function sendLogged(
  server: TestServer,
  token: string,
  document: DocumentNode,
  variables: object,
): Promise<{
  status: number;
  body: { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
  requestId: string;
  rows: LoggedRow[];
}> {
  const requestId = randomUUID();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as Awaited<ReturnType<typeof sendLogged>>['body'];
  const { rows } = await server.owner.query<LoggedRow>(
    `SELECT activity, outcome, patient_id, case_id, categories, emergency_access
     FROM access_log WHERE request_id = $1 ORDER BY outcome::text DESC, activity::text`,
    [requestId],
  );
  return { status: response.status, body, requestId, rows };
}

/** Runs the hash-chain verifier's CLI (`npm run audit:verify`) against a test database. */
export function verifyAccessLogCli(databaseUrl: string): { status: number | null; stdout: string } {
  const result = spawnSync('npx', ['tsx', 'scripts/verify-access-log.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout };
}
