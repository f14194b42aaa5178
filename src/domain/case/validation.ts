/**
 * Checks on command input that the GraphQL schema cannot express: trimmed text within a
 * length, caller-chosen UUIDs, calendar dates that exist and instants that are not in
 * the future. Each returns an INVALID_INPUT or TIME_ORDER refusal or `undefined`.
 */
import { isIsoDate } from '../calendar.js';
import type { DomainError } from './model.js';
import { refusal } from './result.js';

/** Names, phone numbers, short labels. */
export const SHORT_TEXT = 200;
/** Reasons, messages, single assessments. */
export const TEXT = 2_000;
/** Notes and summaries. */
export const LONG_TEXT = 10_000;
/** Items, participants, contacts and other lists in one command. */
export const MAX_LIST = 100;

/** Clocks of the callers and of the server differ; a few minutes ahead is not "the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkText(
  value: string,
  field: string,
  maxLength: number,
): DomainError | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0) return refusal('INVALID_INPUT', `${field} must not be empty`, field);
  if (trimmed.length > maxLength) {
    return refusal('INVALID_INPUT', `${field} must be at most ${maxLength} characters`, field, {
      max: maxLength,
    });
  }
  return undefined;
}

export function checkOptionalText(
  value: string | null | undefined,
  field: string,
  maxLength: number,
): DomainError | undefined {
  return value === null || value === undefined || value.trim() === ''
    ? undefined
    : checkText(value, field, maxLength);
}

/** Trimmed text, or null when nothing but whitespace was given. */
export function optionalText(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export function checkUuid(value: string, field: string): DomainError | undefined {
  return UUID.test(value) ? undefined : refusal('INVALID_INPUT', `${field} must be a UUID`, field);
}

export function checkIsoDate(value: string | null, field: string): DomainError | undefined {
  return value === null || isIsoDate(value)
    ? undefined
    : refusal('INVALID_INPUT', `${field} must be a calendar date written YYYY-MM-DD`, field, {
        value: value ?? '',
      });
}

export function checkInstant(value: Date, field: string): DomainError | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime())
    ? undefined
    : refusal('INVALID_INPUT', `${field} must be a valid time`, field);
}

export function checkNotInFuture(value: Date, field: string, now: Date): DomainError | undefined {
  return value.getTime() > now.getTime() + CLOCK_SKEW_MS
    ? refusal('TIME_ORDER', `${field} must not be in the future`, field)
    : undefined;
}

export function checkNotInPast(value: Date, field: string, now: Date): DomainError | undefined {
  return value.getTime() < now.getTime() - CLOCK_SKEW_MS
    ? refusal('TIME_ORDER', `${field} must not be in the past`, field)
    : undefined;
}

export function checkNotBefore(
  value: Date,
  field: string,
  earliest: Date,
  earliestField: string,
): DomainError | undefined {
  return value.getTime() < earliest.getTime()
    ? refusal('TIME_ORDER', `${field} must not be before ${earliestField}`, field, {
        earliestField,
        earliest: earliest.toISOString(),
      })
    : undefined;
}

export function checkListLength(
  values: readonly unknown[],
  field: string,
  min: number,
): DomainError | undefined {
  if (values.length < min)
    return refusal('INVALID_INPUT', `${field} must have at least ${min} entry`, field, { min });
  if (values.length > MAX_LIST) {
    return refusal('INVALID_INPUT', `${field} must have at most ${MAX_LIST} entries`, field, {
      max: MAX_LIST,
    });
  }
  return undefined;
}

/** The first refusal among several list entries, each checked by `check`. */
export function firstRefusal<T>(
  values: readonly T[],
  check: (value: T, index: number) => DomainError | undefined,
): DomainError | undefined {
  for (const [index, value] of values.entries()) {
    const refused = check(value, index);
    if (refused) return refused;
  }
  return undefined;
}
