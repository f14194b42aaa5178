import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from '../../support/idp/harness.js';
import { openTestSession } from '../../support/idp/test-sessions.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

test('a directly minted token works once its session is opened, and stops when it is revoked', async () => {
  const commission = {
    hsaId: null,
    name: null,
    unitHsaId: 'SE2321000016-W012',
    providerHsaId: 'SE2321000016-0001',
    purpose: 'Vård och behandling',
    rights: [],
  };
  const principal = {
    hsaId: 'SE2321000016-T001',
    name: 'Test Person',
    sessionId: randomUUID(),
    idpId: 'test',
    levelOfAssurance: 'http://id.sambi.se/loa/loa3',
    roles: ['WARD_STAFF' as const],
    commissions: [commission],
    actingCommission: commission,
  };
  const { token } = await h.services.tokens.issueAccessToken(principal);
  expect((await h.whoami(token)).status).toBe(401);
  await openTestSession(h.services, h.db.prisma, principal);
  expect((await h.whoami(token)).status).toBe(200);
  await h.services.sessions.revoke(principal.sessionId, 'test', 'done', new Date());
  expect((await h.whoami(token)).status).toBe(401);
});
