import type { Principal } from '../authz/principal.js';

type Verified = Principal & { tokenId: string };

interface Accepted {
  /** The key set the signature was checked against: a reloaded set is a new object. */
  keySet: object;
  principal: Readonly<Verified>;
  /** When it was verified, and when the first of its time claims runs out (epoch ms). */
  from: number;
  until: number;
}

/**
 * Access tokens the verifier has accepted, by their exact text. A client sends the same
 * token with every request for its five minutes, and checking its ES256 signature again
 * each time was about 4 % of the API's CPU for one case read (issue 17).
 *
 * A remembered answer is given again only when checking again could not answer otherwise:
 * - against the same key set object: the key store builds a new one whenever it reloads
 *   (every few seconds, and after a rotation), so a withdrawn key's tokens go back to the
 *   verifier at its next reload, as they would without this memory;
 * - at a time no earlier than the check, and before the token's expiry and its maximum
 *   age, both taken without the clock tolerance the verifier allows;
 * - for the same text, byte for byte: any changed header, claim or signature is a
 *   different key in the map and is verified in full.
 * Refused tokens are not remembered. Whether the session is still live is not a property
 * of the token: the caller checks it on every request (src/identity/sessions.ts).
 */
export class VerifiedTokens {
  private readonly accepted = new Map<string, Accepted>();

  constructor(private readonly capacity = 10_000) {}

  /** The principal of a token accepted earlier, if that answer still holds at `now`. */
  get(token: string, keySet: object, now: Date): Readonly<Verified> | null {
    const entry = this.accepted.get(token);
    if (!entry) return null;
    const at = now.getTime();
    if (entry.keySet !== keySet || at >= entry.until) {
      this.accepted.delete(token);
      return null;
    }
    return at >= entry.from ? entry.principal : null;
  }

  /**
   * Remembers an accepted token until `until`. The principal is frozen: every request
   * with the token shares it.
   */
  remember(
    token: string,
    keySet: object,
    principal: Verified,
    now: Date,
    until: number,
  ): Readonly<Verified> {
    const frozen = freezePrincipal(principal);
    // A bound on memory: tokens live minutes, so starting over costs one check each.
    if (this.accepted.size >= this.capacity) this.accepted.clear();
    this.accepted.set(token, { keySet, principal: frozen, from: now.getTime(), until });
    return frozen;
  }
}

function freezePrincipal(principal: Verified): Readonly<Verified> {
  for (const commission of principal.commissions) {
    Object.freeze(commission.rights);
    Object.freeze(commission);
  }
  if (principal.actingCommission) Object.freeze(principal.actingCommission.rights);
  Object.freeze(principal.actingCommission);
  Object.freeze(principal.roles);
  Object.freeze(principal.commissions);
  return Object.freeze(principal);
}
