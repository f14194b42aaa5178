import { describe, expect, it } from 'vitest';
import { signingKeyStates } from '../../../src/identity/key-store.js';

/** A key's state across one rotation, at each moment that changes it. */
describe('signing key states', () => {
  const at = (iso: string) => new Date(`2026-12-04T${iso}Z`);
  // The old key signs; a rotation at 10:00 publishes its successor, which signs from 10:15;
  // the old key stays published until 11:20, when its last tokens have expired.
  const keys = [
    { kid: 'old', activatesAt: at('08:00:00'), retiresAt: at('11:20:00') },
    { kid: 'new', activatesAt: at('10:15:00'), retiresAt: null },
  ];
  const statesAt = (iso: string) =>
    Object.fromEntries(signingKeyStates(keys, at(iso)).map((k) => [k.kid, k.state]));

  it('publishes the successor ahead while the old key still signs', () => {
    expect(statesAt('10:00:00')).toEqual({ old: 'SIGNING', new: 'PUBLISHED' });
  });
  it('signs with the successor from its activation; the old key only verifies', () => {
    expect(statesAt('10:15:00')).toEqual({ old: 'VERIFYING', new: 'SIGNING' });
  });
  it('retires the old key at its retirement time', () => {
    expect(statesAt('11:20:00')).toEqual({ old: 'RETIRED', new: 'SIGNING' });
  });
  it('keeps the rows as they are, state added', () => {
    expect(signingKeyStates(keys, at('10:00:00'))[0]).toMatchObject(keys[0]!);
  });
});
