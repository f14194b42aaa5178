import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Route, Routes, useLocation, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { Session } from '../../../shared/session.js';
import { AREAS, areasFor, grants } from '../areas/registry.js';
import { ConsoleViewerDocument, type ConsoleViewerQuery } from '../generated/graphql.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { ForbiddenPage } from './forbidden-page.js';
import { Header } from './header.js';
import { hasInbox, InboxCount } from './inbox-count.js';
import { NoAccessPage } from './no-access-page.js';
import { NotFoundPage } from './not-found-page.js';
import { OverviewPage } from './overview-page.js';

export type Viewer = NonNullable<ConsoleViewerQuery['viewer']>;

/**
 * The signed-in console: who is signed in (the `viewer` query), a menu of the areas their
 * roles show, and the area a URL names, or FORBIDDEN when the roles do not show it. The
 * start page counts the acting unit's inbox for those whose work has one.
 */
export function SignedInShell({ session }: { session: Session }) {
  const [{ data, error, fetching }] = useQuery({ query: ConsoleViewerDocument });
  if (fetching && !data)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (error || !data?.viewer)
    return (
      <div className="page-center">
        <main id="main" className="card">
          <h1>The console could not load who you are</h1>
          {error ? <ErrorNotice error={error} /> : <p>Your sign-in has ended.</p>}
          <form method="post" action="/auth/logout">
            <button type="submit">Sign out</button>
          </form>
        </main>
      </div>
    );
  const viewer = data.viewer;
  const areas = areasFor(viewer.roles);
  const inbox = hasInbox(viewer) ? <InboxCount viewer={viewer} /> : null;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header viewer={viewer} session={session} />
      <div className="shell__body">
        {areas.length > 0 ? (
          <nav className="shell__nav" aria-label="Console areas">
            <ul>
              <li>
                <NavLink to="/" end>
                  Overview
                </NavLink>
              </li>
              {areas.map((area) => (
                <li key={area.path}>
                  <NavLink to={`/${area.path}`}>
                    {area.label} <span lang="sv">({area.swedish})</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <Main>
          <Routes>
            <Route
              index
              element={
                areas.length > 0 ? (
                  <OverviewPage viewer={viewer} areas={areas} inbox={inbox} />
                ) : (
                  <NoAccessPage viewer={viewer} inbox={inbox} />
                )
              }
            />
            <Route path=":area/*" element={<AreaRoute roles={viewer.roles} />} />
          </Routes>
        </Main>
      </div>
    </div>
  );
}

/** The main landmark; focus moves to it when the route changes, for keyboard and reader users. */
function Main({ children }: { children: React.ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [pathname]);
  return (
    <main id="main" className="shell__main" tabIndex={-1} ref={ref}>
      {children}
    </main>
  );
}

function AreaRoute({ roles }: { roles: readonly string[] }) {
  const { area: path } = useParams();
  const area = AREAS.find((candidate) => candidate.path === path);
  if (!area) return <NotFoundPage />;
  if (!grants(area, roles)) return <ForbiddenPage area={area} roles={roles} />;
  const Area = area.component;
  return (
    <Suspense
      fallback={
        <p className="loading" role="status">
          Loading {area.label}…
        </p>
      }
    >
      <Area />
    </Suspense>
  );
}
