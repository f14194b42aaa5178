/**
 * Shared by the GraphQL IDE (web/ide) and the console (web/console).
 *
 * The signed-in person's access token, kept in memory only (never localStorage: a script
 * injected into the page must not find a token that outlives the tab). The session itself
 * is the HttpOnly cookie the SAML login set on /auth; `POST /auth/refresh` turns it into a
 * short-lived access token and rotates it, so refreshes are serialised: two at once would
 * present the same refresh secret twice.
 */

export interface Commission {
  hsaId: string | null;
  name: string | null;
  unitHsaId: string;
  purpose: string;
}

export interface SignedInPerson {
  name: string;
  roles: string[];
  actingCommission: Commission | null;
}

/** A token the gateway issued some other way than a refresh: `chooseCommission`'s answer. */
export interface IssuedToken {
  accessToken: string;
  expiresAt: string;
  roles: string[];
  actingCommission: Commission | null;
}

export type SessionState =
  | { kind: 'checking' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; person: SignedInPerson };

interface RefreshAnswer {
  accessToken: string;
  expiresAt: string;
  name: string;
  roles: string[];
  actingCommission: Commission | null;
}

/** Refresh this long before the token expires, so a request never carries a dying token. */
const REFRESH_MARGIN_MS = 60_000;

export class Session {
  private token: string | null = null;
  private expiresAt = 0;
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(state: SessionState) => void>();
  state: SessionState = { kind: 'checking' };

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the gateway for a fresh token; one request at a time. */
  refresh(): Promise<void> {
    this.inFlight ??= this.requestToken().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** The token to send, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.token && Date.now() > this.expiresAt - REFRESH_MARGIN_MS) await this.refresh();
    return this.token;
  }

  /**
   * Takes the token `chooseCommission` returned (the session on the server now acts in the
   * chosen commission, so later refreshes keep it).
   */
  adopt(issued: IssuedToken): void {
    const name = this.state.kind === 'signed-in' ? this.state.person.name : '';
    this.accept(issued.accessToken, issued.expiresAt);
    this.publish({
      kind: 'signed-in',
      person: { name, roles: issued.roles, actingCommission: issued.actingCommission },
    });
  }

  private accept(token: string, expiresAt: string): void {
    this.token = token;
    this.expiresAt = Date.parse(expiresAt);
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => void this.refresh(),
      Math.max(5_000, this.expiresAt - Date.now() - REFRESH_MARGIN_MS),
    );
  }

  private async requestToken(): Promise<void> {
    const response = await fetch('/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    if (!response.ok) {
      this.signedOut();
      return;
    }
    const answer = (await response.json()) as RefreshAnswer;
    this.accept(answer.accessToken, answer.expiresAt);
    this.publish({
      kind: 'signed-in',
      person: {
        name: answer.name,
        roles: answer.roles,
        actingCommission: answer.actingCommission,
      },
    });
  }

  private signedOut(): void {
    this.token = null;
    clearTimeout(this.timer);
    this.publish({ kind: 'signed-out' });
  }

  private publish(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
