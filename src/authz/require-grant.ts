import type { Actor } from '../domain/case/model.js';
import { decideGrant } from './decide.js';
import type { FieldCategory } from './field-categories.js';
import type { Action } from './policy.js';
import type { Principal } from './principal.js';
import { ForbiddenError, UnauthenticatedError } from './refusals.js';

/** Who is asking: the verified principal, and the principal acting in a known unit. */
export interface Asking {
  principal: Principal | null;
  actor: Actor | null;
}

/**
 * "Require this grant": the one check every area (a root field, invoicing, retention, the
 * log review, notifications) makes before it reads or changes anything. The policy
 * (./policy.ts) decides; nobody signed in is UNAUTHENTICATED, a role without the grant is
 * FORBIDDEN with the area's own `refusal`, which tells the person what they lack.
 */
export function requireGrant(
  asking: Pick<Asking, 'principal'>,
  category: FieldCategory,
  action: Action = 'read',
  refusal = `Your roles are not granted ${action} on ${category} information.`,
): Principal {
  const decision = decideGrant(asking.principal, category, action);
  if (decision.reason === 'NOT_SIGNED_IN' || !asking.principal) throw new UnauthenticatedError();
  if (!decision.allowed) throw new ForbiddenError(refusal);
  return asking.principal;
}

/**
 * The grant, and a commission to act in: areas that work for one unit or organisation
 * (invoicing, retention, notifications) act for the unit of the chosen commission only,
 * so without one there is nothing to act for. `withoutCommission` says what to choose.
 */
export function requireActing(
  asking: Asking,
  grant: { category: FieldCategory; action: Action; refusal: string },
  withoutCommission: string,
): { principal: Principal; actor: Actor } {
  const principal = requireGrant(asking, grant.category, grant.action, grant.refusal);
  if (!asking.actor) throw new ForbiddenError(withoutCommission);
  return { principal, actor: asking.actor };
}
