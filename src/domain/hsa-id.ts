import type { Result } from './case/model.js';

declare const hsaIdBrand: unique symbol;

/**
 * An identifier in the national directory (Katalogtjänst HSA) of a person, a unit or a
 * care provider: `SE`, the directory owner's 10-digit organisation number, `-`, and at
 * least one letter or digit (å, ä, ö and @ are not allowed); at most 31 characters.
 */
export type HsaId = string & { readonly [hsaIdBrand]: 'HsaId' };

const HSA_ID_MAX_LENGTH = 31;
const HSA_ID_PATTERN = /^SE(\d{10})-[A-Za-z0-9]+$/;

export function parseHsaId(input: string): Result<HsaId> {
  // Copied identifiers often carry surrounding whitespace; the identifier itself never does.
  const candidate = input.trim();
  if (candidate.length > HSA_ID_MAX_LENGTH) {
    return invalid(`an HSA-ID has at most ${HSA_ID_MAX_LENGTH} characters`);
  }
  if (!HSA_ID_PATTERN.test(candidate)) {
    return invalid(
      'an HSA-ID is SE, a 10-digit organisation number, a hyphen and letters A-Z or digits (e.g. SE2321000016-7P4K)',
    );
  }
  return { ok: true, value: candidate as HsaId };
}

/** The organisation number of the directory owner that issued the identifier. */
export function organisationNumberOf(hsaId: HsaId): string {
  return hsaId.slice(2, 12);
}

function invalid(message: string): Result<HsaId> {
  return { ok: false, error: { code: 'INVALID_INPUT', message } };
}
