/** A refusal the API answered as a result type (InvoicingError, RetentionError, IdentityError, …): its stable code and message. */
export interface Refusal {
  code: string;
  field?: string | null;
  message: string;
}

export function RefusalNotice({ refusal }: { refusal: Refusal | null }) {
  if (!refusal) return null;
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <code data-testid="refusal-code">{refusal.code}</code>: {refusal.message}
        {refusal.field ? ` (${refusal.field})` : ''}
      </p>
    </div>
  );
}
