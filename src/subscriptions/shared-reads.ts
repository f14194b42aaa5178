/**
 * Reads of one committed event shared by the subscribers that ask them in exactly the
 * same way. One event wakes every subscriber of the case's units; most of them ask the
 * database the same questions (the event under the same row rule, the same case with the
 * same fields, the case's facts), and a thousand identical statements a second are what
 * kept deliveries from keeping up. A read is shared only under a key made of the whole
 * question: the model, and every argument including the row rule as the subscriber's own
 * principal and unit build it (src/authz/case-access.ts). Subscribers whose rule differs
 * in anything (another unit, an organisation-wide role, another user's emergency
 * grants) ask their own. Only answers from the database are shared: each delivery still
 * decides its fields for its own principal, and logs and sends its own payload.
 *
 * Time: the reads of one generation are all made as of its start (`at`), which is each
 * delivery's `now` for its row rule and field decisions, and a generation is shared for
 * at most MAX_AGE_MS; a delivery that starts later begins a new one and reads again. So a
 * delivery is decided on the database as it was at most that long before, as the session
 * cache already allows for sign-in (IDENTITY_SESSION_CACHE_SECONDS).
 */
import { unitVisibleCaseWhere, type Viewer, visibleCaseWhere } from '../authz/case-access.js';
import type { Prisma } from '../db/generated/prisma/client.js';
import type { CaseEventNotice } from './case-event-feed.js';

export const MAX_AGE_MS = 1_000;

export class SharedReads {
  private readonly answers = new Map<string, Promise<unknown>>();

  constructor(readonly at: Date) {}

  /** The answer to `key`, read once by whichever subscriber asks first. */
  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    let answer = this.answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = read();
      this.answers.set(key, answer);
      // A failed read is not an answer: the next subscriber asks again.
      answer.catch(() => this.answers.delete(key));
    }
    return answer;
  }
}

const generations = new WeakMap<CaseEventNotice, SharedReads>();

/**
 * The shared reads of `notice` for a delivery starting now. The feed hands every
 * subscriber of the process the same notice object, so they find the same generation;
 * it goes with the notice once no subscriber holds it any more.
 */
export function sharedReadsOf(notice: CaseEventNotice, now = new Date()): SharedReads {
  const current = generations.get(notice);
  if (current && now.getTime() - current.at.getTime() < MAX_AGE_MS) return current;
  const fresh = new SharedReads(now);
  generations.set(notice, fresh);
  return fresh;
}

/**
 * A read under the row rule, shared as widely as it provably gives the same answer. It
 * is first asked with the rule of the subscriber's unit (unitVisibleCaseWhere, the same
 * for every subscriber acting in the unit with the same standing): whatever that finds,
 * the subscriber's whole rule finds too, with the same fields. Only when it finds
 * nothing is the subscriber's whole rule asked (its own emergency grants may admit the
 * case), shared only with subscribers whose whole rule is the same (the same user's other
 * sockets). Without shared reads (a replay) the whole rule is asked directly.
 */
export async function readVisible<A, T>(
  ctx: Viewer & { live?: { reads?: SharedReads } },
  name: string,
  args: (caseWhere: Prisma.CaseWhereInput) => A,
  read: (args: A) => Promise<T>,
  found: (answer: T) => boolean,
): Promise<T> {
  const reads = ctx.live?.reads;
  if (!reads) return read(args(visibleCaseWhere(ctx)));
  const shared = (a: A) => reads.get(`${name}|${JSON.stringify(a)}`, () => read(a));
  const unitArgs = args(unitVisibleCaseWhere(ctx));
  const answer = await shared(unitArgs);
  if (found(answer)) return answer;
  return shared(args(visibleCaseWhere(ctx)));
}
