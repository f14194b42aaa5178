import { NavLink, Route, Routes } from 'react-router';
import { AccessLogPage } from './access-log-page.js';
import { ExtractPage } from './extract-page.js';
import { SamplePage } from './sample-page.js';
import { SamplesPage } from './samples-page.js';
import { UnusualActivityPage } from './unusual-activity-page.js';

/**
 * The security officer's area (informationssäkerhet): the access log (logguppföljning) of
 * their own organisation, as the API scopes it. Each screen is a route below /security.
 */
export default function SecurityArea() {
  return (
    <div className="area">
      <nav className="tabs" aria-label="Log review">
        <NavLink to="/security" end>
          Access log <span lang="sv">(loggar)</span>
        </NavLink>
        <NavLink to="/security/unusual">
          Unusual activity <span lang="sv">(avvikelser)</span>
        </NavLink>
        <NavLink to="/security/samples">
          Samples <span lang="sv">(stickprov)</span>
        </NavLink>
        <NavLink to="/security/extract">
          Log extract <span lang="sv">(loggutdrag)</span>
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<AccessLogPage />} />
        <Route path="unusual" element={<UnusualActivityPage />} />
        <Route path="samples" element={<SamplesPage />} />
        <Route path="samples/:sampleId" element={<SamplePage />} />
        <Route path="extract" element={<ExtractPage />} />
      </Routes>
    </div>
  );
}
