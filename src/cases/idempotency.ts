import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Tx } from '../db/case-repository.js';
import type { Actor } from '../domain/case/model.js';
import { CommandError } from './command-error.js';

/**
 * Idempotent retries of workflow commands. A client that got no answer (a timeout, a
 * 503) sends the command again with the same key; if the first attempt committed, the
 * retry answers its result instead of acting twice. The key is the client's: an
 * `idempotencyKey`, or the new id it chose for what the command creates (a case, note or
 * care plan). The same key with another input is a client error (IDEMPOTENCY_CONFLICT),
 * never silently the first result.
 */
export interface IdempotencyClaim {
  /** Whose keys: the acting user in the acting unit, so keys never answer someone else. */
  scope: string;
  key: string;
  operation: string;
  /** sha256 of the operation and its input in a canonical JSON form (sorted keys). */
  inputHash: string;
  /** The input field the key came from: `idempotencyKey`, or the client-chosen id. */
  field: string;
}

const MAX_KEY_LENGTH = 200;

export function idempotencyClaim(
  actor: Actor,
  operation: string,
  key: string,
  input: unknown,
  field = 'idempotencyKey',
): IdempotencyClaim {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new CommandError(
      'INVALID_INPUT',
      `An idempotency key has 1 to ${MAX_KEY_LENGTH} characters.`,
      field,
      { max: MAX_KEY_LENGTH },
    );
  }
  const canonical = stringify({ operation, input }) ?? '';
  return {
    scope: `${actor.hsaId}@${actor.unitId}`,
    key,
    operation,
    inputHash: createHash('sha256').update(canonical, 'utf8').digest('hex'),
    field,
  };
}

/**
 * The case a committed command with this key acted on, or null when the key is new.
 * Runs in the command's transaction, before the command decides anything.
 */
export async function replayedCaseId(tx: Tx, claim: IdempotencyClaim): Promise<string | null> {
  const rows = await tx.$queryRaw<{ operation: string; input_hash: string; case_id: string }[]>`
    SELECT operation, input_hash, case_id::text FROM idempotency_key
    WHERE scope = ${claim.scope} AND key = ${claim.key}`;
  const known = rows[0];
  if (!known) return null;
  if (known.operation !== claim.operation || known.input_hash !== claim.inputHash) {
    throw new CommandError(
      'IDEMPOTENCY_CONFLICT',
      `This key was already used for ${known.operation} with another input. Use a new key for a new command.`,
      claim.field,
      { operation: known.operation },
    );
  }
  return known.case_id;
}

/**
 * Stores the key with the command, in its transaction: the key exists exactly when the
 * command committed. Two concurrent first attempts collide on the primary key; the loser
 * rolls back (CONCURRENT_MODIFICATION) and its next retry is answered from the winner.
 */
export async function rememberKey(
  tx: Tx,
  claim: IdempotencyClaim,
  caseId: string,
  at: Date,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO idempotency_key (scope, key, operation, input_hash, case_id, created_at)
    VALUES (${claim.scope}, ${claim.key}, ${claim.operation}, ${claim.inputHash}, ${caseId}::uuid, ${at})`;
}
