import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccessLogPartitions } from '../../../src/audit/partitions.js';
import { accessLogPlugin } from '../../../src/audit/plugin.js';
import { RequestAccessLog } from '../../../src/audit/request-access-log.js';
import type { Context } from '../../../src/graphql/context.js';
import type { Logger } from '../../../src/http/logger.js';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, patientsOf } from './fixtures.js';

/**
 * The plugin's decisions that a real request cannot easily provoke: a request that ended
 * without data (outcome FAILED), a foreign recorder, incremental delivery. The plugin is
 * driven with a request context of the shape Apollo Server passes, against the database.
 */
let server: TestServer;
let app: pg.Pool;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
});
afterAll(async () => {
  await app?.end();
  await server?.close();
});

type Body = GraphQLRequestContextWillSendResponse<Context>['response']['body'];

async function run(access: unknown, body: Body, requestId: string) {
  const plugin = accessLogPlugin({
    db: app,
    logger: silent,
    now: () => new Date('2026-10-06T08:00:00Z'),
  });
  const listener = await plugin.requestDidStart!({} as never);
  const requestContext = {
    contextValue: {
      requestId,
      principal: principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Anna Berg'),
      access,
    },
    response: { body, http: { status: undefined, headers: new Map() } },
    operationName: 'Op',
    request: {},
  } as unknown as GraphQLRequestContextWillSendResponse<Context>;
  await listener!.willSendResponse!(requestContext);
  return requestContext.response;
}

async function outcomes(requestId: string): Promise<string[]> {
  const { rows } = await server.owner.query<{ outcome: string }>(
    'SELECT outcome FROM access_log WHERE request_id = $1',
    [requestId],
  );
  return rows.map((r) => r.outcome);
}

describe('the writer plugin', () => {
  it('marks the accesses of a request that ended without data as FAILED, keeping DENIED', async () => {
    const [a, b] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 2 });
    const log = new RequestAccessLog();
    log.record({
      patientId: a!.patientId,
      caseId: a!.caseId,
      categories: ['MEDICAL'],
      activity: 'CHANGE',
    });
    log.record({
      patientId: b!.patientId,
      caseId: b!.caseId,
      categories: ['SOCIAL'],
      activity: 'READ',
      outcome: 'DENIED',
    });
    const response = await run(
      log,
      { kind: 'single', singleResult: { data: null, errors: [{ message: 'boom' }] } },
      'plugin-failed',
    );
    expect((await outcomes('plugin-failed')).sort()).toEqual(['DENIED', 'FAILED']);
    // The original error stays: the log was written.
    expect(response.body).toMatchObject({ singleResult: { errors: [{ message: 'boom' }] } });
  });

  it('fails closed for a recorder that is not the request’s access log', async () => {
    const response = await run(
      { record() {} },
      { kind: 'single', singleResult: { data: { x: 1 } } },
      'plugin-foreign',
    );
    expect(response.http.status).toBe(503);
    expect(response.body).toEqual({
      kind: 'single',
      singleResult: {
        errors: [
          expect.objectContaining({
            extensions: { code: 'ACCESS_LOG_UNAVAILABLE', requestId: 'plugin-foreign' },
          }),
        ],
      },
    });
  });

  it('fails closed for incremental delivery of patient data', async () => {
    const [a] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 1 });
    const log = new RequestAccessLog();
    log.record({
      patientId: a!.patientId,
      caseId: null,
      categories: ['IDENTITY'],
      activity: 'READ',
    });
    const response = await run(
      log,
      { kind: 'incremental' } as unknown as Body,
      'plugin-incremental',
    );
    expect(response.body).toMatchObject({
      kind: 'single',
      singleResult: { errors: [{ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } }] },
    });
    expect(await outcomes('plugin-incremental')).toEqual([]);
  });

  it('writes nothing and changes nothing for a request without patients', async () => {
    const body: Body = { kind: 'single', singleResult: { data: { units: [] } } };
    const response = await run(new RequestAccessLog(), body, 'plugin-empty');
    expect(response.body).toBe(body);
    expect(response.http.status).toBeUndefined();
  });
});

describe('partitions ahead', () => {
  it('creates this month and the next ones, idempotently, as the API role', async () => {
    const first = await ensureAccessLogPartitions(app, new Date('2032-11-20T00:00:00Z'), 2);
    expect(first).toEqual([
      'access_log_partition.access_log_2032_11',
      'access_log_partition.access_log_2032_12',
      'access_log_partition.access_log_2033_01',
    ]);
    expect(await ensureAccessLogPartitions(app, new Date('2032-11-20T00:00:00Z'), 2)).toEqual(
      first,
    );
  });
});
