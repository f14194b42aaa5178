import { useSyncExternalStore } from 'react';
import type { Session, SessionState } from '../../../shared/session.js';

/** The session's state as React state: signed in, signed out, or still asking. */
export function useSessionState(session: Session): SessionState {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.state,
  );
}
