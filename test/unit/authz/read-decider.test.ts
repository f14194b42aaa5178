import { describe, expect, it } from 'vitest';
import type { CaseFacts } from '../../../src/authz/case-facts.js';
import { FIELD_CATEGORIES } from '../../../src/authz/field-categories.js';
import { decideRead, type FieldRead, readDecider } from '../../../src/authz/read-decision.js';
import { ROLES } from '../../../src/authz/roles.js';
import type { Actor } from '../../../src/domain/case/model.js';
import { principalFor } from '../../support/server.js';

/**
 * src/authz/read-decision.ts: `readDecider` remembers a request's read decisions by what
 * they depend on (the field guard asks it for every case and patient of a page). Asked in
 * one go about every read there is (each category, with and without consent, payment
 * relevance, a protected identity, a block of the caller's organisation, a case or none),
 * it must answer each exactly as `decideRead` does: a remembered decision handed to a read
 * it does not fit would show or withhold a field wrongly.
 */
const actor: Actor = {
  hsaId: 'SE2321000016-S1',
  name: 'Test',
  unitId: 'unit-1',
  organizationId: 'org-caller',
};

function facts(consentGiven: boolean, blocked: boolean, protectedIdentity: boolean): CaseFacts {
  return {
    caseId: 'case-1',
    patientId: 'patient-1',
    protectedIdentity,
    consentGiven,
    partyUnitIds: ['unit-1', 'unit-2'],
    partyOrganizationIds: ['org-caller', 'org-ward'],
    // A block of another party's organisation hides it from the caller (blockedFor).
    blockedOrganizationIds: blocked ? ['org-ward'] : [],
  };
}

const bools = [false, true];
const reads: FieldRead[] = FIELD_CATEGORIES.flatMap((category) =>
  bools.flatMap((paymentRelevant) => [
    { category, facts: null, paymentRelevant },
    { category, facts: null, protectedIdentity: true, paymentRelevant },
    ...bools.flatMap((consent) =>
      bools.flatMap((blocked) =>
        bools.map((protectedIdentity) => ({
          category,
          facts: facts(consent, blocked, protectedIdentity),
          paymentRelevant,
        })),
      ),
    ),
  ]),
);

describe('readDecider', () => {
  it.each(ROLES.map((role) => [role]))('decides every read of a %s as decideRead does', (role) => {
    const principal = principalFor('SE2321000016-W1', [role], 'Test');
    const decide = readDecider(principal, actor);
    // Twice over, so the second round is answered from what the first remembered.
    for (const read of [...reads, ...reads]) {
      expect(decide(read)).toEqual(decideRead(principal, actor, read));
    }
  });

  it('decides without a principal (not signed in) as decideRead does', () => {
    const decide = readDecider(null, null);
    for (const read of [...reads, ...reads]) {
      expect(decide(read)).toEqual(decideRead(null, null, read));
    }
  });

  it('tells the reads apart that decide differently', () => {
    const principal = principalFor('SE2321000016-W1', ['SOCIAL_SERVICES_STAFF'], 'Test');
    const decide = readDecider(principal, actor);
    const answers = new Set(reads.map((read) => JSON.stringify(decide(read))));
    // Allowed, withheld for consent, for a block, PROTECTED_IDENTITY, payment exemption...
    expect(answers.size).toBeGreaterThan(FIELD_CATEGORIES.length);
  });
});
