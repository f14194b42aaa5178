/**
 * A live subscriber's cursor: the position of the last event it was delivered, in commit
 * order (migration 20261206500000_case_event_position), written as a decimal string.
 * Clients treat it as opaque and pass it back as `caseActivity(after:)`.
 */
import type { PrismaClient } from '../db/client.js';
import { BadInputError } from '../graphql/errors.js';

const DECIMAL = /^(0|[1-9][0-9]{0,17})$/;

export function formatCursor(position: bigint): string {
  return position.toString();
}

/**
 * The position `after` names, refused with INVALID_CURSOR when it is not a cursor or lies
 * beyond the last committed event: resuming from there would silently skip every event up
 * to it.
 */
export async function parseCursor(prisma: PrismaClient, after: string): Promise<bigint> {
  const invalid = () =>
    new BadInputError(
      'INVALID_CURSOR',
      'caseActivity: after is not a cursor of a delivered event. Subscribe without it and refetch your inbox.',
      'after',
    );
  if (!DECIMAL.test(after)) throw invalid();
  const position = BigInt(after);
  const latest = await prisma.caseEventPosition.aggregate({ _max: { position: true } });
  if (position > (latest._max.position ?? 0n)) throw invalid();
  return position;
}
