import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleIdentitySessionsDocument,
  ConsoleRevokeSessionDocument,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField } from '../../ui/field.js';
import { RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';

/**
 * A person's login sessions, found by their employee HSA-ID; revoking one (with a reason)
 * ends it at once: its next token refresh and its next request fail.
 */
export function SessionsPage() {
  const [input, setInput] = useState('');
  const [subject, setSubject] = useState<string | null>(null);
  const [result, reload] = useQuery({
    query: ConsoleIdentitySessionsDocument,
    variables: { subject: subject ?? '' },
    pause: subject === null,
  });
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">
        Sessions <span lang="sv">(inloggningar)</span>
      </h1>
      <form
        className="filters"
        aria-label="Find sessions"
        onSubmit={(event) => {
          event.preventDefault();
          setSubject(input.trim());
        }}
      >
        <div className="filters__row">
          <InputField
            label="Person (employee HSA-ID)"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="SE2321000016-…"
            spellCheck={false}
          />
          <div className="filters__actions">
            <button type="submit" className="button">
              Find sessions
            </button>
          </div>
        </div>
      </form>
      <ErrorNotice error={result.error ?? null} />
      {result.data && result.data.identitySessions.length === 0 ? (
        <p className="hint">No sessions for this person.</p>
      ) : null}
      {result.data && result.data.identitySessions.length > 0 ? (
        <table className="plain" data-testid="sessions-table">
          <caption className="visually-hidden">Sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Last refreshed</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {result.data.identitySessions.map((session) => (
              <tr key={session.id} data-testid="session-row">
                <td>{formatStockholm(session.createdAt)}</td>
                <td>{formatStockholm(session.refreshedAt)}</td>
                <td>{formatStockholm(session.expiresAt)}</td>
                <td>
                  {session.revokedAt ? (
                    <span data-testid="session-revoked">
                      Revoked {formatStockholm(session.revokedAt)} by {session.revokedBy}:{' '}
                      {session.revokedReason}
                    </span>
                  ) : new Date(session.expiresAt) < new Date() ? (
                    'Expired'
                  ) : (
                    <RevokeForm sessionId={session.id} onRevoked={() => reload()} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function RevokeForm({ sessionId, onRevoked }: { sessionId: string; onRevoked: () => void }) {
  const [reason, setReason] = useState('');
  const [state, revoke] = useMutation(ConsoleRevokeSessionDocument);
  const answer = state.data?.revokeSession;
  return (
    <form
      aria-label="Revoke the session"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await revoke({ sessionId, reason });
        if (result.data?.revokeSession.__typename === 'RevokeSessionSuccess') onRevoked();
      }}
    >
      <InputField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <ErrorNotice error={state.error ?? null} />
      <RefusalNotice refusal={answer?.__typename === 'IdentityError' ? answer : null} />
      <button type="submit" className="button--small" disabled={state.fetching}>
        Revoke
      </button>
    </form>
  );
}
