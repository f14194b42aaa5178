import { decodeGlobalID } from '@pothos/plugin-relay';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MetricsServer, startMetricsServer } from '../../../src/metrics/server.js';
import { SendAdmissionNoticeDocument, SendPlanningBasisDocument } from '../../generated/graphql.js';
import { sendLogged, verifyAccessLogCli } from '../../support/access-log-request.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, last point: one row per patient and request. A command's row names what it
 * wrote and what its answer read (src/audit/README.md), so a command leaves exactly one
 * SUCCESS row for its patient; what the answer was refused is a DENIED row apart. The
 * expected categories are written out by hand from docs/authorization.md.
 */
let server: TestServer;
let metrics: MetricsServer;
const tokens: Record<string, string> = {};
let caseId = '';
let patientId = '';

type Who = 'ward' | 'social' | 'primary' | 'outsider';
const send = (as: Who, document: string, variables: object) =>
  sendLogged(server, tokens[as]!, parse(document), variables);

const uuidOf = (id: string) => decodeGlobalID(id).id;

async function openCase(resident: number): Promise<{ caseId: string; patientId: string }> {
  const opened = await sendLogged(server, tokens.ward!, SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(resident).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
    },
  });
  const answer = opened.body.data!.sendAdmissionNotice;
  return { caseId: answer.case.id, patientId: answer.case.patient.id };
}

beforeAll(async () => {
  server = await startTestServer();
  metrics = await startMetricsServer({ host: '127.0.0.1', port: 0 });
  for (const [name, unit, roles] of [
    ['ward', WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
    ['social', SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
    ['primary', VC_SOLNA, ['PRIMARY_CARE_STAFF']],
    ['outsider', WARD_SODERSJUKHUSET_MEDICIN, ['WARD_STAFF']],
  ] as const) {
    tokens[name] = await server.tokenFor(principalFor(unit, [...roles], `Rows ${name}`));
  }
  // Listed at Vårdcentral Solna, so primary care takes part; consent not asked yet.
  ({ caseId, patientId } = await openCase(7));
  const basis = await sendLogged(server, tokens.ward!, SendPlanningBasisDocument, {
    input: {
      caseId,
      diagnosisSummary: 'Höftfraktur',
      functionalStatus: 'Rullator',
      adl: {
        bathing: 'DEPENDENT',
        dressing: 'PARTLY_DEPENDENT',
        toileting: 'INDEPENDENT',
        transferring: 'PARTLY_DEPENDENT',
        continence: 'INDEPENDENT',
        feeding: 'INDEPENDENT',
      },
      expectedNeeds: 'Hemtjänst',
    },
  });
  expect(basis.body.data?.sendPlanningBasis.__typename).toBe('SendPlanningBasisSuccess');
});
afterAll(async () => {
  await metrics?.close();
  await server?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** One row as sendLogged answers it, from global ids; only an emergency access is flagged here. */
function rowOf(
  of: { patientId: string; caseId: string | null },
  activity: string,
  categories: string[],
  outcome = 'SUCCESS',
) {
  return {
    activity,
    outcome,
    patient_id: uuidOf(of.patientId),
    case_id: of.caseId === null ? null : uuidOf(of.caseId),
    categories,
    emergency_access: activity === 'EMERGENCY_ACCESS',
  };
}

/** The one SUCCESS row a command leaves for the patient of the case under test. */
const theRow = (activity: string, categories: string[], caseOf: string | null = caseId) =>
  rowOf({ patientId, caseId: caseOf }, activity, categories);

describe('a command leaves one SUCCESS row for its patient, naming what it wrote and what its answer read', () => {
  it('social services without consent add a note: the refused part of the answer is a DENIED row apart', async () => {
    const { body, rows } = await send(
      'social',
      `mutation SocialNote($input: AddNoteInput!) {
        addNote(input: $input) {
          __typename
          ... on AddNoteSuccess {
            case { reference psychiatric dischargeInformation { summary } notes { text } patient { givenName } }
          }
        }
      }`,
      { input: { caseId, text: 'Biståndsbedömning bokad' } },
    );
    expect(body.data?.addNote.case.dischargeInformation).toBeNull();
    expect(rows).toEqual([
      theRow('CREATE', [
        'ADMINISTRATIVE',
        'IDENTITY',
        'MEDICAL:PAYMENT_RESPONSIBILITY',
        'PLANNING',
      ]),
      rowOf({ patientId, caseId }, 'READ', ['MEDICAL'], 'DENIED'),
    ]);
  });

  it('social services record consent: the answer is decided on the case as the command left it (MEDICAL readable, nothing refused)', async () => {
    const { body, rows } = await send(
      'social',
      `mutation SocialConsent($input: RecordConsentInput!) {
        recordConsent(input: $input) {
          ... on RecordConsentSuccess { case { consent psychiatric dischargeInformation { summary } } }
        }
      }`,
      { input: { caseId, consent: 'GIVEN' } },
    );
    expect(body.data?.recordConsent.case.consent).toBe('GIVEN');
    expect(rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE', 'MEDICAL'])]);
  });

  it('addNote by the ward: an answer of four categories, one CREATE row', async () => {
    const { rows } = await send(
      'ward',
      `mutation WardNote($input: AddNoteInput!) {
        addNote(input: $input) {
          ... on AddNoteSuccess { case { reference psychiatric notes { text } patient { givenName } } }
        }
      }`,
      { input: { caseId, text: 'Ordinationer skickade' } },
    );
    expect(rows).toEqual([theRow('CREATE', ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING'])]);
  });

  it('notifyReadyForDischarge: the event list’s details are decided per event type (the planning basis is MEDICAL)', async () => {
    const { body, rows } = await send(
      'ward',
      `mutation Ready($input: NotifyReadyForDischargeInput!) {
        notifyReadyForDischarge(input: $input) {
          ... on NotifyReadyForDischargeSuccess {
            case { status events(first: 50) { edges { node { type details { __typename } } } } }
          }
        }
      }`,
      { input: { caseId, readyAt: new Date().toISOString() } },
    );
    expect(body.data?.notifyReadyForDischarge.case.status).toBe('READY_FOR_DISCHARGE');
    expect(rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE', 'MEDICAL', 'PLANNING'])]);
  });

  it('fragments, aliases, @skip and @include follow the request’s variables', async () => {
    const document = `
      mutation Shaped($input: RecordConsentInput!, $skipMedical: Boolean!, $withPatient: Boolean!) {
        done: recordConsent(input: $input) {
          ... on RecordConsentSuccess {
            theCase: case {
              ...PlanningPart
              medical: dischargeInformation @skip(if: $skipMedical) { summary }
              ... @include(if: $withPatient) { who: patient { ...Names } }
            }
          }
        }
      }
      fragment PlanningPart on Case { plans: carePlans { kind } }
      fragment Names on Patient { familyName }`;
    const first = await send('ward', document, {
      input: { caseId, consent: 'GIVEN' },
      skipMedical: true,
      withPatient: true,
    });
    expect(first.body.data?.done.theCase.who.familyName).toEqual(expect.any(String));
    expect(first.rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE', 'IDENTITY', 'PLANNING'])]);

    const second = await send('ward', document, {
      input: { caseId, consent: 'GIVEN' },
      skipMedical: false,
      withPatient: false,
    });
    expect(second.rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE', 'MEDICAL', 'PLANNING'])]);
  });

  it('createCarePlan: the plan and its way back to the case, one CREATE row', async () => {
    const social = await unitGlobalId(server.owner, SOC_SOLNA);
    const { body, rows } = await send(
      'primary',
      `mutation Plan($input: CreateCarePlanInput!) {
        createCarePlan(input: $input) {
          ... on CreateCarePlanSuccess { case { latestCarePlan { kind current { summary } case { reference } } } }
        }
      }`,
      {
        input: {
          caseId,
          kind: 'SIP',
          summary: 'Hem med stöd',
          items: [{ responsibleUnitId: social, action: 'Trygghetslarm' }],
          participants: [],
          status: 'DRAFT',
        },
      },
    );
    expect(body.data?.createCarePlan.case.latestCarePlan.kind).toBe('SIP');
    expect(rows).toEqual([theRow('CREATE', ['ADMINISTRATIVE', 'PLANNING'])]);
  });

  it('emergency access: one EMERGENCY_ACCESS row naming what the answer read under the grant', async () => {
    const { body, rows } = await send(
      'outsider',
      `mutation Emergency($input: OpenEmergencyAccessInput!) {
        openEmergencyAccess(input: $input) {
          ... on OpenEmergencyAccessSuccess {
            case { reference psychiatric patient { personalIdentityNumber } events(first: 5) { edges { node { type } } } }
          }
        }
      }`,
      {
        input: {
          personalIdentityNumber: residentWithoutCase(7).personalIdentityNumber,
          reason: 'Medvetslös på akuten, anhöriga nås inte',
        },
      },
    );
    expect(body.data?.openEmergencyAccess.case.reference).toEqual(expect.any(String));
    expect(rows).toEqual([
      theRow('EMERGENCY_ACCESS', ['ADMINISTRATIVE', 'IDENTITY', 'MEDICAL', 'PLANNING']),
    ]);
  });

  it('a patient block: one CHANGE row of the patient outside any case, naming the patient fields the answer read', async () => {
    const { body, rows } = await send(
      'social',
      `mutation Block($input: PatientBlockInput!) {
        registerPatientBlock(input: $input) {
          ... on RegisterPatientBlockSuccess { patient { givenName protectedIdentity } }
        }
      }`,
      { input: { patientId } },
    );
    expect(body.data?.registerPatientBlock.patient.protectedIdentity).toBe(false);
    expect(rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE', 'IDENTITY'], null)]);
  });

  it('a transfer that takes the case from the caller: the answer shows no case, so the row names only what was written', async () => {
    const { body, rows } = await send(
      'primary',
      `mutation HandOver($input: TransferResponsibilityInput!) {
        transferResponsibility(input: $input) {
          ... on TransferResponsibilitySuccess { caseVisible case { reference psychiatric } }
        }
      }`,
      {
        input: {
          caseId,
          fromUnitId: await unitGlobalId(server.owner, VC_SOLNA),
          toUnitId: await unitGlobalId(server.owner, VC_SODERMALM),
          role: 'PRIMARY_CARE',
        },
      },
    );
    expect(body.data?.transferResponsibility).toEqual({ caseVisible: false, case: null });
    expect(rows).toEqual([theRow('CHANGE', ['ADMINISTRATIVE'])]);
  });
});

describe('the fallback: an answer that reads beyond its command’s row', () => {
  /**
   * Deterministic, through GraphQL over HTTP: a trigger on the access log adds a planning
   * basis (MEDICAL) to the case in the command's own transaction, after the command's row
   * was decided on the events the case had. The answer then reads a MEDICAL payload the row
   * does not name: it is written as a READ row, counted, and logged without patient data.
   */
  it('is still written, as a READ row, counted and logged as a warning', async () => {
    const fresh = await openCase(8);
    await server.owner.query(`CREATE FUNCTION test_add_basis() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO case_event (id, case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
        SELECT gen_random_uuid(), e.case_id, e.sequence + 1, 'PLANNING_BASIS_SENT', e.author_hsa_id,
               e.author_name, e.author_unit_id, e.occurred_at, '{}'::jsonb
        FROM case_event e WHERE e.case_id = NEW.case_id ORDER BY e.sequence DESC LIMIT 1;
        RETURN NULL;
      END $$`);
    await server.owner.query(
      `CREATE TRIGGER test_add_basis AFTER INSERT ON access_log FOR EACH ROW
       WHEN (NEW.operation_name = 'NoteBeyond' AND NEW.activity = 'CREATE')
       EXECUTE FUNCTION test_add_basis()`,
    );
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest) => {
        lines.push(String(chunk));
        return write(chunk, ...(rest as []));
      });
    }
    const before = await beyondCount();
    let sent: Awaited<ReturnType<typeof send>>;
    try {
      sent = await send(
        'ward',
        `mutation NoteBeyond($input: AddNoteInput!) {
          addNote(input: $input) { ... on AddNoteSuccess { case { events(first: 50) { edges { node { type payload } } } } } }
        }`,
        { input: { caseId: fresh.caseId, text: 'Anteckning' } },
      );
    } finally {
      await server.owner.query('DROP TRIGGER test_add_basis ON access_log');
      await server.owner.query('DROP FUNCTION test_add_basis()');
    }
    const types = sent.body.data?.addNote.case.events.edges.map((e: any) => e.node.type);
    expect(types).toContain('PLANNING_BASIS_SENT');
    const patient = uuidOf(fresh.patientId);
    expect(sent.rows).toEqual([
      rowOf(fresh, 'CREATE', ['PLANNING']),
      rowOf(fresh, 'READ', ['MEDICAL']),
    ]);
    expect(await beyondCount()).toBe(before + 1);
    const warnings = lines
      .filter((l) => l.startsWith('{') && l.includes(sent.requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'a command’s answer read beyond its access-log row; written as a READ row',
        rows: 1,
        categories: ['MEDICAL'],
      }),
    ]);
    const pnr = residentWithoutCase(8).personalIdentityNumber;
    for (const line of warnings.map((w) => JSON.stringify(w))) {
      expect(line).not.toContain(pnr);
      expect(line).not.toContain(patient);
    }
  });
});

describe('the hash chain after these rows', () => {
  it('verifies (npm run audit:verify)', () => {
    const { status, stdout } = verifyAccessLogCli(server.databaseUrl);
    expect(status, stdout).toBe(0);
  });
});

async function beyondCount(): Promise<number> {
  const text = await (await fetch(`${metrics.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('brygga_access_log_command_answer_beyond_row_total '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}
