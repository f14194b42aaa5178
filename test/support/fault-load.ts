import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { expect } from 'vitest';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { loadConfig } from '../../src/config.js';
import { connectDatabase } from '../../src/db/client.js';
import { createIdentityServices } from '../../src/identity/index.js';
import { AddNoteDocument, CaseByIdDocument, CasesDocument } from '../generated/graphql.js';
import { type GraphQLAnswer, postGraphQL } from './database-faults.js';
import { WARD_KAROLINSKA_GERIATRIK } from './demo.js';
import { openTestSession } from './idp/test-sessions.js';
import { principalFor } from './server.js';

/**
 * Concurrent reads and notes against a running Brygga while its database misbehaves, and
 * the checks every answered request must pass: it delivered data and its access-log rows
 * exist, or it got a retryable 503 (DATABASE_UNAVAILABLE, or ACCESS_LOG_UNAVAILABLE) with
 * no data. Never 200 with errors, never partial data.
 */

/** The note text the load writes: it must never appear in a log line. */
export const LOAD_NOTE_TEXT = 'Anhörig ringer tillbaka (belastningsprov)';

type Operation = 'cases' | 'case' | 'addNote';

export interface Outcome {
  requestId: string;
  operation: Operation;
  /** When the answer came (ms since the epoch). */
  at: number;
  /** null: no HTTP answer at all (the connection failed). */
  status: number | null;
  retryAfter: string | null;
  codes: string[];
  hasData: boolean;
  /** The answer carried patient data, so access-log rows must exist for it. */
  patientData: boolean;
  transportError?: string;
}

/** A token for ward staff of the demo ward, minted on the process's database. */
export async function mintWardToken(databaseUrl: string, env: Record<string, string>) {
  const config = loadConfig({ ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' });
  const db = connectDatabase(databaseUrl, { appRole: 'brygga_app', poolSize: 2 });
  try {
    const identity = await createIdentityServices({ prisma: db.prisma, pool: db.pool, config });
    const principal = principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Load Test');
    await openTestSession(identity, db.prisma, principal);
    return (await identity.tokens.issueAccessToken(principal)).token;
  } finally {
    await db.close();
  }
}

export interface Load {
  outcomes: Outcome[];
  /** Answers with data that came after `since`. */
  deliveredSince(since: number): number;
  stop(): Promise<void>;
}

/**
 * `concurrency` clients, each sending one request after the other (case list, case
 * detail, a note on an open case) until stopped or `maxRequests` were sent in all.
 */
export async function startLoad(options: {
  url: string;
  token: string;
  concurrency: number;
  maxRequests: number;
}): Promise<Load> {
  const list = await postGraphQL(options.url, options.token, CasesDocument, { first: 50 });
  const cases = list.body.data!.cases.edges.map((e) => e.node);
  const open = cases.filter((c) => c.status !== 'CLOSED' && c.status !== 'DISCHARGED');
  if (cases.length === 0 || open.length === 0) throw new Error('the demo ward has no open case');
  const outcomes: Outcome[] = [];
  let sent = 0;
  let stopped = false;

  const one = async (n: number): Promise<Outcome> => {
    const requestId = randomUUID();
    const operation: Operation = (['cases', 'case', 'case', 'addNote'] as const)[n % 4]!;
    const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
    try {
      let answer: GraphQLAnswer<unknown>;
      let patientData = false;
      if (operation === 'cases') {
        const a = await postGraphQL(
          options.url,
          options.token,
          CasesDocument,
          { first: 10 },
          requestId,
        );
        patientData = (a.body.data?.cases.edges.length ?? 0) > 0;
        answer = a;
      } else if (operation === 'case') {
        const a = await postGraphQL(
          options.url,
          options.token,
          CaseByIdDocument,
          { id: pick(cases).id },
          requestId,
        );
        patientData = !!a.body.data?.case;
        answer = a;
      } else {
        const a = await postGraphQL(
          options.url,
          options.token,
          AddNoteDocument,
          { input: { caseId: pick(open).id, text: LOAD_NOTE_TEXT, noteId: randomUUID() } },
          requestId,
        );
        patientData = a.body.data?.addNote.__typename === 'AddNoteSuccess';
        answer = a;
      }
      return {
        requestId,
        operation,
        at: Date.now(),
        status: answer.status,
        retryAfter: answer.retryAfter,
        codes: (answer.body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE'),
        hasData: answer.body.data !== undefined && answer.body.data !== null,
        patientData,
      };
    } catch (error) {
      return {
        requestId,
        operation,
        at: Date.now(),
        status: null,
        retryAfter: null,
        codes: [],
        hasData: false,
        patientData: false,
        transportError: String(error),
      };
    }
  };

  const client = async () => {
    while (!stopped && sent < options.maxRequests) {
      const outcome = await one(sent++);
      outcomes.push(outcome);
      // A client that was told to come back later does not spin.
      if (outcome.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
  };
  const clients = Array.from({ length: options.concurrency }, client);
  return {
    outcomes,
    deliveredSince: (since) =>
      outcomes.filter((o) => o.at > since && o.status === 200 && o.hasData).length,
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/** Counts of a run, for the report: what was answered how. */
export function tally(outcomes: Outcome[]) {
  const count = (p: (o: Outcome) => boolean) => outcomes.filter(p).length;
  return {
    requests: outcomes.length,
    delivered: count((o) => o.status === 200),
    notes: count((o) => o.operation === 'addNote' && o.patientData),
    databaseUnavailable: count((o) => o.codes[0] === 'DATABASE_UNAVAILABLE'),
    accessLogUnavailable: count((o) => o.codes[0] === 'ACCESS_LOG_UNAVAILABLE'),
    noAnswer: count((o) => o.status === null),
  };
}

/**
 * Every answered request delivered data without errors, or got one retryable 503 without
 * data; every delivery of patient data has its access-log rows; the chain verifies.
 */
export async function expectOnlyDataOrRetryable(outcomes: Outcome[], owner: pg.Client) {
  const wrong = outcomes.filter((o) => {
    if (o.status === 200) return o.codes.length > 0 || !o.hasData;
    if (o.status === 503) {
      if (o.hasData || o.codes.length !== 1) return true;
      if (o.codes[0] === 'DATABASE_UNAVAILABLE') return o.retryAfter === null;
      return o.codes[0] !== 'ACCESS_LOG_UNAVAILABLE';
    }
    return true; // no answer, or any other status
  });
  expect(wrong).toEqual([]);

  const delivered = outcomes
    .filter((o) => o.status === 200 && o.patientData)
    .map((o) => o.requestId);
  const { rows } = await owner.query<{ request_id: string }>(
    'SELECT DISTINCT request_id FROM access_log WHERE request_id = ANY($1)',
    [delivered],
  );
  const logged = new Set(rows.map((r) => r.request_id));
  expect(delivered.filter((id) => !logged.has(id))).toEqual([]);

  const report = await verifyAccessLog(owner);
  expect(report.broken).toBeNull();
  expect(report.ok).toBe(true);
}
