import { useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleIdentityEventsDocument,
  ConsoleRotateSigningKeyDocument,
  type IdentityEventOutcome,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';

/** Rotating the token signing key: the API answers the new key's id; publication is public. */
export function KeysPage() {
  const [state, rotate] = useMutation(ConsoleRotateSigningKeyDocument);
  const answer = state.data?.rotateTokenSigningKey;
  const [events] = useQuery({
    query: ConsoleIdentityEventsDocument,
    variables: { types: ['KEY_CREATED', 'KEY_RETIRED'] },
  });
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">
        Token signing keys <span lang="sv">(signeringsnycklar)</span>
      </h1>
      <p>
        A new key is published at once (<code>/.well-known/jwks.json</code>) and starts signing
        after the publish lead; the current key is retired once its tokens have expired.
      </p>
      <button type="button" className="button" disabled={state.fetching} onClick={() => rotate({})}>
        Rotate the signing key
      </button>
      <ErrorNotice error={state.error ?? events.error ?? null} />
      <RefusalNotice refusal={answer?.__typename === 'IdentityError' ? answer : null} />
      {answer?.__typename === 'RotateTokenSigningKeySuccess' ? (
        <div className="notice notice--ok" role="status">
          <p>
            New key published: <code data-testid="new-key-id">{answer.keyId}</code>
          </p>
        </div>
      ) : null}
      <h2>Key history</h2>
      <EventTable events={events.data?.identityEvents ?? []} />
    </section>
  );
}

type EventRow = {
  id: string;
  type: string;
  outcome: string;
  occurredAt: string;
  subject?: string | null;
  actor?: string | null;
  reason?: string | null;
};

function EventTable({ events }: { events: readonly EventRow[] }) {
  if (events.length === 0) return <p className="hint">No events.</p>;
  return (
    <table className="plain" data-testid="identity-events">
      <caption className="visually-hidden">Identity events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Outcome</th>
          <th scope="col">Person</th>
          <th scope="col">By</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td>{formatStockholm(event.occurredAt)}</td>
            <td>{event.type}</td>
            <td>{event.outcome === 'FAILURE' ? <strong>Failure</strong> : 'Success'}</td>
            <td>{event.subject ?? '–'}</td>
            <td>{event.actor ?? '–'}</td>
            <td>{event.reason ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Identity events (logins, refusals, administration), filtered by outcome, person and type. */
export function EventsPage() {
  const [outcome, setOutcome] = useState<IdentityEventOutcome | ''>('');
  const [subject, setSubject] = useState('');
  const [filter, setFilter] = useState<{ outcome?: IdentityEventOutcome; subject?: string }>({});
  const [events] = useQuery({ query: ConsoleIdentityEventsDocument, variables: filter });
  const id = useId();
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
          setFilter({ outcome: outcome || undefined, subject: subject.trim() || undefined });
        }}
      >
        <div className="filters__row">
          <div className="field">
            <label htmlFor={`${id}-outcome`}>Outcome</label>
            <select
              id={`${id}-outcome`}
              value={outcome}
              onChange={(e) => setOutcome(e.target.value as IdentityEventOutcome | '')}
            >
              <option value="">Any</option>
              <option value="SUCCESS">Success</option>
              <option value="FAILURE">Failure</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-subject`}>Person (HSA-ID)</label>
            <input
              id={`${id}-subject`}
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
            />
          </div>
          <div className="filters__actions">
            <button type="submit" className="button">
              Filter
            </button>
          </div>
        </div>
      </form>
      <ErrorNotice error={events.error ?? null} />
      <EventTable events={events.data?.identityEvents ?? []} />
    </section>
  );
}
