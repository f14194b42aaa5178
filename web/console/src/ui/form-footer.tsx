import type { CombinedError } from 'urql';
import { ErrorNotice } from './error-notice.js';
import { type Refusal, RefusalNotice } from './refusal-notice.js';

/**
 * The end of a form that sends one command: the API's refusal (a result type's code) or
 * error, what was done when it succeeded (announced to screen readers), and the submit button.
 */
export function FormFooter({
  refusal,
  error,
  done,
  submitting,
  submitLabel,
}: {
  refusal: Refusal | null;
  error: CombinedError | null | undefined;
  done: string | null;
  submitting: boolean;
  submitLabel: string;
}) {
  return (
    <>
      <RefusalNotice refusal={refusal} />
      <ErrorNotice error={error ?? null} />
      {done ? (
        <div className="notice notice--ok" role="status">
          <p>{done}</p>
        </div>
      ) : null}
      <div className="filters__actions">
        <button type="submit" className="button" disabled={submitting}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
