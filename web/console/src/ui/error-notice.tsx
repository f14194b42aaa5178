import type { CombinedError } from 'urql';

/** The stable error code the API answered, if any (docs/error-codes.md). */
export function errorCode(error: CombinedError | null | undefined): string | null {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? code : null;
}

/** An API error as the person should read it: the API's message and its stable code. */
export function ErrorNotice({ error }: { error: CombinedError | null }) {
  if (!error) return null;
  const code = errorCode(error);
  const message =
    error.graphQLErrors[0]?.message ??
    (error.networkError ? 'The server could not be reached. Try again.' : error.message);
  return (
    <div className="notice notice--error" role="alert">
      <p>
        {code ? (
          <>
            <code data-testid="error-code">{code}</code>:{' '}
          </>
        ) : null}
        {message}
      </p>
    </div>
  );
}
