import { useId, useState } from 'react';
import { type CombinedError, useMutation, useQuery } from 'urql';
import {
  ConsoleMappingRuleSetsDocument,
  ConsoleUpdateMappingRuleSetDocument,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField, TextAreaField } from '../../ui/field.js';
import type { Refusal } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';
import { NewRuleSetForm } from './new-rule-set-form.js';
import { RuleProblem } from './rule-problem.js';

/**
 * Editing a mapping rule set: its current definition as JSON, saved as a new version (with
 * the version it was based on, so a concurrent save is refused rather than lost); the API's
 * validation problems are shown beside the definition; the version history below.
 */
export function RuleSetsPage() {
  const [list, reload] = useQuery({ query: ConsoleMappingRuleSetsDocument });
  const [selected, setSelected] = useState('');
  const [text, setText] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<CombinedError | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [state, update] = useMutation(ConsoleUpdateMappingRuleSetDocument);
  const id = useId();
  const ruleSets = list.data?.mappingRuleSets ?? [];
  const ruleSet = ruleSets.find((r) => r.id === selected) ?? ruleSets[0] ?? null;
  const definition = text ?? (ruleSet ? JSON.stringify(ruleSet.current.definition, null, 2) : '');
  return (
    <section aria-labelledby="rule-sets-title">
      <h1 id="rule-sets-title">
        Mapping rule sets <span lang="sv">(mappningsregler)</span>
      </h1>
      <ErrorNotice error={list.error ?? null} />
      {ruleSet ? (
        <form
          className="filters"
          aria-label="Edit the rule set"
          onSubmit={async (event) => {
            event.preventDefault();
            setParseError(null);
            setSaveError(null);
            setRefusal(null);
            setSaved(null);
            let parsed: unknown;
            try {
              parsed = JSON.parse(definition);
            } catch (error) {
              setParseError(`Not JSON: ${(error as Error).message}`);
              return;
            }
            const result = await update({
              id: ruleSet.id,
              definition: parsed as Record<string, unknown>,
              expectedVersion: ruleSet.currentVersion,
              comment: comment.trim() || undefined,
            });
            const answer = result.data?.updateMappingRuleSet;
            if (result.error) setSaveError(result.error);
            else if (answer?.__typename === 'IdentityError') setRefusal(answer);
            else if (answer?.__typename === 'UpdateMappingRuleSetSuccess') {
              setSaved(`Saved as version ${answer.mappingRuleSet.currentVersion}.`);
              setText(null);
              setComment('');
              reload();
            }
          }}
        >
          <div className="filters__row">
            <SelectField
              label="Rule set"
              value={ruleSet.id}
              onChange={(e) => {
                setSelected(e.target.value);
                setText(null);
              }}
            >
              {ruleSets.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </SelectField>
            <p data-testid="rule-set-version">
              Version {ruleSet.currentVersion}, {formatStockholm(ruleSet.updatedAt)}
            </p>
          </div>
          <TextAreaField
            label="Definition (JSON)"
            rows={16}
            value={definition}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            aria-invalid={parseError !== null || saveError !== null || refusal !== null}
            aria-describedby={`${id}-problems`}
          />
          <div id={`${id}-problems`}>
            {parseError ? (
              <div className="notice notice--error" role="alert">
                <p>{parseError}</p>
              </div>
            ) : null}
            <ErrorNotice error={saveError} />
            <RuleProblem refusal={refusal} />
          </div>
          <InputField
            label="What changed (comment)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          {saved ? (
            <div className="notice notice--ok" role="status">
              <p>{saved}</p>
            </div>
          ) : null}
          <div className="filters__actions">
            <button type="submit" className="button" disabled={state.fetching}>
              Save as a new version
            </button>
          </div>
        </form>
      ) : null}
      {ruleSet ? (
        <>
          <h2>Version history</h2>
          <table className="plain" data-testid="rule-set-versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Saved</th>
                <th scope="col">By</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {[...ruleSet.versions]
                .sort((a, b) => b.version - a.version)
                .map((version) => (
                  <tr key={version.version}>
                    <td>{version.version}</td>
                    <td>{formatStockholm(version.createdAt)}</td>
                    <td>{version.createdBy}</td>
                    <td>{version.comment || '–'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ) : null}
      <NewRuleSetForm
        onCreated={(created) => {
          setSelected(created);
          setText(null);
          reload();
        }}
      />
    </section>
  );
}
