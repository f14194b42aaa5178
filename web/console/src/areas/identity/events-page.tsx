import { useState } from 'react';
import { useQuery } from 'urql';
import {
  ConsoleIdentityEventLogDocument,
  ConsoleIdentityProviderNamesDocument,
  type IdentityEventFilter,
  type IdentityEventOutcome,
} from '../../generated/graphql.js';
import { usePagedConnection } from '../../ui/connection.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField } from '../../ui/field.js';
import { LoadProgress } from '../../ui/load-progress.js';
import { formatStockholm, nextDay, startOfStockholmDay } from '../../ui/time.js';

const PAGE = 25;

interface FormValues {
  idpId: string;
  outcome: IdentityEventOutcome | '';
  subject: string;
  /** Stockholm dates, both inclusive. */
  from: string;
  to: string;
}

const EMPTY: FormValues = { idpId: '', outcome: '', subject: '', from: '', to: '' };

/** The form as the API's filter: blank fields left out, dates as whole Stockholm days. */
function toFilter(values: FormValues): IdentityEventFilter {
  return {
    idpId: values.idpId || undefined,
    outcome: values.outcome || undefined,
    subject: values.subject.trim() || undefined,
    since: values.from ? startOfStockholmDay(values.from) : undefined,
    until: values.to ? startOfStockholmDay(nextDay(values.to)) : undefined,
  };
}

/**
 * Identity events (logins, refusals, administration) by IdP, outcome, person and period,
 * newest first, a page at a time by cursor ("Show more" asks for the next page).
 */
export function EventsPage() {
  const [values, setValues] = useState<FormValues>(EMPTY);
  const [filter, setFilter] = useState<IdentityEventFilter>({});
  const [idps] = useQuery({ query: ConsoleIdentityProviderNamesDocument });
  const events = usePagedConnection(
    ConsoleIdentityEventLogDocument,
    { filter, first: PAGE },
    (data) => ({
      nodes: data.identityEventLog.edges.map((edge) => edge.node),
      totalCount: data.identityEventLog.totalCount,
      hasNextPage: data.identityEventLog.pageInfo.hasNextPage,
      endCursor: data.identityEventLog.pageInfo.endCursor ?? null,
    }),
  );
  const providers = idps.data?.identityProviders ?? [];
  const idpName = (idpId: string | null | undefined) =>
    providers.find((p) => p.id === idpId)?.displayName ?? (idpId ? idpId : '–');
  const set = (patch: Partial<FormValues>) => setValues((v) => ({ ...v, ...patch }));
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">
        Identity events <span lang="sv">(händelser)</span>
      </h1>
      <form
        className="filters"
        aria-label="Filter identity events"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(toFilter(values));
        }}
      >
        <div className="filters__row">
          <SelectField
            label="Identity provider"
            value={values.idpId}
            onChange={(e) => set({ idpId: e.target.value })}
          >
            <option value="">Any</option>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Outcome"
            value={values.outcome}
            onChange={(e) => set({ outcome: e.target.value as IdentityEventOutcome | '' })}
          >
            <option value="">Any</option>
            <option value="SUCCESS">Success</option>
            <option value="FAILURE">Failure</option>
          </SelectField>
          <InputField
            label="Person (HSA-ID)"
            value={values.subject}
            onChange={(e) => set({ subject: e.target.value })}
          />
          <InputField
            label="From (date)"
            type="date"
            value={values.from}
            onChange={(e) => set({ from: e.target.value })}
          />
          <InputField
            label="To (date, inclusive)"
            type="date"
            value={values.to}
            onChange={(e) => set({ to: e.target.value })}
          />
          <div className="filters__actions">
            <button type="submit" className="button">
              Filter
            </button>
          </div>
        </div>
      </form>
      <ErrorNotice error={events.error ?? idps.error ?? null} />
      <LoadProgress
        loaded={events.nodes.length}
        total={events.totalCount}
        fetching={events.fetching}
        noun="events"
      />
      {events.nodes.length === 0 && !events.fetching ? (
        <p className="hint">No events.</p>
      ) : (
        <table className="plain" data-testid="identity-events">
          <caption className="visually-hidden">Identity events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Outcome</th>
              <th scope="col">IdP</th>
              <th scope="col">Person</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {events.nodes.map((event) => (
              <tr key={event.id} data-testid="identity-event-row">
                <td>{formatStockholm(event.occurredAt)}</td>
                <td>{event.type}</td>
                <td>{event.outcome === 'FAILURE' ? <strong>Failure</strong> : 'Success'}</td>
                <td>{idpName(event.idpGlobalId)}</td>
                <td>{event.subject ?? '–'}</td>
                <td>{event.actor ?? '–'}</td>
                <td>{event.reason ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.hasNextPage ? (
        <button
          type="button"
          className="button--quiet"
          disabled={events.fetching}
          onClick={events.loadMore}
        >
          Show more
        </button>
      ) : null}
    </section>
  );
}
