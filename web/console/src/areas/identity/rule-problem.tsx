import type { Refusal } from '../../ui/refusal-notice.js';

/**
 * The API's refusal of a rule set (its IdentityError): the code (INVALID_MAPPING_RULES,
 * CONCURRENT_MODIFICATION, INVALID_INPUT, ALREADY_EXISTS), the field it names, and the
 * message, shown beside the input it is about.
 */
export function RuleProblem({ refusal }: { refusal: Refusal | null }) {
  if (!refusal) return null;
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <code data-testid="rule-problem-reason">{refusal.code}</code>
        {refusal.field ? (
          <>
            {' '}
            at <code data-testid="rule-problem-field">{refusal.field}</code>
          </>
        ) : null}
        : {refusal.message}
      </p>
    </div>
  );
}
