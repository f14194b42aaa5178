import { signInUrl } from '../../shared/page-config.js';
import type { SessionState } from '../../shared/session.js';
import type { IdentityProviderLink } from './page-config.js';

/** Who is signed in (name, roles, acting unit) with sign-out; or the ways to sign in. */
export function SessionBar({
  state,
  identityProviders,
  returnTo,
}: {
  state: SessionState;
  identityProviders: IdentityProviderLink[];
  returnTo: string;
}) {
  return (
    <header className="brygga-bar">
      <a className="brygga-bar__home" href="/">
        Brygga
      </a>
      <span className="brygga-bar__title">GraphQL IDE</span>
      {state.kind === 'signed-in' ? (
        <section className="brygga-bar__session" aria-label="Signed in">
          <dl>
            <div>
              <dt>Signed in as</dt>
              <dd data-testid="signed-in-name">{state.person.name}</dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd data-testid="signed-in-roles">
                {state.person.roles.length > 0 ? state.person.roles.join(', ') : 'none'}
              </dd>
            </div>
            <div>
              <dt>Acting unit</dt>
              <dd data-testid="signed-in-unit">
                {state.person.actingCommission
                  ? `${state.person.actingCommission.name ?? 'Unit'} (${state.person.actingCommission.unitHsaId})`
                  : 'none'}
              </dd>
            </div>
          </dl>
          <form method="post" action="/auth/logout">
            <button type="submit">Sign out</button>
          </form>
        </section>
      ) : (
        <section className="brygga-bar__session" aria-label="Not signed in">
          <p data-testid="signed-out">Not signed in.</p>
          <ul>
            {identityProviders.map((idp) => (
              <li key={idp.slug}>
                <a href={signInUrl(idp.slug, returnTo)}>Sign in with {idp.displayName}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </header>
  );
}
