import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MyCommissionsDocument, ViewerDocument } from '../../generated/graphql.js';
import {
  SOC_SOLNA,
  unitGlobalId,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/** Issue 20, step 1: `viewer` answers who is asking, in one request, for a start screen. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const client = (token: string) =>
  new GraphQLClient(`${server.url}/graphql`, { headers: { authorization: `Bearer ${token}` } });

describe('viewer', () => {
  it('answers the person, roles, acting commission with its Unit and the other commissions with theirs', async () => {
    const base = principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF', 'FINANCE'], 'Vera Viewer');
    const primary = { ...base.commissions[0]!, hsaId: `${VC_SOLNA}C9`, unitHsaId: VC_SOLNA };
    const unknown = {
      ...base.commissions[0]!,
      hsaId: 'SE0000000000-UNKNOWNC1',
      unitHsaId: 'SE0000000000-UNKNOWN',
      purpose: 'Statistik',
    };
    const token = await server.tokenFor({
      ...base,
      commissions: [primary, base.actingCommission!, unknown],
    });
    const { viewer } = await client(token).request(ViewerDocument);
    expect(viewer).toMatchObject({
      hsaId: base.hsaId,
      name: 'Vera Viewer',
      roles: ['WARD_STAFF', 'FINANCE'],
      actingCommission: {
        unitHsaId: WARD_KAROLINSKA_GERIATRIK,
        acting: true,
        unit: {
          id: await unitGlobalId(server.owner, WARD_KAROLINSKA_GERIATRIK),
          kind: 'WARD_SOMATIC',
        },
      },
      actingUnit: { id: await unitGlobalId(server.owner, WARD_KAROLINSKA_GERIATRIK) },
    });
    // The acting commission is not repeated among the others; an unknown unit is null, not an error.
    expect(viewer?.otherCommissions).toEqual([
      {
        hsaId: `${VC_SOLNA}C9`,
        purpose: base.actingCommission!.purpose,
        unitHsaId: VC_SOLNA,
        acting: false,
        unit: {
          id: await unitGlobalId(server.owner, VC_SOLNA),
          hsaId: VC_SOLNA,
          name: expect.any(String),
        },
      },
      {
        hsaId: 'SE0000000000-UNKNOWNC1',
        purpose: 'Statistik',
        unitHsaId: 'SE0000000000-UNKNOWN',
        acting: false,
        unit: null,
      },
    ]);
  });

  it('myCommissions (kept for compatibility) gives each commission its acting flag and Unit', async () => {
    const base = principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Mona Commissions');
    const primary = { ...base.commissions[0]!, hsaId: `${VC_SOLNA}C8`, unitHsaId: VC_SOLNA };
    const token = await server.tokenFor({
      ...base,
      commissions: [primary, base.actingCommission!],
    });
    const { myCommissions } = await client(token).request(MyCommissionsDocument);
    expect(myCommissions).toEqual([
      {
        hsaId: `${VC_SOLNA}C8`,
        unitHsaId: VC_SOLNA,
        purpose: base.actingCommission!.purpose,
        acting: false,
        unit: { id: await unitGlobalId(server.owner, VC_SOLNA), hsaId: VC_SOLNA },
      },
      {
        hsaId: base.actingCommission!.hsaId,
        unitHsaId: WARD_KAROLINSKA_GERIATRIK,
        purpose: base.actingCommission!.purpose,
        acting: true,
        unit: {
          id: await unitGlobalId(server.owner, WARD_KAROLINSKA_GERIATRIK),
          hsaId: WARD_KAROLINSKA_GERIATRIK,
        },
      },
    ]);
  });

  it('answers no acting commission and no acting unit before one is chosen', async () => {
    const base = principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Ingen Vald');
    const token = await server.tokenFor({ ...base, actingCommission: null });
    const { viewer } = await client(token).request(ViewerDocument);
    expect(viewer?.actingCommission).toBeNull();
    expect(viewer?.actingUnit).toBeNull();
    expect(viewer?.otherCommissions.map((c) => c.unitHsaId)).toEqual([SOC_SOLNA]);
  });

  it('answers null without a token, and reads no patient data (no access-log row)', async () => {
    const before = await server.owner.query('SELECT count(*)::int AS n FROM access_log');
    const { viewer } = await server.anonymousClient().request(ViewerDocument);
    expect(viewer).toBeNull();
    const token = await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'X'));
    await client(token).request(ViewerDocument);
    const after = await server.owner.query('SELECT count(*)::int AS n FROM access_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
