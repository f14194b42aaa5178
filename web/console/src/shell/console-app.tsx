import { useEffect, useMemo } from 'react';
import { Provider } from 'urql';
import type { Session } from '../../../shared/session.js';
import { createConsoleClient } from '../client.js';
import { SignInPage } from './sign-in-page.js';
import { SignedInShell } from './signed-in-shell.js';
import { useSessionState } from './use-session.js';

/**
 * The console: asks the gateway for an access token (the HttpOnly session cookie proves the
 * sign-in), then shows the shell for the person, or the sign-in page. A new GraphQL client
 * per acting commission, so nothing read in one commission is shown in another.
 */
export function ConsoleApp({ session }: { session: Session }) {
  const state = useSessionState(session);
  useEffect(() => {
    void session.refresh().catch(() => undefined);
  }, [session]);
  const commissionKey =
    state.kind === 'signed-in'
      ? JSON.stringify([state.person.actingCommission, state.person.roles])
      : state.kind;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new client per commission is the point
  const client = useMemo(() => createConsoleClient(session), [session, commissionKey]);

  if (state.kind === 'checking')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (state.kind === 'signed-out') return <SignInPage />;
  return (
    <Provider value={client}>
      <SignedInShell key={commissionKey} session={session} />
    </Provider>
  );
}
