import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDatabaseFromTemplate, dropDatabase } from '../../support/database.js';
import {
  demoResidents,
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
} from '../../support/demo.js';
import { demoLogin, freePort, graphql } from '../../support/demo-login.js';
import { keepOutputOf } from '../../support/log-capture.js';
import { patientDataIn } from '../../support/patient-data-in-logs.js';

/**
 * What a container runs, without Docker: `npm run build` makes dist/, and node runs
 * dist/src/main.js from inside dist/ (as the Dockerfile's WORKDIR), with no TypeScript
 * loader, against PostgreSQL. Through it a person signs in at the demo IdP and takes a
 * case through the first steps; /readyz, /metrics (on its own port) and the process's
 * whole log are then checked: the metrics counted the requests, and no log line names a
 * patient or carries a personnummer.
 */

const root = process.cwd();
const dist = join(root, 'dist');
const WARD_NURSE_HSA_ID = 'SE2321000016-DP01';

let child: ChildProcess;
let output = '';
let baseUrl = '';
let metricsUrl = '';
let databaseName = '';
let databaseUrl = '';
let owner: pg.Client;
let token = '';
let exitCode: number | null = null;

async function waitFor(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until || child.exitCode !== null) {
      throw new Error(`${what}: not within ${ms} ms; the process printed:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function metrics(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series, 0 when it is not there yet. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  // The image's build stage: `npm run build` (tsc and the files read at run time).
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: root,
    stdio: 'pipe',
  });
  expect(existsSync(join(dist, 'src/main.js'))).toBe(true);

  databaseName = `brygga_t_${randomBytes(6).toString('hex')}`;
  databaseUrl = await createDatabaseFromTemplate(databaseName);
  owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: '0',
    DEMO_IDP: 'true',
    // Every line there is, so the log check below reads the most the process can say.
    LOG_LEVEL: 'debug',
  };
  // As the Dockerfile's CMD: the tracing preload (idle without OTEL_EXPORTER_OTLP_ENDPOINT).
  child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=64',
      '--expose-gc',
      '--import',
      './src/tracing/instrumentation.js',
      'src/main.js',
    ],
    { cwd: dist, env },
  );
  keepOutputOf(child);
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  child.on('exit', (code) => (exitCode = code));
  await waitFor(() => /Brygga is listening/.test(output), 90_000, 'listening');
  baseUrl = `http://127.0.0.1:${port}`;
  metricsUrl = /metrics at (http:\S+)/.exec(output)![1]!;
}, 400_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await owner?.end();
  if (databaseName) await dropDatabase(databaseName);
});

describe('the compiled server (dist/)', () => {
  it('runs without a TypeScript loader and turns ready', async () => {
    expect(child.spawnargs.join(' ')).not.toMatch(/tsx|ts-node/);
    let last = 0;
    await waitFor(
      async () => {
        last = (await fetch(`${baseUrl}/readyz`)).status;
        return last === 200;
      },
      30_000,
      'ready',
    );
    expect(last).toBe(200);
    // The files read at run time were found: the start page's stylesheet and the IDE.
    expect((await fetch(`${baseUrl}/start.css`)).status).toBe(200);
    expect(
      await (await fetch(`${baseUrl}/ide`, { headers: { accept: 'text/html' } })).text(),
    ).toMatch(/GraphQL IDE/);
  });

  it('serves /metrics on its own loopback port only, counting a query once it has run', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
    expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
    const series = 'brygga_http_requests_total{operation="LookupPatient",outcome="ok"}';
    expect(sample(await metrics(), series)).toBe(0);

    token = (await demoLogin(baseUrl, 'ward-nurse')).accessToken;
    const resident = demoResidents(80)[4]!;
    const { data, errors } = await graphql(
      baseUrl,
      token,
      'query LookupPatient($pnr: String!) { lookupPatient(personalIdentityNumber: $pnr) { givenName familyName } }',
      { pnr: resident.personalIdentityNumber },
    );
    expect(errors).toBeUndefined();
    expect(data.lookupPatient.familyName).toBe(resident.familyName);

    const text = await metrics();
    expect(sample(text, series)).toBe(1);
    expect(sample(text, 'brygga_saml_logins_total{idp="demo",outcome="success"}')).toBe(1);
    expect(
      sample(text, 'brygga_access_log_append_duration_seconds_count{outcome="ok"}'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'brygga_access_log_append_failures_total')).toBe(0);
    expect(sample(text, 'brygga_db_available{pool="api"}')).toBe(1);
    expect(sample(text, 'brygga_db_pool_max_connections{pool="api"}')).toBe(10);
    expect(sample(text, 'brygga_idp_certificate_expiry_days{idp="demo"}')).toBeGreaterThan(30);
    expect(text).toMatch(
      /brygga_http_request_duration_seconds_bucket\{le="[^"]+",operation="LookupPatient"\}/,
    );
  });

  it('takes a case through its first steps (the requests whose log is checked below)', async () => {
    const resident = residentWithoutCase(12);
    const social = await unitGlobalId(owner, SOC_SOLNA);
    const health = await unitGlobalId(owner, HSL_SOLNA);
    const opened = await graphql(
      baseUrl,
      token,
      `mutation SendAdmissionNotice($input: SendAdmissionNoticeInput!) {
        sendAdmissionNotice(input: $input) {
          __typename
          ... on SendAdmissionNoticeSuccess { case { id patient { givenName familyName personalIdentityNumber } } }
          ... on CommandError { code }
        }
      }`,
      {
        input: {
          personalIdentityNumber: resident.personalIdentityNumber,
          admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
          municipalityParties: [
            { unitId: social, role: 'MUNICIPAL_SOCIAL_SERVICES' },
            { unitId: health, role: 'MUNICIPAL_HEALTH_CARE' },
          ],
          expectedNeeds: 'Hemtjänst',
        },
      },
    );
    expect(opened.data.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    const caseId = opened.data.sendAdmissionNotice.case.id as string;
    const detail = await graphql(
      baseUrl,
      token,
      'query CaseDetail($id: ID!) { case(id: $id) { status patient { givenName familyName } events { __typename } } }',
      { id: caseId },
    );
    expect(detail.data.case.patient.familyName).toBe(resident.familyName);
    const list = await graphql(
      baseUrl,
      token,
      'query Cases { cases(first: 20) { edges { node { id patient { givenName familyName personalIdentityNumber } } } } }',
    );
    expect(list.data.cases.edges.length).toBeGreaterThan(0);
    // Refused input that names a patient: a malformed personnummer, and a variable that
    // does not validate; and a GET whose query string carries a personnummer.
    const bad = await graphql(
      baseUrl,
      token,
      'query LookupPatient($pnr: String!) { lookupPatient(personalIdentityNumber: $pnr) { givenName } }',
      { pnr: `${resident.personalIdentityNumber.slice(0, -1)}x` },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBeDefined();
    const invalid = await graphql(
      baseUrl,
      token,
      'query LookupPatient($pnr: String!) { lookupPatient(personalIdentityNumber: $pnr) { givenName } }',
      { pnr: { name: `${resident.givenName} ${resident.familyName}` } },
    );
    expect(invalid.errors?.length).toBeGreaterThan(0);
    const query = encodeURIComponent(
      'query LookupPatient($pnr: String!) { lookupPatient(personalIdentityNumber: $pnr) { givenName } }',
    );
    const variables = encodeURIComponent(JSON.stringify({ pnr: resident.personalIdentityNumber }));
    const viaGet = await fetch(`${baseUrl}/graphql?query=${query}&variables=${variables}`, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'x-request-id': 'get-1',
        // Apollo's CSRF prevention lets a GET through with this header only.
        'apollo-require-preflight': 'true',
      },
    });
    expect(viaGet.headers.get('x-request-id')).toBe('get-1');
  });

  it('runs the scheduler as a process of its own (dist/scripts/scheduler.js), stopped by SIGTERM', async () => {
    const scheduler = spawn(
      process.execPath,
      ['--import', './src/tracing/instrumentation.js', 'scripts/scheduler.js'],
      {
        cwd: dist,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: databaseUrl,
          METRICS_PORT: '0',
          LOG_LEVEL: 'info',
        },
      },
    );
    keepOutputOf(scheduler);
    let printed = '';
    scheduler.stdout!.on('data', (d) => (printed += d));
    scheduler.stderr!.on('data', (d) => (printed += d));
    const exited = new Promise<number | null>((resolve) => scheduler.on('exit', resolve));
    try {
      await waitFor(() => /brygga scheduler: running/.test(printed), 60_000, 'scheduler running');
      const url = /metrics at (http:\S+)/.exec(printed)![1]!;
      const text = await (await fetch(url)).text();
      expect(sample(text, 'brygga_db_pool_max_connections{pool="scheduler"}')).toBe(4);
      expect(sample(text, 'brygga_idp_certificate_expiry_days{idp="demo"}')).toBeGreaterThan(30);
      expect(printed).toMatch(/"message":"Worker connected/);
    } finally {
      scheduler.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    output += printed;
  });

  it('stops on SIGTERM, and no line it logged names a patient or carries a personnummer', async () => {
    child.kill('SIGTERM');
    await waitFor(() => exitCode !== null, 30_000, 'exit');
    expect(exitCode).toBe(0);

    expect(patientDataIn(output)).toEqual([]);

    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.message === 'request');
    expect(requests.length).toBeGreaterThan(8);
    for (const line of requests) {
      expect(line).toMatchObject({ level: expect.any(String), time: expect.any(String) });
      expect(line.requestId).toEqual(expect.any(String));
    }
    const signedIn = requests.filter((l) => l.path === '/graphql');
    expect(signedIn.length).toBeGreaterThan(5);
    for (const line of signedIn) expect(line.hsaId).toBe(WARD_NURSE_HSA_ID);
    expect(signedIn.map((l) => l.operationName)).toEqual(
      expect.arrayContaining(['LookupPatient', 'SendAdmissionNotice', 'CaseDetail', 'Cases']),
    );
    expect(requests.find((l) => l.requestId === 'get-1')).toMatchObject({
      method: 'GET',
      path: '/graphql',
      hsaId: WARD_NURSE_HSA_ID,
    });
    const acs = requests.find((l) => typeof l.path === 'string' && l.path.endsWith('/acs'));
    expect(acs).toMatchObject({ hsaId: WARD_NURSE_HSA_ID, status: 303 });
    expect(requests.find((l) => l.path === '/auth/refresh')).toMatchObject({
      hsaId: WARD_NURSE_HSA_ID,
      status: 200,
    });
  });
});

/** The image and the compose example run what the build made (Docker itself is not here). */
describe('the Dockerfile and deploy/compose.yaml', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const compose = parse(readFileSync(join(root, 'deploy/compose.yaml'), 'utf8'), {
    merge: true,
  }) as {
    services: Record<string, Record<string, any>>;
  };
  /** A command's script, relative to the image's WORKDIR /app/dist. */
  const scriptOf = (command: string[]) => command.findLast((part) => part.endsWith('.js'))!;

  it('builds in stages and runs dist/src/main.js as an unprivileged user, with a healthcheck', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // The production install runs no scripts, so every package patches/ patches comes
    // patched from the build (patch-package names a patch <name, / as +>+<version>.patch).
    const patched = readdirSync(join(root, 'patches'))
      .filter((file) => file.endsWith('.patch'))
      .map((file) => file.replace(/\+[^+]+\.patch$/, '').replaceAll('+', '/'));
    expect(patched).toEqual(expect.arrayContaining(['graphql', '@pothos/plugin-prisma']));
    for (const name of patched) {
      expect(dockerfile).toContain(
        `COPY --from=build --chown=root:root /src/node_modules/${name} ./node_modules/${name}\n`,
      );
    }
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/^WORKDIR \/app\/dist$/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    for (const script of cmd.filter((part) => part.endsWith('.js'))) {
      expect(existsSync(join(dist, script))).toBe(true);
    }
    expect(scriptOf(cmd)).toBe('src/main.js');
  });

  it('runs two API replicas without the scheduler and the scheduler as its own process', () => {
    const { api, scheduler, migrate, db } = compose.services;
    expect(db!.image).toMatch(/^postgres:/);
    expect(api!.deploy.replicas).toBe(2);
    expect(api!.environment.SCHEDULER_ENABLED).toBe('false');
    expect(api!.read_only).toBe(true);
    expect(scheduler!.read_only).toBe(true);
    for (const service of [scheduler!, migrate!]) {
      expect(existsSync(join(dist, scriptOf(service.command)))).toBe(true);
    }
    expect(scriptOf(scheduler!.command)).toBe('scripts/scheduler.js');
    // Metrics on the compose network, never published to the host.
    expect(JSON.stringify(api!.ports)).not.toContain('9464');
  });
});
