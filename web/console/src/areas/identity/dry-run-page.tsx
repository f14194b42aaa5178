import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import {
  ConsoleIdentityProvidersDocument,
  ConsoleMappingDryRunDocument,
  type ConsoleMappingDryRunQuery,
  type SamlAttributeInput,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField, TextAreaField } from '../../ui/field.js';

/**
 * Pasted attributes, one per line as `name = value` (a repeated name is a multi-valued
 * attribute), as the API's SamlAttributeInput list. Blank lines are skipped.
 */
export function parseAttributes(text: string): SamlAttributeInput[] {
  const byName = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.indexOf('=');
    const name = (at < 0 ? line : line.slice(0, at)).trim();
    const value = at < 0 ? '' : line.slice(at + 1).trim();
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  return [...byName].map(([name, values]) => ({ name, values }));
}

/**
 * A dry run of a mapping rule set against attributes pasted or read from a file: which rule
 * matched and why, what roles it gives, and why a login would get no access.
 */
export function DryRunPage() {
  const [list] = useQuery({ query: ConsoleIdentityProvidersDocument });
  const [ruleSetId, setRuleSetId] = useState('');
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<ConsoleMappingDryRunQuery['mappingDryRun'] | null>(null);
  const [error, setError] = useState<import('urql').CombinedError | null>(null);
  const client = useClient();
  const ruleSets = list.data?.mappingRuleSets ?? [];
  const chosen = ruleSetId || ruleSets[0]?.id || '';
  return (
    <section aria-labelledby="dry-run-title">
      <h1 id="dry-run-title">
        Mapping rules: dry run <span lang="sv">(provkörning)</span>
      </h1>
      <form
        className="filters"
        aria-label="Dry-run a rule set"
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await client
            .query(ConsoleMappingDryRunDocument, {
              ruleSetId: chosen,
              attributes: parseAttributes(text),
            })
            .toPromise();
          setError(result.error ?? null);
          setAnswer(result.data?.mappingDryRun ?? null);
        }}
      >
        <SelectField label="Rule set" value={chosen} onChange={(e) => setRuleSetId(e.target.value)}>
          {ruleSets.map((ruleSet) => (
            <option key={ruleSet.id} value={ruleSet.id}>
              {ruleSet.name} (version {ruleSet.currentVersion})
            </option>
          ))}
        </SelectField>
        <InputField
          label="Attributes file"
          type="file"
          accept=".txt,text/plain"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setText(await file.text());
          }}
        />
        <TextAreaField
          label="Attributes, one per line: name = value"
          rows={8}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
        <div className="filters__actions">
          <button type="submit" className="button" disabled={chosen === ''}>
            Dry run
          </button>
        </div>
      </form>
      <ErrorNotice error={error ?? list.error ?? null} />
      {answer ? (
        <div data-testid="dry-run-result">
          {answer.grantsAccess ? (
            <div className="notice notice--ok" role="status">
              <p>
                {answer.name} would get access: {answer.roles.join(', ')} (rule set version{' '}
                {answer.ruleSetVersion}).
              </p>
            </div>
          ) : (
            <div className="notice notice--error" role="status">
              <p>{answer.name || 'This login'} would get no access:</p>
              <ul data-testid="denial-reasons">
                {answer.denialReasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </div>
          )}
          <table className="plain" data-testid="rule-outcomes">
            <caption>Each rule, and why it matched or not</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Attribute</th>
                <th scope="col">Matched</th>
                <th scope="col">Roles</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {answer.rules.map((rule) => (
                <tr key={rule.name}>
                  <th scope="row">{rule.name}</th>
                  <td>
                    <code>{rule.attribute}</code>
                  </td>
                  <td>{rule.matched ? 'Yes' : 'No'}</td>
                  <td>{rule.roles.join(', ') || '–'}</td>
                  <td>{rule.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {answer.refusedCommissions.length > 0 ? (
            <>
              <h2>Commissions refused</h2>
              <ul>
                {answer.refusedCommissions.map((refused) => (
                  <li key={`${refused.commission.hsaId}-${refused.reason}`}>
                    {refused.commission.name ?? refused.commission.hsaId}: {refused.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
