import { Link } from 'react-router';
import type { ConsoleArea } from '../areas/registry.js';
import { roleLabel } from './roles.js';

/**
 * A URL of an area the person's roles do not show (typed in, or an old bookmark). The API
 * refuses the area's queries the same way (FORBIDDEN), so nothing is fetched here.
 */
export function ForbiddenPage({ area, roles }: { area: ConsoleArea; roles: readonly string[] }) {
  return (
    <section aria-labelledby="forbidden-title" className="card card--warning">
      <h1 id="forbidden-title">
        Forbidden <span lang="sv">(ingen behörighet)</span>
      </h1>
      <p>
        <code data-testid="error-code">FORBIDDEN</code>: {area.label} (
        <span lang="sv">{area.swedish}</span>) is for {area.roles.map(roleLabel).join(' or ')}.
      </p>
      <p>
        Your roles: <strong>{roles.length > 0 ? roles.map(roleLabel).join(', ') : 'none'}</strong>.
        Brygga’s API refuses this area’s information to these roles as well.
      </p>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
