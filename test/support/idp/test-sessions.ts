import type { Principal } from '../../../src/authz/principal.js';
import type { PrismaClient } from '../../../src/db/client.js';
import { generateSelfSignedCertificate } from '../../../src/identity/certificates.js';
import type { IdentityServices } from '../../../src/identity/index.js';

/**
 * For tests that mint tokens directly (`identity.tokens.issueAccessToken(principal)`)
 * instead of logging in: `authenticate` accepts a token only while its session is live, so
 * the principal's session must exist. This opens one (principal.sessionId must be a UUID)
 * under a "test" IdP that no browser can log in through (its SSO URL goes nowhere).
 */
export async function openTestSession(
  identity: IdentityServices,
  prisma: PrismaClient,
  principal: Principal,
): Promise<void> {
  let idp = await identity.idps.bySlug('test');
  if (!idp) {
    const rules =
      (await identity.ruleSets.findByName('test')) ??
      (await identity.ruleSets.create(
        { name: 'test', definition: { roleRules: [], commissions: { profile: 'INERA' } } },
        'test-support',
      ));
    const { certificatePem } = await generateSelfSignedCertificate('test sessions');
    idp = await identity.idps.create(
      {
        slug: 'test',
        displayName: 'Tests',
        entityId: 'urn:brygga:test',
        ssoUrl: 'https://invalid.test/sso',
        signingCertificates: [certificatePem],
        ruleSetId: rules.id,
      },
      'test-support',
    );
  }
  const now = new Date();
  await prisma.identitySession.create({
    data: {
      id: principal.sessionId,
      idpId: idp.id,
      subject: principal.hsaId,
      nameId: principal.hsaId,
      attributes: {},
      actingCommission: principal.actingCommission
        ? (principal.actingCommission as unknown as object)
        : undefined,
      refreshTokenHash: 'not-refreshable',
      createdAt: now,
      refreshedAt: now,
      expiresAt: new Date(now.getTime() + 8 * 3600_000),
    },
  });
}
