import { useId, useState } from 'react';
import { type CombinedError, useMutation } from 'urql';
import { ConsoleCreateMappingRuleSetDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, TextAreaField } from '../../ui/field.js';
import type { Refusal } from '../../ui/refusal-notice.js';
import { RuleProblem } from './rule-problem.js';

/** Where a new rule set starts: no role rules yet, commissions read the Inera way. */
const STARTING_DEFINITION = JSON.stringify(
  { roleRules: [], commissions: { profile: 'INERA' } },
  null,
  2,
);

/** Whether the API's refusal is about the name: it names the field, or the name is taken. */
const aboutName = (refusal: Refusal) =>
  refusal.field === 'name' || refusal.code === 'ALREADY_EXISTS';

/**
 * A new mapping rule set: a name and a definition (JSON), stored by the API as version 1.
 * The API's refusal (a taken or blank name, an invalid rule with its field) is shown beside
 * the input it is about, and nothing is stored; on success the editor opens the new set.
 */
export function NewRuleSetForm({ onCreated }: { onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [definition, setDefinition] = useState(STARTING_DEFINITION);
  const [comment, setComment] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [state, create] = useMutation(ConsoleCreateMappingRuleSetDocument);
  const id = useId();
  const nameRefused = refusal !== null && aboutName(refusal);
  const definitionRefused = parseError !== null || (refusal !== null && !nameRefused);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New rule set</h2>
      <form
        className="filters"
        aria-label="Create a rule set"
        onSubmit={async (event) => {
          event.preventDefault();
          setParseError(null);
          setError(null);
          setRefusal(null);
          setCreated(null);
          let parsed: unknown;
          try {
            parsed = JSON.parse(definition);
          } catch (problem) {
            setParseError(`Not JSON: ${(problem as Error).message}`);
            return;
          }
          const result = await create({
            name,
            definition: parsed as Record<string, unknown>,
            comment: comment.trim() || undefined,
          });
          const answer = result.data?.createMappingRuleSet;
          if (result.error) setError(result.error);
          else if (answer?.__typename === 'IdentityError') setRefusal(answer);
          else if (answer?.__typename === 'CreateMappingRuleSetSuccess') {
            const set = answer.mappingRuleSet;
            setCreated(`Created ${set.name} (version ${set.currentVersion}).`);
            setName('');
            setDefinition(STARTING_DEFINITION);
            setComment('');
            onCreated(set.id);
          }
        }}
      >
        <InputField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameRefused ? <RuleProblem refusal={refusal} /> : null}
        />
        <TextAreaField
          label="New definition (JSON)"
          rows={8}
          value={definition}
          onChange={(e) => setDefinition(e.target.value)}
          spellCheck={false}
          error={
            parseError ? (
              <div className="notice notice--error" role="alert">
                <p>{parseError}</p>
              </div>
            ) : definitionRefused ? (
              <RuleProblem refusal={refusal} />
            ) : null
          }
        />
        <ErrorNotice error={error} />
        <InputField
          label="Why (comment)"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        {created ? (
          <div className="notice notice--ok" role="status">
            <p>{created}</p>
          </div>
        ) : null}
        <div className="filters__actions">
          <button type="submit" className="button" disabled={state.fetching}>
            Create the rule set
          </button>
        </div>
      </form>
    </section>
  );
}
