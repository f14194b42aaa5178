import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { Role } from '../generated/graphql.js';

/**
 * The console's areas, one per kind of work, each a folder of its own under src/areas/.
 * The shell builds its menu, its routes and its FORBIDDEN and "no access" pages from this
 * list alone: adding an area is adding its folder and one entry here. Which roles see an
 * area is only what the menu shows; the API decides what each request may read (src/authz),
 * so a forced URL gets the API's refusal as well as the console's.
 */
export interface ConsoleArea {
  /** The first URL segment under /console/. */
  path: string;
  label: string;
  /** The Swedish term staff use for the work, shown beside the label. */
  swedish: string;
  /** One line on the overview and in the "no access" explanation. */
  summary: string;
  /** Shown to anyone with at least one of these roles. */
  roles: readonly Role[];
  /** The area's screens; it routes below its own path. */
  component: LazyExoticComponent<ComponentType>;
}

export const AREAS: readonly ConsoleArea[] = [
  {
    path: 'security',
    label: 'Log review',
    swedish: 'logguppföljning',
    summary:
      'Search the access log, follow up emergency access (nödöppning), draw samples, print a patient’s log extract (loggutdrag).',
    roles: ['SECURITY_OFFICER'],
    component: lazy(() => import('./security/index.js')),
  },
  {
    path: 'retention',
    label: 'Retention',
    swedish: 'gallring',
    summary:
      'Retention policies beside the law’s minimums, legal holds (spärr), purge records (gallringsprotokoll) and what the next run would purge.',
    roles: ['INFORMATION_OWNER'],
    component: lazy(() => import('./retention/index.js')),
  },
  {
    path: 'finance',
    label: 'Invoices',
    swedish: 'fakturaunderlag',
    summary:
      'Invoice bases per month and municipality: draft, review the days behind each line, approve (attestera), send, credit; the printable invoice, CSV and payment statistics.',
    roles: ['FINANCE'],
    component: lazy(() => import('./finance/index.js')),
  },
  {
    path: 'identity',
    label: 'Federation',
    swedish: 'identitetsfederation',
    summary:
      'Identity providers and their metadata, mapping-rule dry runs that explain a refused login, sessions, signing keys and identity events.',
    roles: ['IDENTITY_ADMIN'],
    component: lazy(() => import('./identity/index.js')),
  },
];

export const grants = (area: ConsoleArea, roles: readonly string[]): boolean =>
  area.roles.some((role) => roles.includes(role));

export const areasFor = (roles: readonly string[]): ConsoleArea[] =>
  AREAS.filter((area) => grants(area, roles));
