import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../../src/identity/verified-tokens.js';

/**
 * The rules of the verifier's memory of accepted tokens: an answer is given again only for
 * the same text, against the same key set, from when it was verified until its time claims
 * run out. (Through HTTP, with real keys: test/security/tokens.int.test.ts.)
 */
const principal = () => ({
  hsaId: 'SE2321000016-N001',
  name: 'Anna Berg',
  sessionId: 's1',
  idpId: 'inera',
  levelOfAssurance: null,
  roles: ['WARD_STAFF' as const],
  commissions: [
    {
      hsaId: null,
      name: null,
      unitHsaId: 'SE2321000016-KS01',
      providerHsaId: 'SE2321000016-0001',
      purpose: 'Vård och behandling',
      rights: ['Läsa'],
    },
  ],
  actingCommission: null,
  tokenId: 'jti-1',
});
const at = (ms: number) => new Date(1_800_000_000_000 + ms);
const until = 1_800_000_000_000 + 60_000;

describe('VerifiedTokens', () => {
  it('answers for the same text and key set between the check and the end of its claims', () => {
    const tokens = new VerifiedTokens();
    const keys = {};
    tokens.remember('a.b.c', keys, principal(), at(0), until);
    expect(tokens.get('a.b.c', keys, at(0))?.hsaId).toBe('SE2321000016-N001');
    expect(tokens.get('a.b.c', keys, at(59_999))?.tokenId).toBe('jti-1');
    expect(tokens.get('a.b.cX', keys, at(1))).toBeNull();
  });

  it('does not answer at or after the end of its claims, nor afterwards when the clock goes back', () => {
    const tokens = new VerifiedTokens();
    const keys = {};
    tokens.remember('a.b.c', keys, principal(), at(0), until);
    expect(tokens.get('a.b.c', keys, at(60_000))).toBeNull();
    expect(tokens.get('a.b.c', keys, at(1_000))).toBeNull();
  });

  it('does not answer before the time it was checked at', () => {
    const tokens = new VerifiedTokens();
    const keys = {};
    tokens.remember('a.b.c', keys, principal(), at(10_000), until);
    expect(tokens.get('a.b.c', keys, at(9_999))).toBeNull();
    expect(tokens.get('a.b.c', keys, at(10_000))).not.toBeNull();
  });

  it('does not answer against another key set, nor afterwards against the first', () => {
    const tokens = new VerifiedTokens();
    const keys = {};
    tokens.remember('a.b.c', keys, principal(), at(0), until);
    expect(tokens.get('a.b.c', {}, at(1))).toBeNull();
    expect(tokens.get('a.b.c', keys, at(2))).toBeNull();
  });

  it('keeps at most its capacity', () => {
    const tokens = new VerifiedTokens(2);
    const keys = {};
    tokens.remember('t1', keys, principal(), at(0), until);
    tokens.remember('t2', keys, principal(), at(0), until);
    tokens.remember('t3', keys, principal(), at(0), until);
    const known = ['t1', 't2', 't3'].filter((t) => tokens.get(t, keys, at(1)) !== null);
    expect(known.length).toBeLessThanOrEqual(2);
    expect(known).toContain('t3');
  });

  it('freezes what it hands out, nested objects included', () => {
    const tokens = new VerifiedTokens();
    const acting = {
      hsaId: 'SE2321000016-C1',
      name: 'Vård',
      unitHsaId: 'SE2321000016-KS01',
      providerHsaId: 'SE2321000016-0001',
      purpose: 'Vård och behandling',
      rights: ['Läsa'],
    };
    const given = tokens.remember(
      't',
      {},
      { ...principal(), commissions: [acting], actingCommission: acting },
      at(0),
      until,
    );
    expect(Object.isFrozen(given)).toBe(true);
    expect(Object.isFrozen(given.roles)).toBe(true);
    expect(Object.isFrozen(given.commissions[0])).toBe(true);
    expect(Object.isFrozen(given.commissions[0]!.rights)).toBe(true);
    expect(Object.isFrozen(given.actingCommission)).toBe(true);
  });
});
