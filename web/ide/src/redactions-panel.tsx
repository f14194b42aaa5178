export interface Redaction {
  path: (string | number)[];
  category: string;
  reason: string;
}

/** Plain words for each reason code of src/authz/decide.ts. */
const REASONS: Record<string, string> = {
  NOT_SIGNED_IN: 'not signed in',
  NOT_GRANTED: 'your role is not granted this kind of information',
  CONSENT_REQUIRED: 'needs the patient’s consent to share between region and municipality',
  PATIENT_BLOCK: 'the patient has blocked this information',
};

/** `extensions.redactions` of the last result: the fields withheld, and why. */
export function RedactionsPanel({ redactions }: { redactions: Redaction[] | null }) {
  return (
    <aside className="brygga-redactions" aria-labelledby="brygga-redactions-title">
      <h2 id="brygga-redactions-title">
        Redactions{redactions && redactions.length > 0 ? ` (${redactions.length})` : ''}
      </h2>
      {redactions === null ? (
        <p>Run an operation: fields withheld from its result are listed here.</p>
      ) : redactions.length === 0 ? (
        <p>Nothing was withheld from the last result.</p>
      ) : (
        <ul>
          {redactions.map((redaction) => {
            const path = redaction.path.join('.');
            return (
              <li key={path}>
                <dl>
                  <dt>Field</dt>
                  <dd>
                    <code>{path}</code>
                  </dd>
                  <dt>Category</dt>
                  <dd>{redaction.category}</dd>
                  <dt>Reason</dt>
                  <dd>
                    <code>{redaction.reason}</code>: {REASONS[redaction.reason] ?? 'withheld'}
                  </dd>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
