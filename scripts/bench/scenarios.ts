import { print } from 'graphql';
import {
  AccessLogDocument,
  CaseByIdDocument,
  CaseListNestedDocument,
  NotifyReadyForDischargeDocument,
  WithdrawReadyForDischargeDocument,
} from '../../test/generated/graphql.js';
import { caseGlobalId, type Fixtures } from './fixtures.js';
import { type LoadResult, load } from './load.js';
import { PG_CASE_DETAIL, PG_CASE_LIST } from './postgraphile-queries.js';

/**
 * The five scenarios of issue 7, as requests for load.ts. Brygga's documents are the
 * ones its own integration tests run (test/operations); PostGraphile's are in
 * postgraphile-queries.ts.
 */

export const DOCUMENTS = {
  caseList: print(CaseListNestedDocument),
  caseDetail: print(CaseByIdDocument),
  notifyReady: print(NotifyReadyForDischargeDocument),
  withdrawReady: print(WithdrawReadyForDischargeDocument),
  accessLog: print(AccessLogDocument),
};

export interface RunSettings {
  connections: number;
  duration: number;
}

const json = (query: string, variables: Record<string, unknown>) =>
  JSON.stringify({ query, variables });

/**
 * A GraphQL POST to /graphql for the set duration on every connection; `body` gives each
 * request's body (a constant one, or the next of a cycle).
 */
export function postGraphql(
  url: string,
  s: RunSettings,
  headers: Record<string, string>,
  body: () => string,
  overallRate?: number,
) {
  return load({
    url,
    connections: s.connections,
    duration: s.duration,
    ...(overallRate ? { overallRate } : {}),
    requests: [{ path: '/graphql', headers, next: () => ({ body: body() }) }],
  });
}

/** Cycles through a list, one element per request, across all connections. */
function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

export function caseList(url: string, token: string, s: RunSettings, overallRate?: number) {
  const body = json(DOCUMENTS.caseList, { first: 50 });
  return postGraphql(url, s, authorized(token), () => body, overallRate);
}

export function caseDetail(url: string, token: string, fixtures: Fixtures, s: RunSettings) {
  const next = cycle(fixtures.detailCases);
  return postGraphql(url, s, authorized(token), () =>
    json(DOCUMENTS.caseDetail, { id: caseGlobalId(next()) }),
  );
}

/**
 * The ready notice (utskrivningsklar) and its withdrawal in turn, by a user of each case's
 * ward: the cases are taken in order, notified on the first pass, withdrawn on the second,
 * notified again on the third, so every request is a valid command that writes an event
 * however many a run sends (a fast machine sent 6 800 in 15 s, with 600 PLANNING cases, and
 * all but the first 600 had been refused as INVALID_STATE). A case comes round again only
 * after every other case, long after its last command ended. `ready()` tells
 * `restoreReady` which cases a notice left READY.
 */
export function notifyReady(
  url: string,
  wardTokens: Map<string, string>,
  cases: Fixtures['planningCases'],
  s: RunSettings,
) {
  let sent = 0;
  const run = load({
    url,
    connections: s.connections,
    duration: s.duration,
    requests: [
      {
        path: '/graphql',
        next: () => {
          const pass = Math.floor(sent / cases.length);
          const c = cases[sent++ % cases.length]!;
          const caseId = caseGlobalId(c.id);
          return {
            body:
              pass % 2 === 0
                ? json(DOCUMENTS.notifyReady, {
                    input: { caseId, readyAt: new Date().toISOString() },
                  })
                : json(DOCUMENTS.withdrawReady, {
                    input: { caseId, reason: 'Mätningen drar tillbaka anmälan.' },
                  }),
            headers: authorized(wardTokens.get(c.wardHsaId)!),
          };
        },
        isError: (_status, body) => body.includes('"errors"') || body.includes('"CommandError"'),
      },
    ],
  });
  // Case j was sent a command on passes 0 … ⌈(sent − j) / n⌉ − 1: READY when that count is odd.
  const ready = () =>
    cases.filter((_, j) => sent > j && Math.ceil((sent - j) / cases.length) % 2 === 1);
  return { run, ready };
}

/** Withdraws the ready notices the scenario sent, so the next run finds PLANNING cases again. */
export async function restoreReady(
  url: string,
  wardTokens: Map<string, string>,
  cases: Fixtures['planningCases'],
): Promise<number> {
  let restored = 0;
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: authorized(wardTokens.get(c.wardHsaId)!),
        body: json(DOCUMENTS.withdrawReady, {
          input: { caseId: caseGlobalId(c.id), reason: 'Återställt efter mätningen.' },
        }),
      });
      if ((await response.text()).includes('WithdrawReadyForDischargeSuccess')) restored += 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return restored;
}

/** The security officer's "every access to patient X over twelve months" (log review). */
export function accessLog(url: string, token: string, fixtures: Fixtures, s: RunSettings) {
  const next = cycle(fixtures.logPatients);
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  return postGraphql(url, s, authorized(token), () =>
    json(DOCUMENTS.accessLog, {
      filter: { patientId: next(), from: from.toISOString(), to: to.toISOString() },
      first: 100,
    }),
  );
}

/**
 * A login: the IdP's signed response posted to the ACS (validated in every step, a
 * session opened), then the access token fetched with the session cookie, on the same
 * connection. Counts as two requests; logins per second is half the request rate.
 *
 * `logins` are measured. Each signed response is good for one login only, and autocannon
 * sends a few requests past the amount it counts (one per busy connection at the end), so
 * `bodies` must hold spares: LOGIN_SPARES_PER_CONNECTION per connection. A response posted
 * twice would be refused as a replay and counted as a failed login.
 */
export const LOGIN_SPARES_PER_CONNECTION = 2;

export function login(url: string, bodies: string[], logins: number, s: RunSettings) {
  if (bodies.length < logins + s.connections * LOGIN_SPARES_PER_CONNECTION) {
    throw new RangeError('login: prepare a spare signed response for every connection');
  }
  let i = 0;
  const SESSION = /(brygga_session=[^;]+)/;
  return load({
    url,
    connections: s.connections,
    amount: logins * 2,
    requests: [
      {
        path: '/auth/saml/bench/acs',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // Never a response twice; past the spares an empty post fails visibly.
        next: () => ({ body: bodies[i++] ?? '' }),
        isError: (status, _body, headers, context) => {
          // autocannon keeps the header names as sent (Express: Set-Cookie).
          const name = Object.keys(headers).find((h) => h.toLowerCase() === 'set-cookie');
          const cookie = [name ? (headers[name] ?? []) : []].flat().join(';');
          context.cookie = SESSION.exec(cookie)?.[1];
          return status !== 303 || !context.cookie;
        },
      },
      {
        path: '/auth/refresh',
        next: (context) => ({
          body: '{}',
          headers: { 'content-type': 'application/json', cookie: String(context.cookie ?? '') },
        }),
        isError: (status, body) => status !== 200 || !body.includes('accessToken'),
      },
    ],
  });
}

export function pgCaseList(url: string, unitId: string, s: RunSettings, overallRate?: number) {
  const body = json(PG_CASE_LIST, { unitId, first: 50 });
  return postGraphql(url, s, plainJson, () => body, overallRate);
}

export function pgCaseDetail(url: string, fixtures: Fixtures, s: RunSettings) {
  const next = cycle(fixtures.detailCases);
  return postGraphql(url, s, plainJson, () => json(PG_CASE_DETAIL, { id: next() }));
}

const plainJson = { 'content-type': 'application/json' };
export function authorized(token: string) {
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

export type { LoadResult };
