import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ConsoleArea } from '../areas/registry.js';
import type { Viewer } from './signed-in-shell.js';

/**
 * The start of the console: the acting unit's inbox count for those whose work has one
 * (`inbox`), and the areas the person's roles show, one line each.
 */
export function OverviewPage({
  viewer,
  areas,
  inbox,
}: {
  viewer: Viewer;
  areas: ConsoleArea[];
  inbox?: ReactNode;
}) {
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Welcome, {viewer.name}</h1>
      {viewer.actingCommission ? null : (
        <div className="notice notice--warning" role="status" data-testid="choose-commission">
          <p>
            You have several commissions (<span lang="sv">medarbetaruppdrag</span>): choose the one
            you act in (top right). What you see follows its organisation.
          </p>
        </div>
      )}
      {inbox}
      <p>Your roles show these areas of the console:</p>
      <ul className="area-list">
        {areas.map((area) => (
          <li key={area.path}>
            <Link to={`/${area.path}`}>
              {area.label} (<span lang="sv">{area.swedish}</span>)
            </Link>
            <p>{area.summary}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
