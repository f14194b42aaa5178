import { NOTIFICATION_GRANT } from '../authz/notification-grant.js';
import { type Asking, requireActing } from '../authz/require-grant.js';
import type { SubscriptionActor } from './subscriptions.js';

/**
 * The one check of every notification field and command: the grant decided in src/authz
 * (NOTIFICATION_GRANT), for the acting unit, which is the only unit one may act for.
 */
export function requireNotificationAdmin(ctx: Asking): SubscriptionActor {
  const { principal, actor } = requireActing(
    ctx,
    {
      ...NOTIFICATION_GRANT,
      refusal:
        'Only staff who run your unit’s cases may set up its notifications and see what was sent.',
    },
    'Choose a commission first: notifications are per unit.',
  );
  return { hsaId: principal.hsaId, name: principal.name, unitId: actor.unitId };
}
