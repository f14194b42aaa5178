import { describe, expect, it } from 'vitest';
import { organisationNumberOf, parseHsaId } from '../../../src/domain/hsa-id.js';

describe('parseHsaId', () => {
  it.each([
    'SE2321000016-7P4K',
    'SE2321000016-a',
    'SE5565594230-B8N',
    // 31 characters: the longest an HSA-ID may be.
    `SE2321000016-${'A'.repeat(18)}`,
  ])('accepts %s', (input) => {
    const result = parseHsaId(input);
    expect(result).toEqual({ ok: true, value: input });
  });

  it('trims surrounding whitespace', () => {
    expect(parseHsaId('  SE2321000016-7P4K\n')).toEqual({ ok: true, value: 'SE2321000016-7P4K' });
  });

  it('refuses more than 31 characters', () => {
    const result = parseHsaId(`SE2321000016-${'A'.repeat(19)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect(result.error.message).toContain('31');
    }
  });

  it.each([
    ['nine-digit organisation number', 'SE232100001-7P4K'],
    ['eleven-digit organisation number', 'SE23210000160-7P4K'],
    ['lower-case country code', 'se2321000016-7P4K'],
    ['another country code', 'NO2321000016-7P4K'],
    ['nothing after the hyphen', 'SE2321000016-'],
    ['no hyphen', 'SE23210000167P4K'],
    ['underscore instead of hyphen', 'SE2321000016_7P4K'],
    ['Swedish letter', 'SE2321000016-7PÖK'],
    ['at sign', 'SE2321000016-7P@K'],
    ['inner space', 'SE2321000016-7P 4K'],
    ['empty', ''],
  ])('refuses %s', (_what, input) => {
    const result = parseHsaId(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
  });
});

describe('organisationNumberOf', () => {
  it('is the ten digits after SE', () => {
    const parsed = parseHsaId('SE2321000016-7P4K');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(organisationNumberOf(parsed.value)).toBe('2321000016');
  });
});
