import type { PrismaClient } from '../db/client.js';
import type { IdentityEventOutcome, IdentityEventType } from '../db/generated/prisma/enums.js';

/** The identity audit: append-only rows in identity_event (the database refuses changes). */

export interface IdentityEventInput {
  type: IdentityEventType;
  outcome: IdentityEventOutcome;
  idpId?: string | null;
  subject?: string | null;
  actor?: string | null;
  sessionId?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export class IdentityEvents {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date,
  ) {}

  async record(
    event: IdentityEventInput,
    client: Pick<PrismaClient, 'identityEvent'> = this.prisma,
  ): Promise<void> {
    await client.identityEvent.create({
      data: {
        occurredAt: this.now(),
        type: event.type,
        outcome: event.outcome,
        idpId: event.idpId ?? null,
        subject: event.subject ?? null,
        actor: event.actor ?? null,
        sessionId: event.sessionId ?? null,
        reason: event.reason ?? null,
        details: (event.details ?? {}) as object,
        requestId: event.requestId ?? null,
      },
    });
  }
}
