import type { Principal } from '../authz/principal.js';
import { ForbiddenError } from '../authz/refusals.js';
import { requireGrant } from '../authz/require-grant.js';

/**
 * Who may review the access log, and whose log: a role the policy grants AUDIT
 * information (the security officer, informationssäkerhet), for their own organisation only.
 *
 * "Organisation" is the care provider (vårdgivare, or the municipality as
 * huvudman) of the officer's acting commission: each provider answers for its own log
 * under PDL, and the provider is stored on every row at access time, so a unit moved
 * between providers later does not move its history. An officer sees exactly the rows
 * whose acting provider equals their commission's provider.
 *
 * The role decision is the policy's (src/authz); the scope is the review's own.
 */
export interface ReviewScope {
  officerHsaId: string;
  officerName: string;
  providerHsaId: string;
}

export function requireSecurityOfficer(ctx: { principal: Principal | null }): ReviewScope {
  const principal = requireGrant(
    ctx,
    'AUDIT',
    'read',
    'Only a security officer may review the access log.',
  );
  const commission = principal.actingCommission;
  if (!commission) {
    throw new ForbiddenError('Choose a commission first: the log review is per care provider.');
  }
  return {
    officerHsaId: principal.hsaId,
    officerName: principal.name,
    providerHsaId: commission.providerHsaId,
  };
}
