import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleIdentityProvidersDocument,
  ConsoleImportIdpMetadataDocument,
  ConsoleSetIdpEnabledDocument,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField, TextAreaField } from '../../ui/field.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';

const DAY = 24 * 60 * 60 * 1000;

/** "expires in 12 days" / "expired": how soon a certificate's validity ends. */
function expiry(validTo: string): string {
  const days = Math.floor((new Date(validTo).getTime() - Date.now()) / DAY);
  if (days < 0) return 'expired';
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

/**
 * The identity providers (IdP): each with its state, certificates and their expiry, and when
 * its metadata was refreshed and is valid until; enable or disable one; import metadata from
 * a URL, a file or pasted XML, for a new IdP or an existing one (certificate rollover).
 */
export function ProvidersPage() {
  const [result, reload] = useQuery({ query: ConsoleIdentityProvidersDocument });
  const [toggle, setEnabled] = useMutation(ConsoleSetIdpEnabledDocument);
  const [toggleRefusal, setToggleRefusal] = useState<Refusal | null>(null);
  return (
    <section aria-labelledby="idps-title">
      <h1 id="idps-title">
        Identity providers <span lang="sv">(identitetsutfärdare)</span>
      </h1>
      <ErrorNotice error={result.error ?? toggle.error ?? null} />
      <RefusalNotice refusal={toggleRefusal} />
      {result.data ? (
        <table className="plain" data-testid="idps-table">
          <caption className="visually-hidden">Identity providers</caption>
          <thead>
            <tr>
              <th scope="col">IdP</th>
              <th scope="col">State</th>
              <th scope="col">Signing certificates</th>
              <th scope="col">Metadata</th>
              <th scope="col">
                <span className="visually-hidden">Enable or disable</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {result.data.identityProviders.map((idp) => (
              <tr key={idp.id} data-testid="idp-row">
                <th scope="row">
                  {idp.displayName}
                  <br />
                  <code>{idp.slug}</code> <small>{idp.entityId}</small>
                </th>
                <td>{idp.enabled ? 'Enabled' : <strong>Disabled</strong>}</td>
                <td>
                  <ul className="flags">
                    {idp.signingCertificates.map((cert) => (
                      <li key={cert.sha256Fingerprint} title={cert.sha256Fingerprint}>
                        {cert.subject}: until {formatStockholm(cert.validTo).slice(0, 10)} (
                        {expiry(cert.validTo)})
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {idp.metadataUrl ? (
                    <>
                      From <code>{idp.metadataUrl}</code>, refreshed{' '}
                      {idp.metadataRefreshedAt ? formatStockholm(idp.metadataRefreshedAt) : 'never'}
                      {idp.nextMetadataRefreshAt ? (
                        <>
                          ;{' '}
                          <span data-testid="next-refresh">
                            next refresh {formatStockholm(idp.nextMetadataRefreshAt)}
                          </span>
                        </>
                      ) : (
                        '; not refreshed while disabled'
                      )}
                      {idp.metadataValidUntil
                        ? `; valid until ${formatStockholm(idp.metadataValidUntil)}`
                        : ''}
                    </>
                  ) : (
                    'Imported from a file (no refresh)'
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="button--small"
                    disabled={toggle.fetching}
                    onClick={async () => {
                      const answer = (
                        await setEnabled({ slug: idp.slug, patch: { enabled: !idp.enabled } })
                      ).data?.updateIdentityProvider;
                      setToggleRefusal(answer?.__typename === 'IdentityError' ? answer : null);
                      reload();
                    }}
                  >
                    {idp.enabled ? `Disable ${idp.displayName}` : `Enable ${idp.displayName}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ImportForm
        ruleSets={result.data?.mappingRuleSets ?? []}
        providers={result.data?.identityProviders.map((idp) => idp.slug) ?? []}
        onImported={() => reload()}
      />
    </section>
  );
}

function ImportForm({
  ruleSets,
  providers,
  onImported,
}: {
  ruleSets: readonly { id: string; name: string }[];
  providers: readonly string[];
  onImported: () => void;
}) {
  const [source, setSource] = useState<'xml' | 'url'>('xml');
  const [xml, setXml] = useState('');
  const [url, setUrl] = useState('');
  const [target, setTarget] = useState('');
  const [slug, setSlug] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [ruleSetId, setRuleSetId] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, importMetadata] = useMutation(ConsoleImportIdpMetadataDocument);
  const chosenRuleSet = ruleSetId || ruleSets[0]?.id || '';
  return (
    <form
      className="filters"
      aria-label="Import IdP metadata"
      onSubmit={async (event) => {
        event.preventDefault();
        setDone(null);
        setRefusal(null);
        const result = await importMetadata({
          xml: source === 'xml' ? xml : undefined,
          url: source === 'url' ? url : undefined,
          slug: target || undefined,
          newProvider: target ? undefined : { slug, displayName, ruleSetId: chosenRuleSet },
        });
        const answer = result.data?.importIdentityProviderMetadata;
        if (answer?.__typename === 'IdentityError') setRefusal(answer);
        else if (answer?.__typename === 'ImportIdentityProviderMetadataSuccess') {
          setDone(`Imported: ${answer.identityProvider.displayName}.`);
          onImported();
        }
      }}
    >
      <h2>Import metadata</h2>
      <div className="filters__row">
        <SelectField label="For" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">A new IdP</option>
          {providers.map((provider) => (
            <option key={provider} value={provider}>
              {provider} (replace endpoints and certificates)
            </option>
          ))}
        </SelectField>
        {target ? null : (
          <>
            <InputField
              label="Short name (slug)"
              value={slug}
              onChange={(e) => setSlug(e.target.value)}
            />
            <InputField
              label="Display name"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
            <SelectField
              label="Mapping rule set"
              value={chosenRuleSet}
              onChange={(e) => setRuleSetId(e.target.value)}
            >
              {ruleSets.map((ruleSet) => (
                <option key={ruleSet.id} value={ruleSet.id}>
                  {ruleSet.name}
                </option>
              ))}
            </SelectField>
          </>
        )}
        <SelectField
          label="Metadata from"
          value={source}
          onChange={(e) => setSource(e.target.value as 'xml' | 'url')}
        >
          <option value="xml">A file or pasted XML</option>
          <option value="url">An https URL (refreshed)</option>
        </SelectField>
      </div>
      {source === 'url' ? (
        <InputField label="Metadata URL" value={url} onChange={(e) => setUrl(e.target.value)} />
      ) : (
        <>
          <InputField
            label="Metadata file"
            type="file"
            accept=".xml,application/xml,application/samlmetadata+xml"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) setXml(await file.text());
            }}
          />
          <TextAreaField
            label="Metadata XML"
            rows={5}
            value={xml}
            onChange={(e) => setXml(e.target.value)}
            spellCheck={false}
          />
        </>
      )}
      <ErrorNotice error={state.error ?? null} />
      <RefusalNotice refusal={refusal} />
      {done ? (
        <div className="notice notice--ok" role="status">
          <p>{done}</p>
        </div>
      ) : null}
      <div className="filters__actions">
        <button type="submit" className="button" disabled={state.fetching}>
          Import metadata
        </button>
      </div>
    </form>
  );
}
