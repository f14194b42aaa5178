import { useLocation } from 'react-router';
import { signInUrl } from '../../../shared/page-config.js';
import { pageConfig } from '../page-config.js';

/** Not signed in: the federation's IdPs, each returning to the page that was asked for. */
export function SignInPage() {
  const location = useLocation();
  const returnTo = `/console${location.pathname === '/' ? '' : location.pathname}${location.search}`;
  return (
    <div className="page-center">
      <main id="main" className="card">
        <h1>Brygga console</h1>
        <p>
          For security officers (<span lang="sv">informationssäkerhet</span>), identity admins,
          finance (<span lang="sv">ekonomi</span>) and information owners (
          <span lang="sv">informationsägare</span>). Sign in with your organisation’s login; what
          you see follows the roles your directory entry gives you.
        </p>
        <p data-testid="signed-out">You are not signed in.</p>
        {pageConfig.identityProviders.length === 0 ? (
          <p>No identity provider is enabled yet: an identity admin adds the first one.</p>
        ) : (
          <ul className="sign-in">
            {pageConfig.identityProviders.map((idp) => (
              <li key={idp.slug}>
                <a className="button" href={signInUrl(idp.slug, returnTo)}>
                  Sign in with {idp.displayName}
                </a>
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href="/">Back to Brygga’s start page</a>
        </p>
      </main>
    </div>
  );
}
