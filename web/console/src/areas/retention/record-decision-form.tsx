import { useState } from 'react';
import { useMutation } from 'urql';
import {
  ConsoleRecordRetentionDecisionDocument,
  type RetentionRecordClass,
} from '../../generated/graphql.js';
import { InputField } from '../../ui/field.js';
import { FormFooter } from '../../ui/form-footer.js';
import type { Refusal } from '../../ui/refusal-notice.js';
import { stockholmToday } from '../../ui/time.js';
import { RecordClassField, ReferenceField } from './fields.js';

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
        <RecordClassField value={recordClass} onChange={setRecordClass} />
        <ReferenceField
          value={reference}
          onChange={setReference}
          placeholder="RS 2026-0412, § 14"
        />
        <InputField
          label="Decided on"
          type="date"
          value={decidedOn}
          onChange={(event) => setDecidedOn(event.target.value)}
        />
        <InputField
          label="Decided by"
          value={decidedBy}
          onChange={(event) => setDecidedBy(event.target.value)}
          placeholder="Regionstyrelsen"
          autoComplete="off"
        />
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
