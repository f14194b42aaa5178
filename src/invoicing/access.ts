import { type Asking, requireActing } from '../authz/require-grant.js';
import type { Actor } from '../domain/case/model.js';

/**
 * Who may run invoicing: a role the policy (src/authz/policy.ts) grants FINANCIAL
 * information, acting in a commission of a unit Brygga knows, whose organisation is then
 * the one invoicing (a region) or invoiced (a municipality or district). Every invoicing
 * resolver asks here and nowhere else.
 */
export function requireFinance(ctx: Asking): Actor {
  return requireActing(
    ctx,
    {
      category: 'FINANCIAL',
      action: 'read',
      refusal: 'Invoicing and payment statistics need the FINANCE role.',
    },
    'Choose a commission for a unit of the organisation you invoice for first.',
  ).actor;
}
