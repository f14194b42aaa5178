import { NOTIFICATION_GRANT } from '../authz/notification-grant.js';
import type { Context } from '../graphql/context.js';
import { ForbiddenError } from '../graphql/errors.js';
import { requireGrant } from '../graphql/require-grant.js';
import type { SubscriptionActor } from './subscriptions.js';

/**
 * The one check of every notification field and command: the grant decided in src/authz
 * (NOTIFICATION_GRANT), for the acting unit, which is the only unit one may act for.
 */
export function requireNotificationAdmin(ctx: Context): SubscriptionActor {
  requireGrant(
    ctx,
    NOTIFICATION_GRANT.category,
    NOTIFICATION_GRANT.action,
    'Only staff who run your unit’s cases may set up its notifications and see what was sent.',
  );
  if (!ctx.principal || !ctx.actor) {
    throw new ForbiddenError('Choose a commission first: notifications are per unit.');
  }
  return { hsaId: ctx.principal.hsaId, name: ctx.principal.name, unitId: ctx.actor.unitId };
}
