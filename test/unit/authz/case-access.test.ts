import { describe, expect, it } from 'vitest';
import {
  type Viewer,
  visibleCaseWhere,
  visibleCaseWhereAmong,
} from '../../../src/authz/case-access.js';
import type { Role } from '../../../src/authz/roles.js';
import { principalFor } from '../../support/server.js';

/**
 * The row rules narrowed to the cases a query names (the case list's prepared page,
 * src/graphql/visible-case-page.ts): every way in keeps its own conditions and gains the
 * names, so the same cases pass and a plan kept for any viewer fetches only their parties
 * and grants.
 */
const now = new Date('2026-12-05T08:00:00Z');
const ids = ['9a0f6c3e-7a51-4b1e-9a57-0e5e0c6f1a01', '9a0f6c3e-7a51-4b1e-9a57-0e5e0c6f1a02'];

function viewer(roles: Role[]): Viewer {
  return {
    actor: {
      hsaId: 'SE2321000016-S1',
      name: 'Test',
      unitId: 'unit-1',
      organizationId: 'org-1',
    },
    principal: principalFor('SE2321000016-W1', roles, 'Test'),
    now: () => now,
  };
}

type Way = Record<string, { some: Record<string, unknown> }>;

function waysOf(where: object): Way[] {
  return 'OR' in where ? (where.OR as Way[]) : [where as Way];
}

describe('visibleCaseWhereAmong', () => {
  it.each([
    ['ward staff', ['WARD_STAFF'] as Role[], 2],
    ['social services', ['SOCIAL_SERVICES_STAFF'] as Role[], 2],
    ['an organisation-wide role', ['FINANCE'] as Role[], 3],
  ])('narrows every way in of %s to the named cases, and changes nothing else', (_, roles, n) => {
    const plain = waysOf(visibleCaseWhere(viewer(roles)));
    const among = waysOf(visibleCaseWhereAmong(viewer(roles), ids));
    expect(among).toHaveLength(n);
    expect(plain).toHaveLength(n);
    among.forEach((way, i) => {
      const [relation] = Object.keys(way);
      const { caseId, ...rest } = way[relation!]!.some;
      expect(caseId).toEqual({ in: ids });
      expect({ [relation!]: { some: rest } }).toEqual(plain[i]);
    });
  });

  it('lets nothing through for someone whose roles see no cases, or who acts for no unit', () => {
    const nothing = { id: { in: [] } };
    expect(visibleCaseWhereAmong(viewer(['IDENTITY_ADMIN']), ids)).toEqual(nothing);
    expect(visibleCaseWhereAmong({ ...viewer(['WARD_STAFF']), actor: null }, ids)).toEqual(nothing);
  });
});
