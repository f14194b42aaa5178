import { describe, expect, it } from 'vitest';
import { FIELD_CATEGORIES } from '../../../src/authz/field-categories.js';
import { decideRead, type FieldRead, readDecider } from '../../../src/authz/read-decision.js';
import { ROLES } from '../../../src/authz/roles.js';
import { readSituations, SITUATION_ACTOR } from '../../../src/authz/visibility.js';
import { principalFor } from '../../support/server.js';

/**
 * src/authz/read-decision.ts: `readDecider` remembers a request's read decisions by what
 * they depend on (the field guard asks it for every case and patient of a page). Asked in
 * one go about every read there is (each category, with and without consent, payment
 * relevance, a protected identity, a block that hides it from the caller, a case or none),
 * it must answer each exactly as `decideRead` does: a remembered decision handed to a read
 * it does not fit would show or withhold a field wrongly. The situations are the ones the
 * schema's nullability check tries (src/authz/visibility.ts), so a new input to the
 * decision is tried here too once it is one of them.
 */
const actor = SITUATION_ACTOR;
const bools = [false, true];
const reads: FieldRead[] = FIELD_CATEGORIES.flatMap((category) =>
  bools.flatMap((paymentRelevant) =>
    readSituations().map(({ facts, protectedIdentity }) => ({
      category,
      facts,
      ...(protectedIdentity === undefined ? {} : { protectedIdentity }),
      paymentRelevant,
    })),
  ),
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
