import type { DomainError, DomainErrorCode, Result } from './model.js';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: DomainError): Result<T> {
  return { ok: false, error };
}

export function refusal(
  code: DomainErrorCode,
  message: string,
  field?: string,
  params?: Readonly<Record<string, string | number>>,
): DomainError {
  return {
    code,
    message,
    ...(field === undefined ? {} : { field }),
    ...(params === undefined ? {} : { params }),
  };
}
