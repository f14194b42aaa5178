import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  globalId,
  HSL_SODERMALM,
  SOC_SODERMALM,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, type PatientCase, patientsOf, writeAccesses } from './fixtures.js';

/**
 * Issue 20: the log review's records are Relay nodes. `AccessLogEntry.id`,
 * `AccessReviewSample.id` and `AccessReview.id` are global ids (and `AccessReview`
 * answers its rows as `accessLogGlobalIds`); `node(id:)` loads each one under the rule of
 * the lists that show it (a security officer, own organisation only; anyone the lists
 * refuse gets their code, another organisation's record is null as it is absent from the
 * lists), and reading an access-log row through `node` is logged as the search logs it.
 * The arguments that name them take the global id and the older raw UUID, nothing else.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

interface Answer {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

async function gql(
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  requestId?: string,
): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

/** The answer's data, failing the test on any error. */
async function data(token: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await gql(token, query, variables);
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data!;
}

const ENTRY = 'id time personalIdentityNumber patientGlobalId userPatientsThatDay flags hash';
const SAMPLE = 'id month seed size';
const REVIEW = 'id conclusion note accessLogIds accessLogGlobalIds sample { id }';
const NODE = `query ($id: ID!) { node(id: $id) { __typename
  ... on AccessLogEntry { ${ENTRY} }
  ... on AccessReviewSample { ${SAMPLE} }
  ... on AccessReview { ${REVIEW} } } }`;
const LOG = `query ($filter: AccessLogFilter) { accessLog(filter: $filter, first: 50) {
  edges { node { ${ENTRY} } } } }`;
const SAMPLE_BY_ID = `query ($id: ID!) { accessLogSample(id: $id) { ${SAMPLE} } }`;
const REVIEWS = `query ($sampleId: ID) { accessReviews(sampleId: $sampleId, first: 50) {
  edges { node { ${REVIEW} } } } }`;
const DRAW = `mutation ($input: DrawAccessLogSampleInput!) { drawAccessLogSample(input: $input) {
  __typename ... on DrawAccessLogSampleSuccess { sample { ${SAMPLE} } } } }`;
const RECORD = `mutation ($input: RecordAccessReviewInput!) { recordAccessReview(input: $input) {
  __typename
  ... on RecordAccessReviewSuccess { review { ${REVIEW} } }
  ... on AccessReviewError { code field params { name value } } } }`;

const OCTOBER = { from: '2026-10-01T00:00:00+02:00', to: '2026-11-01T00:00:00+01:00' };
const NONE = '00000000-0000-4000-8000-000000000000';

/** What the lists answered the region's officer: one record of each type. */
const listed: Record<string, Record<string, any>> = {};
/** A row of the city's log, which only the city's officer sees. */
let cityEntry: Record<string, any>;
let party: PatientCase[];

/** The list query of each type, to compare a refused caller's code with `node`'s. */
const LISTS: Record<string, [string, Record<string, unknown>]> = {
  AccessLogEntry: [LOG, { filter: OCTOBER }],
  AccessReviewSample: ['{ accessLogSamples(first: 1) { totalCount } }', {}],
  AccessReview: [REVIEWS, {}],
};
const TYPES = Object.keys(LISTS);

const record = async (token: string, input: Record<string, unknown>) =>
  (await data(token, RECORD, { input })).recordAccessReview;

beforeAll(async () => {
  server = await startTestServer();
  const roles = {
    region: principalFor(WARD_DANDERYD_ORTOPEDI, ['SECURITY_OFFICER'], 'Rut Region'),
    city: principalFor(HSL_SODERMALM, ['SECURITY_OFFICER'], 'Stig Stad'),
    staff: principalFor(WARD_KAROLINSKA_MEDICIN, ['WARD_STAFF'], 'Vera Vård'),
  };
  for (const [name, principal] of Object.entries(roles))
    tokens[name] = await server.tokenFor(principal);

  party = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 2 });
  const app = appConnection(server);
  await writeAccesses(app, {
    unitHsaId: WARD_KAROLINSKA_GERIATRIK,
    name: 'Anna Berg',
    at: new Date('2026-10-06T08:00:00Z'),
    patients: party,
  });
  await writeAccesses(app, {
    unitHsaId: SOC_SODERMALM,
    name: 'Sam Social',
    at: new Date('2026-10-06T09:00:00Z'),
    patients: [party[0]!],
  });
  await app.end();

  const region = tokens.region!;
  const rows = (await data(region, LOG, { filter: OCTOBER })).accessLog.edges;
  listed.AccessLogEntry = rows[0].node;
  const drawn = (
    await data(region, DRAW, { input: { month: '2026-10', percent: 100, seed: 'nodes' } })
  ).drawAccessLogSample;
  listed.AccessReviewSample = drawn.sample;
  const reviewed = await record(region, {
    sampleId: drawn.sample.id,
    accessLogIds: [rows[0].node.id],
    conclusion: 'NO_REMARK',
    note: 'Genom globala id.',
  });
  if (reviewed.__typename !== 'RecordAccessReviewSuccess')
    throw new Error(`fixture: ${JSON.stringify(reviewed)}`);
  listed.AccessReview = (await data(region, REVIEWS)).accessReviews.edges[0].node;
  cityEntry = (await data(tokens.city!, LOG, { filter: OCTOBER })).accessLog.edges[0].node;
});
afterAll(() => server?.close());

const raw = (id: string) => decodeGlobalID(id).id;

describe('the log review’s records as nodes', () => {
  it.each(TYPES)('%s: `id` is a global id of the type around a UUID', (type) => {
    const { typename, id } = decodeGlobalID(listed[type]!.id);
    expect(typename).toBe(type);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it.each(TYPES)('%s: the officer loads it by node(id:) as the list shows it', async (type) => {
    const answer = await gql(tokens.region!, NODE, { id: listed[type]!.id });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.node).toEqual({ __typename: type, ...listed[type] });
  });

  it('nodes(ids:) loads all three in order', async () => {
    const ids = TYPES.map((type) => listed[type]!.id);
    const answer = await gql(
      tokens.region!,
      'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
      { ids },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.nodes).toEqual(TYPES.map((type, i) => ({ __typename: type, id: ids[i] })));
  });

  it('a review names its sample and rows by global ids that node(id:) loads', async () => {
    const review = listed.AccessReview!;
    expect(review.sample).toEqual({ id: listed.AccessReviewSample!.id });
    expect(review.accessLogGlobalIds).toEqual([listed.AccessLogEntry!.id]);
    // The deprecated raw ids are the same rows.
    expect(review.accessLogIds).toEqual(review.accessLogGlobalIds.map(raw));
    for (const id of [review.sample.id, ...review.accessLogGlobalIds]) {
      const node = (await data(tokens.region!, NODE, { id })).node;
      expect(node.id).toBe(id);
    }
  });

  it('logs a row read through node(id:) as the search logs it: the patient, AUDIT, READ', async () => {
    const entry = listed.AccessLogEntry!;
    const viaNode = await gql(tokens.region!, NODE, { id: entry.id }, 'review-node-read');
    expect(viaNode.errors).toBeUndefined();
    const viaSearch = await gql(
      tokens.region!,
      LOG,
      { filter: { ...OCTOBER, personalIdentityNumber: entry.personalIdentityNumber } },
      'review-search-read',
    );
    expect(viaSearch.data?.accessLog.edges.map((e: any) => e.node.id)).toContain(entry.id);
    const logged = async (requestId: string) =>
      (
        await server.owner.query(
          `SELECT patient_id::text AS "patientId", personal_identity_number AS pnr, categories,
                  activity::text AS activity, outcome::text AS outcome, user_name AS "userName"
           FROM access_log WHERE request_id = $1`,
          [requestId],
        )
      ).rows;
    const expected = [
      {
        patientId: raw(entry.patientGlobalId),
        pnr: entry.personalIdentityNumber,
        categories: ['AUDIT'],
        activity: 'READ',
        outcome: 'SUCCESS',
        userName: 'Rut Region',
      },
    ];
    expect(await logged('review-node-read')).toEqual(expected);
    expect(await logged('review-search-read')).toEqual(expected);

    // Another organisation's row is not shown, so nothing is logged for it.
    const refused = await gql(tokens.city!, NODE, { id: entry.id }, 'review-node-other');
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.node).toBeNull();
    expect(await logged('review-node-other')).toEqual([]);
  });

  it.each(TYPES)(
    '%s: a care-staff user is refused as by the list, with nothing of the record',
    async (type) => {
      const [list, variables] = LISTS[type]!;
      const listCode = (await gql(tokens.staff!, list, variables)).errors?.[0]?.extensions?.code;
      expect(listCode).toBe('FORBIDDEN');
      const answer = await gql(tokens.staff!, NODE, { id: listed[type]!.id });
      expect(answer.data?.node ?? null).toBeNull();
      expect(answer.errors?.map((e) => e.extensions?.code)).toEqual([listCode]);
      expect(JSON.stringify(answer)).not.toContain(raw(listed[type]!.id).slice(0, 8));
    },
  );

  it.each(TYPES)('%s: without a token, UNAUTHENTICATED', async (type) => {
    const answer = await gql(null, NODE, { id: listed[type]!.id });
    expect(answer.data?.node ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each(TYPES)(
    '%s: an officer of another organisation gets null, as the lists leave it out',
    async (type) => {
      const answer = await gql(tokens.city!, NODE, { id: listed[type]!.id });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.node).toBeNull();
      expect(JSON.stringify(answer)).not.toContain(raw(listed[type]!.id).slice(0, 8));
    },
  );

  it('an officer of another organisation loads their own rows, and their lists leave ours out', async () => {
    const own = await gql(tokens.city!, NODE, { id: cityEntry.id });
    expect(own.errors).toBeUndefined();
    expect(own.data?.node).toEqual({ __typename: 'AccessLogEntry', ...cityEntry });
    const city = tokens.city!;
    const ids = JSON.stringify([
      (await data(city, LOG, { filter: OCTOBER })).accessLog,
      (await data(city, REVIEWS)).accessReviews,
      await data(city, SAMPLE_BY_ID, { id: listed.AccessReviewSample!.id }),
    ]);
    for (const type of TYPES) expect(ids).not.toContain(listed[type]!.id);
  });

  it.each(TYPES)(
    '%s: an id of nothing is null; a global id around what is no UUID is INVALID_ID',
    async (type) => {
      const missing = await gql(tokens.region!, NODE, { id: globalId(type, NONE) });
      expect(missing.errors).toBeUndefined();
      expect(missing.data?.node).toBeNull();
      const malformed = await gql(tokens.region!, NODE, { id: globalId(type, 'not-a-uuid') });
      expect(malformed.data?.node ?? null).toBeNull();
      expect(malformed.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    },
  );
});

describe('arguments that name a sample or a row', () => {
  /** Ids no argument for a sample takes: another type's global id (with a UUID in it), garbage. */
  const notASample = () => [
    listed.AccessReview!.id,
    listed.AccessLogEntry!.id,
    globalId('Case', NONE),
    'garbage',
  ];

  it('accessLogSample(id:) takes the global id and the raw UUID, nothing else', async () => {
    const sample = listed.AccessReviewSample!;
    for (const id of [sample.id, raw(sample.id), raw(sample.id).toUpperCase()]) {
      expect((await data(tokens.region!, SAMPLE_BY_ID, { id })).accessLogSample, id).toEqual(
        sample,
      );
    }
    for (const id of notASample()) {
      const answer = await gql(tokens.region!, SAMPLE_BY_ID, { id });
      expect(answer.data?.accessLogSample ?? null, id).toBeNull();
      expect(answer.errors?.[0]?.extensions, id).toMatchObject({ code: 'INVALID_ID', field: 'id' });
    }
  });

  it('accessReviews(sampleId:) takes the global id and the raw UUID, nothing else', async () => {
    const sample = listed.AccessReviewSample!;
    for (const sampleId of [sample.id, raw(sample.id)]) {
      const reviews = (await data(tokens.region!, REVIEWS, { sampleId })).accessReviews.edges;
      expect(
        reviews.map((e: any) => e.node.id),
        sampleId,
      ).toContain(listed.AccessReview!.id);
      expect(reviews.every((e: any) => e.node.sample.id === sample.id)).toBe(true);
    }
    for (const sampleId of notASample()) {
      const answer = await gql(tokens.region!, REVIEWS, { sampleId });
      expect(answer.data?.accessReviews ?? null, sampleId).toBeNull();
      expect(answer.errors?.[0]?.extensions, sampleId).toMatchObject({
        code: 'INVALID_ID',
        field: 'sampleId',
      });
    }
  });

  it('recordAccessReview takes raw UUIDs still, each row once however it is named', async () => {
    const sample = listed.AccessReviewSample!;
    const entry = listed.AccessLogEntry!;
    const answer = await record(tokens.region!, {
      sampleId: raw(sample.id),
      accessLogIds: [raw(entry.id), entry.id, raw(entry.id).toUpperCase()],
      conclusion: 'FOLLOW_UP',
    });
    expect(answer).toMatchObject({
      __typename: 'RecordAccessReviewSuccess',
      review: {
        sample: { id: sample.id },
        accessLogIds: [raw(entry.id)],
        accessLogGlobalIds: [entry.id],
      },
    });
    expect(decodeGlobalID(answer.review.id).typename).toBe('AccessReview');
  });

  it('recordAccessReview refuses another type’s global id and garbage with INVALID_ID, storing nothing', async () => {
    const count = async () =>
      (await data(tokens.region!, '{ accessReviews(first: 100) { totalCount } }')).accessReviews
        .totalCount;
    const before = await count();
    const sample = listed.AccessReviewSample!;
    const entry = listed.AccessLogEntry!;
    for (const sampleId of notASample()) {
      expect(await record(tokens.region!, { sampleId, conclusion: 'NO_REMARK' }), sampleId).toEqual(
        {
          __typename: 'AccessReviewError',
          code: 'INVALID_ID',
          field: 'input.sampleId',
          params: [],
        },
      );
    }
    const notARow = [sample.id, listed.AccessReview!.id, entry.patientGlobalId, 'garbage'];
    for (const id of notARow) {
      expect(
        await record(tokens.region!, {
          sampleId: sample.id,
          accessLogIds: [entry.id, id],
          conclusion: 'NO_REMARK',
        }),
        id,
      ).toEqual({
        __typename: 'AccessReviewError',
        code: 'INVALID_ID',
        field: 'input.accessLogIds.1',
        params: [],
      });
    }
    expect(await count()).toBe(before);
  });

  it('names a row of another organisation by the id as the client gave it', async () => {
    expect(
      await record(tokens.city!, {
        accessLogIds: [cityEntry.id, listed.AccessLogEntry!.id],
        conclusion: 'INCIDENT',
      }),
    ).toEqual({
      __typename: 'AccessReviewError',
      code: 'ACCESS_LOG_ROW_NOT_FOUND',
      field: 'input.accessLogIds.1',
      params: [{ name: 'id', value: listed.AccessLogEntry!.id }],
    });
  });

  it('records a review with global ids end to end: node, the sample and the lists show it', async () => {
    const region = tokens.region!;
    const sample = listed.AccessReviewSample!;
    const rows = (await data(region, LOG, { filter: OCTOBER })).accessLog.edges.map(
      (e: any) => e.node.id as string,
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const answer = await record(region, {
      sampleId: sample.id,
      accessLogIds: rows.slice(0, 2),
      conclusion: 'INCIDENT',
      note: 'Två rader, globala id.',
    });
    expect(answer.__typename).toBe('RecordAccessReviewSuccess');
    const review = answer.review;
    expect(review).toMatchObject({
      sample: { id: sample.id },
      accessLogGlobalIds: rows.slice(0, 2),
      accessLogIds: rows.slice(0, 2).map(raw),
      conclusion: 'INCIDENT',
    });
    expect((await data(region, NODE, { id: review.id })).node).toEqual({
      __typename: 'AccessReview',
      ...review,
    });
    const forSample = (await data(region, REVIEWS, { sampleId: sample.id })).accessReviews.edges;
    expect(forSample[0].node).toEqual(review);
    const viaSample = await data(
      region,
      'query ($id: ID!) { node(id: $id) { ... on AccessReviewSample { reviews { id } } } }',
      { id: sample.id },
    );
    expect(viaSample.node.reviews.map((r: { id: string }) => r.id)).toContain(review.id);
    for (const id of review.accessLogGlobalIds) {
      expect((await data(region, NODE, { id })).node.__typename).toBe('AccessLogEntry');
    }
  });
});
