import { NavLink, Route, Routes } from 'react-router';
import { DecisionsPage } from './decisions-page.js';
import { HoldsPage } from './holds-page.js';
import { PoliciesPage } from './policies-page.js';
import { PurgeRecordsPage } from './purge-records-page.js';

/**
 * The information owner's area (gallring): the retention policies of their organisation
 * beside the law's minimums and the purge mode, the retention decisions policies rest on,
 * legal holds, and the purge records with the next run's dry run (a proposal to approve).
 */
// Absolute paths (below the router's /console basename): relative links in a splat route
// resolve against the whole URL, so "runs" from /retention/holds would be /retention/holds/runs.
export default function RetentionArea() {
  return (
    <div className="area">
      <nav className="tabs" aria-label="Retention">
        <NavLink to="/retention" end>
          Policies <span lang="sv">(gallringsregler)</span>
        </NavLink>
        <NavLink to="/retention/decisions">
          Decisions <span lang="sv">(gallringsbeslut)</span>
        </NavLink>
        <NavLink to="/retention/holds">
          Legal holds <span lang="sv">(spärr)</span>
        </NavLink>
        <NavLink to="/retention/runs">
          Purge records <span lang="sv">(gallringsprotokoll)</span>
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<PoliciesPage />} />
        <Route path="decisions" element={<DecisionsPage />} />
        <Route path="holds" element={<HoldsPage />} />
        <Route path="runs" element={<PurgeRecordsPage />} />
      </Routes>
    </div>
  );
}
