import { NavLink, Route, Routes } from 'react-router';
import { DryRunPage } from './dry-run-page.js';
import { EventsPage } from './events-page.js';
import { KeysPage } from './keys-page.js';
import { ProvidersPage } from './providers-page.js';
import { RuleSetsPage } from './rule-sets-page.js';
import { SessionsPage } from './sessions-page.js';

/**
 * The identity admin's area (federation): IdPs and their metadata, mapping-rule dry runs,
 * sessions, token signing keys and identity events. Links are absolute below the /console
 * basename (see retention/index).
 */
export default function IdentityArea() {
  return (
    <div className="area">
      <nav className="tabs" aria-label="Federation">
        <NavLink to="/identity" end>
          Identity providers
        </NavLink>
        <NavLink to="/identity/rules">Mapping rules</NavLink>
        <NavLink to="/identity/dry-run">Mapping dry run</NavLink>
        <NavLink to="/identity/sessions">Sessions</NavLink>
        <NavLink to="/identity/keys">Signing keys</NavLink>
        <NavLink to="/identity/events">Events</NavLink>
      </nav>
      <Routes>
        <Route index element={<ProvidersPage />} />
        <Route path="rules" element={<RuleSetsPage />} />
        <Route path="dry-run" element={<DryRunPage />} />
        <Route path="sessions" element={<SessionsPage />} />
        <Route path="keys" element={<KeysPage />} />
        <Route path="events" element={<EventsPage />} />
      </Routes>
    </div>
  );
}
