import type { CombinedError } from 'urql';
import { ErrorNotice } from '../../ui/error-notice.js';

/**
 * The API's refusal of a rule set: its reason (INVALID_MAPPING_RULES, STALE_VERSION,
 * INVALID_NAME, ALREADY_EXISTS), the field it names, and the message.
 */
export function RuleProblem({ error }: { error: CombinedError | null }) {
  const first = error?.graphQLErrors[0];
  if (!error) return null;
  if (!first) return <ErrorNotice error={error} />;
  const extensions = first.extensions as { code?: string; reason?: string; field?: string };
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <code data-testid="rule-problem-reason">{extensions.reason ?? extensions.code}</code>
        {extensions.field ? (
          <>
            {' '}
            at <code data-testid="rule-problem-field">{extensions.field}</code>
          </>
        ) : null}
        : {first.message}
      </p>
    </div>
  );
}
