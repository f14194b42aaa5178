import { isIsoDate, stockholmDate } from './calendar.js';
import type { Result } from './case/model.js';

declare const personalIdentityNumberBrand: unique symbol;

/**
 * A Swedish personal identity number (personnummer) or co-ordination number
 * (samordningsnummer), always 12 digits YYYYMMDDNNNC: century, date of birth (day + 60
 * for a samordningsnummer), birth number and Luhn check digit.
 */
export type PersonalIdentityNumber = string & {
  readonly [personalIdentityNumberBrand]: 'PersonalIdentityNumber';
};

export type PersonalIdentityKind = 'PERSONNUMMER' | 'SAMORDNINGSNUMMER';

export interface ParsedPersonalIdentityNumber {
  number: PersonalIdentityNumber;
  kind: PersonalIdentityKind;
}

/** Skatteverket adds 60 to the day of birth to tell a samordningsnummer apart. */
const SAMORDNINGSNUMMER_DAY_OFFSET = 60;

const WITH_CENTURY = /^(\d{8})-?(\d{4})$/;
const WITHOUT_CENTURY = /^(\d{6})([-+])(\d{4})$/;

/**
 * Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN and YYMMDD+NNNN. In the short forms
 * the separator carries the century: Skatteverket writes `+` from the year the person
 * turns 100, so `today` decides which century a two-digit year belongs to.
 */
export function parsePersonalIdentityNumber(
  input: string,
  today: Date = new Date(),
): Result<ParsedPersonalIdentityNumber> {
  const candidate = input.trim();
  const todayIso = stockholmDate(today);
  let digits: string;
  const withCentury = WITH_CENTURY.exec(candidate);
  const withoutCentury = WITHOUT_CENTURY.exec(candidate);
  if (withCentury) {
    digits = `${withCentury[1]}${withCentury[2]}`;
  } else if (withoutCentury) {
    const [, yymmdd = '', separator, birthNumber = ''] = withoutCentury;
    const year = yearOf(
      Number(yymmdd.slice(0, 2)),
      separator === '+',
      Number(todayIso.slice(0, 4)),
    );
    digits = `${year}${yymmdd.slice(2)}${birthNumber}`;
  } else {
    return invalid(
      'personal identity number has the wrong length or format: write YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN',
    );
  }

  const kind = kindOfDay(Number(digits.slice(6, 8)));
  const birthDate = birthDateOfDigits(digits);
  if (!isIsoDate(birthDate)) {
    return invalid(
      kind === 'SAMORDNINGSNUMMER'
        ? 'personal identity number has an invalid date: a samordningsnummer day minus 60 must be a day of that month'
        : 'personal identity number has an invalid date: no such day in the calendar',
    );
  }
  if (birthDate > todayIso) {
    return invalid(
      'personal identity number has an invalid date: the date of birth is in the future',
    );
  }
  if (luhnCheckDigit(digits.slice(2, 11)) !== Number(digits[11])) {
    return invalid('personal identity number has a wrong check digit');
  }
  return { ok: true, value: { number: digits as PersonalIdentityNumber, kind } };
}

/** The date of birth as an ISO date; for a samordningsnummer the day without the 60. */
export function birthDateOf(number: PersonalIdentityNumber): string {
  return birthDateOfDigits(number);
}

export function identityKindOf(number: PersonalIdentityNumber): PersonalIdentityKind {
  return kindOfDay(Number(number.slice(6, 8)));
}

/** The Luhn (modulus 10) check digit over digits weighted 2, 1, 2, 1, … from the left. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

function yearOf(twoDigitYear: number, hundredOrOlder: boolean, currentYear: number): number {
  const latest = currentYear - ((currentYear - twoDigitYear) % 100);
  return hundredOrOlder ? latest - 100 : latest;
}

function kindOfDay(day: number): PersonalIdentityKind {
  return day > SAMORDNINGSNUMMER_DAY_OFFSET ? 'SAMORDNINGSNUMMER' : 'PERSONNUMMER';
}

function birthDateOfDigits(digits: string): string {
  const day = Number(digits.slice(6, 8));
  const dayOfBirth =
    kindOfDay(day) === 'SAMORDNINGSNUMMER' ? day - SAMORDNINGSNUMMER_DAY_OFFSET : day;
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${String(dayOfBirth).padStart(2, '0')}`;
}

function invalid(message: string): Result<ParsedPersonalIdentityNumber> {
  return { ok: false, error: { code: 'INVALID_INPUT', message } };
}
