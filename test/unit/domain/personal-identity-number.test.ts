import { describe, expect, it } from 'vitest';
import {
  birthDateOf,
  identityKindOf,
  luhnCheckDigit,
  parsePersonalIdentityNumber,
} from '../../../src/domain/personal-identity-number.js';

const TODAY = new Date('2026-03-05T10:00:00Z');

/** Luhn computed here independently of the module, so the test checks the module. */
function luhn(nineDigits: string): number {
  let sum = 0;
  for (const [i, char] of [...nineDigits].entries()) {
    let product = Number(char) * (i % 2 === 0 ? 2 : 1);
    if (product > 9) product -= 9;
    sum += product;
  }
  return (10 - (sum % 10)) % 10;
}

/** A 12-digit number for a YYYYMMDD date (day + 60 for samordningsnummer) and birth number. */
function numberFor(yyyymmdd: string, birthNumber: string): string {
  return `${yyyymmdd}${birthNumber}${luhn(`${yyyymmdd.slice(2)}${birthNumber}`)}`;
}

function withWrongCheckDigit(twelve: string): string {
  return `${twelve.slice(0, 11)}${(Number(twelve[11]) + 1) % 10}`;
}

function parse(input: string) {
  return parsePersonalIdentityNumber(input, TODAY);
}

function expectInvalid(input: string, messagePart: string): void {
  const result = parse(input);
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.message).toContain(messagePart);
  }
}

describe('parsePersonalIdentityNumber', () => {
  it("accepts Skatteverket's well-known test number 19121212-1212", () => {
    const result = parse('19121212-1212');
    expect(result).toEqual({ ok: true, value: { number: '191212121212', kind: 'PERSONNUMMER' } });
  });

  it.each([
    ['YYYYMMDD-NNNN', '19121212-1212', '191212121212'],
    ['YYYYMMDDNNNN', '191212121212', '191212121212'],
    ['YYMMDD+NNNN (100 years or older)', '121212+1212', '191212121212'],
    ['YYMMDD-NNNN (younger than 100)', '121212-1212', '201212121212'],
    ['surrounding whitespace', ' 19121212-1212 ', '191212121212'],
  ])('accepts %s and normalises to 12 digits', (_form, input, normalised) => {
    const result = parse(input);
    expect(result.ok && result.value.number).toBe(normalised);
  });

  it.each([
    ['an ordinary date', '19900115', '238'],
    ['the last day of a year', '19851231', '982'],
    ['29 February in a leap year', '20000229', '004'],
    ['29 February 2024', '20240229', '123'],
    ['the 30th of a 30-day month', '19500630', '771'],
    ['a person born today', '20260305', '457'],
  ])('accepts a personnummer for %s', (_what, date, birthNumber) => {
    const twelve = numberFor(date, birthNumber);
    const result = parse(`${twelve.slice(0, 8)}-${twelve.slice(8)}`);
    expect(result).toEqual({ ok: true, value: { number: twelve, kind: 'PERSONNUMMER' } });
  });

  it('agrees with the check digit of the known test number', () => {
    expect(luhn('121212121')).toBe(2);
    expect(luhnCheckDigit('121212121')).toBe(2);
  });

  it('accepts a samordningsnummer (day + 60) and names its kind', () => {
    const twelve = numberFor('19900572', '239');
    const result = parse(twelve);
    expect(result).toEqual({ ok: true, value: { number: twelve, kind: 'SAMORDNINGSNUMMER' } });
  });

  it.each([
    ['260101', '2026-01-01'],
    ['270101', '1927-01-01'],
    ['000101', '2000-01-01'],
  ])(
    'puts YYMMDD-NNNN %s in the century that makes the person younger than 100',
    (yymmdd, birthDate) => {
      const century = birthDate.slice(0, 2);
      const twelve = numberFor(`${century}${yymmdd}`, '123');
      const result = parse(`${yymmdd}-${twelve.slice(8)}`);
      if (!result.ok) throw new Error(result.error.message);
      expect(birthDateOf(result.value.number)).toBe(birthDate);
    },
  );

  it('puts YYMMDD+NNNN a hundred years earlier', () => {
    const twelve = numberFor('18270101', '123');
    const result = parse(`270101+${twelve.slice(8)}`);
    expect(result.ok && result.value.number).toBe(twelve);
  });

  it.each([
    ['a personnummer', '19900115', '238'],
    ['a samordningsnummer', '19900572', '239'],
  ])('refuses %s with a wrong check digit', (_what, date, birthNumber) => {
    expectInvalid(withWrongCheckDigit(numberFor(date, birthNumber)), 'check digit');
  });

  it.each([
    ['30 February', '19900230'],
    ['29 February in a common year', '19900229'],
    ['29 February 1900 (not a leap year)', '19000229'],
    ['31 April', '19900431'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['samordningsnummer 31 February (day 91)', '19900291'],
    ['day 60, neither kind', '19900160'],
  ])('refuses %s as an invalid date', (_what, date) => {
    expectInvalid(numberFor(date, '123'), 'date');
  });

  it('refuses a date of birth in the future', () => {
    expectInvalid(numberFor('20260306', '123'), 'future');
  });

  it('refuses YYMMDD-NNNN that would be born later this year', () => {
    const twelve = numberFor('20261231', '123');
    expectInvalid(`261231-${twelve.slice(8)}`, 'future');
  });

  it.each([
    ['10 digits without separator', '1212121212'],
    ['11 digits', '19121212121'],
    ['13 digits', '1912121212120'],
    ['wrong separator', '19121212_1212'],
    ['plus with century', '19121212+1212'],
    ['letters', '19121212-12AB'],
    ['empty', ''],
  ])('refuses %s as wrong length or format', (_what, input) => {
    expectInvalid(input, 'length or format');
  });
});

describe('birthDateOf and identityKindOf', () => {
  it('give the date of birth and kind of a personnummer', () => {
    const result = parse('19121212-1212');
    if (!result.ok) throw new Error(result.error.message);
    expect(birthDateOf(result.value.number)).toBe('1912-12-12');
    expect(identityKindOf(result.value.number)).toBe('PERSONNUMMER');
  });

  it('take the 60 off the day of a samordningsnummer', () => {
    const result = parse(numberFor('19900572', '239'));
    if (!result.ok) throw new Error(result.error.message);
    expect(birthDateOf(result.value.number)).toBe('1990-05-12');
    expect(identityKindOf(result.value.number)).toBe('SAMORDNINGSNUMMER');
  });
});
