import { useState } from 'react';
import { useMutation } from 'urql';
import { ConsoleSetRetentionModeDocument, type RetentionMode } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { MODE_LABELS } from './labels.js';

const MODES = Object.keys(MODE_LABELS) as RetentionMode[];

/**
 * The owner chooses how their organisation's due records are purged: by the nightly run,
 * or only as far as they approve each proposal (a dry run) on the purge-records page.
 */
export function PurgeModeForm({
  organization,
  mode,
  onChanged,
}: {
  organization: { id: string; name: string };
  mode: RetentionMode;
  onChanged: () => void;
}) {
  const [chosen, setChosen] = useState<RetentionMode>(mode);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, setMode] = useMutation(ConsoleSetRetentionModeDocument);
  return (
    <form
      className="filters"
      aria-label="Choose the purge mode"
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        const result = await setMode({
          input: { organizationId: organization.id, mode: chosen },
        });
        const answer = result.data?.setRetentionMode;
        if (answer?.__typename === 'RetentionError') setRefusal(answer);
        else if (answer) onChanged();
      }}
    >
      <fieldset>
        <legend>How {organization.name}’s due records are purged</legend>
        {MODES.map((value) => (
          <label key={value} className="check check--block">
            <input
              type="radio"
              name="purge-mode"
              value={value}
              checked={chosen === value}
              onChange={() => setChosen(value)}
            />{' '}
            {MODE_LABELS[value]}
          </label>
        ))}
      </fieldset>
      <RefusalNotice refusal={refusal} />
      <ErrorNotice error={state.error ?? null} />
      <div className="filters__actions">
        <button type="submit" className="button" disabled={state.fetching || chosen === mode}>
          Save purge mode
        </button>
      </div>
    </form>
  );
}
