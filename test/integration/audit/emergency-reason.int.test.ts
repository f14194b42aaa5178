import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessLogCsvDocument,
  AccessLogDocument,
  CaseByIdDocument,
  OpenEmergencyAccessDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, item 4: every emergency access (nödöppning) must be reviewed with its reason,
 * so the log review shows it on each row that rests on the grant, and the CSV carries it.
 */
let server: TestServer;
const REASON = 'Medvetslös vid ankomst, anhöriga nås inte';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the emergency-access reason in the log review', () => {
  it('is on the EMERGENCY_ACCESS row and on the reads under the grant, in GraphQL and in the CSV; other rows have none', async () => {
    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const outsider = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN);
    const officer = await server.clientFor(WARD_DANDERYD_ORTOPEDI, {
      roles: ['SECURITY_OFFICER'],
      name: 'Greta Granskare',
    });
    const pnr = residentWithoutCase(11).personalIdentityNumber;
    const opened = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: pnr,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    if (opened.sendAdmissionNotice.__typename !== 'SendAdmissionNoticeSuccess') throw new Error();
    const caseId = opened.sendAdmissionNotice.case.id;
    const caseUuid = decodeGlobalID(caseId).id;
    const granted = await outsider.request(OpenEmergencyAccessDocument, {
      input: { personalIdentityNumber: pnr, reason: REASON },
    });
    expect(granted.openEmergencyAccess.__typename).toBe('OpenEmergencyAccessSuccess');
    expect((await outsider.request(CaseByIdDocument, { id: caseId })).case).not.toBeNull();

    const { accessLog } = await officer.request(AccessLogDocument, {
      filter: { caseId: caseUuid },
      first: 50,
    });
    const rows = accessLog.edges.map((e) => e.node);
    const underGrant = rows.filter((r) => r.emergencyAccess);
    expect(underGrant.map((r) => r.activity).sort()).toEqual(
      expect.arrayContaining(['EMERGENCY_ACCESS', 'READ']),
    );
    for (const row of underGrant) expect(row.emergencyReason).toBe(REASON);
    const others = rows.filter((r) => !r.emergencyAccess);
    expect(others.length).toBeGreaterThan(0);
    for (const row of others) expect(row.emergencyReason).toBeNull();

    const { accessLogCsv } = await officer.request(AccessLogCsvDocument, {
      filter: { caseId: caseUuid, flags: ['EMERGENCY_ACCESS'] },
    });
    const [header, ...lines] = accessLogCsv.trim().split('\n');
    const column = header!.split(',').indexOf('emergencyReason');
    expect(column).toBeGreaterThan(-1);
    expect(lines.length).toBe(underGrant.length);
    for (const line of lines) expect(line).toContain(REASON);
  });
});
