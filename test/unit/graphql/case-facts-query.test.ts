import { describe, expect, it } from 'vitest';
import type { CaseFacts } from '../../../src/authz/case-facts.js';
import { withCaseFacts } from '../../../src/graphql/case-facts-query.js';
import type { Context } from '../../../src/graphql/context.js';

/**
 * The case facts merged into a case query (src/graphql/case-facts-query.ts): only added to
 * the selection Pothos planned, never narrowing it, and not merged (the loader reads them)
 * where the selection loads the parties or blocks narrowed.
 */
const primed = () => {
  const facts = new Map<string, CaseFacts>();
  const ctx = {
    facts: { prime: (id: string, f: CaseFacts) => facts.set(id, f) },
  } as never as Context;
  return { ctx, facts };
};

describe('withCaseFacts', () => {
  it('adds the facts to a selection that lacks them', () => {
    const { query } = withCaseFacts({ select: { id: true, reference: true } });
    expect(query).toEqual({
      select: {
        id: true,
        reference: true,
        patientId: true,
        consent: true,
        patient: {
          select: {
            protectedIdentity: true,
            blocks: { where: { liftedAt: null }, select: { blockedOrganizationId: true } },
          },
        },
        parties: {
          select: { unitId: true, leftAt: true, unit: { select: { organizationId: true } } },
        },
      },
    });
  });

  it('keeps what Pothos planned and adds to it', () => {
    const planned = {
      take: 51,
      select: {
        id: true,
        patient: true,
        parties: { orderBy: { joinedAt: 'asc' }, include: { unit: { select: { name: true } } } },
      },
    };
    const { query } = withCaseFacts(planned);
    expect(query).toEqual({
      take: 51,
      select: {
        id: true,
        patientId: true,
        consent: true,
        patient: {
          include: {
            blocks: { where: { liftedAt: null }, select: { blockedOrganizationId: true } },
          },
        },
        parties: {
          orderBy: { joinedAt: 'asc' },
          include: { unit: { select: { name: true, organizationId: true } } },
        },
      },
    });
    // The planned query itself is not changed.
    expect(planned.select.patient).toBe(true);
  });

  it('leaves a selection with narrowed parties or blocks alone, and primes nothing', () => {
    for (const planned of [
      { select: { id: true, parties: { where: { leftAt: null } } } },
      { select: { id: true, parties: { take: 1 } } },
      { select: { id: true, patient: { select: { blocks: { where: { liftedAt: null } } } } } },
    ]) {
      const merged = withCaseFacts(planned);
      expect(merged.query).toBe(planned);
      const { ctx, facts } = primed();
      merged.prime(ctx, [{ id: 'c' }]);
      expect(facts.size).toBe(0);
    }
  });

  it('primes the facts of each row: current parties only, their organisations once', () => {
    const { prime } = withCaseFacts({ select: { id: true } });
    const { ctx, facts } = primed();
    prime(ctx, [
      {
        id: 'case-1',
        patientId: 'patient-1',
        consent: 'GIVEN',
        patient: { protectedIdentity: true, blocks: [{ blockedOrganizationId: 'org-b' }] },
        parties: [
          { unitId: 'ward', leftAt: null, unit: { organizationId: 'org-a' } },
          { unitId: 'old-ward', leftAt: new Date(), unit: { organizationId: 'org-c' } },
          { unitId: 'care', leftAt: null, unit: { organizationId: 'org-a' } },
        ],
      },
    ]);
    expect(facts.get('case-1')).toEqual({
      caseId: 'case-1',
      patientId: 'patient-1',
      protectedIdentity: true,
      consentGiven: true,
      partyUnitIds: ['ward', 'care'],
      partyOrganizationIds: ['org-a'],
      blockedOrganizationIds: ['org-b'],
    });
  });
});
