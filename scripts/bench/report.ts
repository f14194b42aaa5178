import { existsSync, readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import { failedBesidesStatus } from './load-results.js';
import type { Machine } from './machine.js';
import { type PairedRound, ratioOf, tailRatioOf } from './paired-rounds.js';
import type { StatementCounts } from './probe.js';

/** What one `npm run bench` measured; written as docs/bench/<date>.json. */
export interface BenchReport {
  machine: Machine;
  note: string;
  /** Tables the bench analyzed between scenarios because autovacuum is off (autoanalyze.ts). */
  analyzed?: string[];
  settings: {
    duration: number;
    connections: number;
    rate: number;
    poolSize: number;
    /** How the fixed rate was offered; runs stored before 2026-12-05 were autocannon's. */
    ratePacing?: 'even';
    /** Rounds against PostGraphile: (a) and (b) since 2026-12-05, the paced (a) since 2026-12-06. */
    rounds?: number;
  };
  data: {
    cases: number;
    accessLogRows: number;
    readyCases: number;
    logins: number;
    /** (c) sends each case's notice and its withdrawal in turn; stored runs before 2026-12-05 sent notices only. */
    readyInTurn?: true;
  };
  statements: StatementCounts;
  brygga: {
    caseList?: LoadResult;
    caseDetail?: LoadResult;
    notifyReady?: LoadResult;
    accessLog?: LoadResult;
    login?: LoadResult;
    caseListAtRate?: LoadResult;
  };
  postgraphile: {
    version: Record<string, string>;
    caseList: LoadResult;
    caseDetail: LoadResult;
    /** (a) at the same fixed rate as Brygga's `caseListAtRate`. */
    caseListAtRate?: LoadResult;
    statements: { caseList: number; caseDetail: number };
  } | null;
  scaling: { processes: number; caseList: LoadResult }[];
  /**
   * Every round with PostGraphile; `brygga` and `postgraphile` hold the median round's. The
   * paced (a) ran once on each server, PostGraphile first, in runs stored before 2026-12-06.
   */
  rounds?: { caseList: PairedRound[]; caseDetail?: PairedRound[]; caseListAtRate?: PairedRound[] };
}

/** The rounds against PostGraphile, when the run had them: what the ratios in the table are the median of. */
function roundsSection(r: BenchReport): string {
  if (!r.rounds) return '';
  const first = (pair: PairedRound) => (pair.first === 'brygga' ? 'Brygga' : 'PostGraphile');
  const lines = (label: string, pairs: readonly PairedRound[] | undefined) =>
    (pairs ?? []).map(
      (pair, i) =>
        `| ${label} | ${i + 1} | ${first(pair)} | ${f(pair.brygga.requestsPerSecond)} | ${f(pair.postgraphile.requestsPerSecond)} | ${f(ratioOf(pair), 2)} |`,
    );
  const paced = r.rounds.caseListAtRate;
  const pacedLines = (paced ?? []).map(
    (pair, i) =>
      `| ${i + 1} | ${first(pair)} | ${f(pair.brygga.latencyMs.p99)} | ${f(pair.postgraphile.latencyMs.p99)} | ${f(tailRatioOf(pair), 2)} |`,
  );
  const pacedSection = paced
    ? `
The paced (a) in the same way, at ${f(r.settings.rate, 0)} req/s; the table above shows the round whose
ratio of the p99s is the median:

| round | first | Brygga p99 ms | PostGraphile p99 ms | PostGraphile / Brygga |
|---|---|---|---|---|
${pacedLines.join('\n')}
`
    : '';
  return `
### Against PostGraphile, round by round

This machine's speed moves within minutes, so ${paced ? '(a), (b) and the paced (a)' : '(a) and (b)'} run with both servers up, in
${r.settings.rounds ?? r.rounds.caseList.length} rounds of one run each, the order alternating (scripts/bench/paired-rounds.ts). The
table above shows the round whose ratio is the median (of an even number, the lower
middle one)${paced ? '.' : '; the paced rate is offered to PostGraphile and then at once to Brygga.'}

| scenario | round | first | Brygga req/s | PostGraphile req/s | Brygga / PostGraphile |
|---|---|---|---|---|---|
${[...lines('(a)', r.rounds.caseList), ...lines('(b)', r.rounds.caseDetail)].join('\n')}
${pacedSection}`;
}

const f = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

/** A run in which no request completed measured nothing: shown as such, not as zero. */
const measured = (r: LoadResult | undefined) => (r && r.requests > 0 ? r : undefined);

function row(
  label: string,
  r: LoadResult | undefined,
  statements: string,
  pg?: LoadResult,
  pgStatements?: number,
  perRequest = 1,
) {
  const done = measured(r);
  const rps = done ? done.requestsPerSecond / perRequest : undefined;
  const ratio = done && pg ? f(done.requestsPerSecond / pg.requestsPerSecond, 2) : '–';
  // A login's ACS answers 303 by design: there the scenario's own check decides failure.
  const failures = r ? (perRequest === 1 ? r.non2xx : 0) + failedBesidesStatus(r) : 0;
  return `| ${label} | ${f(rps)} | ${f(done?.latencyMs.p50)} | ${f(done?.latencyMs.p95)} | ${f(done?.latencyMs.p99)} | ${statements} | ${r ? r.requests : '–'} / ${failures} | ${pg ? f(pg.requestsPerSecond) : '–'} | ${pg ? `${f(pg.latencyMs.p50)} / ${f(pg.latencyMs.p99)}` : '–'} | ${pgStatements === undefined ? '–' : f(pgStatements, 2)} | ${ratio} |`;
}

/** The seed run's summary (`npm run seed:scale -- --json > docs/bench/seed-scale.json`). */
function seedSection(): string {
  const path = 'docs/bench/seed-scale.json';
  if (!existsSync(path)) return '_No seed summary in docs/bench/seed-scale.json._';
  const seed = JSON.parse(readFileSync(path, 'utf8')) as {
    sizes: Record<string, number>;
    counts: Record<string, number>;
    seconds: Record<string, number>;
    machine?: string;
  };
  const counts = Object.entries(seed.counts)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  const phases = Object.entries(seed.seconds)
    .map(([k, v]) => `${k} ${v} s`)
    .join(', ');
  return `Rows: ${counts}.\n\nTime: ${phases}${seed.machine ? ` (${seed.machine})` : ''}.`;
}

/**
 * Everything after the generated tables, kept by hand in docs/bench/notes.md (observations,
 * the log review, the other benches' sections), which a re-run must not overwrite.
 */
function notesSection(): string {
  const path = 'docs/bench/notes.md';
  return existsSync(path) ? `${readFileSync(path, 'utf8').trim()}\n` : '';
}

export function renderReport(r: BenchReport, jsonPath: string): string {
  const s = r.statements;
  const b = r.brygga;
  const done = {
    caseList: measured(b.caseList),
    caseDetail: measured(b.caseDetail),
    accessLog: measured(b.accessLog),
    caseListAtRate: measured(b.caseListAtRate),
  };
  const pg = r.postgraphile;
  const pageSizes = Object.entries(s.caseListByPageSize)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const one = r.scaling.find((x) => x.processes === 1)?.caseList;
  const scaling = r.scaling
    .map(
      (x) =>
        `| ${x.processes} | ${f(measured(x.caseList)?.requestsPerSecond)} | ${f(measured(x.caseList)?.latencyMs.p50)} | ${f(measured(x.caseList)?.latencyMs.p99)} | ${measured(one) && measured(x.caseList) ? f(x.caseList.requestsPerSecond / one!.requestsPerSecond, 2) : '–'} |`,
    )
    .join('\n');
  const verdict = (ok: boolean | undefined) =>
    ok === undefined
      ? 'not measured (no request completed within the run)'
      : ok
        ? 'met'
        : 'not met';
  const constant = new Set(Object.values(s.caseListByPageSize)).size === 1;
  return `# Performance at region scale

Generated by \`npm run bench\` (scripts/bench.ts) on ${r.machine.date}; the raw numbers are in
[${jsonPath}](${jsonPath}). Re-run everything on a quiet machine with:

\`\`\`sh
npm run seed:scale -- --reset --json > docs/bench/seed-scale.json   # the region-year in brygga_scale
npm run bench -- --note "quiet machine"                              # (a)–(e), PostGraphile, 1 and 2 processes
\`\`\`

Both use \`DATABASE_URL\` (default \`postgresql://postgres@127.0.0.1:5432/brygga_scale\`).
${r.note ? `\n> **Note on this run:** ${r.note}\n` : ''}${
  r.analyzed?.length
    ? `\n> **Autovacuum is off on this server**, so between scenarios the bench analyzed what it would have (scripts/bench/autoanalyze.ts): ${r.analyzed.map((t) => `\`${t}\``).join(', ')}.\n`
    : ''
}
## Machine

| CPU | cores | RAM | Node | PostgreSQL | load average at start | commit |
|---|---|---|---|---|---|---|
| ${r.machine.cpuModel} | ${r.machine.cores} | ${r.machine.ramGiB} GiB | ${r.machine.node} | ${r.machine.postgres} | ${r.machine.loadAverageAtStart.join(' / ')} | ${r.machine.commit} |

## Data: one region-year (scripts/seed-scale.ts)

${r.data.cases.toLocaleString('en-US')} cases and about ${r.data.accessLogRows.toLocaleString('en-US')} access-log rows
(30 municipalities and districts, 60 wards, 200 primary-care units, 13 000 users),
generated deterministically (seeded PRNG: same sizes and seed, same data) and loaded with COPY.
Cases are decided by the real workflow commands of src/domain/case, so statuses, timestamps,
payloads and recipients are ones the API itself would produce; access-log rows are
hash-chained per month partition exactly as \`access_log_append\` does, and
\`npm run audit:verify\` passes on the result.

${seedSection()}

## Results

${r.settings.connections} connections, ${r.settings.duration} s per measured run after a 5 s warm-up
(autocannon counts only requests that complete within the run: a scenario slower than the
run shows 0 req/s and no latencies),
${r.settings.poolSize} database connections per process for both servers, one API process
unless stated. Latencies in ms. "requests / failed" counts non-2xx, socket errors,
timeouts and GraphQL errors (which arrive with status 200) as failed.

| scenario | Brygga req/s | p50 | p95 | p99 | SQL statements per request | requests / failed | PostGraphile req/s | PostGraphile p50 / p99 | PostGraphile statements | Brygga / PostGraphile |
|---|---|---|---|---|---|---|---|---|---|---|
${row('(a) 50-case nested list', b.caseList, String(s.caseListByPageSize[50] ?? '–'), pg?.caseList, pg?.statements.caseList)}
${row('(b) one case in full detail', b.caseDetail, String(s.caseDetail), pg?.caseDetail, pg?.statements.caseDetail)}
${row(r.data.readyInTurn ? `(c) ready notice and its withdrawal in turn (${r.data.readyCases} cases)` : `(c) ready notice (${r.data.readyCases} distinct cases)`, b.notifyReady, String(s.notifyReady))}
${row('(d) log review: a patient, 12 months', b.accessLog, String(s.accessLog))}
${row('(e) SAML ACS + token (logins/s)', b.login, '–', undefined, undefined, 2)}
${row(`(a) at a fixed ${f(r.settings.rate, 0)} req/s`, b.caseListAtRate, '–', pg?.caseListAtRate)}

${
  r.settings.ratePacing === 'even'
    ? `The fixed-rate row offers its requests evenly spaced, one every 1/rate s on whichever of
its connections is free (scripts/bench/paced-load.ts), and counts each latency from when
the request was due, so a server that falls behind shows it in the percentiles.`
    : `The fixed-rate row is autocannon's rate, which lets every connection send its share of a
second's requests at the start of the second: one burst a second, and a p99 that is the
time to clear it (runs since 2026-12-05 pace the requests evenly instead).`
}

(e) is a login: the IdP's signed response posted to the ACS and the access token fetched
from \`/auth/refresh\` with the session cookie; its rate is logins per second (two HTTP
requests each), its latencies are per HTTP request.

SQL statements per request for (a) by page size: ${pageSizes} (${constant ? 'constant' : 'not constant'}).
${roundsSection(r)}
### Targets

| target | result |
|---|---|
| (a) throughput ≥ PostGraphile | ${verdict(done.caseList && pg ? done.caseList.requestsPerSecond >= pg.caseList.requestsPerSecond : undefined)} |
| (b) throughput ≥ PostGraphile | ${verdict(done.caseDetail && pg ? done.caseDetail.requestsPerSecond >= pg.caseDetail.requestsPerSecond : undefined)} |
| (a) at a fixed ${f(r.settings.rate, 0)} req/s (half PostGraphile's maximum unless \`--rate\` says otherwise): p99 no worse than PostGraphile's at the same rate | ${verdict(done.caseListAtRate && pg?.caseListAtRate ? done.caseListAtRate.latencyMs.p99 <= pg.caseListAtRate.latencyMs.p99 : undefined)} (${f(b.caseListAtRate?.latencyMs.p99)} ms at ${f(b.caseListAtRate?.requestsPerSecond)} req/s achieved; PostGraphile ${f(pg?.caseListAtRate?.latencyMs.p99)} ms at ${f(pg?.caseListAtRate?.requestsPerSecond)} req/s) |
| (d) p95 < 100 ms on the 10M-row log | ${verdict(done.accessLog ? done.accessLog.latencyMs.p95 < 100 : undefined)} (${f(b.accessLog?.latencyMs.p95)} ms) |
| (a) SQL statements constant in the page size | ${constant ? 'met' : 'not met'} |

### One API process per core (API_PROCESSES)

| API processes | (a) req/s | p50 | p99 | speed-up |
|---|---|---|---|---|
${scaling}

On a 2-core machine the load generator (autocannon) and PostgreSQL share the same two
cores with the API, so the second process competes with them rather than getting a core
of its own; on a host where the database and the load generator run elsewhere the
speed-up can differ (re-run there to know).

## PostGraphile: version, configuration, and how the queries differ

${
  pg
    ? `Versions: ${Object.entries(pg.version)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`
    : 'PostGraphile was skipped in this run.'
}
Amber preset over the \`public\` schema, \`makePgService\` with its own \`pg.Pool\` of the same
size as Brygga's, grafserv on node:http, \`GRAPHILE_ENV=production\`, the same Node binary
(scripts/bench/postgraphile-server.ts; a devDependency, not part of the product).

**The "Cannot read properties of undefined (reading 'items')" failure.** Every PostGraphile
5 release (postgraphile 5.0.0 onwards with grafast 1.x, @dataplan/pg 1.x, grafserv 1.x,
pg-introspection 1.x) declares Node ≥ 22 and calls \`Promise.withResolvers()\`, which Node 20
lacks. On Node 20 (Brygga supports ≥ 20.19, this machine has ${r.machine.node}) @dataplan/pg's
executor throws a TypeError before sending any SQL; the step's result stays undefined and
what surfaces is grafast's connection step reading \`.items\` of undefined, for every query
that reaches the database (introspection and schema building work, which hides it). No
version combination avoids it: older release candidates have the same requirement. What
works is either Node ≥ 22 or, as here, the one missing built-in supplied before PostGraphile
loads (scripts/bench/node22-polyfill.ts), which keeps both servers on the same runtime.

**The queries** (scripts/bench/postgraphile-queries.ts) select the same data as
\`CaseListNested\` and \`CaseById\` in test/operations, with these differences:

- "my unit's cases" is the unit's current \`case_party\` rows with their case: PostGraphile
  has no acting unit. Brygga orders by case reference; PostGraphile can order \`case_party\`
  only by its indexed columns, so it takes 50 of the unit's cases in key order.
- \`ward\`, \`primaryCareUnit\`, \`municipalityUnits\` are Brygga fields derived from the parties'
  roles; PostGraphile's conditions cover indexed columns only, so it fetches the parties
  with role and unit once, which carries the same data.
- \`latestCarePlan\`/\`current\` become \`first: 1\` in descending order; \`dischargeInformation\`
  (and its printable HTML) is Brygga's rendering of the DISCHARGED event's payload, which
  PostGraphile returns raw with the events.
- PostGraphile does no authorization (no row rule, no field categories, no redaction) and
  writes no access log, and it connects as the database owner. Brygga, on every (a) and (b)
  request, verifies the token and its live session, applies the row rule and the field
  policy, and commits one hash-chained access-log row per patient before it answers.

${notesSection()}`;
}
