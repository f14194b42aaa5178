import { useId, useState } from 'react';
import { useMutation } from 'urql';
import {
  ConsoleRecordRetentionDecisionDocument,
  type RetentionRecordClass,
} from '../../generated/graphql.js';
import { FormFooter } from '../../ui/form-footer.js';
import type { Refusal } from '../../ui/refusal-notice.js';
import { stockholmToday } from '../../ui/time.js';
import { CLASS_LABELS, OWNER_CLASSES } from './labels.js';

/**
 * Records a retention decision (gallringsbeslut) taken outside Brygga: its reference
 * (diarienummer, § in the minutes), its date and who decided. The API checks each value
 * (REFERENCE_REQUIRED, INVALID_DATE, ARCHIVE_NOT_SUPPORTED) and its refusal is shown here.
 */
export function RecordDecisionForm({ onRecorded }: { onRecorded: () => void }) {
  const [recordClass, setRecordClass] = useState<RetentionRecordClass>('CASE');
  const [reference, setReference] = useState('');
  const [decidedOn, setDecidedOn] = useState(stockholmToday());
  const [decidedBy, setDecidedBy] = useState('');
  const [archive, setArchive] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [state, record] = useMutation(ConsoleRecordRetentionDecisionDocument);
  const id = useId();
  return (
    <form
      className="filters"
      aria-label="Record a retention decision"
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        setRecorded(null);
        const result = await record({
          input: {
            recordClass,
            reference,
            decidedOn,
            decidedBy,
            archiveBeforePurge: recordClass === 'CASE' && archive,
          },
        });
        const answer = result.data?.recordRetentionDecision;
        if (answer?.__typename === 'RetentionError') setRefusal(answer);
        else if (answer?.__typename === 'RecordRetentionDecisionSuccess') {
          setRecorded(`Decision ${answer.data.reference} recorded.`);
          setReference('');
          setDecidedBy('');
          onRecorded();
        }
      }}
    >
      <h2>
        Record a decision <span lang="sv">(gallringsbeslut)</span>
      </h2>
      <div className="filters__row">
        <div className="field">
          <label htmlFor={`${id}-class`}>Records</label>
          <select
            id={`${id}-class`}
            value={recordClass}
            onChange={(event) => setRecordClass(event.target.value as RetentionRecordClass)}
          >
            {OWNER_CLASSES.map((c) => (
              <option key={c} value={c}>
                {CLASS_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-reference`}>
            Reference <span lang="sv">(diarienummer)</span>
          </label>
          <input
            id={`${id}-reference`}
            value={reference}
            onChange={(event) => setReference(event.target.value)}
            placeholder="RS 2026-0412, § 14"
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-date`}>Decided on</label>
          <input
            id={`${id}-date`}
            type="date"
            value={decidedOn}
            onChange={(event) => setDecidedOn(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-by`}>Decided by</label>
          <input
            id={`${id}-by`}
            value={decidedBy}
            onChange={(event) => setDecidedBy(event.target.value)}
            placeholder="Regionstyrelsen"
            autoComplete="off"
          />
        </div>
      </div>
      {recordClass === 'CASE' ? (
        <label className="check">
          <input
            type="checkbox"
            checked={archive}
            onChange={(event) => setArchive(event.target.checked)}
          />{' '}
          Hand cases over to the e-archive before they are purged
        </label>
      ) : null}
      <FormFooter
        refusal={refusal}
        error={state.error}
        done={recorded}
        submitting={state.fetching}
        submitLabel="Record decision"
      />
    </form>
  );
}
