import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessLogCsvDocument,
  AccessLogDocument,
  type AccessLogFilter,
  AccessLogSampleDocument,
  AccessLogSamplesDocument,
  AccessReviewsDocument,
  DrawAccessLogSampleDocument,
  type DrawAccessLogSampleMutation,
  type DrawAccessLogSampleMutationVariables,
  PatientAccessExtractDocument,
  RecordAccessReviewDocument,
  type RecordAccessReviewMutation,
  type RecordAccessReviewMutationVariables,
  UnusualAccessActivityDocument,
} from '../../generated/graphql.js';
import {
  HSL_SODERMALM,
  REGION,
  SOC_SODERMALM,
  STOCKHOLM_STAD,
  VC_SODERMALM,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import {
  allAccessLogRows,
  appConnection,
  type PatientCase,
  patientsOf,
  recountPatientsThatDay,
  writeAccesses,
} from './fixtures.js';

/**
 * The log review (logguppföljning) through GraphQL: only security officers, only their
 * own organisation's rows; search, flags, the seeded sample, review records, CSV and the
 * patient's extract. The rows are written for October 2026 through the real writer.
 */
let server: TestServer;
let regionOfficer: GraphQLClient;
let cityOfficer: GraphQLClient;
let staff: GraphQLClient;
let party: PatientCase[];
let stranger: PatientCase;
let emergency: PatientCase;
let many: PatientCase[];

const OCTOBER = { from: '2026-10-01T00:00:00+02:00', to: '2026-11-01T00:00:00+01:00' };
const KS01_USER = `${WARD_KAROLINSKA_GERIATRIK}P1`;
const VC01_USER = `${VC_SODERMALM}P1`;

beforeAll(async () => {
  server = await startTestServer();
  regionOfficer = await server.clientFor(WARD_DANDERYD_ORTOPEDI, {
    roles: ['SECURITY_OFFICER'],
    name: 'Rut Region',
  });
  cityOfficer = await server.clientFor(HSL_SODERMALM, {
    roles: ['SECURITY_OFFICER'],
    name: 'Stig Stad',
  });
  staff = await server.clientFor(WARD_KAROLINSKA_MEDICIN);

  party = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 2 });
  [stranger, emergency] = (await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, {
    party: false,
    protectedIdentity: false,
    limit: 2,
  })) as [PatientCase, PatientCase];
  const used = new Set([...party, stranger, emergency].map((p) => p.patientId));
  const { rows } = await server.owner.query<{ patientId: string }>(
    'SELECT id AS "patientId" FROM patient ORDER BY id',
  );
  many = rows
    .filter((r) => !used.has(r.patientId))
    .slice(0, 51)
    .map((r) => ({ ...r, caseId: null }) as unknown as PatientCase);
  expect(many).toHaveLength(51);

  const app: pg.Pool = appConnection(server);
  const ward = { unitHsaId: WARD_KAROLINSKA_GERIATRIK, name: 'Anna Berg' };
  // Tuesday 10:00 in Stockholm: two patients of the ward's own cases.
  await writeAccesses(app, { ...ward, at: new Date('2026-10-06T08:00:00Z'), patients: party });
  // Saturday 22:00: a patient whose case the ward takes no part in.
  await writeAccesses(app, { ...ward, at: new Date('2026-10-10T20:00:00Z'), patients: [stranger] });
  // Wednesday 11:00: an emergency opening.
  await writeAccesses(app, {
    ...ward,
    at: new Date('2026-10-07T09:00:00Z'),
    patients: [emergency],
    activity: 'EMERGENCY_ACCESS',
  });
  // Friday: a refused access.
  await writeAccesses(app, {
    ...ward,
    at: new Date('2026-10-09T08:00:00Z'),
    patients: [party[0]!],
    outcome: 'DENIED',
  });
  // Thursday 09:00: one user, 51 distinct patients.
  await writeAccesses(app, {
    unitHsaId: VC_SODERMALM,
    name: 'Vera Volym',
    at: new Date('2026-10-08T07:00:00Z'),
    patients: many,
  });
  // Another organisation (Stockholms stad) reading the first patient.
  await writeAccesses(app, {
    unitHsaId: SOC_SODERMALM,
    name: 'Sam Social',
    at: new Date('2026-10-06T09:00:00Z'),
    patients: [party[0]!],
  });
  // November, outside the October sample.
  await writeAccesses(app, { ...ward, at: new Date('2026-11-03T09:00:00Z'), patients: party });
  await app.end();
});
afterAll(() => server?.close());

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientError) return error.response.errors?.[0]?.extensions?.code as string;
    throw error;
  }
  return undefined;
}

const all = (client: GraphQLClient, filter: AccessLogFilter) => allAccessLogRows(client, filter);

describe('who may review', () => {
  it('refuses everyone but a security officer', async () => {
    const anonymous = server.anonymousClient();
    expect(await code(anonymous.request(AccessLogDocument, {}))).toBe('UNAUTHENTICATED');
    expect(await code(staff.request(AccessLogDocument, {}))).toBe('FORBIDDEN');
    expect(await code(staff.request(AccessLogCsvDocument, {}))).toBe('FORBIDDEN');
    expect(await code(staff.request(AccessReviewsDocument, {}))).toBe('FORBIDDEN');
    expect(await code(staff.request(UnusualAccessActivityDocument, { day: '2026-10-08' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await code(
        staff.request(PatientAccessExtractDocument, {
          personalIdentityNumber: party[0]!.personalIdentityNumber,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await code(
        staff.request(DrawAccessLogSampleDocument, { input: { month: '2026-10', percent: 10 } }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('shows an officer exactly their own organisation’s rows', async () => {
    const region = await all(regionOfficer, OCTOBER);
    expect(region).toHaveLength(56);
    expect(new Set(region.map((r) => r.id)).size).toBe(56);
    expect(region.every((r) => r.providerHsaId === REGION)).toBe(true);
    // Newest first.
    const times = region.map((r) => Date.parse(r.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const city = await all(cityOfficer, OCTOBER);
    expect(city).toHaveLength(1);
    expect(city[0]).toMatchObject({
      providerHsaId: STOCKHOLM_STAD,
      unitHsaId: SOC_SODERMALM,
      userName: 'Sam Social',
      personalIdentityNumber: party[0]!.personalIdentityNumber,
    });
  });
});

describe('search', () => {
  it('filters by patient, personnummer, user, unit, period, activity and outcome', async () => {
    const pnr = await all(regionOfficer, {
      ...OCTOBER,
      personalIdentityNumber: party[0]!.personalIdentityNumber,
    });
    expect(pnr.map((r) => [r.userHsaId, r.outcome])).toEqual([
      [KS01_USER, 'DENIED'],
      [KS01_USER, 'SUCCESS'],
    ]);
    const byId = await all(regionOfficer, { ...OCTOBER, patientId: party[1]!.patientId });
    expect(byId.map((r) => r.caseId)).toEqual([party[1]!.caseId]);
    expect(await all(regionOfficer, { ...OCTOBER, userHsaId: KS01_USER })).toHaveLength(5);
    expect(await all(regionOfficer, { ...OCTOBER, unitHsaId: VC_SODERMALM })).toHaveLength(51);
    const day = await all(regionOfficer, {
      from: '2026-10-07T00:00:00+02:00',
      to: '2026-10-08T00:00:00+02:00',
    });
    expect(day.map((r) => r.patientId)).toEqual([emergency.patientId]);
    const opened = await all(regionOfficer, { ...OCTOBER, activities: ['EMERGENCY_ACCESS'] });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      activityName: 'Nödöppning',
      emergencyAccess: true,
      patientId: emergency.patientId,
    });
    expect(opened[0]!.flags).toContain('EMERGENCY_ACCESS');
    const denied = await all(regionOfficer, { ...OCTOBER, outcomes: ['DENIED'] });
    expect(denied.map((r) => r.patientId)).toEqual([party[0]!.patientId]);
  });

  it('filters by flags: out of hours, not a party, unusual volume', async () => {
    const night = await all(regionOfficer, { ...OCTOBER, flags: ['OUT_OF_HOURS', 'NOT_A_PARTY'] });
    expect(night.map((r) => r.patientId)).toEqual([stranger.patientId]);
    expect(night[0]).toMatchObject({ outOfHours: true, notAParty: true, activityName: 'Läsa' });
    const volume = await all(regionOfficer, { ...OCTOBER, flags: ['UNUSUAL_VOLUME'] });
    expect(volume).toHaveLength(51);
    expect(volume.every((r) => r.userHsaId === VC01_USER && r.userPatientsThatDay === 51)).toBe(
      true,
    );
    expect(volume.every((r) => r.unusualVolume && r.flags.includes('UNUSUAL_VOLUME'))).toBe(true);
    const ordinary = await all(regionOfficer, { ...OCTOBER, userHsaId: KS01_USER });
    expect(ordinary.some((r) => r.unusualVolume)).toBe(false);
  });

  it('gives every row of a mixed page the volume of its own user and Stockholm day', async () => {
    const entries = await all(regionOfficer, OCTOBER);
    expect(new Set(entries.map((r) => r.userHsaId)).size).toBeGreaterThan(1);
    // Counted here row by row, independently of the page's batched count.
    const expected = await recountPatientsThatDay(
      server.owner,
      entries.map((r) => r.id),
    );
    expect(entries.map((r) => [r.id, r.userPatientsThatDay])).toEqual(
      entries.map((r) => [r.id, expected.get(r.id)]),
    );
    expect(new Set(entries.map((r) => r.userPatientsThatDay)).size).toBeGreaterThan(1);
  });

  it('answers bad input with stable codes', async () => {
    expect(
      await code(
        regionOfficer.request(AccessLogDocument, { filter: { personalIdentityNumber: '12345' } }),
      ),
    ).toBe('INVALID_PERSONAL_IDENTITY_NUMBER');
    expect(
      await code(
        regionOfficer.request(AccessLogDocument, {
          filter: { from: OCTOBER.to, to: OCTOBER.from },
        }),
      ),
    ).toBe('INVALID_PERIOD');
    expect(
      await code(regionOfficer.request(AccessLogDocument, { filter: { userHsaId: 'nope' } })),
    ).toBe('INVALID_HSA_ID');
    expect(await code(regionOfficer.request(AccessLogDocument, { after: 'garbage' }))).toBe(
      'INVALID_CURSOR',
    );
    expect(await code(regionOfficer.request(AccessLogDocument, { first: 1000 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('lists users with unusually many patients on a Stockholm day', async () => {
    const { unusualAccessActivity } = await regionOfficer.request(UnusualAccessActivityDocument, {
      day: '2026-10-08',
    });
    expect(unusualAccessActivity).toEqual([
      {
        userHsaId: VC01_USER,
        userName: 'Vera Volym',
        day: '2026-10-08',
        patientCount: 51,
        unitHsaIds: [VC_SODERMALM],
      },
    ]);
    expect(
      (await regionOfficer.request(UnusualAccessActivityDocument, { day: '2026-10-06' }))
        .unusualAccessActivity,
    ).toEqual([]);
    expect(
      (
        await regionOfficer.request(UnusualAccessActivityDocument, {
          day: '2026-10-06',
          threshold: 1,
        })
      ).unusualAccessActivity.map((u) => [u.userHsaId, u.patientCount]),
    ).toEqual([[KS01_USER, 2]]);
    // The city's officer does not see the region's users.
    expect(
      (await cityOfficer.request(UnusualAccessActivityDocument, { day: '2026-10-08' }))
        .unusualAccessActivity,
    ).toEqual([]);
  });
});

describe('the monthly sample and review records', () => {
  type Drawn = Extract<
    DrawAccessLogSampleMutation['drawAccessLogSample'],
    { __typename: 'DrawAccessLogSampleSuccess' }
  >['sample'];
  type Recorded = Extract<
    RecordAccessReviewMutation['recordAccessReview'],
    { __typename: 'RecordAccessReviewSuccess' }
  >['review'];
  type Refusal = Extract<
    RecordAccessReviewMutation['recordAccessReview'],
    { __typename: 'AccessReviewError' }
  >;

  async function draw(
    officer: GraphQLClient,
    input: DrawAccessLogSampleMutationVariables['input'],
  ): Promise<Drawn> {
    const answer = (await officer.request(DrawAccessLogSampleDocument, { input }))
      .drawAccessLogSample;
    if (answer.__typename !== 'DrawAccessLogSampleSuccess')
      throw new Error(`refused: ${JSON.stringify(answer)}`);
    return answer.sample;
  }

  async function record(
    officer: GraphQLClient,
    input: RecordAccessReviewMutationVariables['input'],
  ): Promise<Recorded> {
    const answer = (await officer.request(RecordAccessReviewDocument, { input }))
      .recordAccessReview;
    if (answer.__typename !== 'RecordAccessReviewSuccess')
      throw new Error(`refused: ${JSON.stringify(answer)}`);
    return answer.review;
  }

  /** The refusal a command answered as data; fails the test if it was done instead. */
  async function refused(
    answer: Promise<
      | DrawAccessLogSampleMutation['drawAccessLogSample']
      | RecordAccessReviewMutation['recordAccessReview']
    >,
  ): Promise<Pick<Refusal, 'code' | 'field' | 'params'>> {
    const got = await answer;
    if (got.__typename !== 'AccessReviewError') throw new Error(`done: ${JSON.stringify(got)}`);
    return { code: got.code, field: got.field, params: got.params };
  }

  async function sampleIds(id: string): Promise<string[]> {
    const { accessLogSample } = await regionOfficer.request(AccessLogSampleDocument, {
      id,
      first: 200,
    });
    return accessLogSample!.entries.edges.map((e) => e.node.id).sort();
  }

  it('draws the same rows with the same seed, stores the seed, and stays in the month', async () => {
    const input = { month: '2026-10', percent: 30, seed: 'oktober-2026' };
    const first = await draw(regionOfficer, input);
    const again = await draw(regionOfficer, input);
    expect(first).toMatchObject({
      month: '2026-10',
      percent: 30,
      seed: 'oktober-2026',
      population: 56,
      drawnByName: 'Rut Region',
    });
    expect(first.size).toBeGreaterThan(0);
    expect(first.size).toBeLessThan(56);
    expect(again.id).not.toBe(first.id);
    const firstIds = await sampleIds(first.id);
    expect(firstIds).toHaveLength(first.size);
    expect(await sampleIds(again.id)).toEqual(firstIds);

    const other = await draw(regionOfficer, { ...input, seed: 'another seed' });
    expect(await sampleIds(other.id)).not.toEqual(firstIds);

    const random = await draw(regionOfficer, { month: '2026-10', percent: 100 });
    expect(random.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(random.size).toBe(56);

    // Another organisation's sample reads as absent.
    expect(
      (await cityOfficer.request(AccessLogSampleDocument, { id: first.id })).accessLogSample,
    ).toBeNull();
    // A month that is no month is refused before execution, by the YearMonth scalar.
    expect(
      await code(
        regionOfficer.request(DrawAccessLogSampleDocument, {
          input: { month: '2026-13', percent: 10 },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    // The command's own rules answer as data, naming the field and the limits.
    const drawRefusal = (input: DrawAccessLogSampleMutationVariables['input']) =>
      refused(
        regionOfficer
          .request(DrawAccessLogSampleDocument, { input })
          .then((d) => d.drawAccessLogSample),
      );
    expect(await drawRefusal({ month: '2026-10', percent: 0 })).toEqual({
      code: 'INVALID_INPUT',
      field: 'input.percent',
      params: [
        { name: 'min', value: '0' },
        { name: 'max', value: '100' },
      ],
    });
    expect(await drawRefusal({ month: '2026-10', percent: 100.5 })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'input.percent',
    });
    expect(await drawRefusal({ month: '2026-10', percent: 10, seed: 'x'.repeat(201) })).toEqual({
      code: 'INVALID_INPUT',
      field: 'input.seed',
      params: [{ name: 'max', value: '200' }],
    });
    // A refused draw stored nothing.
    expect(
      (await regionOfficer.request(AccessLogSamplesDocument, {})).accessLogSamples.totalCount,
    ).toBe(4);
  });

  it('records reviews of a sample and of chosen rows, with who and when', async () => {
    const sample = await draw(regionOfficer, { month: '2026-10', percent: 10, seed: 'review' });
    const [night] = await all(regionOfficer, { ...OCTOBER, flags: ['OUT_OF_HOURS'] });
    const ofSample = await record(regionOfficer, {
      sampleId: sample.id,
      conclusion: 'NO_REMARK',
      note: 'Stickprov oktober.',
    });
    expect(ofSample).toMatchObject({
      sample: { id: sample.id },
      accessLogIds: [],
      accessLogGlobalIds: [],
      conclusion: 'NO_REMARK',
      reviewerHsaId: `${WARD_DANDERYD_ORTOPEDI}P1`,
      reviewerName: 'Rut Region',
    });
    const ofRow = await record(regionOfficer, {
      accessLogIds: [night!.id],
      conclusion: 'FOLLOW_UP',
      note: 'Fråga chefen.',
    });
    expect(ofRow).toMatchObject({
      sample: null,
      accessLogIds: [decodeGlobalID(night!.id).id],
      accessLogGlobalIds: [night!.id],
      conclusion: 'FOLLOW_UP',
    });

    const listed = (await regionOfficer.request(AccessReviewsDocument, {})).accessReviews.edges;
    expect(listed.map((e) => e.node.id)).toEqual([ofRow.id, ofSample.id]);
    const forSample = (await regionOfficer.request(AccessReviewsDocument, { sampleId: sample.id }))
      .accessReviews.edges;
    expect(forSample.map((e) => e.node.id)).toEqual([ofSample.id]);
    expect(
      (await regionOfficer.request(AccessLogSampleDocument, { id: sample.id })).accessLogSample!
        .reviews,
    ).toEqual([{ id: ofSample.id, conclusion: 'NO_REMARK' }]);

    // Not another organisation's rows or samples, and not nothing: each answered as data,
    // naming the field, and none of them stored.
    const recordRefusal = (
      officer: GraphQLClient,
      input: RecordAccessReviewMutationVariables['input'],
    ) =>
      refused(
        officer.request(RecordAccessReviewDocument, { input }).then((d) => d.recordAccessReview),
      );
    expect(
      await recordRefusal(cityOfficer, {
        accessLogIds: [night!.id],
        conclusion: 'INCIDENT',
      }),
    ).toEqual({
      code: 'ACCESS_LOG_ROW_NOT_FOUND',
      field: 'input.accessLogIds.0',
      params: [{ name: 'id', value: night!.id }],
    });
    expect(
      await recordRefusal(cityOfficer, { sampleId: sample.id, conclusion: 'INCIDENT' }),
    ).toEqual({ code: 'SAMPLE_NOT_FOUND', field: 'input.sampleId', params: [] });
    expect(await recordRefusal(regionOfficer, { conclusion: 'NO_REMARK' })).toEqual({
      code: 'INVALID_INPUT',
      field: 'input',
      params: [],
    });
    expect(
      await recordRefusal(regionOfficer, {
        accessLogIds: [night!.id, 'not-a-uuid'],
        conclusion: 'NO_REMARK',
      }),
    ).toEqual({ code: 'INVALID_ID', field: 'input.accessLogIds.1', params: [] });
    expect(
      await recordRefusal(regionOfficer, {
        sampleId: sample.id,
        conclusion: 'NO_REMARK',
        note: 'n'.repeat(4001),
      }),
    ).toEqual({
      code: 'INVALID_INPUT',
      field: 'input.note',
      params: [{ name: 'max', value: '4000' }],
    });
    expect(
      (await regionOfficer.request(AccessReviewsDocument, {})).accessReviews.edges,
    ).toHaveLength(2);
    expect((await cityOfficer.request(AccessReviewsDocument, {})).accessReviews.edges).toEqual([]);
  });
});

describe('CSV export', () => {
  it('exports the filtered rows oldest first and logs the export as Utskrift', async () => {
    const { accessLogCsv } = await regionOfficer.request(
      AccessLogCsvDocument,
      { filter: { ...OCTOBER, userHsaId: KS01_USER } },
      { 'x-request-id': 'csv-export-1' },
    );
    const lines = accessLogCsv.trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 6)).toEqual([
      'id',
      'time',
      'activity',
      'activityName',
      'outcome',
      'userHsaId',
    ]);
    const rows = lines
      .slice(1)
      .map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.time)).toEqual([
      '2026-10-06T08:00:00.000Z',
      '2026-10-06T08:00:00.000Z',
      '2026-10-07T09:00:00.000Z',
      '2026-10-09T08:00:00.000Z',
      '2026-10-10T20:00:00.000Z',
    ]);
    expect(rows[2]).toMatchObject({
      activity: 'EMERGENCY_ACCESS',
      activityName: 'Nödöppning',
      emergencyAccess: 'true',
      personalIdentityNumber: emergency.personalIdentityNumber,
      providerHsaId: REGION,
      categories: 'IDENTITY;PLANNING',
    });
    expect(rows[4]).toMatchObject({ outOfHours: 'true', notAParty: 'true', userName: 'Anna Berg' });

    const { rows: logged } = await server.owner.query<{
      patient_id: string;
      activity: string;
      categories: string[];
    }>(`SELECT patient_id, activity, categories FROM access_log WHERE request_id = 'csv-export-1'`);
    expect(new Set(logged.map((r) => r.patient_id))).toEqual(
      new Set([party[0]!.patientId, party[1]!.patientId, stranger.patientId, emergency.patientId]),
    );
    expect(logged.every((r) => r.activity === 'PRINT' && r.categories.join() === 'AUDIT')).toBe(
      true,
    );
  });
});

describe('the patient’s log extract (loggutdrag)', () => {
  it('lists the organisation’s units and times of successful accesses, and logs itself', async () => {
    const pnr = party[0]!.personalIdentityNumber;
    const region = (
      await regionOfficer.request(
        PatientAccessExtractDocument,
        { personalIdentityNumber: pnr, ...OCTOBER },
        { 'x-request-id': 'extract-1' },
      )
    ).patientAccessExtract;
    expect(region.personalIdentityNumber).toBe(pnr);
    // The refusal on 9 October is not in it; the city's access belongs to the city's extract.
    expect(region.entries).toEqual([
      {
        time: '2026-10-06T08:00:00.000Z',
        activity: 'READ',
        activityName: 'Läsa',
        unitHsaId: WARD_KAROLINSKA_GERIATRIK,
        unitName: 'Karolinska Solna, Geriatrik avd 1',
        providerHsaId: REGION,
        providerName: 'Region Stockholm',
      },
    ]);
    const city = (
      await cityOfficer.request(PatientAccessExtractDocument, {
        personalIdentityNumber: pnr,
        ...OCTOBER,
      })
    ).patientAccessExtract;
    expect(city.entries.map((e) => [e.unitHsaId, e.time])).toEqual([
      [SOC_SODERMALM, '2026-10-06T09:00:00.000Z'],
    ]);
    const { rows } = await server.owner.query(
      `SELECT patient_id, personal_identity_number, activity, categories FROM access_log WHERE request_id = 'extract-1'`,
    );
    expect(rows).toEqual([
      {
        patient_id: party[0]!.patientId,
        personal_identity_number: pnr,
        activity: 'PRINT',
        categories: ['AUDIT'],
      },
    ]);
  });
});
