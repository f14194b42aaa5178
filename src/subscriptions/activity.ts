/**
 * One subscriber's stream of case activity: every committed event (./case-event-feed.ts)
 * of a case the subscriber may see now, decided per event by the row rule of
 * src/authz/case-access.ts (the same `visibleCaseWhere` as `cases`), after the token and
 * session are checked again. Each delivery then starts with a fresh access log, facts and
 * field decisions, so the field rule decides it afresh and ./server.ts writes its own
 * access-log rows before it leaves.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, on } from 'node:events';
import type pg from 'pg';
import { RequestAccessLog } from '../audit/request-access-log.js';
import { visibleCaseWhere } from '../authz/case-access.js';
import { createCaseFactsLoader } from '../authz/case-facts.js';
import type { Context } from '../graphql/context.js';
import { forgetDecisions } from '../graphql/field-guard.js';
import type { CaseEventNotice } from './case-event-feed.js';

export interface CaseActivity {
  eventId: string;
  caseId: string;
  patientId: string;
  /** The event was sent to the subscriber's unit: a new item of its inbox. */
  forYourUnit: boolean;
}

export async function* caseActivity(
  ctx: Context,
  signal?: AbortSignal,
): AsyncGenerator<CaseActivity> {
  const live = ctx.live;
  const unitId = ctx.actor?.unitId;
  if (!live || !unitId) return;
  const notices = new EventEmitter();
  const unsubscribe = live.feed.subscribe((notice) => notices.emit('notice', notice));
  try {
    for await (const [notice] of on(notices, 'notice', signal ? { signal } : {}) as AsyncIterable<
      [CaseEventNotice]
    >) {
      // Held from the checks until the payload was logged and sent (the generator resumes
      // only then): a delivery's database work happens within one slot.
      const release = await live.slots.acquire();
      try {
        if (!(await live.stillSignedIn())) return;
        const event = await ctx.prisma.caseEvent.findFirst({
          where: { id: notice.eventId, case: visibleCaseWhere(ctx) },
          select: {
            id: true,
            caseId: true,
            case: { select: { patientId: true } },
            recipients: { where: { unitId }, select: { unitId: true } },
          },
        });
        if (!event) continue;
        beginDelivery(ctx, live.pool);
        yield {
          eventId: event.id,
          caseId: event.caseId,
          patientId: event.case.patientId,
          forYourUnit: event.recipients.length > 0,
        };
      } finally {
        release();
      }
    }
  } finally {
    unsubscribe();
  }
}

/** A delivery is a request of its own for the access log and the field rule. */
function beginDelivery(ctx: Context, pool: pg.Pool): void {
  ctx.requestId = randomUUID();
  ctx.access = new RequestAccessLog();
  ctx.facts = createCaseFactsLoader(pool);
  ctx.redactions = [];
  forgetDecisions(ctx);
}
