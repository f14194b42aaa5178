import type { ReactNode } from 'react';
import { AREAS } from '../areas/registry.js';
import { roleLabel } from './roles.js';
import type { Viewer } from './signed-in-shell.js';

/**
 * Signed in, but no role that any area of the console is for: says which roles the sign-in
 * gave, which role each area needs, and where roles come from (the IdP's mapping rules), so
 * the person can ask their identity admin for the right thing. Care staff, whose work is
 * in their own systems, still see their unit's inbox count (`inbox`) here.
 */
export function NoAccessPage({ viewer, inbox }: { viewer: Viewer; inbox?: ReactNode }) {
  return (
    <section aria-labelledby="no-access-title" className="card card--warning">
      <h1 id="no-access-title">
        No access to the console <span lang="sv">(ingen behörighet)</span>
      </h1>
      <p data-testid="no-access-roles">
        You are signed in as {viewer.name} ({viewer.hsaId}). Your sign-in gave you{' '}
        {viewer.roles.length > 0 ? (
          <>
            the {viewer.roles.length === 1 ? 'role' : 'roles'}{' '}
            <strong>{viewer.roles.map(roleLabel).join(', ')}</strong>
          </>
        ) : (
          <strong>no roles</strong>
        )}
        , and the console has no area for {viewer.roles.length === 1 ? 'it' : 'them'}.
      </p>
      {inbox}
      <h2>Why: the mapping</h2>
      <p>
        Roles are mapped afresh at every sign-in from your directory entry (HSA: your commission,
        <span lang="sv"> medarbetaruppdrag</span>, and its rights) by your identity provider’s
        mapping rules. The console’s areas are for these roles:
      </p>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Area</th>
            <th scope="col">Shown to</th>
          </tr>
        </thead>
        <tbody>
          {AREAS.map((area) => (
            <tr key={area.path}>
              <td>
                {area.label} (<span lang="sv">{area.swedish}</span>)
              </td>
              <td>{area.roles.map(roleLabel).join(' or ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        If your work needs one of them, ask your identity admin for the commission right their rules
        map to that role, then sign in again. Care staff work in their own systems, or through the
        API.
      </p>
    </section>
  );
}
