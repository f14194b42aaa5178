import { useQuery } from 'urql';
import type { Role } from '../generated/graphql.js';
import { ConsoleInboxCountDocument } from '../generated/graphql.js';
import { ErrorNotice } from '../ui/error-notice.js';
import type { Viewer } from './signed-in-shell.js';

/**
 * The roles whose work has an inbox: those the API grants PLANNING (src/authz/policy.ts),
 * the staff who take part in the discharge planning. The console asks only for them, so no
 * one else gets a FORBIDDEN on the start page; the API decides either way.
 */
const INBOX_ROLES: readonly Role[] = [
  'WARD_STAFF',
  'PRIMARY_CARE_STAFF',
  'MUNICIPAL_HEALTH_CARE_STAFF',
  'SOCIAL_SERVICES_STAFF',
];

/** Whether the start page shows the person's inbox: a role with one, and an acting unit. */
export const hasInbox = (viewer: Viewer): boolean =>
  viewer.actingCommission?.unit != null && viewer.roles.some((role) => INBOX_ROLES.includes(role));

/**
 * How many items wait in the acting unit's inbox (the `inbox` connection's totalCount):
 * messages to acknowledge and steps it owes. Only the count: the items themselves are
 * patient data, read in the care systems or through the API, each read logged.
 */
export function InboxCount({ viewer }: { viewer: Viewer }) {
  const [{ data, error, fetching }] = useQuery({ query: ConsoleInboxCountDocument });
  const count = data?.inbox.totalCount;
  return (
    <section aria-labelledby="inbox-title" className="card inbox-count">
      <h2 id="inbox-title">
        Your unit’s inbox <span lang="sv">(inkorg)</span>
      </h2>
      {error ? <ErrorNotice error={error} /> : null}
      {fetching && count === undefined ? (
        <p className="loading" role="status">
          Counting…
        </p>
      ) : count === undefined ? null : (
        <p>
          <strong className="inbox-count__number" data-testid="inbox-count">
            {count}
          </strong>{' '}
          {count === 1 ? 'item waits' : 'items wait'} for {viewer.actingCommission?.unit?.name}:
          messages to acknowledge and steps your unit owes, earliest deadline first in the{' '}
          <code>inbox</code> query.
        </p>
      )}
    </section>
  );
}
