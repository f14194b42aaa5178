import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleRotateSigningKeyDocument,
  ConsoleTokenSigningKeysDocument,
  type TokenSigningKeyState,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';

const STATE: Record<TokenSigningKeyState, string> = {
  PUBLISHED: 'Published, not signing yet',
  SIGNING: 'Signing',
  VERIFYING: 'Verifying only (superseded)',
  RETIRED: 'Retired',
};

/**
 * The token signing keys: each key's state and its times (published, signs from, retires),
 * and a rotation after an explicit confirmation. After a rotation the list is read again,
 * so the new key (published, signing after the publish lead) and the current key's
 * scheduled retirement show beside the times before.
 */
export function KeysPage() {
  const [keys, reload] = useQuery({ query: ConsoleTokenSigningKeysDocument });
  const [state, rotate] = useMutation(ConsoleRotateSigningKeyDocument);
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const list = keys.data?.tokenSigningKeys ?? [];
  const newKey = rotated ? list.find((k) => k.kid === rotated) : undefined;
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">
        Token signing keys <span lang="sv">(signeringsnycklar)</span>
      </h1>
      <p>
        A new key is published at once (<code>/.well-known/jwks.json</code>) and starts signing
        after the publish lead; the key it supersedes stays published until the tokens it signed
        have expired, then retires.
      </p>
      <ErrorNotice error={keys.error ?? state.error ?? null} />
      <RefusalNotice refusal={refusal} />
      {confirming ? (
        <div className="notice notice--warning" role="alertdialog" aria-labelledby="rotate-q">
          <p id="rotate-q">
            Rotate now? A new key is published at once and signs after the publish lead; the signing
            key is retired once its tokens have expired. Sessions are not ended.
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="button"
              disabled={state.fetching}
              onClick={async () => {
                const result = await rotate({});
                setConfirming(false);
                const answer = result.data?.rotateTokenSigningKey;
                if (answer?.__typename === 'IdentityError') setRefusal(answer);
                if (answer?.__typename === 'RotateTokenSigningKeySuccess') {
                  setRotated(answer.keyId);
                  reload();
                }
              }}
            >
              Yes, rotate the signing key
            </button>
            <button type="button" className="button--quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button"
          onClick={() => {
            setRotated(null);
            setRefusal(null);
            setConfirming(true);
          }}
        >
          Rotate the signing key…
        </button>
      )}
      {rotated ? (
        <div className="notice notice--ok" role="status">
          <p>
            New key published: <code data-testid="new-key-id">{rotated}</code>
            {newKey ? <>; it signs from {formatStockholm(newKey.activatesAt)}.</> : '.'}
          </p>
        </div>
      ) : null}
      <table className="plain" data-testid="signing-keys">
        <caption className="visually-hidden">Token signing keys, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Key ID</th>
            <th scope="col">State</th>
            <th scope="col">Published</th>
            <th scope="col">Signs from</th>
            <th scope="col">Retires</th>
          </tr>
        </thead>
        <tbody>
          {list.map((key) => (
            <tr key={key.kid} data-testid="signing-key-row" data-state={key.state}>
              <th scope="row">
                <code>{key.kid}</code> <small>{key.algorithm}</small>
              </th>
              <td>
                {key.state === 'SIGNING' ? <strong>{STATE[key.state]}</strong> : STATE[key.state]}
              </td>
              <td>{formatStockholm(key.publishedAt)}</td>
              <td>{formatStockholm(key.activatesAt)}</td>
              <td>{key.retiresAt ? formatStockholm(key.retiresAt) : 'Not scheduled'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
