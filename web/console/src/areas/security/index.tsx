import { NavLink, Route, Routes } from 'react-router';
import { AccessLogPage } from './access-log-page.js';

/**
 * The security officer's area (informationssäkerhet): the access log (logguppföljning) of
 * their own organisation, as the API scopes it. Each screen is a route below /security.
 */
export default function SecurityArea() {
  return (
    <div className="area">
      <nav className="tabs" aria-label="Log review">
        <NavLink to="" end>
          Access log <span lang="sv">(loggar)</span>
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<AccessLogPage />} />
      </Routes>
    </div>
  );
}
