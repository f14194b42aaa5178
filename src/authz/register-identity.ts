import { type AccessDecision, allow, decideField, deny } from './decide.js';
import type { Principal } from './principal.js';

/** What the decision needs to know of the person looked up in the registers. */
export interface RegisterPerson {
  /** Skyddade personuppgifter in the population register. */
  protectedIdentity: boolean;
  /** The caller's acting unit is a current party of a case of this person. */
  actingUnitHasCase: boolean;
}

/**
 * The name (and address) of a person in a register look-up. A protected identity's name
 * goes only to a caller granted protected identities whose acting unit has a case with
 * the person: anyone else, even of a role granted them, gets the protected marker and a
 * redaction (NO_CASE_WITH_PERSON). An unprotected name follows the IDENTITY grant.
 */
export function decideRegisterName(
  principal: Principal | null,
  person: RegisterPerson,
): AccessDecision {
  if (!person.protectedIdentity) {
    return decideField(principal, 'read', 'IDENTITY', { consentGiven: true });
  }
  const granted = decideField(principal, 'read', 'PROTECTED_IDENTITY', { consentGiven: false });
  if (!granted.allowed) return granted;
  if (!person.actingUnitHasCase) {
    return deny(
      'NO_CASE_WITH_PERSON',
      'a protected identity’s name goes only to a unit that has a case with the person',
    );
  }
  return allow(`${granted.rule}, and the acting unit has a case with the person`);
}
