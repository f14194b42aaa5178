/**
 * One subscriber's stream of case activity: every committed event (./case-event-feed.ts)
 * of a case the subscriber may see now, decided per event by the row rule of
 * src/authz/case-access.ts (the same `visibleCaseWhere` as `cases`), after the token and
 * session are checked again. Each delivery then starts with a fresh access log, facts and
 * field decisions, so the field rule decides it afresh and ./server.ts writes its own
 * access-log rows before it leaves.
 *
 * Resuming (`after`, ./cursor.ts): the feed is listened to first and its notices held,
 * then the events after the cursor are replayed from the database in commit order, then
 * the held and new notices follow, skipping any the replay already delivered. Positions are
 * numbered in commit order (migration 20261206500000_case_event_position) and notices
 * arrive in commit order, so an event committed while the replay read is either in the
 * replay or among the held notices: none is lost at the boundary and none comes twice.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, on } from 'node:events';
import type pg from 'pg';
import { RequestAccessLog } from '../audit/request-access-log.js';
import { createCaseFactsLoader, type FactsSource } from '../authz/case-facts.js';
import type { Prisma } from '../db/generated/prisma/client.js';
import type { Context } from '../graphql/context.js';
import { forgetDecisions } from '../graphql/field-guard.js';
import type { CaseEventNotice } from './case-event-feed.js';
import type { LiveSession } from './live-session.js';
import { readVisible, type SharedReads, sharedReadsOf } from './shared-reads.js';

export interface CaseActivity {
  eventId: string;
  caseId: string;
  patientId: string;
  /** The event was sent to the subscriber's unit: a new item of its inbox. */
  forYourUnit: boolean;
  /** The event's position in commit order: the subscriber's cursor after this delivery. */
  position: bigint;
}

/** Events read per replay query; a long absence is replayed in several. */
const REPLAY_BATCH = 100;

/**
 * The stream graphql-ws holds for one subscription. Its `return()` (the client completed
 * the subscription, or the socket closed) ends it at once: an async generator's own
 * `return()` waits until the generator reaches its next `yield`, which for a quiet unit
 * can be hours away, and until then the stream would stay subscribed to the feed.
 */
export function caseActivityStream(
  ctx: Context,
  after: bigint | null,
): AsyncIterableIterator<CaseActivity> {
  const ended = new AbortController();
  const stream = caseActivity(ctx, after, ended.signal);
  return {
    next: () => stream.next(),
    return: (value?: unknown) => {
      ended.abort();
      return stream.return(value as undefined);
    },
    throw: (error?: unknown) => {
      ended.abort();
      return stream.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The stream itself; `signal` ends its wait for the next notice (caseActivityStream). */
async function* caseActivity(
  ctx: Context,
  after: bigint | null,
  signal: AbortSignal,
): AsyncGenerator<CaseActivity> {
  const live = ctx.live;
  const unitId = ctx.actor?.unitId;
  if (!live || !unitId) return;
  const notices = new EventEmitter();
  // The iterator listens from here on: notices that arrive during the replay are held.
  const held = on(notices, 'notice', { signal }) as AsyncIterableIterator<[CaseEventNotice]>;
  const unsubscribe = live.feed.subscribe((notice) => notices.emit('notice', notice));
  let last = after;
  try {
    while (last !== null) {
      const batch = await readEvents(ctx, unitId, { after: last });
      for (const event of batch) {
        last = event.position;
        const delivered = yield* deliver(ctx, live, null, () => Promise.resolve(event));
        if (!delivered) return;
      }
      if (batch.length < REPLAY_BATCH) break;
    }
    try {
      for await (const [notice] of held) {
        if (last !== null && notice.position <= last) continue; // replayed already
        last = notice.position;
        const delivered = yield* deliver(ctx, live, notice, async () => {
          const [event] = await readEvents(ctx, unitId, { eventId: notice.eventId });
          return event;
        });
        if (!delivered) return;
      }
    } catch (error) {
      // Ended while waiting for the next notice (caseActivityStream's return()): done.
      if (!signal.aborted) throw error;
    }
  } finally {
    unsubscribe();
    await held.return?.();
  }
}

/**
 * One delivery: the sign-in check, then a slot, held while the event is read and the
 * payload executed (until ./server.ts releases it, before the payload's access-log rows
 * are written with other deliveries'), so a delivery's reads happen within it. False
 * when the subscriber is no longer signed in (its socket is closing).
 */
async function* deliver(
  ctx: Context,
  live: LiveSession,
  notice: CaseEventNotice | null,
  read: () => Promise<CaseActivity | undefined>,
): AsyncGenerator<CaseActivity, boolean> {
  // Before the slot: the checks of one event's subscribers whose cached session answers
  // ran out are then read together in one statement (src/identity/sessions.ts), not five
  // at a time.
  if (!(await live.stillSignedIn())) return false;
  const release = await live.slots.acquire();
  live.heldSlot = release;
  try {
    // A live event's reads are shared with the other subscribers asking the same; a
    // replayed one is this subscriber's alone.
    beginDelivery(ctx, live, notice ? sharedReadsOf(notice) : undefined);
    const event = await read();
    if (!event) return true;
    yield event;
    return true;
  } finally {
    release();
    live.heldSlot = undefined;
  }
}

/** Events the subscriber may see now: one by id, or the next batch after a position. */
async function readEvents(
  ctx: Context,
  unitId: string,
  which: { eventId: string } | { after: bigint },
): Promise<CaseActivity[]> {
  const args = (caseWhere: Prisma.CaseWhereInput) =>
    ({
      where: {
        ...('eventId' in which
          ? { id: which.eventId }
          : { position: { is: { position: { gt: which.after } } } }),
        case: caseWhere,
      },
      orderBy: { position: { position: 'asc' } },
      take: REPLAY_BATCH,
      select: {
        id: true,
        caseId: true,
        case: { select: { patientId: true } },
        recipients: { where: { unitId }, select: { unitId: true } },
        position: { select: { position: true } },
      },
    }) satisfies Prisma.CaseEventFindManyArgs;
  const events = await readVisible(
    ctx,
    'caseEvent.findMany',
    args,
    (a) => ctx.prisma.caseEvent.findMany(a),
    (found) => found.length > 0,
  );
  return events.flatMap((event) =>
    event.position
      ? [
          {
            eventId: event.id,
            caseId: event.caseId,
            patientId: event.case.patientId,
            forYourUnit: event.recipients.length > 0,
            position: event.position.position,
          },
        ]
      : [],
  );
}

/**
 * A delivery is a request of its own for the access log and the field rule. With shared
 * reads it is decided as of their time, and its case facts come through them too.
 */
function beginDelivery(ctx: Context, live: LiveSession, reads: SharedReads | undefined): void {
  ctx.requestId = randomUUID();
  ctx.access = new RequestAccessLog();
  ctx.facts = createCaseFactsLoader(reads ? sharedFactsSource(reads, live.pool) : live.pool);
  ctx.now = reads ? () => reads.at : () => new Date();
  ctx.redactions = [];
  forgetDecisions(ctx);
  live.reads = reads;
}

/** The facts of a case are the same for every principal: one statement per generation. */
function sharedFactsSource(reads: SharedReads, pool: pg.Pool): FactsSource {
  return {
    query: <R extends pg.QueryResultRow>(text: string, values: unknown[]) =>
      reads.get(`sql|${text}|${JSON.stringify(values)}`, () => pool.query<R>(text, values)),
  };
}
