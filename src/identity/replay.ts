import type { PrismaClient } from '../db/client.js';
import type { IdentityReplayKind } from '../db/generated/prisma/enums.js';

/**
 * Replay protection shared by every API process, in the database: AuthnRequest IDs we
 * issued (each consumed once, by a response from the IdP it was sent to) and the
 * Response and Assertion IDs seen, kept until NotOnOrAfter plus the clock skew.
 */
export class ReplayStore {
  constructor(private readonly prisma: PrismaClient) {}

  async rememberRequest(input: {
    id: string;
    idpId: string;
    relayState: string | null;
    now: Date;
    ttlSeconds: number;
  }): Promise<void> {
    await this.prisma.identitySamlRequest.create({
      data: {
        id: input.id,
        idpId: input.idpId,
        relayState: input.relayState,
        issuedAt: input.now,
        expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      },
    });
  }

  /**
   * Consumes a request ID atomically: true once, for the IdP it was issued to, before it
   * expires. Returns the relay state stored with it.
   */
  async consumeRequest(
    id: string,
    idpId: string,
    now: Date,
  ): Promise<{ relayState: string | null } | null> {
    const updated = await this.prisma.identitySamlRequest.updateMany({
      where: { id, idpId, consumedAt: null, expiresAt: { gt: now } },
      data: { consumedAt: now },
    });
    if (updated.count !== 1) return null;
    const row = await this.prisma.identitySamlRequest.findUnique({
      where: { id },
      select: { relayState: true },
    });
    return { relayState: row?.relayState ?? null };
  }

  /** Records a message ID; false when it was seen before (a replay). */
  async claim(
    kind: IdentityReplayKind,
    messageId: string,
    idpId: string,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO identity_saml_replay (kind, message_id, idp_id, seen_at, expires_at)
      VALUES (${kind}::identity_replay_kind, ${messageId}, ${idpId}::uuid, ${now}, ${expiresAt})
      ON CONFLICT (kind, message_id) DO NOTHING`;
    return inserted === 1;
  }
}
