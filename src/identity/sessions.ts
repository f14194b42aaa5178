import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Commission } from '../authz/principal.js';
import type { PrismaClient } from '../db/client.js';
import type { IdentitySession } from '../db/generated/prisma/client.js';
import type { Attributes } from './mapping/evaluate.js';

/**
 * Login sessions. The refresh cookie holds `<session id>.<secret>`; the database holds
 * only the secret's SHA-256, replaced at every refresh. A refresh secret presented twice
 * means it was copied: the session is revoked. Every access token names its session
 * (`sid`), and `isActive` answers from a cache of at most `cacheSeconds` (0: no cache),
 * so a revoked session stops working within that time in every process.
 */

export const SESSION_COOKIE = 'brygga_session';

export interface SessionSettings {
  sessionSeconds: number;
  cacheSeconds: number;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function parseRefreshCookie(value: unknown): { sessionId: string; secret: string } | null {
  if (typeof value !== 'string') return null;
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { sessionId: match[1]!, secret: match[2]! } : null;
}

export class RefreshRejected extends Error {}

interface SessionState {
  revokedAt: Date | null;
  expiresAt: Date;
}

export class Sessions {
  private readonly cache = new Map<string, { active: boolean; at: number }>();
  /**
   * The sessions asked about in the same turn, read in one statement: a committed event
   * wakes every live subscriber at once (src/subscriptions), and a thousand sessions
   * whose cached answers ran out would otherwise be a thousand queries.
   */
  private readonly states = new DataLoader<string, SessionState | null>(
    async (ids) => {
      const rows = await this.prisma.identitySession.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, revokedAt: true, expiresAt: true },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { cache: false },
  );

  constructor(
    private readonly prisma: PrismaClient,
    private readonly settings: SessionSettings,
  ) {}

  async create(input: {
    idpId: string;
    subject: string;
    nameId: string;
    nameIdFormat: string | null;
    sessionIndex: string | null;
    levelOfAssurance: string | null;
    attributes: Attributes;
    acting: Commission | null;
    now: Date;
  }): Promise<{ session: IdentitySession; cookie: string }> {
    const secret = randomBytes(32).toString('base64url');
    const session = await this.prisma.identitySession.create({
      data: {
        idpId: input.idpId,
        subject: input.subject,
        nameId: input.nameId,
        nameIdFormat: input.nameIdFormat,
        sessionIndex: input.sessionIndex,
        levelOfAssurance: input.levelOfAssurance,
        attributes: input.attributes,
        actingCommission: input.acting ? (input.acting as unknown as object) : undefined,
        refreshTokenHash: hashSecret(secret),
        createdAt: input.now,
        refreshedAt: input.now,
        expiresAt: new Date(input.now.getTime() + this.settings.sessionSeconds * 1000),
      },
    });
    return { session, cookie: `${session.id}.${secret}` };
  }

  /** Checks and rotates a refresh cookie; returns the session and the next cookie value. */
  async rotate(
    cookieValue: unknown,
    now: Date,
  ): Promise<{ session: IdentitySession; cookie: string }> {
    const parsed = parseRefreshCookie(cookieValue);
    if (!parsed) throw new RefreshRejected('no session cookie');
    const session = await this.prisma.identitySession.findUnique({
      where: { id: parsed.sessionId },
    });
    if (!session) throw new RefreshRejected('unknown session');
    if (session.revokedAt) throw new RefreshRejected('session revoked');
    if (session.expiresAt <= now) throw new RefreshRejected('session expired');
    const presented = Buffer.from(hashSecret(parsed.secret));
    if (!timingSafeEqual(presented, Buffer.from(session.refreshTokenHash))) {
      await this.revoke(session.id, 'system', 'refresh token reused', now);
      throw new RefreshRejected('refresh token reused; session revoked');
    }
    const secret = randomBytes(32).toString('base64url');
    const updated = await this.prisma.identitySession.updateMany({
      where: { id: session.id, refreshTokenHash: session.refreshTokenHash, revokedAt: null },
      data: { refreshTokenHash: hashSecret(secret), refreshedAt: now },
    });
    if (updated.count !== 1) throw new RefreshRejected('session changed concurrently');
    return { session: { ...session, refreshedAt: now }, cookie: `${session.id}.${secret}` };
  }

  async get(sessionId: string): Promise<IdentitySession | null> {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return null;
    return this.prisma.identitySession.findUnique({ where: { id: sessionId } });
  }

  async setActing(sessionId: string, commission: Commission): Promise<void> {
    await this.prisma.identitySession.update({
      where: { id: sessionId },
      data: { actingCommission: commission as unknown as object },
    });
  }

  /** Revokes a session; returns false when it was already revoked or does not exist. */
  async revoke(sessionId: string, by: string, reason: string, now: Date): Promise<boolean> {
    const updated = await this.prisma.identitySession.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: now, revokedBy: by, revokedReason: reason },
    });
    this.cache.set(sessionId, { active: false, at: now.getTime() });
    return updated.count === 1;
  }

  /** Sessions of one IdP matching a LogoutRequest (NameID, and SessionIndex when given). */
  async revokeByNameId(input: {
    idpId: string;
    nameId: string;
    sessionIndex: string | null;
    now: Date;
    reason: string;
  }) {
    const sessions = await this.prisma.identitySession.findMany({
      where: {
        idpId: input.idpId,
        nameId: input.nameId,
        revokedAt: null,
        ...(input.sessionIndex ? { sessionIndex: input.sessionIndex } : {}),
      },
      select: { id: true, subject: true },
    });
    for (const s of sessions) await this.revoke(s.id, 'idp', input.reason, input.now);
    return sessions;
  }

  /** The per-request check: is the token's session still live? */
  async isActive(sessionId: string, now: Date): Promise<boolean> {
    const cached = this.cache.get(sessionId);
    if (cached && now.getTime() - cached.at < this.settings.cacheSeconds * 1000)
      return cached.active;
    const row = await this.states.load(sessionId);
    const active = row !== null && row.revokedAt === null && row.expiresAt > now;
    if (this.settings.cacheSeconds > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(sessionId, { active, at: now.getTime() });
    }
    return active;
  }
}
