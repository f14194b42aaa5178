import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONNUMMER_SHAPE } from '../../../src/http/logger.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../support/database.js';
import { demoResidents } from '../../support/demo.js';
import { demoLogin, freePort, graphql } from '../../support/demo-login.js';
import { keepOutputOf } from '../../support/log-capture.js';

/**
 * Traces with OTEL_EXPORTER_OTLP_ENDPOINT set: the server, started with the tracing
 * preload as production starts it, exports spans over OTLP/HTTP (JSON) to a collector this
 * test plays. The spans cover the HTTP request, express, GraphQL and pg, and none carries
 * a personnummer, a patient's name, a query string or the GraphQL document.
 */

const received: string[] = [];
let collector: http.Server;
let child: ChildProcess;
let output = '';
let databaseName = '';
let baseUrl = '';

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until || child.exitCode !== null) {
      throw new Error(`${what}: not within ${ms} ms; the process printed:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  databaseName = `brygga_t_${randomBytes(6).toString('hex')}`;
  const databaseUrl = await createDatabaseFromTemplate(databaseName);
  const port = await freePort();
  child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './src/tracing/instrumentation.ts', 'src/main.ts'],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        DEMO_IDP: 'true',
        SCHEDULER_ENABLED: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        // JSON, so the test can read what left the process; exported promptly.
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    },
  );
  keepOutputOf(child);
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(() => /Brygga is listening/.test(output), 90_000, 'listening');
  baseUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => collector?.close(resolve));
  if (databaseName) await dropDatabase(databaseName);
});

describe('OpenTelemetry traces', () => {
  it('exports http, express, graphql and pg spans without patient data', async () => {
    expect(output).toMatch(/traces exported to http:\/\/127\.0\.0\.1/);
    const { accessToken } = await demoLogin(baseUrl, 'ward-nurse');
    const resident = demoResidents(80)[4]!;
    const document = `query LookupPatient($pnr: String!) { lookupPatient(personalIdentityNumber: $pnr) { givenName familyName } }`;
    const looked = await graphql(baseUrl, accessToken, document, {
      pnr: resident.personalIdentityNumber,
    });
    expect(looked.data.lookupPatient.familyName).toBe(resident.familyName);
    // The personnummer as a literal in the document, and in a GET's query string.
    await graphql(
      baseUrl,
      accessToken,
      `query Literal { lookupPatient(personalIdentityNumber: "${resident.personalIdentityNumber}") { givenName } }`,
    );
    await fetch(
      `${baseUrl}/graphql?query=${encodeURIComponent(document)}&variables=${encodeURIComponent(JSON.stringify({ pnr: resident.personalIdentityNumber }))}`,
      { headers: { authorization: `Bearer ${accessToken}`, 'apollo-require-preflight': 'true' } },
    );

    const all = () => received.join('\n');
    await waitFor(
      () => /"graphql\.operation\.name"/.test(all()) && /"Literal"/.test(all()),
      30_000,
      'spans exported',
    );
    const text = all();
    const scopes = new Set([...text.matchAll(/"scope":\{"name":"([^"]+)"/g)].map((m) => m[1]));
    for (const scope of [
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-express',
      '@opentelemetry/instrumentation-graphql',
      '@opentelemetry/instrumentation-pg',
    ]) {
      expect(scopes).toContain(scope);
    }
    const digits = resident.personalIdentityNumber.replace(/\D/g, '');
    expect(text).not.toContain(digits);
    expect(text).not.toContain(resident.personalIdentityNumber);
    expect(text.match(PERSONNUMMER_SHAPE) ?? []).toEqual([]);
    expect(text).not.toContain(`${resident.givenName} ${resident.familyName}`);
    expect(text).not.toMatch(new RegExp(`\\b${resident.familyName}\\b`));
    expect(text).not.toContain('graphql.source');
    expect(text).not.toMatch(/variables=/);
  });
});
