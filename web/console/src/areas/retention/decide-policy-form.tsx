import { useState } from 'react';
import { useMutation } from 'urql';
import {
  ConsoleDecideRetentionPolicyDocument,
  type ConsoleRetentionDecisionFragment,
  type RetentionRecordClass,
} from '../../generated/graphql.js';
import { InputField, SelectField, TextAreaField } from '../../ui/field.js';
import { FormFooter } from '../../ui/form-footer.js';
import type { Refusal } from '../../ui/refusal-notice.js';
import { RecordClassField } from './fields.js';
import { CLASS_LABELS, period } from './labels.js';

/** Whole numbers typed in a field, or null when something else was typed. */
function wholeNumbers(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.every((part) => /^\d+$/.test(part)) ? parts.map(Number) : null;
}

/**
 * Decides the policy for a class of the owner's organisation (how long its records are
 * kept), linked to one of the owner's recorded decisions (gallringsbeslut) for that class.
 * The law's minimums and the rest of the rules are the API's (RETENTION_BELOW_LEGAL_MINIMUM,
 * INVALID_BIRTH_DAYS, DECISION_NOT_FOUND, …); only what is not a number is caught here.
 */
export function DecidePolicyForm({
  decisions,
  onDecided,
}: {
  decisions: readonly ConsoleRetentionDecisionFragment[];
  onDecided: () => void;
}) {
  const [recordClass, setRecordClass] = useState<RetentionRecordClass>('CASE');
  const [months, setMonths] = useState('');
  const [days, setDays] = useState('0');
  const [birthDays, setBirthDays] = useState('');
  const [decision, setDecision] = useState('');
  const [decisionId, setDecisionId] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [decided, setDecided] = useState<string | null>(null);
  const [state, decide] = useMutation(ConsoleDecideRetentionPolicyDocument);
  const ofClass = decisions.filter((d) => d.recordClass === recordClass);
  // The newest of the class unless the owner picks another (the list is newest first).
  const linked = ofClass.find((d) => d.id === decisionId) ?? ofClass[0] ?? null;
  return (
    <form
      className="filters"
      aria-label="Decide a retention policy"
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        setDecided(null);
        const retainMonths = wholeNumbers(months);
        const retainDays = wholeNumbers(days);
        const keepBirthDays = wholeNumbers(birthDays);
        if (retainMonths?.length !== 1 || retainDays?.length !== 1 || keepBirthDays === null) {
          setRefusal({
            code: 'NOT_A_NUMBER',
            message: 'Months and days are whole numbers; research days a list such as 5, 15, 25.',
          });
          return;
        }
        const result = await decide({
          input: {
            recordClass,
            retainMonths: retainMonths[0]!,
            retainDays: retainDays[0]!,
            keepBirthDays,
            decision,
            decisionId: linked?.id,
          },
        });
        const answer = result.data?.decideRetentionPolicy;
        if (answer?.__typename === 'RetentionError') setRefusal(answer);
        else if (answer?.__typename === 'DecideRetentionPolicySuccess') {
          const policy = answer.data;
          setDecided(
            `${CLASS_LABELS[policy.recordClass]}: kept ${period(policy.retainMonths, policy.retainDays)}` +
              (policy.retentionDecision ? `, under ${policy.retentionDecision.reference}.` : '.'),
          );
          onDecided();
        }
      }}
    >
      <h2>
        Decide a policy <span lang="sv">(tillämpa beslutet)</span>
      </h2>
      <div className="filters__row">
        <RecordClassField
          value={recordClass}
          onChange={(chosen) => {
            setRecordClass(chosen);
            setDecisionId('');
          }}
        />
        <InputField
          label="Kept for (months)"
          inputMode="numeric"
          value={months}
          onChange={(event) => setMonths(event.target.value)}
          autoComplete="off"
        />
        <InputField
          label="and days"
          inputMode="numeric"
          value={days}
          onChange={(event) => setDays(event.target.value)}
          autoComplete="off"
        />
        {recordClass === 'CASE' ? (
          <InputField
            label="Kept for research: days of birth"
            value={birthDays}
            onChange={(event) => setBirthDays(event.target.value)}
            placeholder="5, 15, 25"
            autoComplete="off"
          />
        ) : null}
      </div>
      {ofClass.length === 0 ? (
        <p className="hint" data-testid="no-decision-for-class">
          No decision recorded for these records yet: record it above first.
        </p>
      ) : (
        <SelectField
          label="Under decision"
          value={linked?.id ?? ''}
          onChange={(event) => setDecisionId(event.target.value)}
        >
          {ofClass.map((d) => (
            <option key={d.id} value={d.id}>
              {d.reference} ({d.decidedOn}, {d.decidedBy})
            </option>
          ))}
        </SelectField>
      )}
      <TextAreaField
        label="What the decision says"
        value={decision}
        onChange={(event) => setDecision(event.target.value)}
        rows={2}
      />
      <FormFooter
        refusal={refusal}
        error={state.error}
        done={decided}
        submitting={state.fetching}
        submitLabel="Decide policy"
      />
    </form>
  );
}
