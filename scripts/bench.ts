/**
 * Brygga at region scale, side by side with PostGraphile 5 over the same database (issue 7;
 * docs/performance.md explains the method and shows the latest results).
 *
 *   npm run seed:scale                      # once: the region-year in brygga_scale
 *   npm run bench -- [--duration 15] [--connections 8] [--rate half|N] [--processes 1,2]
 *                    [--ready 600] [--logins 500] [--skip-postgraphile] [--note "…"]
 *                    [--only a,b,c,d,e,rate,postgraphile]   (a subset, e.g. while working on one)
 *                    [--rounds 3]   ((a), (b) and the paced (a) against PostGraphile, alternating rounds)
 *   npm run bench -- --render docs/bench/<date>.json    (docs/performance.md again from a stored run)
 *
 * DATABASE_URL selects the seeded database (default brygga_scale on 127.0.0.1:5432). Starts
 * Brygga through its CLI (first with EXPOSE_SQL_COUNT to count SQL statements per request,
 * then for the timed runs) and PostGraphile, runs (a) the 50-case nested list, (b) one case
 * in full, (c) the ready notice and its withdrawal in turn, (d) a patient's accesses over
 * twelve months in the log, (e) SAML login with token issue, (a) again at a fixed, evenly
 * paced rate on both servers (half PostGraphile's maximum unless --rate gives a number),
 * and (a) with two API processes; writes docs/bench/<date>.json and docs/performance.md.
 * With PostGraphile, (a), (b) and the paced (a) run with both servers up, in alternating
 * rounds (the median round is reported, scripts/bench/paired-rounds.ts): this machine's
 * speed moves within minutes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { analyzeLikeAutovacuum } from './bench/autoanalyze.js';
import { chooseFixtures, connectIdentity, prepareLogins, tokenFor } from './bench/fixtures.js';
import { describeMachine } from './bench/machine.js';
import {
  medianRound,
  type PairedRound,
  pairedRounds,
  ratioOf,
  tailRatioOf,
} from './bench/paired-rounds.js';
import { probeStatements } from './bench/probe.js';
import { type ServerProcess, startBrygga, startPostGraphile } from './bench/processes.js';
import { type BenchReport, renderReport } from './bench/report.js';
import * as scenarios from './bench/scenarios.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '8' },
    // (a) at a fixed rate, both servers: `half` is half PostGraphile's measured maximum.
    rate: { type: 'string', default: 'half' },
    processes: { type: 'string', default: '1,2' },
    ready: { type: 'string', default: '600' },
    logins: { type: 'string', default: '500' },
    'skip-postgraphile': { type: 'boolean', default: false },
    note: { type: 'string', default: '' },
    only: { type: 'string', default: 'a,b,c,d,e,rate,postgraphile' },
    // (a) and (b) against PostGraphile in this many alternating rounds (paired-rounds.ts).
    rounds: { type: 'string', default: '3' },
    render: { type: 'string' },
  },
});
const only = new Set(flags.only.split(','));
const rounds = Math.max(1, Number(flags.rounds));
const settings = { duration: Number(flags.duration), connections: Number(flags.connections) };
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';
const POOL_SIZE = 10;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// One key and issuer for the API processes and for this process, which mints the tokens.
const identityEnv = {
  PUBLIC_URL: 'https://127.0.0.1:4999',
  IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  IDENTITY_ACCESS_TOKEN_SECONDS: '3600',
};
const apiEnv = (extra: Record<string, string> = {}) => ({
  ...identityEnv,
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: String(POOL_SIZE),
  LOG_LEVEL: 'error',
  SCHEDULER_ENABLED: 'false',
  TRUSTED_DOCUMENTS: 'off',
  SEED_DEMO: 'false',
  ...extra,
});

async function withServer<T>(
  start: () => Promise<ServerProcess>,
  fn: (s: ServerProcess) => Promise<T>,
) {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

type IdentityServices = Awaited<ReturnType<typeof connectIdentity>>;

/** Brygga started with `env`, and this process's identity services to mint its tokens. */
function withBrygga<T>(
  env: Record<string, string>,
  processes: number,
  fn: (server: ServerProcess, services: IdentityServices) => Promise<T>,
) {
  return withServer(
    () => startBrygga(env, processes),
    async (server) => {
      const services = await connectIdentity(databaseUrl, identityEnv);
      try {
        return await fn(server, services);
      } finally {
        await services.db.close();
      }
    },
  );
}

async function main(): Promise<void> {
  if (flags.render) {
    // Re-renders docs/performance.md from a stored run, e.g. after editing notes.md.
    const report = JSON.parse(await readFile(flags.render, 'utf8')) as BenchReport;
    await writeFile(
      'docs/performance.md',
      renderReport(report, flags.render.replace(/^docs\//, '')),
    );
    log(`rendered docs/performance.md from ${flags.render}`);
    return;
  }
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  const machine = await describeMachine(owner);
  const { rows: sizes } = await owner.query<{ cases: number; log_rows: string }>(
    `SELECT (SELECT count(*)::int FROM "case") AS cases,
            (SELECT sum(c.reltuples)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'access_log_partition' AND c.relkind = 'r') AS log_rows`,
  );
  const fixtures = await chooseFixtures(owner);
  /** Between scenarios, what autovacuum would have analyzed (scripts/bench/autoanalyze.ts). */
  const analyzed = new Set<string>();
  const autoanalyze = async () => {
    for (const name of await analyzeLikeAutovacuum(owner)) analyzed.add(name);
  };
  const readyCases = fixtures.planningCases.slice(0, Number(flags.ready));
  log(
    `${sizes[0]!.cases} cases, ~${sizes[0]!.log_rows} access-log rows; list unit ${fixtures.listUnit.hsaId}, ${readyCases.length} PLANNING cases for (c)`,
  );

  // SQL statements per request, on a server that counts them (a separate start: the
  // counting itself is not part of the timed runs).
  const statements = await withBrygga(apiEnv({ EXPOSE_SQL_COUNT: 'true' }), 1, (server, services) =>
    probeStatements(server.url, services, fixtures),
  );
  log(`statements per request: ${JSON.stringify(statements)}`);

  const brygga: BenchReport['brygga'] = {};
  /** (a) at a fixed rate: the flag's number, or half PostGraphile's maximum once measured. */
  let fixedRate: number | null = flags.rate === 'half' ? null : Number(flags.rate);
  const atRate = { ...settings, connections: Math.max(settings.connections, 32) };
  const caseListAt = async (url: string, token: string, rate: number) => {
    const result = await scenarios.caseList(url, token, atRate, rate);
    log(`(a) at ${rate} req/s: p99 ${result.latencyMs.p99} ms`);
    return result;
  };
  const warm = { ...settings, duration: 5 };
  const scaling: BenchReport['scaling'] = [];
  const withPostGraphile = !flags['skip-postgraphile'] && only.has('postgraphile');
  let postgraphile: BenchReport['postgraphile'] = null;
  let paired: BenchReport['rounds'];

  /**
   * (a) and (b) on both servers in alternating rounds, then (a) at half PostGraphile's
   * maximum on PostGraphile and at once on Brygga: both servers up, so each comparison is
   * of runs minutes apart at most. PostGraphile's statements are counted over its runs.
   */
  const sideBySide = async (
    url: string,
    staff: string,
    server: ServerProcess,
  ): Promise<NonNullable<BenchReport['postgraphile']>> => {
    const tally = { list: { statements: 0, requests: 0 }, detail: { statements: 0, requests: 0 } };
    const statementsSoFar = async () =>
      ((await (await fetch(`${server.url}/statements`)).json()) as { statements: number })
        .statements;
    const counting = async (kind: 'list' | 'detail', run: () => Promise<scenarios.LoadResult>) => {
      const before = await statementsSoFar();
      const result = await run();
      tally[kind].statements += (await statementsSoFar()) - before;
      tally[kind].requests += result.requests;
      return result;
    };
    const pgList = () => scenarios.pgCaseList(server.url, fixtures.listUnit.id, settings);
    const pgDetail = () => scenarios.pgCaseDetail(server.url, fixtures, settings);
    const logRounds = (label: string, pairs: PairedRound[]) => {
      for (const [i, pair] of pairs.entries()) {
        log(
          `${label} round ${i + 1} (${pair.first} first): Brygga ${pair.brygga.requestsPerSecond}, PostGraphile ${pair.postgraphile.requestsPerSecond} req/s (${ratioOf(pair).toFixed(2)})`,
        );
      }
    };

    await autoanalyze();
    await scenarios.caseList(url, staff, warm);
    await scenarios.pgCaseList(server.url, fixtures.listUnit.id, warm);
    const listRounds = await pairedRounds(rounds, {
      brygga: () => scenarios.caseList(url, staff, settings),
      postgraphile: () => counting('list', pgList),
    });
    logRounds('(a)', listRounds);
    const list = medianRound(listRounds);
    brygga.caseList = list.brygga;

    await autoanalyze();
    await scenarios.pgCaseDetail(server.url, fixtures, warm);
    let detail: PairedRound | undefined;
    let detailRounds: PairedRound[] | undefined;
    if (only.has('b')) {
      await scenarios.caseDetail(url, staff, fixtures, warm);
      detailRounds = await pairedRounds(rounds, {
        brygga: () => scenarios.caseDetail(url, staff, fixtures, settings),
        postgraphile: () => counting('detail', pgDetail),
      });
      logRounds('(b)', detailRounds);
      detail = medianRound(detailRounds);
      brygga.caseDetail = detail.brygga;
    }
    const pgCaseDetail = detail?.postgraphile ?? (await counting('detail', pgDetail));
    paired = { caseList: listRounds, ...(detailRounds ? { caseDetail: detailRounds } : {}) };

    let caseListAtRate: scenarios.LoadResult | undefined;
    if (only.has('rate')) {
      fixedRate ??= Math.max(1, Math.floor(list.postgraphile.requestsPerSecond / 2));
      const rate = fixedRate;
      await autoanalyze();
      const rateRounds = await pairedRounds(rounds, {
        brygga: () => scenarios.caseList(url, staff, atRate, rate),
        postgraphile: () => scenarios.pgCaseList(server.url, fixtures.listUnit.id, atRate, rate),
      });
      for (const [i, pair] of rateRounds.entries()) {
        log(
          `(a) at ${rate} req/s round ${i + 1} (${pair.first} first): p99 Brygga ${pair.brygga.latencyMs.p99}, PostGraphile ${pair.postgraphile.latencyMs.p99} ms (${tailRatioOf(pair).toFixed(2)})`,
        );
      }
      const median = medianRound(rateRounds, tailRatioOf);
      brygga.caseListAtRate = median.brygga;
      caseListAtRate = median.postgraphile;
      paired.caseListAtRate = rateRounds;
    }
    return {
      version: await postgraphileVersions(),
      caseList: list.postgraphile,
      caseDetail: pgCaseDetail,
      ...(caseListAtRate ? { caseListAtRate } : {}),
      statements: {
        caseList: round(tally.list.statements / Math.max(1, tally.list.requests)),
        caseDetail: round(tally.detail.statements / Math.max(1, tally.detail.requests)),
      },
    };
  };

  const processCounts = flags.processes.split(',').map(Number);
  for (const processes of processCounts) {
    await withBrygga(apiEnv(), processes, async (server, services) => {
      const staff = await tokenFor(services, fixtures.listUnit.hsaId, ['SOCIAL_SERVICES_STAFF']);
      log(`Brygga with ${processes} process(es) at ${server.url}`);
      if (processes !== 1) {
        await autoanalyze();
        await scenarios.caseList(server.url, staff, warm);
        const a = await scenarios.caseList(server.url, staff, settings);
        scaling.push({ processes, caseList: a });
        log(`(a) ${processes}p: ${a.requestsPerSecond} req/s, p99 ${a.latencyMs.p99} ms`);
        return;
      }
      if (withPostGraphile) {
        postgraphile = await withServer(
          () => startPostGraphile(databaseUrl, POOL_SIZE),
          (pgServer) => sideBySide(server.url, staff, pgServer),
        );
        log(
          `PostGraphile (a) ${postgraphile.caseList.requestsPerSecond} req/s, (b) ${postgraphile.caseDetail.requestsPerSecond} req/s (the median rounds)`,
        );
      } else {
        await autoanalyze();
        await scenarios.caseList(server.url, staff, warm);
        brygga.caseList = await scenarios.caseList(server.url, staff, settings);
        if (only.has('b')) {
          await autoanalyze();
          await scenarios.caseDetail(server.url, staff, fixtures, warm);
          brygga.caseDetail = await scenarios.caseDetail(server.url, staff, fixtures, settings);
        }
      }
      const a = brygga.caseList!;
      scaling.push({ processes, caseList: a });
      log(`(a) ${processes}p: ${a.requestsPerSecond} req/s, p99 ${a.latencyMs.p99} ms`);
      if (brygga.caseDetail) log(`(b) ${brygga.caseDetail.requestsPerSecond} req/s`);

      if (only.has('c')) {
        const wardTokens = new Map<string, string>();
        for (const c of readyCases) {
          if (!wardTokens.has(c.wardHsaId)) {
            wardTokens.set(c.wardHsaId, await tokenFor(services, c.wardHsaId, ['WARD_STAFF']));
          }
        }
        const ready = scenarios.notifyReady(server.url, wardTokens, readyCases, settings);
        const notified = await ready.run;
        brygga.notifyReady = notified;
        const restored = await scenarios.restoreReady(server.url, wardTokens, ready.ready());
        log(`(c) ${notified.requestsPerSecond} req/s; ${restored} cases back to PLANNING`);
      }

      if (only.has('d')) {
        const officer = await tokenFor(services, fixtures.regionUnitHsaId, ['SECURITY_OFFICER']);
        await autoanalyze();
        await scenarios.accessLog(server.url, officer, fixtures, warm);
        brygga.accessLog = await scenarios.accessLog(server.url, officer, fixtures, settings);
        log(
          `(d) ${brygga.accessLog.requestsPerSecond} req/s, p95 ${brygga.accessLog.latencyMs.p95} ms`,
        );
      }

      if (only.has('e')) {
        const count = Number(flags.logins);
        const logins = await prepareLogins(
          services,
          identityEnv.PUBLIC_URL,
          count + settings.connections * scenarios.LOGIN_SPARES_PER_CONNECTION,
        );
        brygga.login = await scenarios.login(server.url, logins, count, settings);
        log(`(e) ${brygga.login.requestsPerSecond / 2} logins/s`);
      }

      // Without PostGraphile, a rate the flag gives is offered to Brygga alone.
      if (only.has('rate') && !withPostGraphile && fixedRate !== null) {
        await autoanalyze();
        brygga.caseListAtRate = await caseListAt(server.url, staff, fixedRate);
      }
    });
  }
  await owner.end();

  const report: BenchReport = {
    machine,
    note: flags.note ?? '',
    analyzed: [...analyzed].sort(),
    settings: {
      ...settings,
      ...(paired ? { rounds } : {}),
      rate: fixedRate ?? Number.NaN,
      poolSize: POOL_SIZE,
      ratePacing: 'even',
    },
    data: {
      cases: sizes[0]!.cases,
      accessLogRows: Number(sizes[0]!.log_rows),
      readyCases: readyCases.length,
      readyInTurn: true,
      logins: Number(flags.logins),
    },
    statements,
    brygga,
    postgraphile,
    ...(paired ? { rounds: paired } : {}),
    scaling,
  };
  const stamp = machine.date.replace(/[:.]/g, '-');
  await writeFile(`docs/bench/${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile('docs/performance.md', renderReport(report, `bench/${stamp}.json`));
  log(`wrote docs/bench/${stamp}.json and docs/performance.md`);
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The versions actually installed (nested copies first: npm may place them there). */
async function postgraphileVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of ['postgraphile', 'grafast', '@dataplan/pg', 'graphile-build-pg', 'grafserv']) {
    for (const dir of [`node_modules/postgraphile/node_modules/${name}`, `node_modules/${name}`]) {
      try {
        versions[name] = (
          JSON.parse(await readFile(`${dir}/package.json`, 'utf8')) as { version: string }
        ).version;
        break;
      } catch {
        // Not at this place: try the next.
      }
    }
  }
  return versions;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
